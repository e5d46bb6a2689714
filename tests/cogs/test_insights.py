"""/entity-trend and /entity-network through the emulator: a chart attached to an embed."""

from __future__ import annotations

from bot.insights.charts import png_size
from tests.bot.insights.corpus import add_article
from tests.newsdesk import Newsdesk

HAMAS, QATAR, EGYPT = ("Hamas", "ORG"), ("Qatar", "GPE"), ("Egypt", "GPE")


async def _more_news(newsdesk: Newsdesk) -> None:
    """Besides the seed article (2 Mar, analysed by the real model): dated reports."""
    await add_article(newsdesk.store, 101, [HAMAS, QATAR], "2026-02-25")
    await add_article(newsdesk.store, 102, [HAMAS, HAMAS, EGYPT], "2026-02-26")
    await add_article(newsdesk.store, 103, [QATAR], "2026-01-10")  # outside 30 days
    await add_article(newsdesk.store, 104, [("Kerem Shalom", "FAC")], "2026-02-27")


async def test_trend_answers_with_the_chart_attached(newsdesk: Newsdesk) -> None:
    await _more_news(newsdesk)
    reply = await newsdesk.discord.slash(
        "entity-trend", name="Hamas", days=7, compare="Qatar, egypt"
    )

    message = reply.message
    assert not message.ephemeral
    embed = message.embeds[0]
    assert embed["title"] == "Hamas vs Qatar vs Egypt: mentions per day, last 7 days"
    assert embed["image"]["url"] == "attachment://trend.png"
    lines = embed["description"].split("\n")
    assert lines[0].startswith("**Hamas** · organisation · ")
    assert "busiest 2 Mar" in lines[0]  # the seed article names Hamas most
    # The seed article (2 Mar) names Egypt once too; on a tie the earlier day is the busiest.
    assert lines[2] == "**Egypt** · place · 2 mentions in 2 articles · busiest 26 Feb (1)"
    assert png_size(message.files["trend.png"]) == (960, 540)


async def test_trend_of_nothing_recent_says_so_and_still_charts(newsdesk: Newsdesk) -> None:
    await _more_news(newsdesk)
    newsdesk.clock.advance(days=60)
    reply = await newsdesk.discord.slash("entity-trend", name="Qatar", private=True)

    assert reply.message.ephemeral
    assert "No article of the last 30 days names them." in reply.message.embeds[0]["description"]
    assert png_size(reply.message.files["trend.png"]) == (960, 540)


async def test_unknown_and_too_many_names_are_explained(newsdesk: Newsdesk) -> None:
    unknown = await newsdesk.discord.slash("entity-trend", name="Atlantis")
    assert "No entity called “Atlantis”" in unknown.message.embeds[0]["description"]
    many = await newsdesk.discord.slash(
        "entity-trend", name="Hamas", compare="Qatar, IDF, Mossad, Israel"
    )
    assert "at most 4 entities" in many.message.embeds[0]["description"]
    assert not many.message.files


async def test_compare_autocomplete_completes_the_last_name(newsdesk: Newsdesk) -> None:
    choices = await newsdesk.discord.autocomplete(
        "entity-trend", "compare", "Qatar, Mos", name="Hamas"
    )
    mossad = (await newsdesk.store.entities_named("Mossad"))[0]
    assert choices[0] == {"name": "Qatar, Mossad · organisation", "value": f"Qatar, {mossad.ref}"}


async def test_network_answers_with_the_picture_attached(newsdesk: Newsdesk) -> None:
    await _more_news(newsdesk)
    reply = await newsdesk.discord.slash("entity-network", name="Hamas")

    embed = reply.message.embeds[0]
    assert embed["title"] == "Named with Hamas"
    assert embed["description"].startswith("Across 3 articles, most often named alongside")
    assert "Qatar (2)" in embed["description"]
    assert embed["image"]["url"] == "attachment://network.png"
    assert png_size(reply.message.files["network.png"]) == (960, 720)

    recent = await newsdesk.discord.slash("entity-network", name="Egypt", days=1)
    assert recent.message.embeds[0]["description"].startswith(
        "Across 1 article from the last 1 day, most often named alongside Egypt"
    )
    alone = await newsdesk.discord.slash("entity-network", name="Kerem Shalom")
    assert alone.message.embeds[0]["description"] == (
        "No other entity is named in the articles about Kerem Shalom yet."
    )
    assert not alone.message.files
