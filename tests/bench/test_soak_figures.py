"""The soak's lateness figure: a reply late because Discord refused it with a server error is
told apart from a reply the bot was late with (bench/soak/figures.py)."""

from __future__ import annotations

from pathlib import Path

from bench.soak.crowd import Trip
from bench.soak.figures import late, troubles
from bench.soak.run import Phase
from bot.sandbox.emulator.server import RecordedRequest


def _reply(to: int, status: int) -> RecordedRequest:
    body = {"content": "…", "message_reference": {"message_id": str(to)}}
    return RecordedRequest("POST", "/channels/7/messages", {}, body, status=status)


def _phase(trips: list[Trip], requests: list[RecordedRequest]) -> Phase:
    rss = [(150.0, 400.0, 250.0, (150.0,))]  # (time, MB of the family, the bot, each child)
    return Phase(trips, {}, rss, (100.0, 400.0), requests, [], Path("soak.db"))


def test_a_reply_held_by_an_injected_5xx_is_counted_apart() -> None:
    held = Trip("message", True, 4_100.0, ack_ms=4_100.0, at=130.0, message_id=11)
    slow = Trip("message", False, 3_500.0, ack_ms=3_500.0, at=140.0, message_id=12)
    on_time = Trip("/search", False, 20.0, ack_ms=20.0, at=150.0)
    phase = _phase(
        [held, slow, on_time], [_reply(11, 500), _reply(11, 500), _reply(11, 200), _reply(12, 200)]
    )
    assert late(phase) == (1, 1)
    lines = troubles(phase)
    refused = "; its reply refused by an injected 5xx"
    assert "late: message (hostile) 30.0 s into the load, 4,100 ms" + refused in lines
    assert "late: message (reader) 40.0 s into the load, 3,500 ms" in lines


def test_an_unanswered_message_is_late_whatever_discord_did() -> None:
    lost = Trip("message", True, None, at=120.0, message_id=21)
    phase = _phase([lost], [_reply(21, 500)])
    assert late(phase) == (1, 0)
    refused = "; its reply refused by an injected 5xx"
    assert "late: message (hostile) 20.0 s into the load, no answer" + refused in troubles(phase)
