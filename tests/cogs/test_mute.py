"""/mute through the Discord emulator, on both backends: what the server's mute list holds stays
out of its feeds (the delivery log says muted, and by which rule), its digests (scheduled and
previewed) and its follows; removing a rule lets such items through again."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.clock import FakeClock
from bot.models import ArticleDraft
from bot.sandbox import DiscordEmulator
from bot.sandbox.emulator.state import Message
from tests import backends
from tests.bot.feeds.newsroom import NewsSite, Wire
from tests.cogs.digests import at
from tests.cogs.digests import posts as digest_posts
from tests.cogs.feeddesk import cards, poll, said, slash
from tests.cogs.test_feeds import newsdesk_on, settled
from tests.cogs.test_feeds import posts as posts_in
from tests.newsdesk import Newsdesk

database = backends.both_databases
postgres_server = backends.postgres_server
postgres_template = backends.postgres_template


@pytest.fixture
async def desk(database: str, clock: FakeClock) -> AsyncIterator[Newsdesk]:
    """A NewsBot on a fresh database of each backend, that may read the loopback site."""
    async with DiscordEmulator(clock=clock) as discord, newsdesk_on(discord, database, clock) as d:
        yield d


def direct_messages(desk: Newsdesk) -> list[Message]:
    """What the bot has sent alice by DM."""
    return desk.discord.channel_messages(desk.discord.world.dm_channel(desk.discord.alice))


def dm_titles(desk: Newsdesk) -> list[str]:
    """The article titles alice's DMs list (linked, in bold)."""
    text = "\n".join(e.get("description", "") for m in direct_messages(desk) for e in m.embeds)
    return [
        line.split("](")[0].lstrip("*[") for line in text.splitlines() if line.startswith("**[")
    ]


async def log_of(desk: Newsdesk, number: int) -> str:
    return said(await slash(desk, "feeds log", id=number))


async def test_a_muted_item_stays_out_of_feeds_digests_and_follows(
    desk: Newsdesk, site: NewsSite, clock: FakeClock
) -> None:
    news = desk.discord.channel("news")
    desk_wire, gossip = Wire(site, clock), Wire(site, clock, "gossip")
    for wire in (desk_wire, gossip):
        await slash(desk, "feeds add", url=wire.url, channel=news)
    await slash(desk, "follow query", text="harbour")
    await slash(desk, "digest schedule", channel=news, time="12:00", timezone="UTC")
    added = [
        said(await slash(desk, "mute add", **rule))
        for rule in ({"word": "Ferry"}, {"phrase": '"toll  bridge"'}, {"source": "gossip wire"})
    ]
    assert added[0].startswith("Muted: #1 word “Ferry”. Newsdesk leaves it out of this server's")
    assert "This server uses 3 of 100 mute rules." in added[2]
    await settled(desk)

    desk_wire.publish("Harbour ferry timetable changes", text="New sailings from May.")
    desk_wire.publish("Harbour toll bridge reopens", text="Drivers pay again from Monday.")
    desk_wire.publish("Harbour cranes return", text="Two new cranes arrived by sea.")
    gossip.publish("Harbour master seen dancing", text="Witnesses were amazed.")
    await poll(desk, clock)

    assert cards(desk) == ["Harbour cranes return"]
    logs = await log_of(desk, 1) + "\n" + await log_of(desk, 2)
    assert "🔇 **muted** · [Harbour ferry timetable changes]" in logs
    assert "hidden by the server's mute list: #1 word “Ferry”" in logs
    assert "🔇 **muted** · [Harbour toll bridge reopens]" in logs
    assert "#2 phrase “toll bridge”" in logs
    assert "🔇 **muted** · [Harbour master seen dancing]" in logs
    assert "#3 source “gossip wire”" in logs

    await desk.discord.wait_for(lambda: bool(direct_messages(desk)), what="a follow's DM")
    assert dm_titles(desk) == ["Harbour cranes return"]

    clock.advance(minutes=1)  # a digest covers what was stored before the moment it is made
    preview = said(await slash(desk, "digest preview", id=1))
    assert "Harbour cranes return" in preview
    assert "ferry" not in preview.casefold() and "toll" not in preview and "dancing" not in preview
    await at(desk, datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    [digest] = [m for m in digest_posts(desk) if m.embeds and "digest" in str(m.embeds[0])]
    posted = str(digest.embeds)
    assert "Harbour cranes return" in posted and "ferry" not in posted.casefold()

    # Lifting a rule lets the next such item through.
    removed = said(await slash(desk, "mute remove", rule="1"))
    assert removed == "Removed #1 word “Ferry”: it no longer hides anything here."
    desk_wire.publish("Ferry returns to the harbour", text="The old ferry is back.")
    await poll(desk, clock)
    assert cards(desk)[-1] == "Ferry returns to the harbour"


async def test_the_list_pages_and_autocomplete_offers_this_servers_rules_and_sources(
    desk: Newsdesk, site: NewsSite, clock: FakeClock
) -> None:
    wire = Wire(site, clock, "harbour")
    await slash(desk, "feeds add", url=wire.url, channel=desk.discord.channel("news"))
    await settled(desk)
    wire.publish("Cranes return", text="Two new cranes.")
    await poll(desk, clock)
    choices = await desk.discord.autocomplete("mute add", "source", "harb")
    assert [c["value"] for c in choices] == ["Harbour Wire"]

    for n in range(17):
        await slash(desk, "mute add", word=f"w{n}")
    listing = await slash(desk, "mute list")
    first = said(listing)
    assert first.startswith("Mute list\n#1 word “w0” · added <t:")
    assert "#15 word “w14”" in first and "#16" not in first
    assert listing.message.embeds[0]["footer"]["text"] == (
        "Page 1 of 2 · 17 of 100 rules · oldest first"
    )
    second = await desk.discord.click(listing.message, "Next")
    assert "#16 word “w15”" in str(second.message.embeds)
    picked = await desk.discord.autocomplete("mute remove", "rule", "w16")
    assert picked == [{"name": "#17 word: w16", "value": "17"}]


async def test_an_entity_rule_hides_what_names_it_whatever_it_is_called(
    newsdesk: Newsdesk,
) -> None:
    discord = newsdesk.discord
    choices = await discord.autocomplete("mute add", "entity", "hama")
    [hamas] = [c for c in choices if c["name"].startswith("Hamas · organisation")]
    reply = said(await discord.slash("mute add", entity=hamas["value"]))
    assert reply.startswith("Muted: #1 entity “Hamas”.")
    await discord.slash("follow query", text="truce")
    report = await newsdesk.ingest(
        [
            ArticleDraft(
                title="Truce talks resume in Cairo",
                body="A Hamas delegation arrived in Cairo on Tuesday for talks with Egyptian "
                "mediators about the truce.",
                origin="test:mute:cairo",
                published_at="2026-03-02T08:30:00+00:00",
            ),
            ArticleDraft(
                title="Truce holds along the river",
                body="The truce between the two towns held for a third day, officials said.",
                origin="test:mute:river",
                published_at="2026-03-02T08:40:00+00:00",
            ),
        ]
    )
    await newsdesk.bot.articles_added(report.added)
    text = str([m.embeds for m in direct_messages(newsdesk)])
    assert "Truce holds along the river" in text and "Cairo" not in text
    newsdesk.clock.advance(minutes=1)
    catchup = await discord.slash("catchup", since="1d")
    shown = str([m.embeds for m in catchup.messages])
    assert "Truce holds along the river" in shown and "Truce talks resume in Cairo" not in shown


async def test_a_rule_must_be_one_thing_and_say_what_it_is(newsdesk: Newsdesk) -> None:
    async def answer(**options: Any) -> str:
        return said(await newsdesk.discord.slash("mute add", **options))

    assert await answer() == "Give one of `word:`, `phrase:`, `source:` or `entity:`."
    assert await answer(word="a", source="b") == (
        "Give one of `word:`, `phrase:`, `source:` or `entity:`."
    )
    assert "use `phrase:`" in await answer(word="transfer window")
    assert "No entity called “Nobody Atall” is known yet." in await answer(entity="Nobody Atall")
    assert "Already muted: #1 word “crypto”" in (
        await answer(word="crypto") + await answer(word="CRYPTO")
    )
    # An admin's text is shown as typed, and can neither ping nor fake a link.
    hostile = await answer(source="@everyone <@&1> [x](https://evil.example)")
    assert "@everyone" not in hostile and "<@&1>" not in hostile
    assert "[x](https://evil.example)" not in hostile and "\\[x\\]" in hostile
    listed = said(await newsdesk.discord.slash("mute list"))
    assert "<@&1>" not in listed and "@everyone" not in listed
    gone = said(await newsdesk.discord.slash("mute remove", rule="#99"))
    assert gone == "This server has no mute rule #99; `/mute list` shows them."


async def test_a_rule_added_while_items_wait_for_quiet_hours_still_hides_them(
    desk: Newsdesk, site: NewsSite, clock: FakeClock
) -> None:
    news = desk.discord.channel("news")
    # 09:00 UTC, the server's default timezone: inside 08:00-10:00.
    await slash(desk, "feeds pacing", channel=news, quiet_from="08:00", quiet_until="10:00")
    wire = Wire(site, clock)
    await slash(desk, "feeds add", url=wire.url, channel=news)
    await settled(desk)
    wire.publish("Night ferry delayed", text="Fog in the strait.")
    wire.publish("Night cranes arrive", text="Two of them.")
    wire.publish("Night market opens", text="Stalls until dawn.")
    await poll(desk, clock)  # 09:20: held for quiet hours
    assert (await log_of(desk, 1)).count("🌙 **held for quiet hours**") == 3

    await slash(desk, "mute add", word="ferry")
    await poll(desk, clock, minutes=45)  # 10:05: released, less what is muted now
    [pack] = [e for m in posts_in(desk) for e in m.embeds]
    assert pack["title"] == "2 stories from quiet hours"
    assert "Night ferry delayed" not in pack["description"]
    log = await log_of(desk, 1)
    assert "🔇 **muted** · [Night ferry delayed]" in log
    assert "hidden by the server's mute list before it went out: #1 word “ferry”" in log
