"""The layout's rules, checked on the source: the core imports no discord.py, only the store
talks to a database, the store builds on the domain's plain data alone, cogs hold no SQL, and
`cogs/` holds only cogs (each module an extension with `setup`), and every package the code
imports or loads is declared in pyproject.toml."""

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
        ("bot/store", {"bot.store", "bot.models", "bot.errors", "bot.clock"}),
        ("bot/models", {"bot.models", "bot.errors"}),
    ],
)
def test_lower_layers_import_nothing_above_them(folder: str, allowed: set[str]) -> None:
    offenders = {
        relative(path): sorted(found)
        for path in modules(folder)
        if (found := {n for n in imported(path, depth=2) if n.startswith("bot.")} - allowed)
    }
    assert offenders == {}


def test_cogs_hold_no_sql() -> None:
    offenders = []
    for path in modules("cogs"):
        for node in ast.walk(ast.parse(path.read_text())):
            text = node.value if isinstance(node, ast.Constant) else None
            if isinstance(text, str) and SQL.search(text):
                offenders.append(f"{relative(path)}:{node.lineno}")
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
