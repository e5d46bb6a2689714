"""Store tests run on both backends: SQLite and PostgreSQL (see tests/backends.py)."""

from tests.backends import both_stores as store  # noqa: F401
from tests.backends import (  # noqa: F401
    postgres_server,
    postgres_template,
    postgres_url,
    pytest_configure,
)
