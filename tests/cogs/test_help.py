"""/help lists the commands from the tree with examples, paged; /about shows corpus figures."""

from __future__ import annotations

import json

from bot import __version__
from bot.sandbox.emulator.state import Message
from tests.newsdesk import Newsdesk

SEARCH_USAGE = "/search query \\[source\\] \\[after\\] \\[before\\] \\[entity\\] \\[private\\]"
NEWS_USAGE = "!news <\u200bquery>"


async def all_help_pages(newsdesk: Newsdesk, message: Message) -> list[dict[str, str]]:
    """The fields of every /help page, turning pages with the Next button."""
    pages = [{f["name"]: f["value"] for f in message.embeds[0]["fields"]}]
    while any(
        c.get("label") == "Next" and not c["disabled"]
        for row in message.components
        for c in row["components"]
    ):
        await newsdesk.discord.click(message, "Next")
        pages.append({f["name"]: f["value"] for f in message.embeds[0]["fields"]})
    return pages


async def test_help_lists_every_command_with_examples(newsdesk: Newsdesk) -> None:
    reply = await newsdesk.discord.slash("help")

    pages = await all_help_pages(newsdesk, reply.message)
    first = pages[0]
    fields = {name: value for page in pages for name, value in page.items()}
    assert reply.message.ephemeral
    assert list(first)[:4] == [
        SEARCH_USAGE,
        "/article id \\[private\\]",
        "Message menu → Apps → Find related news",
        NEWS_USAGE,
    ]
    assert "e.g. `/search query:Qatar truce`" in first[SEARCH_USAGE]
    assert "e.g. `/article id:1`" in first["/article id \\[private\\]"]
    assert "e.g. `!news ceasefire`" in first[NEWS_USAGE]
    assert {"/help", "/about", "/settings prefix value"} <= set(fields)
    assert "Search language" in pages[-1]
    assert not any(name.startswith("/sync") for name in fields)


async def test_help_shows_the_guilds_own_prefix(newsdesk: Newsdesk) -> None:
    await newsdesk.bot.set_prefix(newsdesk.discord.guild.id, "?")

    reply = await newsdesk.discord.slash("help")

    fields = {f["name"]: f["value"] for f in reply.message.embeds[0]["fields"]}
    assert "e.g. `?news ceasefire`" in fields["?news <\u200bquery>"]
    assert "?news ceasefire" in reply.message.embeds[0]["description"]


async def test_about_shows_corpus_figures_and_version_never_the_token(
    newsdesk: Newsdesk,
) -> None:
    reply = await newsdesk.discord.slash("about")

    embed = reply.message.embeds[0]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Articles"] == "1"
    assert fields["Sources"] == "1"
    assert fields["Version"] == __version__
    assert fields["Coverage"].startswith("<t:")
    sent = json.dumps([r.json for r in newsdesk.discord.requests])
    assert newsdesk.discord.token not in sent


async def test_help_answers_the_prefix_form_too(newsdesk: Newsdesk) -> None:
    (reply,) = await newsdesk.discord.say(newsdesk.discord.channel("news"), "!help")
    assert reply.embeds[0]["title"] == "Newsdesk commands"
