"""Pacing: quiet hours in the server's timezone (across midnight and a DST change), and the
plan for a channel's posts: the limit per window, held posts released packed, overflow to a
digest."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.feeds.pacing import Pacing, plan
from bot.models import Article
from bot.store import PendingAnnouncement

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def pending(n: int, **held: str) -> PendingAnnouncement:
    article = Article(id=n, title=f"Story {n}", body="Body.", origin=f"o{n}")
    return PendingAnnouncement(n, 1, n, article, 0, channel_id=10, **held)  # type: ignore[arg-type]


def test_quiet_hours_across_midnight_end_at_the_next_morning_in_the_servers_zone() -> None:
    night = Pacing(10, timedelta(minutes=10), LONDON, (time(22, 0), time(7, 0)))
    assert night.quiet_until(datetime(2026, 1, 10, 21, 59, tzinfo=UTC)) is None
    ends = datetime(2026, 1, 11, 7, 0, tzinfo=UTC)
    assert night.quiet_until(datetime(2026, 1, 10, 22, 0, tzinfo=UTC)) == ends
    assert night.quiet_until(datetime(2026, 1, 11, 3, 0, tzinfo=UTC)) == ends
    assert night.quiet_until(datetime(2026, 1, 11, 7, 0, tzinfo=UTC)) is None
    # In summer London is UTC+1: 22:00-07:00 local is 21:00-06:00 UTC.
    summer = night.quiet_until(datetime(2026, 7, 1, 21, 30, tzinfo=UTC))
    assert summer == datetime(2026, 7, 2, 6, 0, tzinfo=UTC)
    # The night the clocks go forward (29 March) still ends at 07:00 local, 06:00 UTC.
    spring = night.quiet_until(datetime(2026, 3, 29, 0, 30, tzinfo=UTC))
    assert spring == datetime(2026, 3, 29, 6, 0, tzinfo=UTC)


def test_the_eleventh_post_of_a_burst_is_held_until_the_window_has_passed() -> None:
    pacing = Pacing(10, timedelta(minutes=10), LONDON)
    burst = [pending(n) for n in range(1, 15)]
    decided = plan(pacing, NOW, burst, [], used=0, digest=False)
    assert [p.id for p in decided.post] == list(range(1, 11))
    assert [p.id for p in decided.hold] == [11, 12, 13, 14]
    assert (decided.reason, decided.until) == ("flood", NOW + timedelta(minutes=10))
    with_digest = plan(pacing, NOW, burst, [], used=0, digest=True)
    assert [p.id for p in with_digest.digest] == [11, 12, 13, 14] and not with_digest.hold


def test_held_posts_go_out_together_first_when_due_and_count_one() -> None:
    pacing = Pacing(3, timedelta(minutes=10), LONDON)
    until = (NOW - timedelta(seconds=1)).isoformat()
    held = [pending(n, hold_reason="flood", hold_until=until) for n in (1, 2)]
    later = [pending(n, hold_reason="flood", hold_until=(NOW + timedelta(hours=1)).isoformat())
             for n in (3,)]  # fmt: skip
    fresh = [pending(n) for n in (4, 5, 6)]
    decided = plan(pacing, NOW, fresh, held + later, used=0, digest=False)
    assert [p.id for p in decided.release] == [1, 2, 3]  # all held ones, in one card
    assert [p.id for p in decided.post] == [4, 5]  # the card took one of three
    assert [p.id for p in decided.hold] == [6]
    full = plan(pacing, NOW, [], held, used=3, digest=False)
    assert not full.release and [p.id for p in full.hold] == [1, 2]  # no room yet: wait


def test_during_quiet_hours_everything_waits_and_is_released_as_quiet() -> None:
    pacing = Pacing(10, timedelta(minutes=10), LONDON, (time(8, 0), time(10, 0)))
    decided = plan(pacing, NOW, [pending(1)], [], used=0, digest=True)
    assert [p.id for p in decided.hold] == [1] and decided.reason == "quiet"
    assert decided.until == datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    held = [pending(1, hold_reason="quiet", hold_until="2026-03-02T10:00:00+00:00")]
    after = plan(pacing, datetime(2026, 3, 2, 10, 0, tzinfo=UTC), [], held, used=0, digest=True)
    assert [p.id for p in after.release] == [1] and after.released_after == "quiet"
