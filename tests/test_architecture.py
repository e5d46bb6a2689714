"""The layout's rules, checked on the source: the core imports no discord.py, only the store
talks to a database, the store builds on the domain's plain data alone, cogs hold no SQL, and
nothing outside the store names one of its backends."""

from __future__ import annotations

import ast
import re
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
