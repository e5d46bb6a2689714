"""Extractive summaries: sentences ranked by lead position, centrality, title overlap and
quality, de-duplicated with MMR, returned whole and in document order."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

DEFAULT_SENTENCES = 3
# Sentences of one article ranked against each other: the similarity matrices are n x n and
# the MMR pass is n^2 steps, so a 1,000,000-character article (8,000 sentences) took 1.5 GB
# and minutes of the worker's CPU. A summary comes from the lead and what it develops; later
# sentences follow the ranked ones in reading order.
MAX_RANKED = 300


@dataclass(frozen=True, slots=True)
class Weights:
    """Feature weights, grid-searched on the even-numbered BBC dev articles (ROUGE-2 at 100
    words); the odd-numbered half is held out and reported separately by bench/quality.py."""

    position: float = 0.3
    centrality: float = 1.0
    # TextRank-style centrality (shared words over log lengths) favours long, central sentences.
    overlap: float = 3.0
    title: float = 0.3
    length: float = 0.0
    # MMR trade-off: 1.0 ignores redundancy, lower values push repeated content down.
    mmr_lambda: float = 0.9
    # How fast the lead bonus decays with sentence position (in sentences).
    position_decay: float = 8.0
    # Fewer words than this is a fragment; the length feature saturates at `ideal_words`.
    min_words: int = 6
    ideal_words: int = 25


DEFAULT_WEIGHTS = Weights()


def _tfidf(terms: Sequence[Sequence[str]], idf: dict[str, float] | None = None) -> np.ndarray:
    """Row-normalised TF-IDF matrix over the sentences' content terms."""
    if idf is None:
        df = Counter(t for sent in terms for t in set(sent))
        n = len(terms)
        idf = {t: math.log((1 + n) / (1 + c)) + 1.0 for t, c in df.items()}
    vocab = {t: i for i, t in enumerate(idf)}
    matrix = np.zeros((len(terms), max(len(vocab), 1)))
    for row, sent in enumerate(terms):
        for term, count in Counter(sent).items():
            col = vocab.get(term)
            if col is not None:
                matrix[row, col] = (1.0 + math.log(count)) * idf[term]
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    unit: np.ndarray = matrix / norms
    return unit


def _pagerank(sim: np.ndarray, damping: float = 0.85, iterations: int = 30) -> np.ndarray:
    """LexRank-style stationary distribution of the sentence-similarity graph."""
    n = sim.shape[0]
    graph = sim.copy()
    np.fill_diagonal(graph, 0.0)
    rows = graph.sum(axis=1, keepdims=True)
    rows[rows == 0] = 1.0
    graph = graph / rows
    rank = np.full(n, 1.0 / n)
    for _ in range(iterations):
        rank = (1 - damping) / n + damping * graph.T @ rank
    return rank


def _overlap_matrix(terms: Sequence[Sequence[str]]) -> np.ndarray:
    """Mihalcea & Tarau's TextRank similarity: shared terms over the sum of log lengths."""
    sets = [set(t) for t in terms]
    n = len(sets)
    sim = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            shared = len(sets[i] & sets[j])
            if shared:
                norm = math.log(len(terms[i]) + 1) + math.log(len(terms[j]) + 1)
                sim[i, j] = sim[j, i] = shared / norm
    return sim


def _scaled(values: np.ndarray) -> np.ndarray:
    top = values.max() if values.size else 0.0
    return values / top if top > 0 else np.zeros_like(values)


def score_sentences(
    terms: Sequence[Sequence[str]],
    words: Sequence[int],
    positions: Sequence[int],
    title_terms: Sequence[str] = (),
    weights: Weights = DEFAULT_WEIGHTS,
) -> tuple[np.ndarray, np.ndarray]:
    """Salience score per candidate sentence and the pairwise similarity matrix."""
    n = len(terms)
    vectors = _tfidf([*terms, title_terms])
    sentence_vectors = vectors[:n]
    sim = sentence_vectors @ sentence_vectors.T
    centrality = _scaled(_pagerank(sim) * n) if n > 1 else np.ones(n)
    overlap = (
        _scaled(_pagerank(_overlap_matrix(terms))) if n > 1 and weights.overlap else np.zeros(n)
    )
    position = np.exp(-np.asarray(positions, dtype=float) / weights.position_decay)
    title = _scaled(sentence_vectors @ vectors[n]) if title_terms else np.zeros(n)
    length = np.array([min(w, weights.ideal_words) / weights.ideal_words for w in words])
    score = (
        weights.position * position
        + weights.centrality * centrality
        + weights.overlap * overlap
        + weights.title * title
        + weights.length * length
    )
    # Fragments ("Read more.", a one-line quote) read badly on their own.
    score = np.where(np.asarray(words) < weights.min_words, score * 0.3, score)
    return score, sim


def mmr_order(score: np.ndarray, sim: np.ndarray, mmr_lambda: float) -> list[int]:
    """All candidates, best first, each penalised by its similarity to those already chosen."""
    n = len(score)
    remaining = list(range(n))
    chosen: list[int] = []
    top = score.max() if n else 1.0
    relevance = score / top if top > 0 else score
    redundancy = np.zeros(n)
    while remaining:
        values = [mmr_lambda * relevance[i] - (1 - mmr_lambda) * redundancy[i] for i in remaining]
        best = remaining.pop(int(np.argmax(values)))
        chosen.append(best)
        redundancy = np.maximum(redundancy, sim[best])
    return chosen


def rank_sentences(
    terms: Sequence[Sequence[str]],
    words: Sequence[int],
    summarisable: Sequence[bool],
    title_terms: Sequence[str] = (),
    weights: Weights = DEFAULT_WEIGHTS,
) -> list[int]:
    """Indices of summarisable sentences, best first (MMR order): the first MAX_RANKED
    ranked, any after them in reading order."""
    candidates = [i for i, ok in enumerate(summarisable) if ok and words[i] > 0]
    if not candidates:
        return []
    candidates, rest = candidates[:MAX_RANKED], candidates[MAX_RANKED:]
    score, sim = score_sentences(
        [terms[i] for i in candidates],
        [words[i] for i in candidates],
        list(range(len(candidates))),
        title_terms,
        weights,
    )
    return [candidates[i] for i in mmr_order(score, sim, weights.mmr_lambda)] + rest


def select(
    ranking: Sequence[int],
    words: Sequence[int],
    *,
    sentences: int | None = None,
    max_words: int | None = None,
) -> list[int]:
    """Cut a ranking to a length and return the chosen indices in document order.

    `max_words` takes whole sentences best first until the budget is reached (the last one
    may cross it; a summary is never cut mid-sentence). Default: `DEFAULT_SENTENCES`.
    """
    if sentences is not None and max_words is not None:
        raise ValueError("give either sentences or max_words, not both")
    if max_words is None:
        count = DEFAULT_SENTENCES if sentences is None else max(sentences, 0)
        return sorted(ranking[:count])
    chosen: list[int] = []
    total = 0
    for index in ranking:
        if total >= max_words:
            break
        chosen.append(index)
        total += words[index]
    return sorted(chosen)
