"""Cluster tests run on a real PostgreSQL (see tests/backends.py)."""

from tests import backends

postgres_server = backends.postgres_server
postgres_template = backends.postgres_template
postgres_url = backends.postgres_url
