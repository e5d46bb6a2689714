"""The NLP step for stored articles: analyse those without a current analysis off the event
loop and save what was found; read a stored analysis back (Discord-free, no SQL here)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from importlib import resources

from bot.clock import Clock, SystemClock, utc_iso
from bot.models import Article
from bot.models.analysis import Analysis, ArticleInput, Mention, Sentence
from bot.models.text import word_count
from bot.nlp.errors import NlpError
from bot.nlp.gazetteer import GAZETTEER_FILE
from bot.nlp.service import NlpService, analyze
from bot.nlp.summary import select
from bot.store import Store, StoredAnalysis

log = logging.getLogger(__name__)

# Bump when bot/nlp changes what it finds (sentences, ranking, entities): stored analyses of
# another version are redone at the next start. The gazetteer's digest is part of it, so a
# new organisation name re-resolves every article without anyone remembering to bump.
ANALYSIS_VERSION = 1
# Articles per model pass: one worker round trip each, and each saved before the next.
ANALYSE_BATCH = 32


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
    if saved:
        log.info("analysed %d stored article(s) lacking a current analysis", saved)
    return saved


async def current_analysis(store: Store, article_id: int) -> tuple[Article, StoredAnalysis] | None:
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
    current = await current_analysis(store, article_id)
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


async def needs_analysis(store: Store, article_id: int) -> bool:
    """True when the article exists but summarising it would run the model first."""
    return bool(await store.analysis_inputs([article_id], NLP_VERSION))
