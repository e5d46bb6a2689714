"""The layout's rules, checked on the source: the core imports no discord.py, only the store talks
to a database and only its search index (bot/store/index/) imports tantivy, the store builds on
the domain's plain data alone, cogs and the web hold no SQL, the web imports none of Discord's
side of the bot (of bot/render only what needs no discord) and only the CLI imports the web,
`cogs/` holds only cogs (each module an extension with `setup`), no import runs up and no files
import each other in a circle, every task starts in bot/tasks.py, no project import hides
behind `except ImportError`, nothing outside the store names one of its backends, every
package the code imports or loads is declared in pyproject.toml, which articles are one story
is decided in bot/stories/ alone, the story comparisons are pure functions of plain data, feed
post templates are never handed to `str.format` or an evaluator, and the mute list knows
nothing of the feeds, digests and follows that apply it."""

from __future__ import annotations

import ast
import importlib.metadata
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DISCORD_HOMES = ("bot/client/", "bot/render/", "bot/sandbox/")
DRIVERS = {"aiosqlite", "asyncpg", "sqlite3"}
SQL = re.compile(r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b", re.S)


def modules(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def imported(path: Path, depth: int = 1) -> set[str]:
    """Module names a module imports (their first `depth` parts), lazily inside functions too."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(".".join(alias.name.split(".")[:depth]) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(".".join(node.module.split(".")[:depth]))
    return names


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_the_core_imports_no_discord() -> None:
    offenders = [
        relative(path)
        for path in modules("bot")
        if not relative(path).startswith(DISCORD_HOMES) and "discord" in imported(path)
    ]
    assert offenders == []


@pytest.mark.parametrize("folder", ["bot", "cogs"])
def test_only_the_search_index_imports_tantivy(folder: str) -> None:
    """The search index is part of the store (bot/store/index/): nothing else builds or reads
    tantivy queries, so every search goes through `Store.search_articles`."""
    offenders = [
        relative(path)
        for path in modules(folder)
        if not relative(path).startswith("bot/store/index/") and "tantivy" in imported(path)
    ]
    assert offenders == []


@pytest.mark.parametrize("folder", ["bot", "cogs"])
def test_only_the_store_talks_to_a_database(folder: str) -> None:
    offenders = [
        relative(path)
        for path in modules(folder)
        if not relative(path).startswith("bot/store/") and imported(path) & DRIVERS
    ]
    assert offenders == []


@pytest.mark.parametrize(
    ("folder", "allowed"),
    [
        # Data flows ingest -> store -> (search | nlp | digest | feeds): the store knows the
        # domain's plain data, not the layers that use it.
        # bot.work counts the database thread's CPU time for the command that asked.
        ("bot/store", {"bot.store", "bot.models", "bot.errors", "bot.clock", "bot.work"}),
        ("bot/models", {"bot.models", "bot.errors"}),
        # The story rule sits on the store: ingest, feeds and digests build on it, not under.
        ("bot/stories", {"bot.stories", "bot.store", "bot.models", "bot.errors", "bot.clock"}),
        # Worker processes (the NLP model's, the charts') build on nothing of the project, so
        # a worker imports only what its own jobs need.
        ("bot/workers", {"bot.workers"}),
    ],
)
def test_lower_layers_import_nothing_above_them(folder: str, allowed: set[str]) -> None:
    offenders = {
        relative(path): sorted(found)
        for path in modules(folder)
        if (found := {n for n in imported(path, depth=2) if n.startswith("bot.")} - allowed)
    }
    assert offenders == {}


@pytest.mark.parametrize(
    ("module", "allowed"),
    # What a command spent (bot/work.py) and what it may spend (bot/budget.py) are read from
    # every layer, the store's included: they build on nothing of the project.
    [("bot/work.py", set()), ("bot/budget.py", {"bot.errors"})],
)
def test_the_work_meter_and_the_budgets_are_leaves(module: str, allowed: set[str]) -> None:
    found = {n for n in imported(ROOT / module, depth=2) if n.startswith("bot.")} - allowed
    assert found == set()


# What the chart renderer's process imports to draw: the theme, the drawing modules, the data.
CHART_DRAWING = [
    "bot/insights/charts.py",
    "bot/insights/trend_chart.py",
    "bot/insights/network_chart.py",
]


@pytest.mark.parametrize("module", CHART_DRAWING)
def test_the_chart_renderer_stays_small(module: str) -> None:
    """Charts are drawn in a process of their own (bot/insights/charts.py); the modules it
    imports to draw import neither the NLP model (bot.nlp loads spaCy) nor the store."""
    found = {
        name
        for name in imported(ROOT / module, depth=3)
        if name.startswith("bot.")
        and name not in ("bot.insights", "bot.insights.charts")  # the theme
        and not name.startswith(("bot.models", "bot.workers"))
    }
    assert found == set()


# The one story rule's internals: what an article is matched against, and the rule itself.
STORY_RULE = {"bot.stories.fingerprint", "bot.stories.rule"}


@pytest.mark.parametrize("folder", ["bot", "cogs"])
def test_one_story_rule(folder: str) -> None:
    """Which articles are one story is decided in bot/stories/ alone: everyone else reads
    stories from the store or bot.stories, and no second clustering library comes back."""
    offenders = {
        relative(path): sorted(found)
        for path in modules(folder)
        if not relative(path).startswith("bot/stories/")
        and (found := (imported(path, depth=3) & STORY_RULE) | (imported(path) & {"datasketch"}))
    }
    assert offenders == {}


@pytest.mark.parametrize("folder", ["cogs", "bot/web"])
def test_cogs_and_the_web_hold_no_sql(folder: str) -> None:
    offenders = []
    for path in modules(folder):
        for node in ast.walk(ast.parse(path.read_text())):
            text = node.value if isinstance(node, ast.Constant) else None
            if isinstance(text, str) and SQL.search(text):
                offenders.append(f"{relative(path)}:{node.lineno}")
    assert offenders == []


# The store's own tests and the benchmarks of its internals may reach into a backend.
BACKEND_USERS = ("bot/store/", "tests/bot/store/", "bench/")
BACKEND_MODULES = ("bot.store.sqlite", "bot.store.postgres")
BACKEND_CLASSES = {"SqliteStore", "PostgresStore"}


def backend_names(path: Path) -> set[str]:
    """The backend modules a module imports (`from bot.store import sqlite` too) and the
    backend classes it names."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        else:
            modules = []
        found.update(m for m in modules if m.startswith(BACKEND_MODULES))
        if isinstance(node, ast.Name | ast.Attribute | ast.alias):
            name = node.id if isinstance(node, ast.Name) else getattr(node, "attr", None)
            name = node.name if isinstance(node, ast.alias) else name
            if name in BACKEND_CLASSES:
                found.add(name)
    return found


def test_only_the_store_names_a_backend() -> None:
    """Everything else opens a store with `open_store` and sees the `Store` interface."""
    offenders = {
        relative(path): sorted(found)
        for folder in ("bot", "cogs", "tests")
        for path in modules(folder)
        if not relative(path).startswith(BACKEND_USERS) and (found := backend_names(path))
    }
    assert offenders == {}


@pytest.mark.parametrize(
    ("folders", "forbidden"),
    [
        # The command line sits on top: nothing else in the package imports it.
        (["bot/client", "bot/render", "bot/sandbox", "bot/store", "bot/nlp"], {"bot.cli"}),
        # The sandbox emulates Discord for the bot; it never imports the bot it is used to test.
        (["bot/sandbox"], {"bot.client", "bot.render", "bot.store"}),
        # Below the client, nothing knows the client.
        (
            ["bot/render", "bot/digest", "bot/feeds", "bot/nlp", "bot/search", "bot/backup"],
            {"bot.client"},
        ),
        # The mute list sits on search and the entity index; feeds, digests and follows apply
        # it, so it knows none of them (nor what renders or posts).
        (
            ["bot/mutes"],
            {"bot.feeds", "bot.digest", "bot.insights", "bot.client", "bot.render", "bot.cli"},
        ),
        # Digests sit beside insights: the pairs rising in a digest's period come from
        # insights through whoever builds the composer (cogs), so the digest never imports it.
        (["bot/digest"], {"bot.insights"}),
        # The web sits beside cogs and the CLI: it calls the core, never Discord's side of the
        # bot (client, sandbox) nor the commands beside it; of bot/render, only the parts that
        # need no Discord library (test_the_web_draws_posts_without_discord).
        (["bot/web"], {"bot.client", "bot.sandbox", "bot.cli", "cogs"}),
    ],
)
def test_no_import_runs_up(folders: list[str], forbidden: set[str]) -> None:
    offenders = {
        relative(path): sorted(found)
        for folder in folders
        for path in modules(folder)
        if (found := imported(path, depth=2) & forbidden)
    }
    assert offenders == {}


def render_modules(path: Path) -> set[Path]:
    """The files of bot/render a module imports (`from bot.render import text` names
    bot/render/text.py), and those they import, all the way down."""
    found: set[Path] = set()
    waiting = [path]
    while waiting:
        for node in ast.walk(ast.parse(waiting.pop().read_text())):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            for name in names:
                if name != "bot.render" and not name.startswith("bot.render."):
                    continue
                parts = ROOT.joinpath(*name.split("."))
                file = parts.with_suffix(".py") if parts.with_suffix(".py").exists() else None
                file = file or (parts / "__init__.py" if parts.is_dir() else None)
                if file is not None and file not in found:
                    found.add(file)
                    waiting.append(file)
    return found


def test_the_web_draws_posts_without_discord() -> None:
    """The web previews feed posts with bot/render's own card (the same as the posts), and
    takes from bot/render only modules that, all the way down, import no discord."""
    offenders = {
        relative(path): found
        for path in modules("bot/web")
        if (found := sorted(relative(m) for m in render_modules(path) if "discord" in imported(m)))
    }
    assert offenders == {}


def test_nothing_below_the_web_imports_it() -> None:
    """Only the CLI (which starts it) imports bot/web; cogs, the client and the core never."""
    offenders = {
        relative(path): sorted(found)
        for path in modules("bot") + modules("cogs")
        if not relative(path).startswith(("bot/web/", "bot/cli/"))
        and (found := {n for n in imported(path, depth=2) if n == "bot.web"})
    }
    assert offenders == {}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_edges(path: Path, known: set[str]) -> set[str]:
    """The project modules a module imports (TYPE_CHECKING and lazy imports included)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: `from . import x`, `from .server import y`
                parts = package.split(".")
                base = parts[: len(parts) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            # `from pkg import mod` imports the module pkg.mod; `from mod import name` mod.
            subs = {f"{module}.{alias.name}" for alias in node.names} & known
            targets.update(subs or {module})
    return (targets & known) - {name}


def test_no_circle_of_files() -> None:
    paths = modules("bot") + modules("cogs")
    known = {module_name(path) for path in paths}
    graph = {module_name(path): import_edges(path, known) for path in paths}
    circles = []
    # Tarjan's strongly connected components: a component of two or more files is a circle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    assert circles == []


TASK_STARTERS = {"create_task", "ensure_future"}


@pytest.mark.parametrize("folder", ["bot", "cogs"])
def test_tasks_start_only_in_bot_tasks(folder: str) -> None:
    """A task started anywhere else can vanish or fail silently; bot/tasks.py keeps, names and
    logs every one (BackgroundTasks.spawn, first_of, while_kept, alongside)."""
    offenders = []
    for path in modules(folder):
        if relative(path) == "bot/tasks.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if called in TASK_STARTERS:
                offenders.append(f"{relative(path)}:{node.lineno}")
    assert offenders == []


IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError"}


def catches_import_error(handler: ast.ExceptHandler) -> bool:
    caught = handler.type
    names = caught.elts if isinstance(caught, ast.Tuple) else [caught] if caught else []
    return any(isinstance(n, ast.Name) and n.id in IMPORT_ERRORS for n in names)


def imports_project_module(body: list[ast.stmt]) -> bool:
    """True when `body` imports from bot/ or cogs/ (also through importlib.import_module)."""
    for node in (n for stmt in body for n in ast.walk(stmt)):
        if isinstance(node, ast.ImportFrom):
            if node.level > 0 or (node.module or "").split(".")[0] in {"bot", "cogs"}:
                return True
        elif isinstance(node, ast.Import):
            if any(alias.name.split(".")[0] in {"bot", "cogs"} for alias in node.names):
                return True
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "import_module":
            return True
    return False


@pytest.mark.parametrize("folder", ["bot", "cogs"])
def test_no_import_error_guard_around_project_imports(folder: str) -> None:
    """Project modules are never optional: a guard would turn a real import bug into a silently
    missing feature. (A genuinely optional third-party package may still be guarded.)"""
    offenders = [
        f"{relative(path)}:{node.lineno}"
        for path in modules(folder)
        for node in ast.walk(ast.parse(path.read_text(), str(path)))
        if isinstance(node, ast.Try)
        and any(catches_import_error(h) for h in node.handlers)
        and imports_project_module(node.body)
    ]
    assert offenders == []


def test_every_module_in_cogs_is_a_cog_with_setup() -> None:
    """Helpers live in the client or the core: each module in cogs/ defines a `commands.Cog`
    and `async def setup(bot)` (a module without `setup` would not even be loaded)."""
    offenders = []
    for path in modules("cogs"):
        tree = ast.parse(path.read_text(), str(path))
        has_setup = any(
            isinstance(node, ast.AsyncFunctionDef) and node.name == "setup" for node in tree.body
        )
        has_cog = any(
            isinstance(node, ast.ClassDef)
            and any(ast.unparse(base).endswith("Cog") for base in node.bases)
            for node in tree.body
        )
        if not (has_setup and has_cog):
            offenders.append(relative(path))
    assert offenders == []


def test_every_console_is_the_terminal_safe_one() -> None:
    """Text from outside reaches a terminal only through bot/terminal.py: no module builds its
    own rich Console (which would print escape sequences and replace `:fire:`) or escapes
    markup with rich's `escape` (which keeps them)."""
    offenders = []
    for path in modules("bot"):
        if relative(path) == "bot/terminal.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call):
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if called == "Console":
                    offenders.append(f"{relative(path)}:{node.lineno}")
            elif isinstance(node, ast.ImportFrom) and node.module == "rich.markup":
                offenders.append(f"{relative(path)}:{node.lineno}")
    assert offenders == []


# -- dependencies -----------------------------------------------------------------------------

# Imported by a dependency only when installed; a plain install works without it.
OPTIONAL_IMPORTS = {
    # feedparser guesses a feed's encoding with chardet when present (the bench extra brings
    # it, through sumy); without it feedparser falls back to its own list of encodings.
    "chardet",
}
LOAD_EVERYTHING = """
import importlib, json, pkgutil, sys
for package in ("bot", "cogs"):
    for info in pkgutil.walk_packages(importlib.import_module(package).__path__, package + "."):
        if not info.name.endswith("__main__"):
            importlib.import_module(info.name)
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def canonical(name: str) -> str:
    """A distribution's name as package indexes compare them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(text: str) -> str:
    """The distribution a requirement line names: "lxml[html_clean]>=4" -> "lxml"."""
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", text)
    assert match, text
    return canonical(match[1])


def declared() -> set[str]:
    """The distributions pyproject.toml lists as dependencies (extras not included)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return {requirement_name(line) for line in project["dependencies"]}


def required_without_extras(roots: set[str]) -> set[str]:
    """The roots and what they require, recursively, not counting what only an extra brings:
    pip before 23.3 matches extra names literally, so jusText's `lxml[html_clean]` finds
    nothing in lxml, which calls that extra `html-clean`."""
    found: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in found:
            continue
        found.add(name)
        try:
            requires = importlib.metadata.requires(name) or []
        except importlib.metadata.PackageNotFoundError:
            continue
        todo.extend(requirement_name(r) for r in requires if "extra ==" not in r)
    return found


def test_every_third_party_import_is_declared() -> None:
    providers = importlib.metadata.packages_distributions()
    wanted = {name for folder in ("bot", "cogs") for p in modules(folder) for name in imported(p)}
    offenders = sorted(
        name
        for name in wanted - set(sys.stdlib_module_names) - {"bot", "cogs"}
        if not {canonical(d) for d in providers.get(name, [name])} & declared()
    )
    assert offenders == []


def test_what_the_code_loads_is_declared_or_required_without_an_extra() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", LOAD_EVERYTHING],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    providers = importlib.metadata.packages_distributions()
    reachable = required_without_extras(declared()) | {"newsdesk"}
    offenders = sorted(
        {
            dist
            for name in set(json.loads(done.stdout)) - OPTIONAL_IMPORTS
            for dist in providers.get(name, [])
            if canonical(dist) not in reachable
        }
    )
    assert offenders == []


# Where admin-written templates are parsed and filled with article text.
TEMPLATE_MODULES = ("bot/feeds/templates.py", "bot/render/feed_posts.py")
# Called by name (builtins, string.Template/Formatter) or as a method (str.format and kin).
EVALUATORS = {"eval", "exec", "compile", "Template", "Formatter"}
FORMATTERS = {"format", "format_map", "substitute", "safe_substitute"}


def test_templates_are_never_formatted_or_evaluated() -> None:
    """Templates are parsed into text and placeholders and filled by hand: `str.format` (which
    follows `{x.attr}` and `{x[key]}`), `format_map`, string.Template and eval never see them."""
    offenders = []
    for name in TEMPLATE_MODULES:
        path = ROOT / name
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if (isinstance(func, ast.Attribute) and func.attr in FORMATTERS) or (
                isinstance(func, ast.Name) and func.id in EVALUATORS
            ):
                offenders.append(f"{name}:{node.lineno}")
    assert offenders == []


STORY_MODULES = ("amounts", "dates", "patterns", "wording", "figures", "disagreements", "novelty")


def test_story_comparisons_are_pure_functions_of_plain_data() -> None:
    """What's new in a story and where outlets disagree run on stored sentences alone: their
    modules import from the project only the domain's plain data and each other — no store,
    no NLP pipeline (`bot.nlp` itself loads it), no client."""
    allowed = ("bot.models", *(f"bot.nlp.{name}" for name in STORY_MODULES))
    offenders = {}
    for name in STORY_MODULES:
        path = ROOT / "bot" / "nlp" / f"{name}.py"
        found = {n for n in imported(path, depth=3) if n == "bot" or n.startswith("bot.")}
        bad = sorted(n for n in found if not any(n == a or n.startswith(f"{a}.") for a in allowed))
        if bad:
            offenders[relative(path)] = bad
    assert offenders == {}
