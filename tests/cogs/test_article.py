"""/article: whole articles, paged, within every Discord limit."""

from __future__ import annotations

from bot.models import ArticleDraft
from tests.newsdesk import Newsdesk


async def test_article_shows_the_seed_in_full(newsdesk: Newsdesk) -> None:
    reply = await newsdesk.discord.slash("article", id=1)

    embed = reply.message.embeds[0]
    assert embed["title"].startswith("Senior Israeli Security Officials In Qatar")
    assert embed["author"]["name"] == "YWN Israel Desk · Jerusalem"
    assert embed["description"].startswith("*Head of the IDF Southern Command")
    assert "Ismail Haniyeh" in embed["description"]
    assert embed["footer"]["text"] == "Article #1 · page 1 of 1"
    assert reply.message.components == []  # one page: no buttons to wait on


async def test_a_100kb_article_renders_within_every_limit_and_pages(newsdesk: Newsdesk) -> None:
    sentence = "Negotiators in Doha said the ceasefire would hold <@&123> for now. "
    body = "\n\n".join(sentence * 15 for _ in range(110))
    assert len(body.encode()) > 100_000
    report = await newsdesk.ingest(
        [ArticleDraft(title="The long read " * 40, body=body, origin="test:long", source="Wire")],
        nlp=False,
    )
    discord = newsdesk.discord

    reply = await discord.slash("article", id=report.added[0])
    message = reply.message
    first_footer = message.embeds[0]["footer"]["text"]
    await discord.click(message, "Next")

    pages = int(first_footer.rsplit(" ", 1)[-1])
    assert pages >= 25
    assert message.embeds[0]["footer"]["text"] == f"Article #2 · page 2 of {pages}"
    assert "<\u200b@&123>" in message.embeds[0]["description"]
    # The emulator enforces Discord's limits: nothing the bot sent was refused.
    assert all(r.status < 400 for r in discord.requests)


async def test_an_unknown_article_gets_an_ephemeral_message(newsdesk: Newsdesk) -> None:
    reply = await newsdesk.discord.slash("article", id=999)

    assert reply.message.ephemeral
    assert reply.message.embeds[0]["description"] == (
        "There is no article #999. `/search` shows each article's number."
    )
