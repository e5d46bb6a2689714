"""An outlet's coverage over a period: the stories it carried, how often it broke them and how
far behind the first report it came otherwise, the names it uses more than its peers, and its
blindspots — stories most of its peers carried and it did not.

    pick = await find_outlet(store, "Reuters", guild_id=g, days=30, clock=clock)
    coverage = await outlet_coverage(store, pick)

Peers are the outlets of this server's news: those its feeds brought in the period, or, for a
server that follows no feed (and the command line), every outlet in the archive. "First" is
read over the whole story: no outlet the archive knows reported it earlier (a tie counts as
first for each). Every read is bounded: the period (MAX_DAYS), the stories read (STORIES_READ,
its latest), the articles whose names are compared (ARTICLES_READ, the newest) and the names
(NAMES_READ), and the outlets known (OUTLETS_READ).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from bot.clock import Clock, SystemClock
from bot.errors import QueryError
from bot.insights.logodds import log_odds
from bot.models.entity import KnownEntity
from bot.models.story import Story, moment
from bot.store import CarriedStory, OutletCount, Store

DEFAULT_DAYS = 30
MAX_DAYS = 90
# Bounds on one answer: the outlet's latest stories, the names it uses most, known outlets.
STORIES_READ = 2000
NAMES_READ = 500
# The period's articles whose names are compared: its newest this many (both sides alike).
ARTICLES_READ = 20_000
OUTLETS_READ = 500
NAMES_SHOWN = 5
BLINDSPOTS_SHOWN = 5
# A name counts as the outlet's own when its z-score passes the two-sided 5% level.
MIN_Z = 1.96
MAX_NAME_CHARS = 100

Scope = Literal["feeds", "archive"]


@dataclass(frozen=True)
class DistinctiveName:
    """A name the outlet uses more than its peers: in how many of its articles and theirs,
    and how sure that is (z-score of the log-odds ratio, see bot/insights/logodds.py)."""

    entity: KnownEntity
    mine: int
    others: int
    z: float


@dataclass(frozen=True)
class Blindspot:
    """A story most of the outlet's peers carried and it did not; `outlets` of them did."""

    story: Story
    outlets: int


@dataclass(frozen=True)
class OutletCoverage:
    """What one outlet covered over [since, until), compared with its peers.

    `shared` stories were carried by another outlet too; `first` of those it reported before
    anyone else; `median_delay` is how far behind the first report it came in the others.
    Blindspots need `blindspot_floor` peers (most of them) to have carried the story."""

    outlet: str
    since: datetime
    until: datetime
    days: int
    scope: Scope
    peers: tuple[str, ...]
    stories: int
    shared: int
    first: int
    median_delay: timedelta | None
    names: tuple[DistinctiveName, ...]
    blindspots: tuple[Blindspot, ...]
    blindspot_floor: int
    capped: bool = False  # the outlet carried more than STORIES_READ stories: its latest read

    @property
    def first_share(self) -> float | None:
        """The share of its shared stories it broke, or None when it shared none."""
        return self.first / self.shared if self.shared else None


def _period(days: int, clock: Clock | None) -> tuple[datetime, datetime]:
    if not 1 <= days <= MAX_DAYS:
        raise QueryError(f"Choose between 1 and {MAX_DAYS} days.")
    until = (clock or SystemClock()).now().astimezone(UTC)
    return until - timedelta(days=days), until


async def known_outlets(
    store: Store, guild_id: int | None, since: datetime, until: datetime
) -> tuple[Scope, list[OutletCount]]:
    """The outlets of this server's news in the period, most articles first: its feeds',
    or every outlet in the archive when it follows none (or no server is given)."""
    if guild_id is not None:
        fed = await store.feed_outlets(guild_id, since, until, limit=OUTLETS_READ)
        if fed:
            return "feeds", fed
    return "archive", await store.outlets_between(since, until, limit=OUTLETS_READ)


def matching_outlets(known: list[OutletCount], typed: str) -> list[OutletCount]:
    """The known outlets whose name holds what was typed (ignoring case): those starting with
    it first, each group in the order given (most articles first)."""
    folded = " ".join(typed.split()).casefold()
    starts = [o for o in known if o.outlet.casefold().startswith(folded)]
    inside = [o for o in known if folded in o.outlet.casefold() and o not in starts]
    return starts + inside


def _resolve(known: list[OutletCount], typed: str, days: int) -> OutletCount:
    name = " ".join(typed.split())[:MAX_NAME_CHARS]
    exact = [o for o in known if o.outlet.casefold() == name.casefold()]
    found = exact or matching_outlets(known, name)
    if len(found) == 1 or exact:
        return found[0]
    if not found:
        raise QueryError(
            f"No outlet called “{name}” in this server's news of the last {days} days: pick "
            "one from the list as you type."
        )
    listed = ", ".join(o.outlet for o in found[:5])
    raise QueryError(f"“{name}” could be {listed}: pick one from the list as you type.")


async def outlet_choices(
    store: Store, guild_id: int | None, typed: str, *, limit: int = 25, clock: Clock | None = None
) -> list[OutletCount]:
    """Outlets of this server's news in the last MAX_DAYS days matching what was typed."""
    since, until = _period(MAX_DAYS, clock)
    _, known = await known_outlets(store, guild_id, since, until)
    return matching_outlets(known, typed)[:limit]


def _first_and_delays(carried: list[CarriedStory]) -> tuple[int, int, list[timedelta]]:
    """Of the stories carried: how many were shared, how many it broke, its delays otherwise."""
    shared = first = 0
    delays: list[timedelta] = []
    for story in carried:
        if story.outlets < 2:
            continue
        shared += 1
        start, mine = moment(story.first_at), moment(story.outlet_at)
        if start is None or mine is None:
            continue
        if mine <= start:
            first += 1
        else:
            delays.append(mine - start)
    return shared, first, delays


def _distinct(
    rows: list[tuple[KnownEntity, int, int]], totals: tuple[int, int]
) -> list[DistinctiveName]:
    scored = [
        DistinctiveName(entity, mine, others, log_odds(mine, others, *totals).z)
        for entity, mine, others in rows
    ]
    scored = [s for s in scored if s.z >= MIN_Z]
    scored.sort(key=lambda s: (-s.z, -s.mine, s.entity.name))
    return scored[:NAMES_SHOWN]


def _median(delays: list[timedelta]) -> timedelta | None:
    if not delays:
        return None
    return timedelta(seconds=statistics.median(d.total_seconds() for d in delays))


@dataclass(frozen=True)
class OutletPick:
    """The outlet a user means, over which period, and whom it is compared with."""

    outlet: str
    since: datetime
    until: datetime
    days: int
    scope: Scope
    peers: tuple[str, ...]


async def find_outlet(
    store: Store,
    name: str,
    *,
    guild_id: int | None,
    days: int = DEFAULT_DAYS,
    clock: Clock | None = None,
) -> OutletPick:
    """The outlet `name` means among this server's outlets of the last `days` days (its exact
    name, else the only one holding it); QueryError when none or several do."""
    since, until = _period(days, clock)
    scope, known = await known_outlets(store, guild_id, since, until)
    outlet = _resolve(known, name, days).outlet
    peers = tuple(o.outlet for o in known if o.outlet != outlet)
    return OutletPick(outlet, since, until, days, scope, peers)


async def outlet_coverage(store: Store, pick: OutletPick) -> OutletCoverage:
    """What the outlet picked covered over its period, compared with its peers."""
    outlet, since, until = pick.outlet, pick.since, pick.until
    compared = list(pick.peers) if pick.scope == "feeds" else None
    carried = await store.outlet_stories(outlet, since, until, limit=STORIES_READ)
    shared, first, delays = _first_and_delays(carried)
    found = await store.outlet_names(
        outlet, compared, since, until, limit=NAMES_READ, articles=ARTICLES_READ
    )
    names = _distinct(
        [(n.entity, n.mine, n.others) for n in found.named],
        (found.mine_total, found.others_total),
    )
    # "Most" of the other outlets, and at least two of them.
    floor = max(2, len(pick.peers) // 2 + 1)
    missed = await store.outlet_blindspots(
        outlet, compared, since, until, at_least=floor, limit=BLINDSPOTS_SHOWN
    )
    stories = {s.id: s for s in await store.stories_for([m.story_id for m in missed])}
    return OutletCoverage(
        outlet=outlet,
        since=since,
        until=until,
        days=pick.days,
        scope=pick.scope,
        peers=pick.peers,
        stories=len(carried),
        shared=shared,
        first=first,
        median_delay=_median(delays),
        names=tuple(names),
        blindspots=tuple(
            Blindspot(stories[m.story_id], m.outlets) for m in missed if m.story_id in stories
        ),
        blindspot_floor=floor,
        capped=len(carried) >= STORIES_READ,
    )
