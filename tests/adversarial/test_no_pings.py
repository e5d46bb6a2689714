"""No pings and no spoofing from content: hostile article text, queries and error echoes go
through the real bot on the emulated Discord and come out inert, with mentions switched off on
every request the bot makes."""

from __future__ import annotations

import pytest

from bot.models import ArticleDraft
from bot.sandbox.emulator.state import ALL_PERMISSIONS
from tests.adversarial.discord_records import message_bodies, pings_allowed
from tests.adversarial.hostile import embed_text, live_markup
from tests.newsdesk import Newsdesk

PAYLOAD = (
    "@everyone @here <@123456789012345678> <@&123456789012345678> <#123456789012345678> "
    "[official statement](https://evil.example/login) ||spoiler|| ```code fence``` "
    "https://news.example/a)<@&123456789012345678> \u202eevil\u202c \u200b@everyone"
)


def hostile_drafts() -> list[ArticleDraft]:
    """Articles whose every field tries to ping or spoof."""
    return [
        ArticleDraft(
            title=f"Harbour strike {n} {PAYLOAD}",
            body=f"Dockers walked out. {PAYLOAD}\n\n> quoted\n# heading\n{PAYLOAD}",
            caption=f"Pickets {PAYLOAD} (Photo: {PAYLOAD})",
            source=f"Wire {PAYLOAD}",
            author=PAYLOAD,
            origin=f"test:hostile:{n}",
        )
        for n in range(7)
    ]


def assert_inert(newsdesk: Newsdesk) -> int:
    """Every message the bot sent so far pings no one and shows no live markup; return how many."""
    sent = message_bodies(newsdesk.discord)
    # The bot may name the server's real channels (e.g. "tells #news"); content never can.
    channels = frozenset(f"<#{c}>" for c in newsdesk.discord.world.channels)
    for request, body in sent:
        assert pings_allowed(body) is None, (request.route, body.get("allowed_mentions"))
        shown = [body.get("content") or ""] + [embed_text(e) for e in body.get("embeds") or []]
        for part in shown:
            assert live_markup(part, channels) == [], (request.route, part[:300])
    return len(sent)


async def test_hostile_articles_render_inert_in_search_pages_and_articles(
    newsdesk: Newsdesk,
) -> None:
    await newsdesk.ingest(hostile_drafts(), nlp=False)
    discord = newsdesk.discord

    results = await discord.slash("search", query="harbour strike")
    await discord.click(results.message, "next")
    await discord.select(results.message, "pager:search:pick", [str(discord_id(results))])
    await discord.slash("article", id=discord_id(results))
    await discord.say(discord.channel("general"), "!news harbour strike")
    await discord.say(discord.channel("general"), f"<@{discord.bot_user.id}> harbour strike")

    assert "Harbour strike" in results.message.embeds[0]["description"]
    assert assert_inert(newsdesk) >= 6


def discord_id(results: object) -> int:
    """The first article offered in a results message's menu."""
    menu = results.message.components[-1]["components"][0]  # type: ignore[attr-defined]
    return int(menu["options"][0]["value"])


async def test_hostile_queries_and_error_echoes_stay_inert_in_public_replies(
    newsdesk: Newsdesk,
) -> None:
    discord = newsdesk.discord
    general = discord.channel("general")

    await discord.slash("search", query=PAYLOAD[:300])
    await discord.slash("search", query="ceasefire", after="[x](<@1>)")
    (bad_date,) = await discord.say(
        general, "!news ceasefire after:[click](https://evil.example/@everyone)"
    )
    (nothing,) = await discord.say(general, "!news zzqx @everyone <@&123456789012345678>")

    assert "after:" in bad_date.embeds[0]["description"]
    assert nothing.embeds[0]["title"].startswith("No articles match")
    assert assert_inert(newsdesk) == 4


async def test_hostile_digest_options_echo_inert(newsdesk: Newsdesk) -> None:
    discord = newsdesk.discord
    if discord.world.command_named("catchup", discord.guild.id) is None:
        pytest.skip("digests have not landed")
    since = await discord.slash("catchup", since="`@everyone [x](https://evil.example)`")
    zone = await discord.slash("catchup", since="3d", timezone="<@&123456789012345678>`||")
    schedule = await discord.slash(
        "digest schedule",
        channel=discord.channel("news"),
        time="`<@1>`",
        timezone="UTC",
        every="cron [x](https://evil.example) * * *",
    )

    for reply in (since, zone, schedule):
        assert reply.message.ephemeral
    assert assert_inert(newsdesk) == 3


async def test_follow_notifications_of_hostile_articles_and_queries_are_inert(
    newsdesk: Newsdesk,
) -> None:
    discord = newsdesk.discord
    if discord.world.command_named("follow", discord.guild.id) is None:
        pytest.skip("follows have not landed")
    query = "strike @everyone <@&123456789012345678> "
    query += "[statement](https://evil.example/login) ||spoiler||"
    await newsdesk.slash_as(
        discord.alice,
        "follow query",
        permissions=ALL_PERMISSIONS,
        text=query,
        channel=discord.channel("news"),
    )
    await discord.slash("follow query", text=query)  # for alice herself, by DM
    newsdesk.clock.advance(minutes=5)  # the articles are news after the follows began
    report = await newsdesk.ingest(hostile_drafts()[:2], nlp=False)
    await newsdesk.bot.articles_added(report.added)

    assert discord.channel_messages(discord.channel("news"))
    assert assert_inert(newsdesk) >= 4


async def test_the_bot_refuses_to_ping_even_when_discord_would(newsdesk: Newsdesk) -> None:
    # Discord parses every mention in content unless told otherwise: the client default is none.
    mentions = newsdesk.bot.allowed_mentions
    assert mentions is not None
    assert mentions.to_dict() == {"parse": []}
