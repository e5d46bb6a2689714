"""Choosing the store's backend from `DATABASE_URL`: SQLite (the default) or PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.errors import ConfigError

SQLITE_PREFIX = "sqlite:///"
POSTGRES_PREFIXES = ("postgresql://", "postgres://")


def backend_of(target: str | Path) -> str:
    """ "sqlite" or "postgresql" for a URL, or "sqlite" for a plain file path."""
    text = str(target)
    if text.startswith(POSTGRES_PREFIXES):
        return "postgresql"
    if text.startswith(SQLITE_PREFIX) or "://" not in text:
        return "sqlite"
    raise ConfigError(f"unsupported database URL scheme {text.split(':', 1)[0]!r}")


def sqlite_path(target: str | Path) -> Path:
    """The file a `sqlite:///path` URL (or a plain path) names."""
    text = str(target)
    return Path(text[len(SQLITE_PREFIX) :] if text.startswith(SQLITE_PREFIX) else text)


async def open_store(target: str | Path) -> Any:
    """Open the store at `target` (`sqlite:///path`, a path, or `postgresql://...`),
    creating and migrating it as needed. Both kinds have the same methods (see
    tests/bot/store/test_backends.py); use it as `async with await open_store(url) as store`."""
    if backend_of(target) == "postgresql":
        from bot.store.postgres import PostgresStore

        return await PostgresStore.open(str(target))
    from bot.store.sqlite import SqliteStore

    return await SqliteStore.open(sqlite_path(target))
