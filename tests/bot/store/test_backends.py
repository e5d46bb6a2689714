"""Both backends offer the same store: every public method of the SQLite `Store` exists on
`PostgresStore` with the same parameters."""

from __future__ import annotations

import inspect

from bot.store import Store
from bot.store.postgres import PostgresStore


def _public(cls: type) -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(member)
        for name, member in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_")
    }


def test_postgres_store_has_every_sqlite_method_with_the_same_parameters() -> None:
    sqlite, postgres = _public(Store), _public(PostgresStore)
    missing = sorted(set(sqlite) - set(postgres))
    assert missing == []
    for name in sorted(set(sqlite) & set(postgres)):
        ours = list(sqlite[name].parameters)
        theirs = list(postgres[name].parameters)
        assert ours == theirs, f"{name}: SQLite {ours} vs PostgreSQL {theirs}"
