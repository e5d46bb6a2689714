"""Heavy commands (a catch-up, a chart, a period's entities) run one per member and a few in
all at once; one more is refused in one line ("busy: try again in a moment") instead of
queueing CPU behind the others.

    with bot.heavy.slot(interaction.user.id):
        digest = await composer.compose(...)

Cooldowns bound how often a member may ask (bot/client/cooldowns.py); this bounds how much
heavy work runs at the same moment, so that on a small machine the event loop, and the
members asking for light things (a search, a page, a summary), keep a core (found by the
soak: five members sending catch-ups and charts without pause took both cores from forty
readers).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from bot.errors import Busy

# Heavy commands running at once, in all (each has a thread, the database or a worker process
# besides the event loop): on two cores, two leave the loop its share.
AT_ONCE = 2


class HeavyWork:
    """The heavy commands running now: at most one per member and `at_once` in all."""

    def __init__(self, at_once: int = AT_ONCE) -> None:
        self.at_once = at_once
        self._members: set[int] = set()

    def __len__(self) -> int:
        return len(self._members)

    @contextlib.contextmanager
    def slot(self, member_id: int) -> Iterator[None]:
        """Hold a slot while the block runs; `Busy` (one line) when none is free."""
        if member_id in self._members:
            raise Busy("Still working on your last request: try again once it has answered.")
        if len(self._members) >= self.at_once:
            raise Busy("Busy with other requests just now: try again in a moment.")
        self._members.add(member_id)
        try:
            yield
        finally:
            self._members.discard(member_id)
