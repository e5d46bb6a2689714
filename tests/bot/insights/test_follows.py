"""Follows in the core: matching new articles once, batching per recipient, limits, scoping
by guild, and delivery that retries what failed without ever sending twice."""

from __future__ import annotations

import pytest

from bot.clock import FakeClock
from bot.errors import QueryError
from bot.insights.follows import (
    MAX_ATTEMPTS,
    MAX_MEMBER_FOLLOWS,
    FollowError,
    Notification,
    NotificationUndeliverable,
    deliver,
    follow_entity,
    follow_query,
    notify_new_articles,
    pending_notifications,
    unfollow,
)
from bot.store import Store
from tests.bot.insights.corpus import add_article, add_quotes

GUILD, OTHER_GUILD = 100, 200
ALICE, BOB = 1, 2
CHANNEL = 55
HAMAS, QATAR, EGYPT = ("Hamas", "ORG"), ("Qatar", "GPE"), ("Egypt", "GPE")


class Outbox:
    """A `Sender` that keeps what it was given (and can be told to fail)."""

    def __init__(self) -> None:
        self.sent: list[Notification] = []
        self.failures: list[Exception] = []

    async def __call__(self, notification: Notification) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(notification)


@pytest.fixture
async def known(store: Store) -> Store:
    """Hamas, Qatar and Egypt are known entities before anyone follows anything."""
    await add_article(store, 1, [HAMAS, QATAR, EGYPT], "2026-02-20")
    return store


async def _notify(store: Store, ids: list[int], outbox: Outbox, clock: FakeClock) -> int:
    return await deliver(store, await notify_new_articles(store, ids, clock=clock), outbox)


async def test_a_matching_new_article_is_notified_exactly_once(
    known: Store, clock: FakeClock
) -> None:
    follow, created = await follow_entity(
        known, guild_id=GUILD, name="hamas", created_by=ALICE, user_id=ALICE, clock=clock
    )
    assert created and follow.target == "Hamas"
    outbox = Outbox()
    new = await add_article(known, 2, [HAMAS, QATAR], "2026-03-02", title="Hamas delegation")

    assert await _notify(known, [new], outbox, clock) == 1
    assert await _notify(known, [new], outbox, clock) == 0  # the same ingest again
    assert await _notify(known, [], outbox, clock) == 0

    [sent] = outbox.sent
    assert (sent.user_id, sent.channel_id) == (ALICE, None)
    assert [(n.article.title, [f.id for f in n.follows]) for n in sent.articles] == [
        ("Hamas delegation", [follow.id])
    ]
    assert await known.notification_counts(follow.id) == {"pending": 0, "sent": 1, "failed": 0}


async def test_articles_not_matching_and_articles_older_than_the_follow_are_ignored(
    known: Store, clock: FakeClock
) -> None:
    await follow_entity(known, guild_id=GUILD, name="Egypt", created_by=ALICE, user_id=ALICE)
    outbox = Outbox()
    other = await add_article(known, 2, [HAMAS, QATAR], "2026-03-02")
    assert await _notify(known, [1, other], outbox, clock) == 0  # 1 names Egypt but is older
    assert outbox.sent == []


async def test_saved_searches_match_through_the_search_language(
    known: Store, clock: FakeClock
) -> None:
    search, _ = await follow_query(
        known, guild_id=GUILD, text="  qatar  -egypt ", created_by=ALICE, user_id=ALICE
    )
    await follow_query(known, guild_id=GUILD, text="Qat* OR NEAR(x", created_by=BOB, user_id=BOB)
    assert search.target == "qatar -egypt"
    with_egypt = await add_article(known, 2, [QATAR, EGYPT], "2026-03-02")
    without = await add_article(known, 3, [QATAR], "2026-03-02", title="Doha talks")
    unrelated = await add_article(known, 4, [HAMAS], "2026-03-02")
    outbox = Outbox()

    assert await _notify(known, [with_egypt, without, unrelated], outbox, clock) == 2
    by_user = {n.user_id: [a.article.id for a in n.articles] for n in outbox.sent}
    # Bob's "NEAR(x" is searched as words, never as FTS5 syntax; "Qat*" is a prefix.
    assert by_user == {ALICE: [without], BOB: [without, with_egypt]}
    with pytest.raises(QueryError):
        await follow_query(known, guild_id=GUILD, text="-only", created_by=ALICE, user_id=ALICE)


async def test_one_batch_per_recipient_listing_each_article_once(
    known: Store, clock: FakeClock
) -> None:
    hamas, _ = await follow_entity(known, guild_id=GUILD, name="Hamas", created_by=1, user_id=ALICE)
    qatar, _ = await follow_query(
        known, guild_id=OTHER_GUILD, text="Qatar", created_by=1, user_id=ALICE
    )
    channel, _ = await follow_entity(
        known, guild_id=GUILD, name="Qatar", created_by=ALICE, channel_id=CHANNEL
    )
    first = await add_article(known, 2, [HAMAS, QATAR], "2026-03-01")
    second = await add_article(known, 3, [HAMAS], "2026-03-02")
    outbox = Outbox()

    assert await _notify(known, [first, second], outbox, clock) == 2
    to_alice = next(n for n in outbox.sent if n.user_id == ALICE)
    assert [(a.article.id, sorted(f.id for f in a.follows)) for a in to_alice.articles] == [
        (second, [hamas.id]),  # newest first
        (first, sorted([hamas.id, qatar.id])),
    ]
    to_channel = next(n for n in outbox.sent if n.channel_id == CHANNEL)
    assert [a.article.id for a in to_channel.articles] == [first]
    assert channel.user_id is None


async def test_members_have_a_limit_and_the_same_follow_twice_is_one(
    known: Store, clock: FakeClock
) -> None:
    for n in range(MAX_MEMBER_FOLLOWS):
        await follow_query(known, guild_id=GUILD, text=f"word{n}", created_by=1, user_id=ALICE)
    again, created = await follow_query(
        known, guild_id=GUILD, text="WORD0", created_by=1, user_id=ALICE
    )
    assert not created and again.target == "word0"
    with pytest.raises(FollowError, match="10 things already"):
        await follow_entity(known, guild_id=GUILD, name="Hamas", created_by=1, user_id=ALICE)
    assert await known.count_follows(GUILD, user_id=ALICE) == MAX_MEMBER_FOLLOWS
    # The limit is per member and per server.
    await follow_entity(known, guild_id=OTHER_GUILD, name="Hamas", created_by=1, user_id=ALICE)
    await follow_entity(known, guild_id=GUILD, name="Hamas", created_by=2, user_id=BOB)


async def test_unfollow_is_scoped_to_the_guild_and_the_member(
    known: Store, clock: FakeClock
) -> None:
    mine, _ = await follow_entity(known, guild_id=GUILD, name="Hamas", created_by=1, user_id=ALICE)
    channel, _ = await follow_entity(
        known, guild_id=GUILD, name="Hamas", created_by=ALICE, channel_id=CHANNEL
    )
    with pytest.raises(FollowError, match=f"no follow #{mine.id} here"):
        await unfollow(known, OTHER_GUILD, mine.id, user_id=ALICE, manages_guild=True)
    with pytest.raises(FollowError):
        await unfollow(known, GUILD, mine.id, user_id=BOB, manages_guild=True)
    with pytest.raises(FollowError):
        await unfollow(known, GUILD, channel.id, user_id=ALICE, manages_guild=False)
    assert len(await known.visible_follows(GUILD, ALICE)) == 2
    assert await known.visible_follows(OTHER_GUILD, ALICE) == []

    await unfollow(known, GUILD, channel.id, user_id=BOB, manages_guild=True)
    removed = await unfollow(known, GUILD, mine.id, user_id=ALICE, manages_guild=False)
    assert removed.id == mine.id and await known.visible_follows(GUILD, ALICE) == []


async def test_failed_deliveries_are_retried_later_and_undeliverable_ones_dropped(
    known: Store, clock: FakeClock
) -> None:
    await follow_entity(known, guild_id=GUILD, name="Hamas", created_by=1, user_id=ALICE)
    await follow_entity(known, guild_id=GUILD, name="Hamas", created_by=1, channel_id=CHANNEL)
    new = await add_article(known, 2, [HAMAS], "2026-03-02")
    outbox = Outbox()
    outbox.failures = [RuntimeError("Discord is down"), NotificationUndeliverable("gone")]

    assert await _notify(known, [new], outbox, clock) == 0
    [left] = await pending_notifications(known)  # one failed for now, one dropped for good
    assert left.attempts == 1
    assert await deliver(known, [left], outbox) == 1
    assert await pending_notifications(known) == []
    assert len(outbox.sent) == 1

    # A notification that keeps failing is given up after MAX_ATTEMPTS.
    newer = await add_article(known, 3, [HAMAS], "2026-03-02")
    outbox.failures = [RuntimeError("down")] * (2 * MAX_ATTEMPTS)
    await _notify(known, [newer], outbox, clock)
    for _ in range(MAX_ATTEMPTS):
        await deliver(known, await pending_notifications(known), outbox)
    assert await pending_notifications(known) == []
    assert len(outbox.sent) == 1


async def test_a_quotes_follow_is_told_each_new_quotation_once(
    known: Store, clock: FakeClock
) -> None:
    halevi = ("Herzi Halevi", "PERSON")
    await add_quotes(known, 2, halevi, ["Talks will resume soon."], "2026-02-21")
    follow, created = await follow_entity(
        known,
        guild_id=GUILD,
        name="Herzi Halevi",
        created_by=ALICE,
        user_id=ALICE,
        clock=clock,
        quotes=True,
    )
    assert created and (follow.kind, follow.target) == ("quotes", "Herzi Halevi")
    # Following his articles too is another follow, not the same one again.
    _, also = await follow_entity(
        known, guild_id=GUILD, name="Herzi Halevi", created_by=ALICE, user_id=ALICE, clock=clock
    )
    assert also
    outbox = Outbox()

    # Another outlet carries what he had already said: news for the entity follow only.
    again = await add_quotes(
        known, 3, halevi, ["talks will resume soon"], "2026-02-22", source="AP"
    )
    assert await _notify(known, [again], outbox, clock) == 1
    [told] = outbox.sent[0].articles
    assert [f.kind for f in told.follows] == ["entity"] and told.quotes == ()

    new = await add_quotes(
        known, 4, halevi, ["The gaps are wide.", "Talks will resume soon."], "2026-02-23"
    )
    await _notify(known, [new], outbox, clock)
    await _notify(known, [new, again], outbox, clock)  # again: nothing is sent twice
    assert len(outbox.sent) == 2
    [told] = outbox.sent[1].articles
    assert sorted(f.kind for f in told.follows) == ["entity", "quotes"]
    assert [q.quote for q in told.quotes] == ["The gaps are wide."]

    # Someone else's quotation in a new article does not reach the quotes follow.
    other = await add_quotes(known, 5, ("Yossi Cohen", "PERSON"), ["No comment."], "2026-02-24")
    assert await _notify(known, [other], outbox, clock) == 0
