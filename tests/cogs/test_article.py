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


async def test_a_9_mb_article_answers_its_first_page_having_built_only_that_page(
    newsdesk: Newsdesk,
) -> None:
    """Issue 16, class 1: /article on a 9 MB article built all 2,776 pages on the event loop
    (17 s; the gateway fell 41 s behind). Now the page count comes from the body's length and
    only the page shown is read and rendered."""
    paragraph = "Negotiators in Doha said the ceasefire would hold for now. " * 20
    body = "\n\n".join([paragraph] * 7_700)
    assert len(body) > 9_000_000
    report = await newsdesk.ingest(
        [ArticleDraft(title="The longest read", body=body, origin="test:9mb", source="Wire")],
        nlp=False,
    )
    discord = newsdesk.discord

    reply = await discord.slash("article", id=report.added[0])

    pages = -(-len(body) // 2_400)
    footer = reply.message.embeds[0]["footer"]["text"]
    assert footer == f"Article #{report.added[0]} · page 1 of {pages:,}"
    assert reply.message.embeds[0]["description"].startswith("Negotiators in Doha said")
    assert (await newsdesk.spent("/article")).units["article_pages"] == 1

    await discord.click(reply.message, "Next")

    assert reply.message.embeds[0]["footer"]["text"].endswith(f"page 2 of {pages:,}")
    assert (await newsdesk.spent("/article pages")).units["article_pages"] == 1
