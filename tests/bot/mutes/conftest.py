"""Mute-list tests run on both backends, SQLite and PostgreSQL: `store` is each in turn (see
tests/backends.py)."""

from tests import backends

store = backends.both_stores
postgres_server = backends.postgres_server
postgres_template = backends.postgres_template
pytest_configure = backends.pytest_configure
