"""Flood control and quiet hours, per channel: how many feed posts may go out in a window,
when nothing goes out at all, and what waits meanwhile.

A channel takes at most `max_posts` posts per window (default 10 per 10 minutes): an article
posted alone counts one, a packed card one. Articles over the limit are held and go out
together as one "N more stories" card once the window allows (or are left to the channel's
digest, when it has one). During quiet hours (wall-clock times in the server's timezone)
everything is held, and released as one packed post when they end.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from bot.clock import utc_iso
from bot.digest.schedule import parse_clock_time, resolve_zone, to_instant
from bot.errors import NewsdeskError
from bot.store import ChannelPacing, PendingAnnouncement, Store

# The guild setting that holds the server's timezone (an IANA name).
TIMEZONE_KEY = "timezone"
MAX_POSTS = 50
MAX_WINDOW_MINUTES = 24 * 60
OFF = ("off", "none", "no", "-")

HoldReason = Literal["flood", "quiet"]


class PacingError(NewsdeskError):
    """Pacing options that cannot be used; the message says why."""


@dataclass(frozen=True)
class Pacing:
    """A channel's pacing, ready to decide with: the limit, the window, the quiet hours (wall
    times in `zone`)."""

    max_posts: int
    window: timedelta
    zone: ZoneInfo
    quiet: tuple[time, time] | None = None

    @classmethod
    def of(cls, stored: ChannelPacing, zone: ZoneInfo) -> Pacing:
        """The pacing a channel stored (or the defaults) in the server's timezone."""
        quiet = None
        if stored.quiet_start and stored.quiet_end:
            quiet = (time.fromisoformat(stored.quiet_start), time.fromisoformat(stored.quiet_end))
        return cls(stored.max_posts, timedelta(minutes=stored.window_minutes), zone, quiet)

    def quiet_until(self, now: datetime) -> datetime | None:
        """When the quiet hours `now` falls in end (aware), or None outside quiet hours."""
        if self.quiet is None:
            return None
        start, end = self.quiet
        wall = now.astimezone(self.zone).replace(tzinfo=None)
        for days_back in (1, 0):
            day = wall.date() - timedelta(days=days_back)
            begins = datetime.combine(day, start)
            ends = datetime.combine(day + timedelta(days=1 if end <= start else 0), end)
            if begins <= wall < ends:
                return to_instant(ends, self.zone)
        return None


@dataclass
class Plan:
    """What to do with a channel's announcements now."""

    release: list[PendingAnnouncement] = field(default_factory=list)  # one packed post now
    post: list[PendingAnnouncement] = field(default_factory=list)  # one card each, now
    hold: list[PendingAnnouncement] = field(default_factory=list)  # wait until `until`
    reason: HoldReason = "flood"
    until: datetime | None = None
    digest: list[PendingAnnouncement] = field(default_factory=list)  # left to the digest
    # Why the released ones were held (quiet hours win: that is what readers noticed).
    released_after: HoldReason = "flood"


def plan(
    pacing: Pacing,
    now: datetime,
    pending: Sequence[PendingAnnouncement],
    held: Sequence[PendingAnnouncement],
    used: int,
    *,
    digest: bool,
) -> Plan:
    """Decide for one channel: `pending` are new, `held` waiting already, `used` posts went
    out in the current window; `digest`: the channel has a digest to roll overflow into."""
    quiet_end = pacing.quiet_until(now)
    if quiet_end is not None:
        # Everything waits for the end; held ones already waiting that long stay as they are.
        again = [h for h in held if h.hold_until is None or h.hold_until < utc_iso(quiet_end)]
        return Plan(hold=[*again, *pending], reason="quiet", until=quiet_end)
    result = Plan()
    room = max(pacing.max_posts - used, 0)
    due = any(h.hold_until is None or h.hold_until <= utc_iso(now) for h in held)
    overflow: list[PendingAnnouncement] = []
    if held and due:
        if room >= 1:
            result.release = list(held)
            quiet = any(h.hold_reason == "quiet" for h in held)
            result.released_after = "quiet" if quiet else "flood"
            room -= 1
        else:
            overflow.extend(held)
    result.post = list(pending[:room])
    overflow.extend(pending[room:])
    if overflow and digest:
        result.digest = overflow
    elif overflow:
        result.hold, result.reason, result.until = overflow, "flood", now + pacing.window
    return result


async def server_zone(store: Store, guild_id: int, default: ZoneInfo) -> ZoneInfo:
    """The server's timezone (its setting, else `default`)."""
    name = await store.guild_setting(guild_id, TIMEZONE_KEY)
    if not name:
        return default
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError):
        return default


async def pacing_for(store: Store, guild_id: int, channel_id: int, default: ZoneInfo) -> Pacing:
    """A channel's pacing in its server's timezone."""
    stored = await store.channel_pacing(channel_id)
    zone = await server_zone(store, guild_id, default)
    return Pacing.of(stored or ChannelPacing(channel_id, guild_id), zone)


def _clock(text: str) -> str:
    return parse_clock_time(text).strftime("%H:%M")


async def set_pacing(
    store: Store,
    guild_id: int,
    channel_id: int,
    *,
    posts: int | None = None,
    minutes: int | None = None,
    quiet_from: str | None = None,
    quiet_until: str | None = None,
) -> ChannelPacing:
    """Change a channel's pacing (options left out stay as they are); `quiet_from="off"` ends
    its quiet hours. Call inside a transaction."""
    current = await store.channel_pacing(channel_id) or ChannelPacing(channel_id, guild_id)
    if current.guild_id != guild_id:
        raise PacingError("That channel is not in this server.")
    if posts is not None and not 1 <= posts <= MAX_POSTS:
        raise PacingError(f"A channel can take 1 to {MAX_POSTS} posts per window.")
    if minutes is not None and not 1 <= minutes <= MAX_WINDOW_MINUTES:
        raise PacingError(f"The window is 1 to {MAX_WINDOW_MINUTES} minutes.")
    start, end = current.quiet_start, current.quiet_end
    if quiet_from is not None and quiet_from.strip().lower() in OFF:
        start = end = None
    elif quiet_from is not None or quiet_until is not None:
        if quiet_from is None or quiet_until is None:
            raise PacingError("Give both ends of the quiet hours, e.g. `22:00` and `07:00`.")
        start, end = _clock(quiet_from), _clock(quiet_until)
        if start == end:
            raise PacingError("Quiet hours must start and end at different times.")
    pacing = ChannelPacing(
        channel_id,
        guild_id,
        max_posts=posts if posts is not None else current.max_posts,
        window_minutes=minutes if minutes is not None else current.window_minutes,
        quiet_start=start,
        quiet_end=end,
    )
    await store.set_channel_pacing(pacing)
    return pacing


async def set_server_zone(store: Store, guild_id: int, name: str) -> ZoneInfo:
    """Set the server's timezone (an IANA name; case and spaces forgiven)."""
    zone = resolve_zone(name)
    await store.set_guild_setting(guild_id, TIMEZONE_KEY, zone.key)
    return zone
