"""Outlets over a period on both backends: who reported how much, the stories one outlet carried
and when, what its peers carried without it, the entities each side named; and the outlet kept
with each article's place in its story (filled in at start for rows placed before)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from bot.clock import FakeClock, utc_iso
from bot.ingest import ingest_drafts
from bot.models import ArticleDraft
from bot.nlp.enrichment import NLP_VERSION
from bot.store import MissedStory, SeenItem, Store, StoryMember
from bot.stories import catch_up_stories
from tests.bot.insights.corpus import named_analysis

START = datetime(2026, 3, 1, tzinfo=UTC)
HOUR = int(START.timestamp() // 3600)
Name = tuple[str, str]


async def report(
    store: Store,
    number: int,
    outlet: str,
    story: int | None,
    hours: float,
    names: Sequence[Name] = (),
) -> int:
    """Article `number` by `outlet`, reported `hours` after START, in story `story` (None: its
    own), naming `names`; its id."""
    body, analysis = named_analysis(names or [("Nobody", "PERSON")])
    when = START + timedelta(hours=hours)
    draft = ArticleDraft(
        f"Report {number}", body, f"t:{number}", source=outlet, published_at=utc_iso(when)
    )
    async with store.transaction():
        [stored] = await store.store_articles([draft], utc_iso(START + timedelta(days=60)))
        article_id = stored.article_id
        member = StoryMember(
            article_id, story or article_id, HOUR + int(hours), outlet=outlet, keys=()
        )
        await store.add_story_members([member], utc_iso(when))
        if names:
            content_hash = await store.article_content_hash(article_id)
            assert content_hash is not None
            await store.save_analysis(
                article_id, content_hash, NLP_VERSION, analysis, utc_iso(when)
            )
    return article_id


def days(first: int, last: int) -> tuple[datetime, datetime]:
    return START + timedelta(days=first), START + timedelta(days=last)


async def test_stories_an_outlet_carried_with_when_it_and_anyone_first_reported(
    store: Store,
) -> None:
    a = await report(store, 1, "Wire", None, 1)
    await report(store, 2, "Herald", a, 3)
    await report(store, 3, "Herald", a, 5)  # a later report by the same outlet
    b = await report(store, 4, "Herald", None, 30)
    await report(store, 5, "Wire", b, 32.5)
    c = await report(store, 6, "Herald", None, 100)  # alone
    await report(store, 7, "Herald", None, 24 * 20)  # outside the period

    found = await store.outlet_stories("Herald", *days(0, 10))
    assert [(s.story_id, s.first_at, s.outlet_at, s.outlets) for s in found] == [
        (a, utc_iso(START + timedelta(hours=1)), utc_iso(START + timedelta(hours=3)), 2),
        (b, utc_iso(START + timedelta(hours=30)), utc_iso(START + timedelta(hours=30)), 2),
        (c, utc_iso(START + timedelta(hours=100)), utc_iso(START + timedelta(hours=100)), 1),
    ]
    # Bounded: the stories it reported last.
    assert [s.story_id for s in await store.outlet_stories("Herald", *days(0, 10), limit=2)] == [
        b,
        c,
    ]
    assert await store.outlet_stories("Nobody", *days(0, 10)) == []

    counts = await store.outlets_between(*days(0, 10))
    assert [(c.outlet, c.articles) for c in counts] == [("Herald", 4), ("Wire", 2)]
    assert [c.outlet for c in await store.outlets_between(*days(0, 10), limit=1)] == ["Herald"]
    assert await store.outlets_between(*days(30, 40)) == []


async def test_blindspots_are_stories_enough_peers_carried_and_the_outlet_never_did(
    store: Store,
) -> None:
    big = await report(store, 1, "A", None, 1)
    for n, outlet in enumerate(["B", "C", "D"], start=2):
        await report(store, n, outlet, big, 2 + n)
    pair = await report(store, 10, "B", None, 50)
    await report(store, 11, "C", pair, 51)
    covered = await report(store, 20, "B", None, 60)
    await report(store, 21, "C", covered, 61)
    await report(store, 22, "Mine", covered, 90)  # carried it, days later
    await report(store, 30, "B", None, 70)  # one outlet only

    period = days(0, 10)
    found = await store.outlet_blindspots("Mine", None, *period, at_least=2)
    assert [(s.story_id, s.outlets) for s in found] == [(big, 4), (pair, 2)]
    # Peers limit who counts: among B and D, only the big story has two of them.
    among = await store.outlet_blindspots("Mine", ["B", "D"], *period, at_least=2)
    assert [(s.story_id, s.outlets) for s in among] == [(big, 2)]
    assert [
        s.story_id for s in await store.outlet_blindspots("Mine", None, *period, at_least=3)
    ] == [big]
    # Those the most outlets carried first (Mine counts as a peer of A's).
    assert await store.outlet_blindspots("A", None, *period, at_least=2, limit=1) == [
        MissedStory(covered, 3)
    ]


async def test_the_entities_an_outlet_names_against_its_peers(store: Store) -> None:
    hamas, qatar, egypt = ("Hamas", "ORG"), ("Qatar", "GPE"), ("Egypt", "GPE")
    await report(store, 1, "Gulf", None, 1, [qatar, hamas])
    await report(store, 2, "Gulf", None, 2, [qatar])
    await report(store, 3, "Wire", None, 3, [hamas, egypt])
    await report(store, 4, "Wire", None, 4, [hamas, qatar, hamas])  # twice in one: one article
    await report(store, 5, "Nile", None, 5, [egypt])
    await report(store, 6, "Gulf", None, 24 * 30, [egypt])  # outside the period

    names = await store.outlet_names("Gulf", None, *days(0, 10))
    assert [(n.entity.name, n.mine, n.others) for n in names.named] == [
        ("Qatar", 2, 1),
        ("Hamas", 1, 2),
    ]
    assert (names.mine_total, names.others_total) == (3, 5)
    among = await store.outlet_names("Gulf", ["Wire"], *days(0, 10))
    assert [(n.entity.name, n.mine, n.others) for n in among.named] == [
        ("Qatar", 2, 1),
        ("Hamas", 1, 2),
    ]
    assert (among.mine_total, among.others_total) == (3, 4)
    assert [
        n.entity.name for n in (await store.outlet_names("Gulf", None, *days(0, 10), limit=1)).named
    ] == ["Qatar"]
    # Bounded: the period's newest three articles are Nile's and Wire's.
    newest = await store.outlet_names("Gulf", None, *days(0, 10), articles=3)
    assert (newest.named, newest.mine_total, newest.others_total) == ([], 0, 5)
    empty = await store.outlet_names("Nobody", None, *days(0, 10))
    assert (empty.named, empty.mine_total) == ([], 0)


async def test_a_guilds_outlets_are_those_its_feeds_brought(store: Store) -> None:
    now = utc_iso(START)
    wire = await report(store, 1, "Wire", None, 1)
    herald = await report(store, 2, "Herald", None, 2)
    await report(store, 3, "Post", None, 3)
    async with store.transaction():
        feed = await store.add_feed("https://a.example/rss", now, 900)
        other = await store.add_feed("https://b.example/rss", now, 900)
        for guild, fed in ((7, feed), (8, other)):
            await store.add_subscription(
                guild_id=guild,
                channel_id=guild * 10,
                feed_id=fed.id,
                filter_text="",
                role_id=None,
                created_by=1,
                now=now,
            )
        items = [SeenItem("g1", None, wire), SeenItem("g2", None, herald)]
        await store.add_feed_items(feed.id, items, backlog=False, now=now)
        await store.add_feed_items(other.id, [SeenItem("g3", None, herald)], backlog=False, now=now)
    mine = await store.feed_outlets(7, *days(0, 10))
    assert [(c.outlet, c.articles) for c in mine] == [("Herald", 1), ("Wire", 1)]
    assert [c.outlet for c in await store.feed_outlets(8, *days(0, 10))] == ["Herald"]
    assert await store.feed_outlets(9, *days(0, 10)) == []


async def test_placing_keeps_the_outlet_and_catching_up_fills_older_rows(store: Store) -> None:
    clock = FakeClock(START + timedelta(days=2))
    added = await ingest_drafts(
        store,
        [
            ArticleDraft("Harbour", "A storm closed the harbour.", "t:1", source=" Times "),
            ArticleDraft("Web", "From the web.", "t:2", url="https://www.site.example/a"),
        ],
        clock=clock,
    )
    times, web = added.added
    counts = await store.outlets_between(START, START + timedelta(days=3))
    assert sorted(c.outlet for c in counts) == ["Times", "site.example"]
    # A row placed before outlets were kept (as the migration leaves them).
    async with store.transaction():
        [old] = await store.store_articles(
            [ArticleDraft("Old", "Old text.", "file:old.txt")], utc_iso(START)
        )
        await store.add_story_members(
            [StoryMember(old.article_id, old.article_id, HOUR)], utc_iso(START)
        )
    assert await store.members_without_outlet() == [(old.article_id, "", None, "file:old.txt")]
    assert await catch_up_stories(store, clock=clock) == 0
    assert await store.members_without_outlet() == []
    counts = await store.outlets_between(START, START + timedelta(days=3))
    assert sorted(c.outlet for c in counts) == ["Times", "file:old.txt", "site.example"]
    assert {times, web} <= set(await store.stories_of([times, web]))
