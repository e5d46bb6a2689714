"""Timeline buttons as Discord receives them, and delays as they read."""

from __future__ import annotations

from datetime import timedelta

from bot.render.stories import timeline_view
from bot.render.text import duration


async def test_timeline_buttons_name_their_stories_and_keep_no_view() -> None:
    assert timeline_view([]) is None
    one = timeline_view([(7, "Storm closes ports")])
    assert one is not None and one.is_finished()  # discord.py stores no copy of it
    assert [(b["label"], b["custom_id"]) for b in one.to_components()[0]["components"]] == [
        ("Timeline", "story:timeline:7")
    ]
    several = timeline_view([(7, "Storm closes ports"), (9, "x" * 100), (7, "Storm closes ports")])
    assert several is not None
    buttons = several.to_components()[0]["components"]
    assert [b["custom_id"] for b in buttons] == ["story:timeline:7", "story:timeline:9"]
    assert buttons[0]["label"] == "Timeline: Storm closes ports"
    assert len(buttons[1]["label"]) == 60 and buttons[1]["label"].endswith("…")


def test_durations_read_to_the_minute_in_two_units_at_most() -> None:
    assert [
        duration(timedelta(**d))
        for d in (
            {"seconds": 20},
            {"minutes": 45},
            {"hours": 2},
            {"hours": 2, "minutes": 14, "seconds": 40},
            {"days": 1, "hours": 3, "minutes": 20},
            {"days": 3},
            {"seconds": -5},
        )
    ] == ["0 min", "45 min", "2 h", "2 h 15 min", "1 d 3 h", "3 d", "0 min"]
