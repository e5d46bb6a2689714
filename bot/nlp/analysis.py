"""The NLP step for articles: one batched spaCy pass, then sentences, entities, a ranked
summary and quotations per article (`analyze_texts`), plus summaries of one or many analysed
articles."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, IS_STOP, LOWER

from bot.models.analysis import Analysis, ArticleInput, Sentence
from bot.models.quote import Quote
from bot.models.text import word_count
from bot.nlp.entities import resolve
from bot.nlp.errors import ArticleTooLong
from bot.nlp.mentions import raw_mentions
from bot.nlp.pipeline import BATCH_SIZE, get_nlp
from bot.nlp.quotes import cap_text, find_quotes
from bot.nlp.sentences import segment
from bot.nlp.summary import (
    DEFAULT_SENTENCES,
    DEFAULT_WEIGHTS,
    Weights,
    mmr_order,
    rank_sentences,
    score_sentences,
    select,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc

# A text longer than this is analysed in chunks of at most this many characters: far below
# spaCy's own limit (1,000,000), because the model's memory grows with each text's length
# (13 chunks of 100,000 in one batch took 4.3 GB; of 10,000, 8 at a time, 0.3 GB).
CHUNK_CHARS = 10_000
CHUNK_BATCH = 8
# Past this an article is not analysed at all (about 85,000 words, several times the longest
# long read): said plainly, and recorded as the reason. A 1,000,000-character page cost the NLP
# worker 130 MB more and half a minute of CPU on a quiet machine (minutes at nice 10 on a busy
# one), so one hostile feed item held the worker and its memory past the soak's whole load.
MAX_ANALYSED_CHARS = 500_000
# Where a chunk may end, best first: a paragraph break, a line break, a sentence's final
# stop (with closing quotes or brackets) followed by a space, any whitespace.
_CUTS = (
    re.compile(r"\n[ \t]*\n\s*"),
    re.compile(r"\n\s*"),
    re.compile(r"[.!?…][\"'”’)\]]*\s+"),
    re.compile(r"\s+"),
)
MULTI_MMR_LAMBDA = 0.7
# A summary of several articles chooses among each one's best POOL_PER_ARTICLE sentences (by
# its own ranking), at most MAX_POOL in all: the pool is compared pair by pair (n x n
# matrices, an n^2 MMR pass), and a story of three 1,000,000-character reports pooled 12,000
# sentences, minutes of CPU and gigabytes for a two-sentence summary.
POOL_PER_ARTICLE = 20
MAX_POOL = 400
# Sentences this similar to one already chosen are repeats, not extra coverage.
NEAR_DUPLICATE = 0.8
_SUFFIXES = ("ingly", "edly", "ings", "ing", "ies", "ied", "ed", "es", "s")
_WORD = re.compile(r"[a-z0-9]")


def stem(word: str) -> str:
    """Cheap suffix-stripping stem so "talks"/"talked"/"talking" count as one term."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + ("y" if suffix in ("ies", "ied") else "")
    return word


# What `_content_terms` reads of each token.
_TERM_ATTRS = [IDX, LOWER, IS_STOP, IS_PUNCT, IS_SPACE]


def _content_terms(doc: Doc, spans: Sequence[tuple[int, int]]) -> list[tuple[str, ...]]:
    """Stemmed non-stopword tokens of each character span."""
    out: list[list[str]] = [[] for _ in spans]
    if not spans:
        return []
    starts = [s for s, _ in spans]
    i = 0
    # The tokens' attributes as one array (not a Token object each), and each distinct word's
    # stem worked out once (None: not a content word): a third of the analysis around the
    # model was making Tokens and stemming the same words again.
    strings = doc.vocab.strings
    stems: dict[int, str | None] = {}
    for idx, lower, is_stop, is_punct, is_space in doc.to_array(_TERM_ATTRS).tolist():
        if is_stop or is_punct or is_space:
            continue
        if lower not in stems:
            word = strings[lower]
            stems[lower] = stem(word) if _WORD.search(word) else None
        term = stems[lower]
        if term is None:
            continue
        while i + 1 < len(starts) and idx >= starts[i + 1]:
            i += 1
        if spans[i][0] <= idx < spans[i][1]:
            out[i].append(term)
    return [tuple(t) for t in out]


def article_length(article: ArticleInput) -> int:
    """Characters the model reads for an article: body, title and caption."""
    return len(article.body) + len(article.title) + len(article.caption)


def check_length(article: ArticleInput) -> None:
    """ArticleTooLong when the article is past what is analysed at all."""
    length = article_length(article)
    if length > MAX_ANALYSED_CHARS:
        raise ArticleTooLong(
            f"too long to analyse: {length:,} characters (at most {MAX_ANALYSED_CHARS:,})"
        )


def chunks(text: str, size: int = CHUNK_CHARS) -> list[str]:
    """`text` in consecutive pieces of at most `size` characters that join back to it, each
    cut where a sentence can end: after a paragraph break if the last half of the window has
    one, else after a line break, else after a sentence's final stop, else after a space, and
    only as a last resort mid-word (a single word longer than the window)."""
    pieces: list[str] = []
    start = 0
    while len(text) - start > size:
        window = text[start : start + size]
        half = size // 2
        cut = -1
        for pattern in _CUTS:
            found = [m.end() for m in pattern.finditer(window, half)]
            if found:
                cut = found[-1]
                break
        if cut <= 0:
            cut = size
        pieces.append(window[:cut])
        start += cut
    pieces.append(text[start:])
    return pieces


def parse(texts: Sequence[str]) -> list[Doc]:
    """Run the model over `texts`: short ones in batches as they are; one longer than
    CHUNK_CHARS in sentence-safe chunks (spaCy refuses a text past `nlp.max_length`, and
    the model's memory grows with each text's length), joined back into one `Doc` whose
    character offsets, sentences and entities are those of the whole text."""
    from spacy.tokens import Doc

    nlp = get_nlp()
    docs: list[Doc | None] = [None] * len(texts)
    short = [i for i, text in enumerate(texts) if len(text) <= CHUNK_CHARS]
    for i, doc in zip(
        short, nlp.pipe((texts[i] for i in short), batch_size=BATCH_SIZE), strict=True
    ):
        docs[i] = doc
    for i, text in enumerate(texts):
        if docs[i] is None:
            pieces = list(nlp.pipe(chunks(text), batch_size=CHUNK_BATCH))
            docs[i] = Doc.from_docs(pieces, ensure_whitespace=False)
    return [doc for doc in docs if doc is not None]


def _as_input(item: str | ArticleInput) -> ArticleInput:
    return item if isinstance(item, ArticleInput) else ArticleInput(body=item)


def analyze_texts(
    texts: Sequence[str | ArticleInput],
    *,
    titles: Sequence[str | None] | None = None,
    weights: Weights = DEFAULT_WEIGHTS,
    rank: bool = True,
) -> list[Analysis]:
    """Analyse articles synchronously in one batched model pass (CPU-bound: not on the loop).

    Plain strings are whole articles (a leading headline line, photo captions and bylines
    are recognised and kept out of summaries); `ArticleInput` keeps title and caption apart
    so offsets point into the body. `titles` adds titles to plain strings. `rank=False`
    skips the summary ranking (quadratic in sentences) for callers that need only
    sentences and entities; `summary` and `ranking` are then empty.
    """
    articles = [_as_input(t) for t in texts]
    if titles is not None:
        articles = [
            ArticleInput(a.body, title or a.title, a.caption)
            for a, title in zip(articles, titles, strict=True)
        ]
    for article in articles:
        check_length(article)
    jobs: list[str] = []
    for article in articles:
        jobs.extend((article.body, article.title, article.caption))
    # Every word the model meets is added to its vocabulary for good, so a long-lived worker
    # grew with each new text (a 1,000,000-character page of numbered items: 100 MB that
    # never came back). Inside the zone the new entries are dropped when it ends; nothing of
    # spaCy's leaves it (the analyses are plain strings and numbers).
    with get_nlp().memory_zone():
        docs = parse(jobs)
        return [
            _analyse_one(article, docs[3 * i], docs[3 * i + 1], docs[3 * i + 2], weights, rank)
            for i, article in enumerate(articles)
        ]


def _analyse_one(
    article: ArticleInput, body: Doc, title: Doc, caption: Doc, weights: Weights, rank: bool
) -> Analysis:
    # The texts the docs were made of: Doc.text joins every token each time it is read (it
    # was a fifth of the analysis around the model, read nine times an article).
    text, title_text, caption_text = article.body, article.title, article.caption
    spans = segment(body, text)
    sentences = [Sentence(text[s.start : s.end], s.start, s.end) for s in spans]
    terms = _content_terms(body, [(s.start, s.end) for s in spans])
    summarisable = [s.role == "body" for s in spans]
    words = [word_count(s.text) for s in sentences]
    title_terms = _content_terms(title, [(0, len(title_text))])[0] if title_text else ()
    if not title_terms:
        # A headline line at the top of plain text is the title.
        title_terms = tuple(
            t for s, ts in zip(spans, terms, strict=True) if s.role == "title" for t in ts
        )
    ranking = rank_sentences(terms, words, summarisable, title_terms, weights) if rank else []

    texts = {"body": text, "title": title_text, "caption": caption_text}
    byline = [(s.start, s.end) for s in spans if s.role == "byline"]
    found = [
        m for m in raw_mentions(body, text=text) if not any(a <= m.start < b for a, b in byline)
    ]
    found += raw_mentions(title, "title", title_text) + raw_mentions(
        caption, "caption", caption_text
    )
    mentions, entities = resolve(texts, found, [s.start for s in spans])
    analysis = Analysis(
        sentences=sentences,
        mentions=mentions,
        summary=select(ranking, words),
        ranking=ranking,
        entities=entities,
        terms=terms,
        summarisable=summarisable,
    )
    # Who said what, from the sentences and entities just found (linear in the text).
    return replace(analysis, quotes=find_quotes(text, analysis))


def quotes_of_texts(texts: Sequence[str]) -> list[list[Quote]]:
    """Quotations of raw article texts (each capped at `bot.nlp.quotes.MAX_CHARS`) in one
    batched model pass (CPU-bound: not on the event loop)."""
    capped = [cap_text(t) for t in texts]
    return [a.quotes for a in analyze_texts(capped, rank=False)]  # no summary: stay linear


def summarize(
    text_or_analysis: str | ArticleInput | Analysis,
    *,
    sentences: int | None = None,
    max_words: int | None = None,
) -> list[Sentence]:
    """Summary sentences in document order, by sentence count (default 3) or word budget."""
    if isinstance(text_or_analysis, Analysis):
        analysis = text_or_analysis
    else:
        analysis = analyze_texts([text_or_analysis])[0]
    words = [word_count(s.text) for s in analysis.sentences]
    chosen = select(analysis.ranking, words, sentences=sentences, max_words=max_words)
    return [analysis.sentences[i] for i in chosen]


def summarize_many(
    analyses_or_texts: Sequence[str | ArticleInput | Analysis],
    *,
    sentences: int | None = None,
    max_words: int | None = None,
    weights: Weights = DEFAULT_WEIGHTS,
) -> list[tuple[int, Sentence]]:
    """Sentences covering a set of articles without repeating, as (article index, sentence).

    Each article's own ranking gives salience; centrality across the set favours what many
    articles report; MMR drops repeats; a sentence naming entities not yet covered gets a
    bonus. Output is ordered by article index, then position.
    """
    todo = [a for a in analyses_or_texts if not isinstance(a, Analysis)]
    fresh = iter(analyze_texts(todo) if todo else [])
    analyses = [a if isinstance(a, Analysis) else next(fresh) for a in analyses_or_texts]

    pool: list[tuple[int, int]] = []
    local: list[float] = []
    # Each article's own best sentences only: the pool is compared pair by pair.
    each = min(POOL_PER_ARTICLE, max(1, MAX_POOL // max(len(analyses), 1)))
    for doc_index, analysis in enumerate(analyses[:MAX_POOL]):
        n = max(len(analysis.ranking), 1)
        rank_of = {index: rank for rank, index in enumerate(analysis.ranking[:each])}
        # Pool in document order so that sorting chosen pool indices gives reading order.
        for sentence_index in sorted(rank_of):
            pool.append((doc_index, sentence_index))
            local.append(1.0 - rank_of[sentence_index] / n)
    if not pool:
        return []
    terms = [analyses[d].terms[s] for d, s in pool]
    words = [word_count(analyses[d].sentences[s].text) for d, s in pool]
    score, sim = score_sentences(terms, words, [0] * len(pool), (), weights)
    score = score - weights.position + 2.0 * np.asarray(local)  # local rank replaces position
    entities = _pool_entities(analyses, pool)
    # Wire copy repeats across outlets: redundancy weighs more here than within one article.
    order = _coverage_order(score, sim, entities, min(weights.mmr_lambda, MULTI_MMR_LAMBDA))
    words_by_pool = words
    chosen = select(order, words_by_pool, sentences=sentences, max_words=max_words)
    return [(pool[i][0], analyses[pool[i][0]].sentences[pool[i][1]]) for i in chosen]


def _pool_entities(analyses: Sequence[Analysis], pool: list[tuple[int, int]]) -> list[set[str]]:
    """The names (not dates) each pooled sentence mentions, in one pass over each article."""
    named: dict[tuple[int, int], set[str]] = {key: set() for key in pool}
    for doc_index in sorted({d for d, _ in pool}):
        for mention in analyses[doc_index].mentions:
            found = named.get((doc_index, mention.sentence))
            if found is not None and mention.label != "DATE":
                found.add(mention.canonical)
    return [named[key] for key in pool]


def _coverage_order(
    score: np.ndarray, sim: np.ndarray, entities: list[set[str]], mmr_lambda: float
) -> list[int]:
    """MMR order with a bonus for each entity a sentence adds to those already covered."""
    n = len(score)
    relevance = score / score.max() if n and score.max() > 0 else score
    redundancy = np.zeros(n)
    covered: set[str] = set()
    remaining = list(range(n))
    chosen: list[int] = []
    while remaining:
        values = [
            mmr_lambda * relevance[i]
            - (1 - mmr_lambda) * redundancy[i]
            + 0.05 * len(entities[i] - covered)
            for i in remaining
        ]
        values = [
            v - 10.0 if redundancy[i] >= NEAR_DUPLICATE else v
            for v, i in zip(values, remaining, strict=True)
        ]
        best = remaining.pop(int(np.argmax(values)))
        chosen.append(best)
        covered |= entities[best]
        redundancy = np.maximum(redundancy, sim[best])
    return chosen


__all__ = [
    "DEFAULT_SENTENCES",
    "analyze_texts",
    "mmr_order",
    "quotes_of_texts",
    "summarize",
    "summarize_many",
]
