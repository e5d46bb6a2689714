"""Numbered schema migrations, for either backend: finding the bundled `NNN_name.sql` files
and deciding which a database still needs."""

from __future__ import annotations

import logging
import re
from importlib import resources

from bot.errors import StoreError

log = logging.getLogger(__name__)

_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


def bundled_migrations(package: str) -> list[tuple[int, str, str]]:
    """Return (version, name, sql) for every `NNN_name.sql` in `package`'s migrations folder,
    checked to be numbered 1..N without gaps (SQLite's user_version records only the highest
    applied number, so a gap filled later would never run on databases already past it)."""
    folder = resources.files(package) / "migrations"
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [version for version, _, _ in found]
    if versions != list(range(1, len(versions) + 1)):
        raise RuntimeError(f"{package} migrations must be numbered 001..: {versions}")
    return found


def plan_migrations(
    current: int, available: list[tuple[int, str, str]], what: str
) -> tuple[list[tuple[int, str, str]], int]:
    """The migrations newer than schema v`current`, and the log level for each step: a new
    `what` is announced once and its steps logged at DEBUG; upgrading an existing one is news,
    so each step is INFO. StoreError when the schema is newer than this Newsdesk."""
    latest = available[-1][0] if available else 0
    if current > latest:
        raise StoreError(f"database schema v{current} is newer than this Newsdesk (v{latest})")
    if current == 0 and latest:
        log.info("creating a new %s (schema v%d)", what, latest)
    pending = [migration for migration in available if migration[0] > current]
    return pending, logging.DEBUG if current == 0 else logging.INFO
