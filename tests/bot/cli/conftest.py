"""CLI tests run on both backends: the PostgreSQL server comes from tests/backends.py."""

from tests import backends

postgres_server = backends.postgres_server
postgres_template = backends.postgres_template
