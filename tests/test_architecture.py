"""The layout's rules, checked on the source: the core imports no discord.py, only the store
talks to a database, the store builds on the domain's plain data alone, cogs hold no SQL, and
`cogs/` holds only cogs (each module an extension with `setup`)."""

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


STORY_MODULES = ("amounts", "dates", "wording", "figures", "disagreements", "novelty")


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
