"""How often the bot restarts its crashed web child: waits that double, a bound on restarts
within a window, and the window sliding so that a crash long after the last ones is restarted
again (tests/bot/web/test_web_process.py crashes real children)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.cli.web_keeper import RESTARTS, Restarts, ended

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_waits_double_up_to_the_bound_then_the_bot_stops_trying() -> None:
    restarts = Restarts(RESTARTS)
    waits = [restarts.after_crash(START + timedelta(seconds=n)) for n in range(6)]
    assert waits == [timedelta(seconds=s) for s in (1, 2, 4, 8, 16)] + [None]


def test_crashes_older_than_the_window_no_longer_count() -> None:
    restarts = Restarts(RESTARTS)
    for n in range(5):
        restarts.after_crash(START + timedelta(minutes=n))
    # At 09:10 the 09:00 restart is ten minutes old: one more is allowed, after the 16 s wait
    # that four recent restarts earn.
    assert restarts.after_crash(START + timedelta(minutes=9, seconds=59)) is None
    assert restarts.after_crash(START + timedelta(minutes=10)) == timedelta(seconds=16)
    assert restarts.after_crash(START + timedelta(minutes=10, seconds=1)) is None


def test_a_crash_is_said_as_a_signal_or_an_exit_status() -> None:
    assert ended(-9) == "killed by SIGKILL"
    assert ended(1) == "exit status 1"
