"""Composing a digest (Discord-free): what is new in a window, filtered, grouped into
stories, ranked, each with a one- or two-sentence summary, plus the entities that dominated.

Ranking: `RECENCY` × how recent the story is (half-life: half the window, at least 3 h)
+ `COVERAGE` × how many outlets carried it (log scale, full at 8) + `SALIENCE` × how many
of the period's dominant entities it names. Articles of one story (bot/stories/: near-
duplicates, or alike leads or headlines from several outlets) are one item. The pairs of
names rising in the period come with it when the composer is given where to find them
(`rising`: bot/insights/rising.py's `rising_pairs`, which cogs pass in, as insights sit beside
digests); a filtered digest keeps those its own articles name together.

Each story shown is then read whole (bot/nlp/storyline.py): whether it developed in the
window — a story reported before it whose reports in it add something — and where its
outlets disagree.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import re
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot import work
from bot.digest.errors import ScheduleError
from bot.digest.facts import StoryFacts, default_facts
from bot.errors import QueryError, TooBroad
from bot.models import Article
from bot.models.analysis import Analysis
from bot.models.entity import NAME_LABELS
from bot.models.query import Query
from bot.models.rising import RisingPair
from bot.models.story import Story, group_articles, moment
from bot.mutes import muted_articles
from bot.nlp.analysis import summarize, summarize_many
from bot.nlp.sentences import body_opening, body_sentences
from bot.nlp.storyline import Figures, StoryReader
from bot.search import entity_as_phrase, matching
from bot.search.query import clean, parse_query
from bot.store import Store, entity_key

RECENCY, COVERAGE, SALIENCE = 0.35, 0.45, 0.20
# The pairs of names rising in [since, until), most significant first.
RisingSource = Callable[[datetime, datetime], Awaitable[Sequence[RisingPair]]]
# A summary's first sentence alone is enough from this many words on; else two sentences.
ONE_SENTENCE_WORDS = 25
SUMMARY_CHARS = 350
DOMINANT_ENTITIES = 5
# Newest articles a window considers: a digest is a handful of stories, not an archive.
CANDIDATES = 500
# Newest matching articles whose stored NLP is read (summaries, salience, dominant entities);
# older ones in a very busy window are ranked without it. They are read together, three
# queries for all (bot.nlp.enrichment.load_analyses: ~18 ms of CPU at 100k articles, where
# one at a time they were 400 queries), so a busy /catchup stays within bot/budget.py's
# COMMAND_CPU_MS.
ANALYSED = 100
MAX_FILTER_CHARS = 200
# Characters of an unanalysed article read for its lead sentences (splitting a whole
# 1,000,000-character page cost a /catchup half a second).
LEAD_CHARS = 10_000
# A story shown is read whole: its reports before the window (the latest few) and in it.
DEVELOPED_BEFORE = 8
DEVELOPED_IN = 4

log = logging.getLogger(__name__)

_SINGLE_FILTER = re.compile(r'^(entity|source):\s*(?:"([^"]+)"|(.+))$', re.IGNORECASE)


@dataclass(frozen=True)
class DigestFilter:
    """What a digest is limited to: a search query, one entity, one source, or nothing."""

    text: str = ""
    entity: str | None = None
    source: str | None = None
    query: Query | None = None

    def __bool__(self) -> bool:
        return bool(self.text)


def parse_filter(text: str) -> DigestFilter:
    """Read a schedule's filter: `entity:NAME`, `source:NAME`, or any search query."""
    text = " ".join(clean(text).split())
    if not text:
        return DigestFilter()
    if len(text) > MAX_FILTER_CHARS:
        raise ScheduleError(f"A filter can be at most {MAX_FILTER_CHARS} characters.")
    single = _SINGLE_FILTER.match(text)
    if single and (value := (single[2] or single[3] or "").strip().strip('"').strip()):
        if single[1].lower() == "entity":
            return DigestFilter(text, entity=value)
        return DigestFilter(text, source=value)
    try:
        return DigestFilter(text, query=parse_query(text))
    except QueryError as exc:
        raise ScheduleError(f"The filter `{text[:60]}` can't be used: {exc}") from None


@dataclass(frozen=True)
class DigestItem:
    """One story in a digest."""

    article_id: int
    title: str
    url: str | None
    when: str  # ISO date of the shown article (published, else ingested)
    summary: str
    sources: tuple[str, ...]  # every outlet that carried the story
    related: tuple[int, ...] = ()  # the collapsed near-duplicates
    score: float = 0.0
    story_id: int = 0
    # Outlets whose reports in the window added to a story reported before it (developed).
    developed: tuple[str, ...] = ()
    figures: Figures = field(default_factory=Figures)  # where its outlets disagree


@dataclass(frozen=True)
class DominantEntity:
    """An entity named in many of the period's articles."""

    name: str
    label: str
    articles: int


@dataclass(frozen=True)
class Digest:
    """A composed digest, ready for any renderer."""

    since: datetime
    until: datetime
    filter: str = ""
    items: tuple[DigestItem, ...] = ()
    entities: tuple[DominantEntity, ...] = ()
    articles: int = 0  # matching articles in the window
    stories: int = 0  # after near-duplicates collapsed
    rising: tuple[RisingPair, ...] = ()  # pairs named together far more than usual

    @property
    def empty(self) -> bool:
        """True when nothing new matched."""
        return not self.items


class DigestComposer:
    """Builds digests from the store; NLP results come through `facts` when there are any."""

    def __init__(
        self,
        store: Store,
        *,
        facts: StoryFacts | None = None,
        rising: RisingSource | None = None,
    ) -> None:
        self.store = store
        self.facts = facts or default_facts(store)
        self.rising = rising
        # One reader for the composer's life: the stories' texts and figures it read are
        # remembered (bounded) for the next digest or /catchup.
        self.reader = StoryReader(store)

    async def compose(
        self,
        *,
        since: datetime,
        until: datetime,
        filter: str | DigestFilter = "",
        max_items: int = 5,
        guild_id: int | None = None,
    ) -> Digest:
        """The digest of articles stored or changed in [since, until) matching `filter`, less
        what the server `guild_id` has muted (bot.mutes)."""
        wanted = filter if isinstance(filter, DigestFilter) else parse_filter(filter)
        # Bodies are read only for unanalysed leads (lead_sentences): one character past
        # LEAD_CHARS keeps body_opening's cut exactly what the whole body gives.
        window = await self.store.articles_in_window(
            since, until, limit=CANDIDATES, body_chars=LEAD_CHARS + 1
        )
        articles = await self._matching(window, wanted)
        hidden: dict[int, object] = {}
        if guild_id is not None and articles:
            hidden = dict(await muted_articles(self.store, guild_id, articles))
            articles = [a for a in articles if a.id not in hidden]
        if not articles:
            return Digest(since=since, until=until, filter=wanted.text)
        analyses = await self.facts.analyses([a.id for a in articles[:ANALYSED]])
        story_of = await self.store.stories_of([a.id for a in articles])
        digest = await work.to_thread(
            _assemble, articles, story_of, analyses, since, until, wanted.text, max(1, max_items)
        )
        digest = await self._read_stories(digest, {a.id for a in window})
        rising = list(await self.rising(since, until)) if self.rising else []
        if rising and (wanted or hidden):
            # A filtered digest, or one the mute list thinned, names only the pairs its own
            # articles name together (so a muted name or source never shows as rising).
            rising = [r for r in rising if _named_together(r, analyses.values())]
        return dataclasses.replace(digest, rising=tuple(rising))

    async def _read_stories(self, digest: Digest, window: set[int]) -> Digest:
        """Each story shown, read whole: which outlets developed it in the window (a story
        reported before it) and where its outlets disagree."""
        if not digest.items:
            return digest
        reader = self.reader
        stories = {
            s.id: s for s in await self.store.stories_for([i.article_id for i in digest.items])
        }
        items = []
        for item in digest.items:
            story = stories.get(item.story_id)
            if story is None or len(story.reports) < 2:
                items.append(item)
                continue
            inside = [r.article_id for r in story.reports if r.article_id in window]
            before = [
                r.article_id
                for r in story.reports
                if r.article_id not in window and (moment(r.when) or digest.since) < digest.until
            ]
            developed: tuple[str, ...] = ()
            if before and inside:
                developed = await reader.developed(
                    story, before[-DEVELOPED_BEFORE:], inside[-DEVELOPED_IN:]
                )
            figures = await reader.figures(story)
            items.append(dataclasses.replace(item, developed=developed, figures=figures))
        return dataclasses.replace(digest, items=tuple(items))

    async def _matching(self, window: list[Article], wanted: DigestFilter) -> list[Article]:
        if not window or not wanted:
            return window
        if wanted.source is not None:
            source = wanted.source.casefold()
            return [a for a in window if a.source.casefold() == source]
        ids: set[int] = {a.id for a in window}
        query: Query | None = wanted.query
        names = (wanted.entity,) if wanted.entity else (query.filters.entities if query else ())
        for name in names:
            found = await self.facts.entity_articles(name)
            if found is None:
                # No entity index: the name as an exact phrase is the closest plain search.
                query = entity_as_phrase(query, name)
            else:
                ids &= set(found)
                if query is not None:
                    query = query.resolved(found)
        if query is not None:
            try:
                ids = await matching(self.store, query, ids)
            except TooBroad:
                # Saved before the archive grew past its budget: nothing passes it (the
                # digest says nothing is new) rather than the post failing every time.
                log.warning("digest filter %r is too broad to run; nothing passes it", wanted.text)
                ids = set()
        return [a for a in window if a.id in ids]


def _assemble(
    articles: Sequence[Article],
    story_of: dict[int, int],
    analyses: dict[int, Analysis],
    since: datetime,
    until: datetime,
    filter_text: str,
    max_items: int,
) -> Digest:
    """Group, rank and summarise (pure CPU work; runs in a worker thread)."""
    stories = group_articles(articles, story_of)
    by_id = {article.id: article for article in articles}
    counts, mentions = _entity_counts(analyses)
    # Named in the most articles, then the most often; one article alone can't dominate
    # a multi-story period.
    leaders = sorted(counts, key=lambda key: (-counts[key], -mentions[key], key))
    floor = min(2, len(stories))
    dominant = [key for key in leaders[:DOMINANT_ENTITIES] if counts[key] >= floor]
    half_life = max((until - since) / 2, timedelta(hours=3))
    ranked = sorted(
        ((_score(story, analyses, dominant, until, half_life), story) for story in stories),
        key=lambda pair: (-pair[0], -pair[1].lead.article_id),
    )
    items = tuple(
        DigestItem(
            article_id=story.lead.article_id,
            title=story.lead.title,
            url=story.lead.url,
            when=story.lead.when,
            summary=_summary(story, by_id, analyses),
            sources=story.sources,
            related=tuple(i for i in story.article_ids if i != story.lead.article_id),
            score=round(score, 4),
            story_id=story.id,
        )
        for score, story in ranked[:max_items]
    )
    return Digest(
        since=since,
        until=until,
        filter=filter_text,
        items=items,
        entities=tuple(
            DominantEntity(name, label, counts[name, label]) for name, label in dominant
        ),
        articles=len(articles),
        stories=len(stories),
    )


def _named_together(pair: RisingPair, analyses: Iterable[Analysis]) -> bool:
    """Whether one of these articles names both entities of the pair."""
    wanted = {entity_key(e.name, e.label) + "\x00" + e.label for e in (pair.first, pair.second)}
    for analysis in analyses:
        named = {entity_key(name, label) + "\x00" + label for name, label in _names(analysis)}
        if wanted <= named:
            return True
    return False


def _names(analysis: Analysis) -> set[tuple[str, str]]:
    return {(m.canonical, m.label) for m in analysis.mentions if m.label in NAME_LABELS}


def _entity_counts(
    analyses: dict[int, Analysis],
) -> tuple[Counter[tuple[str, str]], Counter[tuple[str, str]]]:
    """For each named entity: in how many articles it appears, and how often in all."""
    articles: Counter[tuple[str, str]] = Counter()
    mentions: Counter[tuple[str, str]] = Counter()
    for analysis in analyses.values():
        articles.update(_names(analysis))
        mentions.update((m.canonical, m.label) for m in analysis.mentions if m.label in NAME_LABELS)
    return articles, mentions


def _age(when_text: str, until: datetime) -> timedelta:
    try:
        when = datetime.fromisoformat(when_text)
    except ValueError:
        return timedelta()
    if when.tzinfo is None:
        return timedelta()
    return max(until - when, timedelta())


def _score(
    story: Story,
    analyses: dict[int, Analysis],
    dominant: list[tuple[str, str]],
    until: datetime,
    half_life: timedelta,
) -> float:
    recency = 0.5 ** (_age(story.lead.when, until) / half_life)
    coverage = min(1.0, math.log2(len(story.sources)) / 3)
    salience = 0.0
    if dominant:
        named: set[tuple[str, str]] = set()
        for article_id in story.article_ids:
            if article_id in analyses:
                named |= _names(analyses[article_id])
        salience = len(named & set(dominant)) / len(dominant)
    return RECENCY * recency + COVERAGE * coverage + SALIENCE * salience


def _summary(story: Story, by_id: dict[int, Article], analyses: dict[int, Analysis]) -> str:
    """One or two sentences: from stored analyses when there are some, else the lead."""
    known = [analyses[i] for i in story.article_ids if i in analyses]
    if len(known) > 1:
        picked = [s.text for _, s in summarize_many(known, sentences=2)]
    elif known:
        picked = [s.text for s in summarize(known[0], sentences=1)]
        if picked and len(picked[0].split()) < ONE_SENTENCE_WORDS:
            picked = [s.text for s in summarize(known[0], sentences=2)]
    else:
        picked = lead_sentences(by_id[story.lead.article_id].body)
    return clip(" ".join(" ".join(picked).split()), SUMMARY_CHARS)


def lead_sentences(body: str) -> list[str]:
    """The body's first sentence, or two if the first is short (no model needed)."""
    found = body_sentences(body_opening(body, LEAD_CHARS))
    if not found:
        return []
    first = found[0]
    if len(first.split()) < ONE_SENTENCE_WORDS and len(found) > 1:
        return [first, found[1]]
    return [first]


def clip(text: str, limit: int) -> str:
    """Cut text at a word boundary to at most `limit` characters, marking the cut with "…"."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"
