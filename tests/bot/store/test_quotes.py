"""Stored quotations on both backends: speakers linked to the entities their article filed
them under, replaced with the analysis, read newest first, and what is new to followers."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest

from bot.ingest import ingest_drafts
from bot.models import ArticleDraft
from bot.models.quote import Quote
from bot.nlp.lookup import resolve_entity
from bot.store import Store, open_store
from bot.store.sqlite.db import migrations
from tests.bot.store.test_entities import NOW, add, save

HALEVI_BODY = (
    "Herzi Halevi met the mediators.\n"
    '"We are ready to talk," Halevi said.\n'
    'Hamas wants a "long-term period of time."\n'
    '"Nothing is agreed," said Dana Roe.'
)
HALEVI_NAMES = [
    ("Herzi Halevi", "PERSON", "Herzi Halevi"),
    ("Halevi", "PERSON", "Herzi Halevi"),
    ("Hamas", "ORG", "Hamas"),
]


def quote(body: str, words: str, speaker: str | None, label: str | None) -> Quote:
    start = body.index(words)
    return Quote(words, speaker, start, start + len(words), label)


async def add_quoted(
    store: Store,
    n: int,
    body: str,
    names: list[tuple[str, str, str]],
    quotes: list[Quote],
    when: str = NOW,
) -> int:
    article_id = await add(store, n, body, names, when)
    async with store.transaction():
        await store.save_quotes(article_id, quotes)
    return article_id


def halevi_quotes(body: str = HALEVI_BODY) -> list[Quote]:
    return [
        quote(body, "We are ready to talk,", "Herzi Halevi", "PERSON"),
        quote(body, "long-term period of time.", "Hamas", "ORG"),
        quote(body, "Nothing is agreed,", "Dana Roe", "PERSON"),  # no entity of that name
    ]


async def test_speakers_are_linked_to_their_entities(store: Store) -> None:
    first = await add_quoted(store, 1, HALEVI_BODY, HALEVI_NAMES, halevi_quotes())
    stored = await store.article_quotes(first)
    halevi = await resolve_entity(store, "Herzi Halevi")
    hamas = await resolve_entity(store, "Hamas")
    assert [(q.quote, q.speaker, q.entity_id) for q in stored] == [
        ("We are ready to talk,", "Herzi Halevi", halevi.id),
        ("long-term period of time.", "Hamas", hamas.id),
        ("Nothing is agreed,", "Dana Roe", None),
    ]
    assert all(HALEVI_BODY[q.start : q.end] == q.quote for q in stored)
    assert stored[0].title == "Story 1" and stored[0].when == NOW
    assert stored[0].key == "we are ready to talk"

    # Another article names him by surname only: the store files "Halevi" under his entity
    # (an alias of exactly one person), and so is the quote.
    body = '"Talks go on," said Halevi.'
    second = await add_quoted(
        store,
        2,
        body,
        [("Halevi", "PERSON", "Halevi")],
        [quote(body, "Talks go on,", "Halevi", "PERSON")],
        when="2026-03-03T09:00:00+00:00",
    )
    said = await store.entity_quotes(halevi.id)
    assert [(q.article_id, q.quote) for q in said] == [
        (second, "Talks go on,"),
        (first, "We are ready to talk,"),
    ]
    assert await store.entity_quotes(halevi.id, since="2026-03-03T00:00:00+00:00") == said[:1]
    assert await store.entity_quotes(halevi.id, limit=1) == said[:1]


async def test_quotes_are_replaced_with_the_analysis_and_outdated_text_hides_them(
    store: Store,
) -> None:
    article_id = await add_quoted(store, 1, HALEVI_BODY, HALEVI_NAMES, halevi_quotes())
    halevi = await resolve_entity(store, "Herzi Halevi")
    async with store.transaction():
        assert await store.save_quotes(article_id, halevi_quotes()[1:]) == 2
    assert [q.quote for q in await store.article_quotes(article_id)] == [
        "long-term period of time.",
        "Nothing is agreed,",
    ]
    assert await store.entity_quotes(halevi.id) == []

    async with store.transaction():
        await store.save_quotes(article_id, halevi_quotes())
    assert len(await store.entity_quotes(halevi.id)) == 1
    # The text changes: until it is analysed again, its old quotes are not listed.
    changed = HALEVI_BODY.replace("mediators", "envoys")
    await ingest_drafts(store, [ArticleDraft(title="Story 1", body=changed, origin="t:1")])
    assert await store.entity_quotes(halevi.id) == []
    assert await save(store, article_id, changed, HALEVI_NAMES)
    async with store.transaction():
        await store.save_quotes(article_id, halevi_quotes(changed))
    assert [q.quote for q in await store.entity_quotes(halevi.id)] == ["We are ready to talk,"]


async def test_a_quote_is_new_only_the_first_time_its_speaker_says_it(store: Store) -> None:
    first = await add_quoted(store, 1, HALEVI_BODY, HALEVI_NAMES, halevi_quotes())
    # A second outlet carries the same words (other punctuation and case) and a new quote.
    body = 'Herzi Halevi spoke.\n“we are READY to talk” he said. "A new day," he added.'
    second = await add_quoted(
        store,
        2,
        body,
        [("Herzi Halevi", "PERSON", "Herzi Halevi")],
        [
            quote(body, "we are READY to talk", "Herzi Halevi", "PERSON"),
            quote(body, "A new day,", "Herzi Halevi", "PERSON"),
        ],
    )
    new = await store.new_quotes([first, second])
    assert [(q.article_id, q.quote) for q in new] == [
        (first, "We are ready to talk,"),
        (first, "long-term period of time."),
        (second, "A new day,"),
    ]
    assert [q.quote for q in await store.new_quotes([second])] == ["A new day,"]
    assert await store.new_quotes([]) == []


async def test_deleting_nothing_and_unknown_articles_store_nothing(store: Store) -> None:
    async with store.transaction():
        assert await store.save_quotes(999, halevi_quotes()) == 0
    assert await store.article_quotes(999) == []


@pytest.mark.sqlite_only  # builds an older SQLite schema by hand
async def test_follows_and_their_notifications_survive_the_quotes_migration(
    tmp_path: Path,
) -> None:
    path = tmp_path / "older.db"
    quotes = next(version for version, name, _ in migrations() if name.endswith("_quotes.sql"))
    before = [m for m in migrations() if m[0] < quotes]
    with contextlib.closing(sqlite3.connect(path)) as conn:
        for version, _, sql in before:
            conn.executescript(f"{sql}\nPRAGMA user_version = {version};")
        conn.executescript(
            "INSERT INTO articles (id, title, body, content_hash, origin, ingested_at, updated_at)"
            " VALUES (1, 't', 'b', 'h', 'o', '2026-03-01', '2026-03-01');"
            "INSERT INTO follows (id, guild_id, user_id, kind, target, target_key, entity_key,"
            " entity_label, created_by, created_at) VALUES (7, 1, 2, 'entity', 'Hamas',"
            " 'ORG:hamas', 'hamas', 'ORG', 2, '2026-03-01');"
            "INSERT INTO follow_notifications (id, follow_id, article_id, status, created_at)"
            " VALUES (3, 7, 1, 'sent', '2026-03-01');"
        )
    async with await open_store(path) as store:
        [follow] = await store.visible_follows(1, 2)
        assert (follow.id, follow.kind, follow.target) == (7, "entity", "Hamas")
        assert await store.notification_counts(7) == {"pending": 0, "sent": 1, "failed": 0}
        # The notifications still belong to the rebuilt table: removing the follow takes them.
        async with store.transaction():
            await store.remove_follow(1, 7)
        assert await store.notification_counts(7) == {"pending": 0, "sent": 0, "failed": 0}
