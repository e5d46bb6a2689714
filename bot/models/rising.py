"""A pair of entities rising: named together in a period far more than their baseline predicts
(found by bot/insights/rising.py; digests show them, pair follows are told of them)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.models.entity import KnownEntity


@dataclass(frozen=True)
class RisingPair:
    """A pair of entities named together far more than usual: in `articles` articles of the
    window against `expected` from the baseline, where they were together in `before`."""

    first: KnownEntity
    second: KnownEntity
    articles: int
    before: int
    expected: float
    p_value: float

    @property
    def first_time(self) -> bool:
        """Never named together in the baseline."""
        return self.before == 0

    @property
    def label(self) -> str:
        """ "Hamas × Qatar" (plain text)."""
        return f"{self.first.name} × {self.second.name}"
