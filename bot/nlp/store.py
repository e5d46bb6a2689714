"""NLP results in the database: analyse stored articles off the event loop and save what was
found; read summaries, entity lookups and profiles back (Discord-free, no SQL here)."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence
from datetime import timedelta
from importlib import resources

from bot.clock import Clock, SystemClock, utc_iso
from bot.errors import ArticleNotFound, EntityNotFound, QueryError
from bot.models import Article
from bot.models.analysis import Analysis, ArticleInput, Mention, Sentence
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
from bot.nlp.analysis import analyze
from bot.nlp.errors import NlpError
from bot.nlp.gazetteer import GAZETTEER_FILE
from bot.nlp.pipeline import NlpService
from bot.nlp.summary import select
from bot.search import prefix_query, title_choices
from bot.store import Store
from bot.store.entity_records import StoredAnalysis

log = logging.getLogger(__name__)

# Bump when bot/nlp changes what it finds (sentences, ranking, entities): stored analyses of
# another version are redone at the next start. The gazetteer's digest is part of it, so a
# new organisation name re-resolves every article without anyone remembering to bump.
ANALYSIS_VERSION = 1
# Articles per model pass: one worker round trip each, and each saved before the next.
ANALYSE_BATCH = 32
# A name's most mentioned entity wins if it has this share of all the name's mentions:
# the small model labels "Gaza" GPE in most articles and LOC in a few, and readers typing
# "Gaza" mean the first, not a question back.
DOMINANT_SHARE = 0.75
_ENTITY_REF = re.compile(r"^#(\d{1,18})$")
_ARTICLE_REF = re.compile(r"^#?(\d{1,18})$")


def _nlp_version() -> str:
    gazetteer = resources.files("bot.nlp").joinpath("data", GAZETTEER_FILE).read_bytes()
    return f"{ANALYSIS_VERSION}.{hashlib.sha256(gazetteer).hexdigest()[:12]}"


NLP_VERSION = _nlp_version()


async def enrich_articles(
    store: Store,
    ids: Sequence[int],
    service: NlpService | None = None,
    *,
    clock: Clock | None = None,
) -> int:
    """Analyse those of `ids` whose analysis is missing or outdated, off the event loop, and
    save each in its own transaction; return how many were saved. Current ones cost nothing."""
    todo = await store.analysis_inputs(list(ids), NLP_VERSION)
    saved = 0
    for start in range(0, len(todo), ANALYSE_BATCH):
        batch = todo[start : start + ANALYSE_BATCH]
        analyses = await _analyse(batch, service)
        now = utc_iso((clock or SystemClock()).now())
        for (article_id, content_hash, _), analysis in zip(batch, analyses, strict=True):
            if analysis is None:
                continue
            async with store.transaction():
                if await store.save_analysis(article_id, content_hash, NLP_VERSION, analysis, now):
                    saved += 1
    return saved


async def _analyse(
    batch: list[tuple[int, str, ArticleInput]], service: NlpService | None
) -> list[Analysis | None]:
    """Analyse a batch in one pass; if that fails, one by one so a bad article is skipped
    (and logged) instead of holding back the rest. A missing model is raised at once."""
    inputs = [item for _, _, item in batch]
    try:
        return list(await analyze(inputs, service=service))
    except NlpError:
        raise
    except Exception:
        if len(batch) == 1:
            log.exception("NLP failed on article %d; it stays without analysis", batch[0][0])
            return [None]
    results: list[Analysis | None] = []
    for item in batch:
        results.extend(await _analyse([item], service))
    return results


async def enrich_pending(
    store: Store, service: NlpService | None = None, *, clock: Clock | None = None
) -> int:
    """Analyse every article whose analysis is missing or outdated (run at start, so a crash
    between storing an article and its NLP heals); return how many were saved."""
    saved = 0
    after = 0
    while ids := await store.articles_needing_analysis(NLP_VERSION, after_id=after):
        saved += await enrich_articles(store, ids, service, clock=clock)
        after = ids[-1]  # an article that keeps failing must not loop forever
    return saved


async def _current(store: Store, article_id: int) -> tuple[Article, StoredAnalysis] | None:
    """The article and its stored analysis, if that analysis is of its text and this code."""
    stored = await store.stored_analysis(article_id)
    if stored is None or stored.nlp_version != NLP_VERSION:
        return None
    article = await store.article(article_id)
    if article is None or stored.content_hash != await store.article_content_hash(article_id):
        return None
    return article, stored


async def load_analysis(store: Store, article_id: int) -> Analysis | None:
    """The article's current stored analysis as an `Analysis` (for `summarize_many` over
    stored articles, no model needed), or None when it is missing or outdated."""
    current = await _current(store, article_id)
    if current is None:
        return None
    article, stored = current
    sentences = [Sentence(article.body[s:e], s, e) for s, e in stored.sentences]
    texts = {"title": article.title, "caption": article.caption, "body": article.body}
    mentions = [
        Mention(
            text=texts[m.section][m.start : m.end],
            label=m.entity.label,
            start=m.start,
            end=m.end,
            canonical=m.entity.name,
            sentence=m.sentence,
            section=m.section,
        )
        for m in await store.article_mentions(article_id)
    ]
    return Analysis(
        sentences=sentences,
        mentions=mentions,
        summary=select(stored.ranking, [word_count(s.text) for s in sentences]),
        ranking=stored.ranking,
        terms=stored.terms,
        summarisable=stored.summarisable,
    )


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
    current = await _current(store, article_id)
    if current is None:
        if await store.article_content_hash(article_id) is None:
            raise ArticleNotFound(f"There is no article #{article_id}.")
        await enrich_articles(store, [article_id], service)
        current = await _current(store, article_id)
        if current is None:
            raise NlpError(f"Article #{article_id} could not be analysed; see the log.")
    article, stored = current
    texts = [article.body[s:e] for s, e in stored.sentences]
    chosen = select(
        stored.ranking, [word_count(t) for t in texts], sentences=sentences, max_words=max_words
    )
    return ArticleSummary(
        article=article,
        sentences=[Sentence(texts[i], *stored.sentences[i]) for i in chosen],
        entities=await store.article_entities(article_id),
    )


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


async def needs_analysis(store: Store, article_id: int) -> bool:
    """True when the article exists but summarising it would run the model first."""
    return bool(await store.analysis_inputs([article_id], NLP_VERSION))


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
) -> list[EntityTally]:
    """The most mentioned entities, of one type ("person", "place", ... or a label) and in
    the last `days` days if given."""
    labels = None
    if kind:
        labels = labels_for(kind)
        if labels is None:
            known = ", ".join(ENTITY_TYPES)
            raise QueryError(f"“{kind[:40]}” is not an entity type; try one of: {known}.")
    since = None
    if days is not None and days > 0:
        since = utc_iso((clock or SystemClock()).now() - timedelta(days=days))
    return await store.top_entities(labels, since, limit)
