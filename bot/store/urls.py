"""Where a store lives: which backend a database URL (or a plain path) names, the file a
SQLite URL names, and a URL safe to print."""

from __future__ import annotations

from pathlib import Path

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


def redacted_url(url: str) -> str:
    """`url` with any password replaced by asterisks, safe to print or log."""
    scheme, sep, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not at or ":" not in credentials:
        return url
    user = credentials.split(":", 1)[0]
    return f"{scheme}{sep}{user}:********@{host}"
