"""Both backends implement the one interface: every public method of `Store` exists on the
SQLite and the PostgreSQL store with the same parameters (mypy checks the types; this checks
the names callers pass by keyword, and that nothing falls through to the interface's stub)."""

from __future__ import annotations

import inspect

import pytest

from bot.store import ClusterStore, Store
from bot.store.postgres import PostgresStore
from bot.store.sqlite import SqliteStore


def _public(cls: type) -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(member)
        for name, member in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_")
    }


@pytest.mark.parametrize(
    ("backend", "interface"), [(SqliteStore, Store), (PostgresStore, ClusterStore)]
)
def test_each_backend_implements_every_method_of_its_interface(
    backend: type, interface: type
) -> None:
    wanted, found = _public(interface), _public(backend)
    assert sorted(set(wanted) - set(found)) == []
    for name, signature in wanted.items():
        assert list(found[name].parameters) == list(signature.parameters), name
        # Defined by the backend, not inherited from the interface's `...` body.
        owner = next(k for k in backend.__mro__ if name in vars(k))
        assert not getattr(owner, "_is_protocol", False), f"{name} is only the interface's"


def test_a_method_is_documented_once_in_the_interface() -> None:
    """The backends leave each method's docstring to the interface (bot/store/interface/)."""
    documented = [
        f"{backend.__name__}.{name}"
        for backend in (SqliteStore, PostgresStore)
        for name in _public(Store)
        if name != "open"
        and (owner := next(k for k in backend.__mro__ if name in vars(k)))
        and not getattr(owner, "_is_protocol", False)
        and vars(owner)[name].__doc__
    ]
    assert documented == []
