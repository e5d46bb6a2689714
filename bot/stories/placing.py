"""Placing articles in stories: at ingest, in the transaction that stores them (so no article
is stored without one), and at start for any that have none (stored before stories were
kept for every article, or by a path that skipped this), in batches, off the event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.clock import Clock, SystemClock, utc_iso
from bot.models import ArticleDraft
from bot.models.story import outlet
from bot.store import Store, StoryMember
from bot.stories.fingerprint import (
    Fingerprint,
    fingerprint,
    fingerprints_of,
    member,
    probe,
    unpack,
)
from bot.stories.rule import WINDOW_HOURS, Earlier, best_story

# Candidate earlier reports read per new article: those sharing the most keys.
CANDIDATES = 32
# Stored articles placed per transaction when catching up (small: the bot answers commands
# between batches while it catches up a large store at start).
BATCH = 100
# Placed articles given their outlet per transaction (no text is read: cheap).
OUTLET_BATCH = 1000


@dataclass(frozen=True)
class _New:
    article_id: int
    print: Fingerprint
    story_id: int | None  # kept when the article already has a story (its data is refilled)


def _decide(new: Sequence[_New], found: Sequence[Sequence[StoryMember]]) -> list[StoryMember]:
    """Each new article's story: an earlier report's (stored, or earlier in this batch), else
    its own (CPU work: runs in a thread)."""
    placed: list[StoryMember] = []
    mates: list[Earlier] = []
    by_key: dict[int, list[int]] = {}
    story_hours: dict[int, int] = {}
    # Articles of one batch often share candidates: unpack each once.
    unpacked: dict[int, Earlier] = {}
    for item, stored in zip(new, found, strict=True):
        earlier = []
        for c in stored:
            if c.article_id not in unpacked:
                hour = c.story_hour if c.story_hour is not None else c.hour
                unpacked[c.article_id] = Earlier(c.article_id, c.story_id, unpack(c), hour)
            if c.article_id != item.article_id:
                earlier.append(unpacked[c.article_id])
        for other in earlier:
            story_hours.setdefault(other.story_id, other.story_hour)
        item_keys = item.print.keys
        nearby = {i for key in item_keys for i in by_key.get(key, ())}
        earlier += [
            Earlier(m.article_id, m.story_id, m.print, story_hours.get(m.story_id, m.print.hour))
            for m in (mates[i] for i in sorted(nearby))
            if abs(m.print.hour - item.print.hour) <= WINDOW_HOURS
        ]
        story_id = item.story_id or best_story(item.print, earlier) or item.article_id
        hour = min(story_hours.get(story_id, item.print.hour), item.print.hour)
        story_hours[story_id] = hour
        for key in item_keys:
            by_key.setdefault(key, []).append(len(mates))
        mates.append(Earlier(item.article_id, story_id, item.print, hour))
        placed.append(member(item.article_id, story_id, item.print))
    return placed


async def _place(store: Store, new: Sequence[_New], now: str) -> dict[int, int]:
    """Find candidates, decide and keep: call inside the transaction that keeps the result."""
    if not new:
        return {}
    found = await store.story_candidates([probe(n.print, WINDOW_HOURS) for n in new], CANDIDATES)
    members = await asyncio.to_thread(_decide, new, found)
    await store.add_story_members(members, now)
    return {m.article_id: m.story_id for m in members}


def fingerprints(drafts: Sequence[ArticleDraft], now: str) -> list[Fingerprint]:
    """Each draft's fingerprint as ingested at `now` (CPU work: run it in a thread). Ingest
    works them out while the store inserts the batch, then places the added ones with
    `place_printed`."""
    return fingerprints_of(drafts, now)


async def place_new_articles(
    store: Store, added: Sequence[tuple[int, ArticleDraft]], now: str
) -> dict[int, int]:
    """Put articles just stored at `now` in their stories; call inside the transaction that
    stored them. Returns article id → story id."""
    if not added:
        return {}
    prints = await asyncio.to_thread(fingerprints, [draft for _, draft in added], now)
    return await place_printed(
        store, [(article_id, p) for (article_id, _), p in zip(added, prints, strict=True)], now
    )


async def place_printed(
    store: Store, added: Sequence[tuple[int, Fingerprint]], now: str
) -> dict[int, int]:
    """`place_new_articles` for articles whose fingerprints (`fingerprints`, at the same `now`)
    are already worked out."""
    return await _place(store, [_New(article_id, p, None) for article_id, p in added], now)


async def _place_stored(store: Store, placed: Mapping[int, int | None], now: str) -> None:
    """Place stored articles (keeping the story of those that have one), in one transaction."""
    articles = await store.articles(list(placed))
    prints = await asyncio.to_thread(lambda: [fingerprint(a, a.ingested_at) for a in articles])
    new = [_New(a.id, p, placed[a.id]) for a, p in zip(articles, prints, strict=True)]
    async with store.transaction():
        await _place(store, new, now)


async def catch_up_stories(store: Store, *, clock: Clock | None = None) -> int:
    """Place every article that has no story yet, or whose story lacks its matching data
    (run at start: heals a store written before stories were kept this way), and give those
    placed before outlets were kept theirs; return how many were placed. Oldest first, so
    earlier reports name the stories."""
    now = utc_iso((clock or SystemClock()).now())
    done = 0
    after = 0
    while pending := await store.unplaced_articles(after_id=after, limit=BATCH):
        await _place_stored(store, dict(pending), now)
        done += len(pending)
        after = pending[-1][0]  # an article that can't be placed must not loop forever
        await asyncio.sleep(0)  # commands waiting on the store go between batches
    await _fill_outlets(store)
    return done


async def _fill_outlets(store: Store) -> None:
    """Keep the outlet of every placed article that was placed before outlets were kept."""
    after = 0
    while rows := await store.members_without_outlet(after_id=after, limit=OUTLET_BATCH):
        async with store.transaction():
            await store.set_member_outlets(
                [
                    (article_id, outlet(source, url, origin))
                    for article_id, source, url, origin in rows
                ]
            )
        after = rows[-1][0]
        await asyncio.sleep(0)


async def story_ids(
    store: Store, article_ids: Sequence[int], *, clock: Clock | None = None
) -> dict[int, int]:
    """Each article's story id, placing any stored article that has none yet."""
    found = await store.stories_of(article_ids)
    missing = [i for i in dict.fromkeys(article_ids) if i not in found]
    if missing:
        now = utc_iso((clock or SystemClock()).now())
        await _place_stored(store, dict.fromkeys(missing), now)
        found = await store.stories_of(article_ids)
    return found
