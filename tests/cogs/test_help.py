"""/help lists the commands from the tree with examples; /about shows corpus figures."""

from __future__ import annotations

import json

from bot import __version__
from tests.newsdesk import Newsdesk


async def test_help_lists_every_command_with_examples(newsdesk: Newsdesk) -> None:
    reply = await newsdesk.discord.slash("help")

    embed = reply.message.embeds[0]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert reply.message.ephemeral
    search = fields[
        "/search query \\[source\\] \\[after\\] \\[before\\] \\[entity\\] \\[private\\]"
    ]
    assert "e.g. `/search query:Qatar truce`" in search
    assert "e.g. `/article id:1`" in fields["/article id \\[private\\]"]
    assert "/settings prefix value" in fields
    assert "Message menu → Apps → Find related news" in fields
    assert "e.g. `!news ceasefire`" in fields["!news \\<query>"]
    assert "Search language" in fields
    assert not any(name.startswith("/sync") for name in fields)


async def test_help_shows_the_guilds_own_prefix(newsdesk: Newsdesk) -> None:
    await newsdesk.bot.set_prefix(newsdesk.discord.guild.id, "?")

    reply = await newsdesk.discord.slash("help")

    fields = {f["name"]: f["value"] for f in reply.message.embeds[0]["fields"]}
    assert "e.g. `?news ceasefire`" in fields["?news \\<query>"]


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
