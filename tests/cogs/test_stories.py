"""/story and the Timeline button through the emulator: a story's outlets in order of report,
their delays behind the first report and what each added; the button on a feed's story post
answers (also after a restart), and one the post does not carry is ignored."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.clock import FakeClock, utc_iso
from bot.models import ArticleDraft
from bot.sandbox import DiscordEmulator
from tests.adversarial.test_permissions import click_raw
from tests.bot.feeds.newsroom import NewsSite, Wire
from tests.cogs.feeddesk import last_post, poll
from tests.cogs.test_feeds import add, newsdesk_on, settled
from tests.newsdesk import Newsdesk

TITLE = "Truce talks resume in Doha with Qatari mediators"

FIRST = (
    "Qatari mediators hosted a new round of truce talks in Doha on Monday. "
    "Hamas and Israeli negotiators met separately with the mediators, officials said."
)
SECOND = (
    "Qatari mediators hosted a new round of truce talks in Doha on Monday. "
    "Egypt sent its intelligence chief to join the talks, a diplomat in Cairo said."
)
# Said before, in another order: it adds nothing.
THIRD = (
    "Hamas and Israeli negotiators met separately with the mediators, officials said. "
    "Qatari mediators hosted a new round of truce talks in Doha on Monday."
)


def report(outlet: str, body: str, hours_ago: float, desk: Newsdesk) -> ArticleDraft:
    when = desk.clock.now() - timedelta(hours=hours_ago)
    slug = outlet.lower().replace(" ", "-")
    return ArticleDraft(
        title=TITLE,
        body=body,
        origin=f"test:story:{slug}",
        source=outlet,
        url=f"https://{slug}.example/doha-talks",
        published_at=utc_iso(when),
    )


def link(outlet: str) -> str:
    slug = outlet.lower().replace(" ", "-")
    return f"[{outlet}](https://{slug}.example/doha-talks)"


async def test_story_shows_outlets_in_order_with_delays_and_what_each_added(
    newsdesk: Newsdesk,
) -> None:
    # Stored out of order: the timeline follows the reports' times, not the ids.
    first_at = newsdesk.clock.now() - timedelta(hours=5)
    await newsdesk.ingest(
        [
            report("Valley Herald", THIRD, 1, newsdesk),
            report("Coast Wire", FIRST, 5, newsdesk),
            report("Gulf Desk", SECOND, 2.75, newsdesk),
        ]
    )
    reply = await newsdesk.discord.slash("story", query="Qatari mediators Doha")
    assert not reply.message.ephemeral
    [embed] = reply.message.embeds
    assert embed["title"] == f"Timeline: {TITLE}"
    assert embed["description"].split("\n") == [
        f"**1. {link('Coast Wire')}** · first · <t:{int(first_at.timestamp())}:f>",
        "▌ Qatari mediators hosted a new round of truce talks in Doha on Monday.",
        "▌ Hamas and Israeli negotiators met separately with the mediators, officials said.",
        "",
        f"**2. {link('Gulf Desk')}** · +2 h 15 min",
        "▌ Egypt sent its intelligence chief to join the talks, a diplomat in Cairo said.",
        "",
        f"**3. {link('Valley Herald')}** · +4 h",
        "▌ nothing the outlets before it had not said",
    ]
    assert embed["footer"]["text"].startswith("3 outlets, 3 reports · delays behind the first")

    # Picked from the list (an article's number), privately; nothing found says so privately.
    choices = await newsdesk.discord.autocomplete("story", "query", "Truce talks resume")
    assert len(choices) == 3  # each outlet's report: any of them is the story
    choice = choices[0]
    picked = await newsdesk.discord.slash("story", query=choice["value"], private=True)
    assert picked.message.ephemeral
    assert picked.message.embeds[0]["description"] == embed["description"]
    nothing = await newsdesk.discord.slash("story", query="zeppelin")
    assert nothing.message.ephemeral
    assert (
        nothing.message.embeds[0]["description"]
        == "No article matches “zeppelin”: try other words."
    )


async def test_a_story_posts_timeline_button_answers_also_after_a_restart(
    tmp_path: Path, clock: FakeClock
) -> None:
    db = tmp_path / "newsdesk.db"
    async with NewsSite() as site, DiscordEmulator(clock=clock) as discord:
        async with newsdesk_on(discord, db, clock) as desk:
            wire = Wire(site, clock, "doha")
            await add(desk, wire.url)
            await settled(desk)
            await desk.ingest([report("Coast Wire", FIRST, 5, desk)])
            wire.publish(TITLE)  # an hour ago, in its own words
            await poll(desk, clock)
            post = last_post(desk)
            assert post.embeds[0]["title"] == TITLE
            [row] = post.components
            [button] = row["components"]
            story_id = (await desk.store.stories_of([1]))[1]
            assert (button["label"], button["custom_id"]) == (
                "Timeline",
                f"story:timeline:{story_id}",
            )
            first = await discord.click(post, "Timeline", user=discord.bob)
            assert first.message.ephemeral
            lines = first.message.embeds[0]["description"].split("\n")
            assert lines[0].startswith(f"**1. {link('Coast Wire')}** · first")
            assert lines[4].startswith("**2. [Doha Wire](") and lines[4].endswith("· +4 h")
            assert lines[5].startswith("▌ Reporters followed the story through the day")

            # A burst packed into one message: a button per card, named by its headline.
            wire.publish("Harbour cranes idle after storm", "Council delays ferry vote")
            await poll(desk, clock)
            burst = last_post(desk)
            assert [e["title"] for e in burst.embeds] == [
                "Harbour cranes idle after storm",
                "Council delays ferry vote",
            ]
            labels = [b["label"] for row in burst.components for b in row["components"]]
            assert labels == [
                "Timeline: Harbour cranes idle after storm",
                "Timeline: Council delays ferry vote",
            ]

        async with newsdesk_on(discord, db, clock) as desk:  # a restart: no view kept
            again = await discord.click(post, "Timeline")
            assert again.message.embeds[0]["description"] == first.message.embeds[0]["description"]
            # An id this post does not carry (a modified client's) is refused, privately.
            forged = await click_raw(discord, post, "story:timeline:987654321", discord.bob)
            assert forged.message.ephemeral
            assert forged.message.content == "That control isn't part of this message."
