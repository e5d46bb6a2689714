"""`title:`, `author:` and `category:` through the Discord emulator, on both backends: in a feed
subscription's filter, a followed search and a digest's filter, each picks the items whose
headline, byline or categories hold it, and `/search` takes them too."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.clock import FakeClock
from bot.sandbox import DiscordEmulator
from tests import backends
from tests.bot.feeds.newsroom import NewsSite, Wire
from tests.cogs.feeddesk import cards, poll, said, slash
from tests.cogs.test_feeds import newsdesk_on, settled
from tests.cogs.test_mute import direct_messages, dm_titles
from tests.newsdesk import Newsdesk

database = backends.both_databases
postgres_server = backends.postgres_server
postgres_template = backends.postgres_template

# (title, byline, categories, text): the headline, the byline and the categories are each
# what one filter below looks at; the text repeats none of them but the last one's harbour.
ITEMS = [
    ("Harbour reopens after the gale", "Maria Okafor", ["Ports"], "Ships sail again."),
    ("Harbour fees rise", "Ann Lee", ["Business"], "Owners pay more from May."),
    ("Opinion: the harbour we lost", "Maria Okafor", ["Opinion"], "A column on change."),
    ("Gale warning for the coast", "Sam Reed", ["Weather"], "Winds reach 90 km/h."),
    ("Cup final moved by the gale", "Ann Lee", ["Sport", "Weather"], "Kick-off is Sunday."),
    ("Ferry timetable changes", "Maria Okafor", ["Ports"], "A gale delayed the harbour run."),
]


@pytest.fixture
async def desk(database: str, clock: FakeClock) -> AsyncIterator[Newsdesk]:
    """A NewsBot on a fresh database of each backend, that may read the loopback site."""
    async with DiscordEmulator(clock=clock) as discord, newsdesk_on(discord, database, clock) as d:
        yield d


async def test_field_filters_pick_items_for_a_feed_a_follow_and_a_digest(
    desk: Newsdesk, site: NewsSite, clock: FakeClock
) -> None:
    news = desk.discord.channel("news")
    wire = Wire(site, clock)
    feed_filter = 'title:harbour author:"Maria Okafor" -category:opinion'
    await slash(desk, "feeds add", url=wire.url, channel=news, filter=feed_filter)
    await slash(desk, "follow query", text='category:weather -author:"Ann Lee"')
    digest_filter = "title:gale -category:sport"
    await slash(
        desk, "digest schedule", channel=news, time="12:00", timezone="UTC", filter=digest_filter
    )
    await settled(desk)
    for title, author, categories, text in ITEMS:
        wire.publish(title, author=author, categories=categories, text=text)
    await poll(desk, clock)

    # The feed: a harbour headline by Maria Okafor, not her opinion column, and not the ferry
    # story, whose text (not its headline) names the harbour.
    assert cards(desk) == ["Harbour reopens after the gale"]
    log = said(await slash(desk, "feeds log", id=1))
    assert "🚫 **filtered** · [Ferry timetable changes]" in log
    assert f"doesn't match the filter “{feed_filter}”" in log
    # The follow: filed under Weather, not by Ann Lee.
    await desk.discord.wait_for(lambda: bool(direct_messages(desk)), what="a follow's DM")
    assert dm_titles(desk) == ["Gale warning for the coast"]
    # The digest: gale in the headline, not in Sport (the ferry's gale is in its text only).
    clock.advance(minutes=1)
    preview = said(await slash(desk, "digest preview", id=1))
    assert "Harbour reopens after the gale" in preview and "Gale warning for the coast" in preview
    assert "Cup final" not in preview and "Ferry" not in preview and "Harbour fees" not in preview

    found = await desk.discord.slash("search", query='author:"ann lee" category:weather')
    listed = found.message.embeds[0]["description"]
    assert listed.startswith("**1.** [Cup final moved by the gale](") and "**2.**" not in listed
    assert listed.endswith("\n> Kick-off is Sunday.")  # no words to mark: the article's lead
