"""A story's timeline: its outlets in the order they reported it, how long after the first
report each came, and what each added to the outlets before it (`bot.nlp.novelty.whats_new`
on the sentences the NLP step stored, a few of them shown).

    story_id = await find_story(store, "ceasefire Doha")        # the best matching story
    timeline = await story_timeline(store, story_id)

Bounded: the first TIMELINE_OUTLETS outlets (each outlet's first report), SENTENCES_READ
sentences of each, ADDED_SHOWN new sentences kept per outlet; the comparisons run off the
event loop.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from bot.errors import ArticleNotFound, QueryError
from bot.feeds.announcements import sentences as split_sentences
from bot.models import Article
from bot.models.entity import NAME_LABELS
from bot.models.story import OutletReport, Story, moment
from bot.models.update import StoryText
from bot.nlp.enrichment import load_analysis
from bot.nlp.novelty import whats_new
from bot.search import EntityResolver, search
from bot.store import Store
from bot.stories import story_ids

TIMELINE_OUTLETS = 10
SENTENCES_READ = 200
ADDED_SHOWN = 2
_ARTICLE_REF = re.compile(r"^#?(\d{1,18})$")


@dataclass(frozen=True)
class TimelineStep:
    """One outlet in a story's timeline: its first report, how long after the story's first
    report it came, how many reports it made, and the first sentences it added to the outlets
    before it (`added_count` of them in all; the first outlet adds its whole report)."""

    outlet: str
    article: Article
    delay: timedelta | None
    reports: int
    added: tuple[str, ...]
    added_count: int


@dataclass(frozen=True)
class StoryTimeline:
    """A story's outlets in order of report (the first TIMELINE_OUTLETS), and how many more."""

    story: Story
    steps: tuple[TimelineStep, ...]
    more_outlets: int = 0


async def find_story(
    store: Store, typed: str, *, entity_articles: EntityResolver | None = None
) -> int:
    """The story a user means: the story of article "#12" (or "12"), else of the best match
    for the search typed (the search language, filters included)."""
    typed = " ".join(typed.split())
    ref = _ARTICLE_REF.match(typed)
    article_id: int | None = None
    if ref and await store.article_content_hash(int(ref[1])) is not None:
        article_id = int(ref[1])
    else:
        page = await search(store, typed, per_page=1, entity_articles=entity_articles)
        if not page.hits:
            raise QueryError(f"No article matches “{typed[:100]}”: try other words.")
        article_id = page.hits[0].id
    found = await story_ids(store, [article_id])
    if article_id not in found:
        raise ArticleNotFound(f"Article #{article_id} is no longer stored.")
    return found[article_id]


async def story_text(store: Store, article: Article) -> StoryText:
    """What an article says, as a story compares it: the body sentences its analysis kept
    (captions and bylines left out) with the names found in each, or, not analysed yet, its
    paragraphs split into sentences; and when it was published."""
    analysis = await load_analysis(store, article.id)
    published = moment(article.when)
    if analysis is None:
        found = [s for p in article.paragraphs for s in split_sentences(p)]
        return StoryText(tuple(found[:SENTENCES_READ]), (), published)
    names: list[dict[str, None]] = [{} for _ in analysis.sentences]
    for mention in analysis.mentions:
        body = mention.section == "body" and 0 <= mention.sentence < len(names)
        if body and mention.label in NAME_LABELS:
            names[mention.sentence][mention.canonical] = None
    keep = [
        i
        for i in range(len(analysis.sentences))
        if i >= len(analysis.summarisable) or analysis.summarisable[i]
    ][:SENTENCES_READ]
    return StoryText(
        tuple(analysis.sentences[i].text for i in keep),
        tuple(tuple(names[i]) for i in keep),
        published,
    )


def _added(texts: Sequence[StoryText]) -> list[list[str]]:
    """For each text, the sentences it adds to the ones before it (the first: all of them)."""
    found: list[list[str]] = []
    for index, text in enumerate(texts):
        if index == 0:
            found.append(list(text.sentences))
        else:
            found.append([n.text for n in whats_new(texts[:index], text)])
    return found


async def story_timeline(store: Store, story_id: int) -> StoryTimeline:
    """Story `story_id`'s outlets in order of report, each with its delay and what it added;
    ArticleNotFound when the store has no such story."""
    story = await store.story(story_id)
    if story is None:
        raise ArticleNotFound(f"There is no story #{story_id} any more.")
    outlets: list[OutletReport] = list(story.outlets[:TIMELINE_OUTLETS])
    by_id = {a.id: a for a in await store.articles([o.article_id for o in outlets])}
    shown = [o for o in outlets if o.article_id in by_id]
    texts = [await story_text(store, by_id[o.article_id]) for o in shown]
    added = await asyncio.to_thread(_added, texts)
    reports: dict[str, int] = {}
    for report in story.reports:
        reports[report.outlet] = reports.get(report.outlet, 0) + 1
    steps = tuple(
        TimelineStep(
            outlet=o.outlet,
            article=by_id[o.article_id],
            delay=o.delay,
            reports=reports[o.outlet],
            added=tuple(new[:ADDED_SHOWN]),
            added_count=len(new),
        )
        for o, new in zip(shown, added, strict=True)
    )
    return StoryTimeline(story, steps, max(0, len(story.outlets) - TIMELINE_OUTLETS))
