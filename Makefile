# Newsdesk: `make run` and `make test` are the two commands a newcomer needs.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck format check audit quality bench soak clean browser screenshots

# Fall back to python3 where python3.11 is not on PATH under that name.
$(VENV)/bin/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11+ is needed (looked for $(PYTHON))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e '.[test,bench]'
	@touch $(STAMP)

## run: install, load seeds/, start the bot (offline sandbox when DISCORD_TOKEN is unset)
run: $(STAMP)
	$(PY) -m bot run --seeds seeds

## test: install test extras, type-check (mypy), run the whole suite (browser tests included)
test: $(STAMP) typecheck browser
	$(PY) -m pytest -n 2 -q

## browser: Debian's chromium for the browser tests (Playwright drives it; it never downloads one)
browser:
	@command -v chromium >/dev/null 2>&1 || (apt-get update && apt-get install -y chromium)

## screenshots: the web's main pages, light and dark, desktop and phone, into docs/screenshots/
screenshots: $(STAMP) browser
	$(PY) -m tests.bot.web.screenshots docs/screenshots

## lint: ruff format check + ruff check + mypy
lint: $(STAMP) typecheck
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

## typecheck: mypy --strict on the store, the models, the stories and the web (pyproject.toml)
typecheck: $(STAMP)
	$(PY) -m mypy

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## audit: known vulnerabilities in the installed dependencies (needs its vulnerability service;
## --strict fails rather than reporting "no known vulnerabilities" for packages it could not check)
audit: $(STAMP)
	$(PY) -m pip install --quiet -e '.[audit]'
	$(VENV)/bin/pip-audit --progress-spinner off --strict --skip-editable

## check: lint, the test suite and the dependency audit
check: lint test audit

## quality: summary, entity, quote-attribution and story quality on ../shared/data (ROUGE, CoNLL F1, speakers, what's new, disagreements) vs baselines
quality: $(STAMP)
	$(PY) -m bench.quality

## bench: speed figures as ratios to raw baselines (FULL=1 for the large sizes)
bench: $(STAMP)
	$(PY) -m bench $(if $(FULL),--full,)

## soak: a hostile day, measured: the bot on the emulator with a 100k-article analysed archive,
## 40 readers then 5 hostile users, a huge-article feed and Discord faults (MINUTES=5 of load)
soak: $(STAMP)
	$(PY) -m bench.soak $(if $(MINUTES),--minutes $(MINUTES),)

clean:
	rm -rf $(VENV) data/newsdesk.db* .pytest_cache .ruff_cache .mypy_cache
