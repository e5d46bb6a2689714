"""The baseline a rising pair is tested against (bot/insights/rising.py): the BASELINE (30
days) before the hour its window starts in, and its figures remembered for that hour.

A /catchup's window ends now, so its start moves every second; a baseline ending exactly
there would be read again at every call (two queries over 30 days of mentions: about 65 ms
of a 135 ms /catchup at 100k articles, and more on a busy machine; found by the soak). Ending
it at the hour before leaves a gap of under an hour between the baseline and the window, which
a 30-day rate does not notice, and lets `Baselines` keep each hour's figures: the articles
naming anything, and each pair's count as it is first asked for. What it keeps can be up to
an hour behind an article stored late with an old date; nothing in the window is kept.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.clock import utc_iso
from bot.store import Store
from bot.store.records.insights import PairMentions

BASELINE = timedelta(days=30)
# Baseline hours remembered (a digest and a /catchup on different windows at once).
HOURS_KEPT = 4
# Pairs remembered per hour (a /catchup asks for its window's 200 most named together).
PAIRS_KEPT = 5_000

Pair = tuple[int, int]


def baseline(since: datetime) -> tuple[str, str]:
    """The baseline of a window starting at `since`: [start, end) as stored times, ending at
    the top of the hour `since` falls in."""
    end = since.replace(minute=0, second=0, microsecond=0)
    return utc_iso(end - BASELINE), utc_iso(end)


class Baselines:
    """Baseline figures read once an hour: the articles naming anything and each pair's
    count, for the last HOURS_KEPT baseline hours asked for."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._hours: OrderedDict[tuple[str, str], _Hour] = OrderedDict()

    async def named_articles(self, since: datetime) -> int:
        """Articles of the baseline before `since` that name any entity."""
        hour = self._hour(baseline(since))
        if hour.named is None:
            hour.named = await self.store.named_articles(*hour.span)
        return hour.named

    async def pair_mentions(
        self, since: datetime, pairs: Sequence[Pair]
    ) -> dict[Pair, PairMentions]:
        """Each pair's articles in the baseline before `since` (pairs never named together
        there are left out, as the store leaves them out)."""
        hour = self._hour(baseline(since))
        missing = [pair for pair in dict.fromkeys(pairs) if pair not in hour.pairs]
        if missing:
            found = await self.store.pair_mentions(missing, *hour.span)
            if len(hour.pairs) + len(missing) > PAIRS_KEPT:
                hour.pairs.clear()
            hour.pairs.update({pair: found.get(pair) for pair in missing})
        counts = {pair: hour.pairs.get(pair) for pair in pairs}
        return {pair: seen for pair, seen in counts.items() if seen is not None}

    def _hour(self, span: tuple[str, str]) -> _Hour:
        hour = self._hours.get(span)
        if hour is None:
            hour = self._hours[span] = _Hour(span)
            while len(self._hours) > HOURS_KEPT:
                self._hours.popitem(last=False)
        self._hours.move_to_end(span)
        return hour


class _Hour:
    """One baseline's figures as far as they were read."""

    def __init__(self, span: tuple[str, str]) -> None:
        self.span = span
        self.named: int | None = None
        self.pairs: dict[Pair, PairMentions | None] = {}
