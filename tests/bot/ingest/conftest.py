"""Ingest tests run on both backends: SQLite and PostgreSQL (see tests/backends.py)."""

from tests.backends import both_stores as store  # noqa: F401
from tests.backends import postgres_server, postgres_template, pytest_configure  # noqa: F401
