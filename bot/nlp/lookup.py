"""What the NLP step found, read back for readers: an article's summary, the article a user
means, entities by name (aliases, types, ids), profiles, type-ahead and the most mentioned."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import timedelta
from typing import overload

from bot import budget, work
from bot.clock import Clock, SystemClock, utc_iso
from bot.errors import ArticleNotFound, EntityNotFound, QueryError
from bot.models import Article
from bot.models.analysis import Sentence
from bot.models.entity import (
    ENTITY_TYPES,
    AmbiguousEntity,
    ArticleSummary,
    EntityProfile,
    EntityTally,
    KnownEntity,
    labels_for,
    split_qualifier,
)
from bot.models.text import word_count
from bot.nlp.enrichment import (
    NLP_VERSION,
    NlpFailure,
    current_analysis,
    enrich_articles,
    needs_analysis,
)
from bot.nlp.errors import NlpError
from bot.nlp.service import NlpService
from bot.nlp.summary import select
from bot.search import prefix_query, title_choices
from bot.store import Store

# A name's most mentioned entity wins if it has this share of all the name's mentions:
# the small model labels "Gaza" GPE in most articles and LOC in a few, and readers typing
# "Gaza" mean the first, not a question back.
DOMINANT_SHARE = 0.75
_ENTITY_REF = re.compile(r"^#(\d{1,18})$")
_ARTICLE_REF = re.compile(r"^#?(\d{1,18})$")


async def card_summary(store: Store, article: Article) -> str | None:
    """What a feed post's {summary} shows: the stored NLP summary (two sentences) once the
    article has been analysed, else None (the post takes the feed's lead). The bot's posts and
    the web's previews of them read it alike."""
    if await needs_analysis(store, article.id):
        return None
    summary = await article_summary(store, article.id, sentences=2)
    return " ".join(s.text for s in summary.sentences) or None


async def article_summary(
    store: Store,
    article_id: int,
    sentences: int | None = None,
    max_words: int | None = None,
    *,
    service: NlpService | None = None,
) -> ArticleSummary:
    """The article's summary (by sentence count, default 3, or word budget) and entities.

    Uses the stored analysis; an article without a current one is analysed first (off the
    loop through `service`). Raises ArticleNotFound for an unknown id.
    """
    current = await current_analysis(store, article_id)
    if current is None:
        if await store.article_content_hash(article_id) is None:
            raise ArticleNotFound(f"There is no article #{article_id}.")
        failed: list[NlpFailure] = []
        await enrich_articles(store, [article_id], service, on_failure=failed.append)
        current = await current_analysis(store, article_id)
        if current is None:
            # Failed now, or before with the same text and NLP code (then not tried again).
            reason = (await store.analysis_failures(NLP_VERSION, [article_id])).get(article_id)
            because = f": {reason}" if reason else ""
            raise NlpError(f"Article #{article_id} could not be analysed{because}.")
    article, stored = current
    words = _WordCounts(article.body, stored.sentences)
    chosen = select(stored.ranking, words, sentences=sentences, max_words=max_words)
    work.spend("summary_sentences", words.counted + len(chosen))
    spans = stored.sentences
    return ArticleSummary(
        article=article,
        sentences=[Sentence(article.body[spans[i][0] : spans[i][1]], *spans[i]) for i in chosen],
        entities=await store.article_entities(article_id),
    )


class _WordCounts(Sequence[int]):
    """Each sentence's word count, counted only when asked for: a summary reads its best few
    sentences, not the 100,000 of a 9 MB article."""

    def __init__(self, body: str, spans: Sequence[tuple[int, int]]) -> None:
        self._body = body
        self._spans = spans
        self.counted = 0

    def __len__(self) -> int:
        return len(self._spans)

    @overload
    def __getitem__(self, index: int) -> int: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[int]: ...

    def __getitem__(self, index: int | slice) -> int | Sequence[int]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        start, end = self._spans[index]
        self.counted += 1
        return word_count(self._body[start:end])


async def find_article(store: Store, typed: str) -> int:
    """The article a user means: its id ("12" or "#12"), else the best title match for the
    words typed; ArticleNotFound when neither finds one."""
    typed = typed.strip()
    ref = _ARTICLE_REF.match(typed)
    if ref and await store.article_content_hash(int(ref[1])) is not None:
        return int(ref[1])
    # Without words, title_choices lists the newest titles: that is no match.
    best = await title_choices(store, typed, limit=1) if prefix_query(typed) else []
    if best:
        return best[0][0]
    if ref:
        raise ArticleNotFound(
            f"There is no article #{ref[1]}. `/search` shows each article's number."
        )
    raise ArticleNotFound(
        f"No article matches “{typed[:100]}”. Pick a title from the list as you type, "
        "or give the article's number from `/search`."
    )


async def find_entities(store: Store, name: str) -> list[KnownEntity]:
    """Every entity `name` may mean, most mentioned first: "#12" is entity 12; otherwise
    canonical names and aliases, case/diacritics/possessive-insensitive, and a trailing
    type such as "Gaza (place)" or "Gaza (LOC)" narrows by type."""
    ref = _ENTITY_REF.match(name.strip())
    if ref:
        entity = await store.entity(int(ref[1]))
        return [entity] if entity else []
    plain, labels = split_qualifier(name.strip())
    candidates = await store.entities_named(plain)
    if labels is not None:
        candidates = [c for c in candidates if c.label in labels]
    return candidates


async def resolve_entity(store: Store, name: str) -> KnownEntity:
    """The one entity `name` means; EntityNotFound or AmbiguousEntity (with candidates)."""
    candidates = await find_entities(store, name)
    if not candidates:
        raise EntityNotFound(f"No entity called “{name.strip()[:100]}” is known yet.")
    total = sum(c.mention_count for c in candidates)
    top = candidates[0]
    if len(candidates) == 1 or top.mention_count >= DOMINANT_SHARE * total:
        return top
    raise AmbiguousEntity(name.strip(), candidates[:10])


async def entity_article_ids(store: Store, name: str) -> list[int]:
    """Ids of the articles mentioning any entity `name` may mean: the `entity:` filter."""
    return await store.entity_article_ids([c.id for c in await find_entities(store, name)])


async def entity_profile(
    store: Store,
    name: str,
    *,
    articles: int = 5,
    per_article: int = 3,
    co_mentions: int = 10,
) -> EntityProfile:
    """The profile of the entity `name` means (see `resolve_entity` for how names resolve)."""
    entity = await resolve_entity(store, name)
    return await store.entity_profile(
        entity, articles=articles, per_article=per_article, co_mentions=co_mentions
    )


async def entity_choices(store: Store, typed: str, limit: int = 25) -> list[KnownEntity]:
    """Autocomplete: at most `limit` (≤ 25) named entities matching what was typed so far."""
    return await store.entity_choices(prefix_query(typed), typed, limit=min(limit, 25))


async def top_entities(
    store: Store,
    kind: str | None = None,
    days: int | None = None,
    limit: int = 10,
    *,
    clock: Clock | None = None,
    max_articles: int = budget.ENTITY_PERIOD_ARTICLES,
) -> list[EntityTally]:
    """The most mentioned entities, of one type ("person", "place", ... or a label) and in
    the last `days` days if given. A period is tallied from its articles' entities, so one
    holding more than `max_articles` articles is too broad (all-time counts are kept up to
    date and cost nothing)."""
    labels = None
    if kind:
        labels = labels_for(kind)
        if labels is None:
            known = ", ".join(ENTITY_TYPES)
            raise QueryError(f"“{kind[:40]}” is not an entity type; try one of: {known}.")
    since = None
    if days is not None and days > 0:
        since = utc_iso((clock or SystemClock()).now() - timedelta(days=days))
        if await store.count_articles_since(since, max_articles + 1) > max_articles:
            raise budget.too_broad(
                f"the last {days:,} days hold more than {max_articles:,} articles to tally",
                "choose fewer days, or leave days out for all-time counts",
            )
    return await store.top_entities(labels, since, limit)
