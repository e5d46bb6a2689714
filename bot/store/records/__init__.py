"""What the store hands out, whichever backend holds the data: the domain's records, and the
row decoders and column lists both backends read them with (one module per domain)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol


class Row(Protocol):
    """A row read by column name: aiosqlite's Row or asyncpg's Record."""

    def __getitem__(self, key: str, /) -> Any: ...

    def keys(self) -> Iterable[str]: ...
