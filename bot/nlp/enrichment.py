"""The NLP step for stored articles: analyse those without a current analysis off the event
loop and save what was found; read a stored analysis back (Discord-free, no SQL here)."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from importlib import resources

from bot import work
from bot.clock import Clock, SystemClock, utc_iso
from bot.models import Article
from bot.models.analysis import Analysis, ArticleInput, Mention, Sentence
from bot.models.text import word_count
from bot.nlp.analysis import check_length
from bot.nlp.errors import ArticleTooLong, NlpUnavailable
from bot.nlp.gazetteer import GAZETTEER_FILE
from bot.nlp.service import NlpService, analyze
from bot.nlp.summary import select
from bot.store import AnalysedText, Store, StoredAnalysis

log = logging.getLogger(__name__)

# Bump when bot/nlp changes what it finds (sentences, ranking, entities, quotations): stored
# analyses of another version are redone at the next start. The gazetteer's digest is part of
# it, so a new organisation name re-resolves every article without anyone remembering to bump.
# 2: quotations and their speakers are stored with the analysis.
# 3: speakers found by the rules of the second held-out round (committees, unnamed
#    spokespeople, roles to the person a passage is about, …).
ANALYSIS_VERSION = 3
# Articles per model pass: one worker round trip each, and each saved before the next.
ANALYSE_BATCH = 32


def _nlp_version() -> str:
    gazetteer = resources.files("bot.nlp").joinpath("data", GAZETTEER_FILE).read_bytes()
    return f"{ANALYSIS_VERSION}.{hashlib.sha256(gazetteer).hexdigest()[:12]}"


NLP_VERSION = _nlp_version()


@dataclass(frozen=True)
class NlpFailure:
    """An article the NLP step could not analyse, and why (one line, for a reader)."""

    article_id: int
    reason: str


# Told of each article that failed; without one, the failure is logged (one line) instead.
OnFailure = Callable[[NlpFailure], None]


async def enrich_articles(
    store: Store,
    ids: Sequence[int],
    service: NlpService | None = None,
    *,
    clock: Clock | None = None,
    on_failure: OnFailure | None = None,
) -> int:
    """Analyse those of `ids` whose analysis is missing or outdated, off the event loop, and
    save each in its own transaction; return how many were saved. Current ones cost nothing.

    An article the model cannot take is recorded with its reason (so it is not tried again
    until its text or the NLP code changes) and reported once: to `on_failure`, else in
    one log line."""
    todo = await store.analysis_inputs(list(ids), NLP_VERSION)
    batches = [todo[start : start + ANALYSE_BATCH] for start in range(0, len(todo), ANALYSE_BATCH)]
    saved = 0
    outcomes = await _analyse(batches[0], service) if batches else []
    for number, batch in enumerate(batches):
        now = utc_iso((clock or SystemClock()).now())
        saving = _save(store, batch, outcomes, now, on_failure)
        if number + 1 == len(batches):
            saved += await saving
            break
        # The worker analyses the next batch while this process saves this one: the model
        # never waits for the database (nor the database for the model's round trip).
        # Both run to their end before either's failure is raised: no save goes on unawaited.
        analysed, count = await asyncio.gather(
            _analyse(batches[number + 1], service), saving, return_exceptions=True
        )
        for outcome in (count, analysed):
            if isinstance(outcome, BaseException):
                raise outcome
        assert isinstance(analysed, list) and isinstance(count, int)
        outcomes, saved = analysed, saved + count
    return saved


async def _save(
    store: Store,
    batch: list[tuple[int, str, ArticleInput]],
    outcomes: list[Analysis | str],
    now: str,
    on_failure: OnFailure | None,
) -> int:
    """Save each article's analysis (or why it failed) in its own transaction; return how
    many analyses were saved."""
    saved = 0
    for (article_id, content_hash, _), outcome in zip(batch, outcomes, strict=True):
        async with store.transaction():
            if isinstance(outcome, Analysis):
                if await store.save_analysis(article_id, content_hash, NLP_VERSION, outcome, now):
                    await store.save_quotes(article_id, outcome.quotes)
                    saved += 1
                continue
            recorded = await store.save_analysis_failure(
                article_id, content_hash, NLP_VERSION, outcome, now
            )
        if recorded:
            _report(NlpFailure(article_id, outcome), on_failure)
    return saved


def _report(failure: NlpFailure, on_failure: OnFailure | None) -> None:
    if on_failure is not None:
        on_failure(failure)
    else:
        log.warning("article #%d could not be analysed: %s", failure.article_id, failure.reason)


async def _analyse(
    batch: list[tuple[int, str, ArticleInput]], service: NlpService | None
) -> list[Analysis | str]:
    """Analyse a batch in one pass; if that fails, one by one, so a bad article gets its
    reason (a string) instead of holding back the rest. An article too long to analyse is
    refused before the model sees it; a missing model is raised at once."""
    outcomes: list[Analysis | str | None] = [None] * len(batch)
    for index, (_, _, item) in enumerate(batch):
        try:
            check_length(item)
        except ArticleTooLong as exc:
            outcomes[index] = str(exc)
    todo = [index for index, outcome in enumerate(outcomes) if outcome is None]
    if todo:
        for index, outcome in zip(todo, await _model(batch, todo, service), strict=True):
            outcomes[index] = outcome
    return [outcome for outcome in outcomes if outcome is not None]


async def _model(
    batch: list[tuple[int, str, ArticleInput]],
    todo: list[int],
    service: NlpService | None,
    *,
    again: bool = True,
) -> list[Analysis | str]:
    try:
        return list(await analyze([batch[i][2] for i in todo], service=service))
    except NlpUnavailable:
        raise
    except BrokenProcessPool as exc:
        # The worker died: killed from outside (the OOM killer), or by these articles. A new
        # worker tries once more, so only an article that kills it twice is recorded.
        if again:
            return await _model(batch, todo, service, again=False)
        if len(todo) == 1:
            return [f"the NLP worker died analysing it ({_reason(exc)})"]
    except Exception as exc:
        if len(todo) == 1:
            log.debug("NLP failed on article %d", batch[todo[0]][0], exc_info=True)
            return [_reason(exc)]
    return [outcome for i in todo for outcome in await _model(batch, [i], service)]


def _reason(exc: BaseException) -> str:
    """One line saying why the model failed, whatever it raised."""
    detail = (str(exc).strip().splitlines() or [""])[0][:200]
    return f"{type(exc).__name__}{': ' + detail if detail else ''}"


async def enrich_pending(
    store: Store,
    service: NlpService | None = None,
    *,
    clock: Clock | None = None,
    on_failure: OnFailure | None = None,
) -> int:
    """Analyse every article whose analysis is missing or outdated (run at start, so a crash
    between storing an article and its NLP heals); return how many were saved. Articles
    that failed before with the same text and NLP code are not tried again."""
    saved = 0
    after = 0
    while ids := await store.articles_needing_analysis(NLP_VERSION, after_id=after):
        saved += await enrich_articles(store, ids, service, clock=clock, on_failure=on_failure)
        after = ids[-1]  # an article that keeps failing must not loop forever
    if saved:
        log.info("analysed %d stored article(s) lacking a current analysis", saved)
    return saved


async def current_analysis(
    store: Store, article_id: int, *, sentences: int | None = None
) -> tuple[Article, StoredAnalysis] | None:
    """The article and its stored analysis, if that analysis is of its text and this code;
    with `sentences`, the article's body holds only as much as its first `sentences` do."""
    wanted = None if sentences is None else max(sentences, 0)
    stored = await store.stored_analysis(article_id, sentences=wanted)
    if stored is None or stored.nlp_version != NLP_VERSION:
        return None
    if sentences is None:
        article = await store.article(article_id)
    else:
        # Read as far as the last sentence wanted (their mentions lie within): a reader of a
        # 1,000,000-character report's first sentences reads a news story's worth of it, not
        # the whole body every time (found by the soak: each /catchup read it whole).
        kept = stored.sentences
        part = await store.article_part(article_id, 0, kept[-1][1] if kept else 0)
        article = part[0] if part else None
    if article is None or stored.content_hash != await store.article_content_hash(article_id):
        return None
    return article, stored


async def load_analysis(
    store: Store, article_id: int, *, max_sentences: int | None = None
) -> Analysis | None:
    """The article's current stored analysis as an `Analysis` (for `summarize_many` over
    stored articles, no model needed), or None when it is missing or outdated.

    `max_sentences` reads only the body's first sentences (and the mentions in them and in
    the title and caption): a reader of many articles then spends the same on a
    1,000,000-character one as on a news story."""
    current = await current_analysis(store, article_id, sentences=max_sentences)
    if current is None:
        return None
    article, stored = current
    mentions = await store.article_mentions(article_id, sentences=max_sentences)
    return _analysis(AnalysedText(article, stored, mentions))


async def load_analyses(
    store: Store, article_ids: Sequence[int], *, max_sentences: int
) -> dict[int, Analysis]:
    """The current stored analyses of these articles by id (those missing or outdated left
    out), each of its first `max_sentences` sentences: one read of the store for all, and
    the analyses put together in a worker thread (a /catchup reads a hundred; one at a time
    they were four hundred queries and most of its CPU, found by the soak)."""
    found = await store.analysed_texts(article_ids, NLP_VERSION, sentences=max_sentences)
    if not found:
        return {}
    return await work.to_thread(lambda: {i: _analysis(text) for i, text in found.items()})


def _analysis(text: AnalysedText) -> Analysis:
    """An `Analysis` from what the store keeps of one (its sentences as read)."""
    article, stored = text.article, text.analysis
    sentences = [Sentence(article.body[s:e], s, e) for s, e in stored.sentences]
    kept = len(sentences)
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
        for m in text.mentions
    ]
    ranking = [i for i in stored.ranking if i < kept]
    return Analysis(
        sentences=sentences,
        mentions=mentions,
        summary=select(ranking, [word_count(s.text) for s in sentences]),
        ranking=ranking,
        terms=stored.terms[:kept],
        summarisable=stored.summarisable[:kept],
    )


async def needs_analysis(store: Store, article_id: int) -> bool:
    """True when the article exists but summarising it would run the model first."""
    return bool(await store.analysis_inputs([article_id], NLP_VERSION))
