"""Jobs as the queue hands them to workers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Job:
    """A job a worker has taken: what to do, and how many times it has been tried."""

    id: int
    kind: str
    payload: Any
    attempts: int
