"""Insight and follow renderers: batched notifications, follow lists and choices stay within
Discord's limits and show hostile titles as plain text."""

from __future__ import annotations

from datetime import date

from bot.insights.follows import Notification, NotifiedArticle
from bot.insights.trend import Trend, TrendSeries, trend_window
from bot.models import Article
from bot.models.entity import KnownEntity
from bot.render import limits
from bot.render.insights import (
    follow_choices,
    follows_embed,
    notification_embed,
    trend_embed,
)
from bot.sandbox.emulator.limits import FormErrors, check_embeds
from bot.store import Follow


def discord_errors(embed_dict: dict) -> dict:
    """What Discord (the emulator's rules) would reject in a message carrying this embed."""
    errors = FormErrors()
    check_embeds(errors, ["embeds"], [embed_dict])
    return errors.tree


def _follow(number: int, *, channel: bool = False, kind: str = "entity") -> Follow:
    return Follow(
        id=number,
        guild_id=1,
        user_id=None if channel else 7,
        channel_id=55 if channel else None,
        kind=kind,
        target=f"Target {number} " + "x" * 150,
        target_key=f"t{number}",
        entity_key=f"t{number}" if kind == "entity" else None,
        entity_label="ORG" if kind == "entity" else None,
        created_by=7,
        created_at="2026-03-01T00:00:00+00:00",
        after_article_id=0,
    )


def _article(number: int) -> Article:
    return Article(
        id=number,
        title=f"@everyone **Breaking** <@123> story {number} " + "long " * 80,
        body="",
        origin=f"t:{number}",
        source="Wire",
        url=f"https://example.com/{number}",
        published_at=f"2026-03-{1 + number % 2:02d}T08:00:00+00:00",
    )


def test_a_big_batch_lists_ten_articles_and_counts_the_rest() -> None:
    follows = tuple(_follow(n) for n in range(1, 4))
    notification = Notification(
        user_id=7,
        channel_id=None,
        articles=tuple(NotifiedArticle(_article(n), follows) for n in range(1, 13)),
        ids=tuple(range(12)),
    )
    embed = notification_embed(notification)
    data = embed.to_dict()

    assert discord_errors(data) == {}
    assert data["title"] == "12 new articles on what you follow"
    assert data["description"].count("https://example.com/") == 10
    assert data["description"].endswith("…and 2 more articles: `/search` finds them.")
    assert "@everyone" not in data["description"] and "<@123>" not in data["description"]


def test_follow_lists_and_choices() -> None:
    follows = [_follow(n) for n in range(1, 31)] + [_follow(99, channel=True, kind="query")]
    data = follows_embed(follows).to_dict()
    assert discord_errors(data) == {}
    assert [f["name"] for f in data["fields"]] == ["Yours (by DM)", "Channels"]
    assert data["fields"][1]["value"].startswith("`#99` query **“Target 99")

    choices = follow_choices(follows, "")
    assert len(choices) == limits.CHOICES
    assert all(len(c.name) <= limits.CHOICE_NAME for c in choices)
    assert [c.value for c in follow_choices(follows, "#99")] == ["99"]
    assert follows_embed([]).to_dict()["description"].startswith("Nothing followed here yet.")


def test_trend_embed_names_the_busiest_day_and_points_at_the_chart() -> None:
    days = trend_window(3, date(2026, 3, 2))
    trend = Trend(
        days,
        (TrendSeries(KnownEntity(1, "Hamas", "ORG", 5, 3), (1, 3, 1), (1, 2, 1)),),
    )
    data = trend_embed(trend, "chart.png").to_dict()
    assert data["title"] == "Hamas: mentions per day, last 3 days"
    assert data["description"] == (
        "**Hamas** · organisation · 5 mentions in 4 articles · busiest 1 Mar (3)"
    )
    assert data["image"]["url"] == "attachment://chart.png"


def test_articles_that_do_not_fit_are_counted_not_clipped() -> None:
    long_links = tuple(
        NotifiedArticle(
            Article(
                id=n,
                title=f"Story {n}",
                body="",
                origin=f"t:{n}",
                url="https://example.com/" + "a" * 1500,
                published_at="2026-03-01T08:00:00+00:00",
            ),
            (_follow(1),),
        )
        for n in range(1, 6)
    )
    notification = Notification(user_id=7, channel_id=None, articles=long_links, ids=(1,))
    data = notification_embed(notification).to_dict()

    assert discord_errors(data) == {}
    assert data["description"].count("https://example.com/") == 2
    assert data["description"].endswith("…and 3 more articles: `/search` finds them.")
