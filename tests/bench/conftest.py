"""The bench's PostgreSQL group runs on the tests' real PostgreSQL (see tests/backends.py)."""

from tests import backends

postgres_server = backends.postgres_server
