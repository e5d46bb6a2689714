"""The "Find related news" message menu: key terms from the message, deferred answer."""

from __future__ import annotations

from bot.models import ArticleDraft
from bot.work import Meter, metered
from cogs.related import key_terms
from tests.newsdesk import Newsdesk


async def test_find_related_news_defers_then_follows_up_with_results(
    newsdesk: Newsdesk,
) -> None:
    message = await newsdesk.post("Any news on what Halevi is doing in Doha this week?")

    reply = await newsdesk.message_command("Find related news", message)

    assert reply.response_type == 5  # deferred first: the answer came as a follow-up
    embed = reply.message.embeds[0]
    assert reply.message.ephemeral
    assert embed["title"].startswith("Results for “")
    assert "halevi" in embed["title"] and "doha" in embed["title"]
    assert "Senior Israeli Security Officials In Qatar" in embed["description"]


async def test_a_message_with_no_known_words_gets_a_clear_answer(newsdesk: Newsdesk) -> None:
    message = await newsdesk.post("lorem ipsum dolor sit amet")

    reply = await newsdesk.message_command("Find related news", message)

    assert reply.message.ephemeral
    assert reply.message.embeds[0]["description"] == (
        "None of this message's words appear in the news archive."
    )


async def test_key_terms_prefer_rare_indexed_words(newsdesk: Newsdesk) -> None:
    await newsdesk.ingest(
        [
            ArticleDraft(title=f"Gaza aid convoy {n}", body="Aid reached Gaza.", origin=f"t:{n}")
            for n in range(3)
        ],
        nlp=False,
    )

    words = await key_terms(newsdesk.store, "The Gaza convoy and Haniyeh's <@&1> statement")

    assert words[0] == "haniyeh"  # in one article; gaza is in four
    assert "gaza" in words and "the" not in words


async def test_a_wall_of_common_words_is_ranked_reading_a_bounded_part_of_the_index(
    newsdesk: Newsdesk,
) -> None:
    """Issue 16, class 1: each of up to 60 words of a message was counted in full (a common
    word's whole list: a wall of them read a second's worth at 100k articles). Counts now
    stop at a cap; words past it tie, the rarer ones still come first."""
    common = [f"common{n}" for n in range(30)]
    await newsdesk.ingest(
        [
            ArticleDraft(title=f"Wire {n}", body=" ".join(common) + " filler", origin=f"w:{n}")
            for n in range(12)
        ]
        + [ArticleDraft(title="Rare", body="rareword common1", origin="w:rare")],
        nlp=False,
    )
    wall = " ".join(["rareword", *common] * 3)

    meter = Meter("related")
    words = await metered(key_terms(newsdesk.store, wall, cap=5), meter)

    assert words[0] == "rareword"
    assert meter.units["related_postings"] <= 31 * 5
