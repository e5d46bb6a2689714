"""A hostile later report cannot ping or spoof through a story update: the sentences it adds,
posted in the story's thread and sent to followers by DM, are inert."""

from __future__ import annotations

from pathlib import Path

from bot.clock import FakeClock
from tests.adversarial.hostile import embed_text
from tests.adversarial.test_no_pings import PAYLOAD, assert_inert
from tests.bot.feeds.newsroom import NewsSite
from tests.cogs.feeddesk import poll
from tests.cogs.test_feeds import fresh_newsdesk, posts
from tests.cogs.test_story_updates import FIRST, HEADLINE, dms, outlets, thread_posts
from tests.newsdesk import Newsdesk


async def test_what_a_hostile_report_adds_is_posted_and_sent_inert(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with NewsSite() as site, fresh_newsdesk(tmp_path, clock) as desk:
        await hostile_update(desk, site, clock)


async def hostile_update(desk: Newsdesk, site: NewsSite, clock: FakeClock) -> None:
    """A story, then a report adding a hostile sentence, followed by bob."""
    harbour, coastal = await outlets(desk, site, clock, updates="thread")
    harbour.report(HEADLINE, FIRST)
    await poll(desk, clock)
    [story] = posts(desk)
    await desk.discord.click(story, "Follow this story", user=desk.discord.bob)
    coastal.report(HEADLINE, f"{FIRST} The coastguard rescued 40 fishermen {PAYLOAD}.")
    await poll(desk, clock)
    [update] = thread_posts(desk, story)
    [dm] = dms(desk, desk.discord.bob)
    for message in (update, dm):
        assert "The coastguard rescued 40 fishermen" in embed_text(message.embeds[0])
    assert assert_inert(desk) >= 3  # the story, its update, the DM
