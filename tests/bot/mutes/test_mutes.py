"""The mute list's core on both backends: rules read from what admins type, kept per server
(capped, never seen or removed from another server), and applied: which articles each server's
rules hide and by which rule, in digests and in follows' notifications."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.digest import DigestComposer
from bot.ingest import ingest_drafts
from bot.insights.follows import follow_query, notify_new_articles
from bot.models import ArticleDraft
from bot.mutes import MAX_MUTES_PER_GUILD, MuteError, add_mute, muted_articles, remove_mute
from bot.mutes.check import muted_source
from bot.mutes.rules import phrase_rule, source_rule, word_rule
from bot.store import Store
from tests.bot.insights.corpus import add_article

NEWSROOM, RIVAL = 1, 2
ADMIN = 10


def test_rules_are_words_phrases_and_names_never_patterns() -> None:
    assert word_rule(" Café ").rule_key == "cafe"
    assert (word_rule("crypto*").value, word_rule("crypto*").rule_key) == ("crypto*", "crypto")
    with pytest.raises(MuteError, match="use `phrase:`"):
        word_rule("transfer window")
    with pytest.raises(MuteError, match="letters or digits"):
        word_rule("(.*)+$")
    phrase = phrase_rule('"Transfer   Window"')
    assert (phrase.kind, phrase.value, phrase.rule_key) == (
        "phrase",
        "Transfer Window",
        "transfer window",
    )
    assert phrase_rule("ferry").kind == "word"
    with pytest.raises(MuteError, match="at most 8 words"):
        phrase_rule("a b c d e f g h i")
    assert source_rule("  Daily   Rumour ").rule_key == "daily rumour"
    with pytest.raises(MuteError, match="under 100 characters"):
        source_rule("x" * 101)
    with pytest.raises(MuteError, match="Give the source"):
        source_rule(" \u200b ")


async def test_a_server_sees_and_removes_only_its_own_rules(store: Store) -> None:
    ours, created = await add_mute(store, NEWSROOM, "word", "Ferry", created_by=ADMIN)
    again, twice = await add_mute(store, NEWSROOM, "word", "FERRY", created_by=ADMIN)
    theirs, _ = await add_mute(store, RIVAL, "source", "Daily Rumour", created_by=ADMIN)
    assert created and not twice and again == ours
    assert [m.id for m in await store.guild_mutes(NEWSROOM)] == [ours.id]
    assert await store.guild_mute(RIVAL, ours.id) is None

    with pytest.raises(MuteError, match=f"no mute rule #{ours.id}"):
        await remove_mute(store, RIVAL, f"#{ours.id}")
    with pytest.raises(MuteError, match="Pick a rule"):
        await remove_mute(store, RIVAL, "1; DROP TABLE guild_mutes")
    assert await store.guild_mutes(NEWSROOM) == [ours]
    assert await remove_mute(store, RIVAL, str(theirs.id)) == theirs
    assert await store.guild_mutes(RIVAL) == []


async def test_a_server_holds_at_most_the_cap(store: Store) -> None:
    for n in range(MAX_MUTES_PER_GUILD):
        await add_mute(store, NEWSROOM, "word", f"w{n}", created_by=ADMIN)
    with pytest.raises(MuteError, match=f"mutes {MAX_MUTES_PER_GUILD} things already"):
        await add_mute(store, NEWSROOM, "word", "one-more".replace("-", ""), created_by=ADMIN)
    assert await store.count_mutes(NEWSROOM) == MAX_MUTES_PER_GUILD
    await add_mute(store, RIVAL, "word", "ferry", created_by=ADMIN)  # another server's own cap


async def stored(store: Store, *drafts: ArticleDraft) -> list[int]:
    return (await ingest_drafts(store, list(drafts))).added


def draft(n: int, title: str, body: str = "A report.", source: str = "Wire") -> ArticleDraft:
    return ArticleDraft(title, body, f"test:mute:{n}", source=source)


async def test_each_article_is_hidden_by_the_oldest_rule_that_applies(store: Store) -> None:
    window, strike, rumour, plain = await stored(
        store,
        draft(1, "Transfer window opens", "Clubs may buy players again."),
        draft(2, "Ferry strike called off", "Crews return on Monday."),
        draft(3, "Star spotted", "Or so they say.", source="Daily  RUMOUR"),
        draft(4, "Harbour cranes return", "Two new cranes, and no ferry in the window."),
    )
    hamas = await add_article(store, 5, [("Hamas", "ORG")], "2026-03-01")
    rules = {
        kind: (await add_mute(store, NEWSROOM, kind, text, created_by=ADMIN))[0]
        for kind, text in [
            ("phrase", "transfer window"),
            ("word", "ferry"),
            ("source", "daily rumour"),
            ("entity", "Hamas"),
        ]
    }
    later, _ = await add_mute(store, NEWSROOM, "word", "strike", created_by=ADMIN)
    articles = await store.articles([window, strike, rumour, plain, hamas])

    hidden = await muted_articles(store, NEWSROOM, articles)
    assert {i: m.id for i, m in hidden.items()} == {
        window: rules["phrase"].id,
        strike: rules["word"].id,  # "strike" matches too, but "ferry" was muted first
        rumour: rules["source"].id,
        hamas: rules["entity"].id,
        plain: rules["word"].id,  # "ferry" in its text; "window" alone is not the phrase
    }
    assert later.id not in {m.id for m in hidden.values()}
    assert await muted_articles(store, RIVAL, articles) == {}
    assert await muted_source(store, NEWSROOM, "Daily Rumour") == rules["source"]
    assert await muted_source(store, RIVAL, "Daily Rumour") is None


async def test_more_rules_than_one_search_holds_are_all_applied(store: Store) -> None:
    # 60 words in 40 rules: four searches of at most 16 words each find it.
    [last] = await stored(store, draft(1, "Report on x37 w37", "Nothing else."))
    for n in range(40):
        text = f"x{n} w{n}" if n % 2 else f"w{n}"
        await add_mute(store, NEWSROOM, "phrase", text, created_by=ADMIN)
    [article] = await store.articles([last])
    hidden = await muted_articles(store, NEWSROOM, [article])
    assert hidden[last].value == "x37 w37"


async def test_digests_and_follows_leave_out_what_the_server_muted(store: Store) -> None:
    since = datetime(2026, 3, 1, tzinfo=UTC)
    await follow_query(store, guild_id=NEWSROOM, text="harbour", created_by=ADMIN, user_id=ADMIN)
    carol = ADMIN + 1  # a member of the other server (DMs are batched per member)
    await follow_query(store, guild_id=RIVAL, text="harbour", created_by=carol, user_id=carol)
    await add_mute(store, NEWSROOM, "word", "ferry", created_by=ADMIN)
    ids = await stored(
        store,
        draft(1, "Harbour ferry sinks", "No one was hurt."),
        draft(2, "Harbour cranes return", "Two new cranes."),
    )
    notified = await notify_new_articles(store, ids)
    by_guild = {
        n.articles[0].follows[0].guild_id: [a.article.title for a in n.articles] for n in notified
    }
    assert by_guild == {
        NEWSROOM: ["Harbour cranes return"],
        RIVAL: ["Harbour cranes return", "Harbour ferry sinks"],
    }
    composer = DigestComposer(store)
    until = datetime(2100, 1, 1, tzinfo=UTC)
    ours = await composer.compose(since=since, until=until, guild_id=NEWSROOM)
    theirs = await composer.compose(since=since, until=until, guild_id=RIVAL)
    assert [i.title for i in ours.items] == ["Harbour cranes return"]
    assert {i.title for i in theirs.items} == {"Harbour cranes return", "Harbour ferry sinks"}
