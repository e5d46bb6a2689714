"""Summaries: length, document order, word budget, whole sentences, multi-article cover."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from typing import TypeVar

import pytest

from bot.models.analysis import Sentence
from bot.models.text import word_count
from bot.nlp import Analysis, ArticleInput, analyze_texts, summarize, summarize_many
from bot.nlp.analysis import MAX_POOL, POOL_PER_ARTICLE
from bot.nlp.summary import MAX_RANKED, rank_sentences, select

T = TypeVar("T")


def test_default_is_three_sentences_in_document_order(seed_analysis):
    chosen = summarize(seed_analysis)
    assert len(chosen) == 3
    assert [s.start for s in chosen] == sorted(s.start for s in chosen)
    assert chosen[0].text.startswith("A delegation of senior Israeli security officials")


def test_sentence_count(seed_analysis):
    assert len(summarize(seed_analysis, sentences=1)) == 1
    assert len(summarize(seed_analysis, sentences=5)) == 5
    assert summarize(seed_analysis, sentences=0) == []


def test_word_budget_takes_whole_sentences_until_reached(seed_analysis):
    chosen = summarize(seed_analysis, max_words=60)
    words = [word_count(s.text) for s in chosen]
    # The budget is reached, and dropping the last-added sentence would fall short of it.
    assert sum(words) >= 60
    assert sum(words) - min(words) < 60 or len(chosen) == 1
    assert all(s in seed_analysis.sentences for s in chosen)


def test_both_limits_are_rejected(seed_analysis):
    with pytest.raises(ValueError):
        summarize(seed_analysis, sentences=2, max_words=50)


def test_select_stops_at_budget_and_sorts():
    ranking = [3, 0, 2, 1]
    words = [10, 10, 10, 30]
    assert select(ranking, words, max_words=35) == [0, 3]
    assert select(ranking, words, sentences=2) == [0, 3]


def test_structured_input_keeps_body_offsets_and_skips_caption():
    body = "Rain flooded Leeds on Monday. Roads were closed for hours. Schools shut early."
    analysis = analyze_texts(
        [ArticleInput(body=body, title="Floods in Leeds", caption="Cars in water (Photo: AP)")]
    )[0]
    for sentence in summarize(analysis, sentences=3):
        assert body[sentence.start : sentence.end] == sentence.text
    assert any(m.section == "title" and m.text == "Leeds" for m in analysis.mentions)


def test_summarize_many_does_not_repeat(seed_text):
    chosen = summarize_many([seed_text, seed_text], sentences=4)
    texts = [s.text for _, s in chosen]
    assert len(texts) == 4
    assert len(set(texts)) == 4
    assert chosen == sorted(chosen, key=lambda pair: (pair[0], pair[1].start))


def test_summarize_many_covers_each_article():
    a = "Hamas leaders met in Doha on Monday. Talks focused on a ceasefire with Israel."
    b = "The Bank of England raised interest rates to 5%. Markets fell in London after that."
    picked = {doc for doc, _ in summarize_many([a, b], sentences=2)}
    assert picked == {0, 1}


def _traced_peak(function: Callable[[], T]) -> tuple[T, int]:
    """What `function` returns and the most memory it held at once (numpy's arrays too)."""
    tracemalloc.start()
    try:
        result = function()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _terms(count: int) -> list[tuple[str, ...]]:
    return [(f"harbour{i % 40}", f"ferry{i % 7}", "storm") for i in range(count)]


def test_a_long_articles_ranking_is_bounded_and_keeps_every_sentence() -> None:
    """Issue 16, found by the soak: ranking a 1,000,000-character article's 8,000 sentences
    against each other took 1.5 GB and minutes of the worker; only the first MAX_RANKED are
    ranked, the rest follow in reading order."""
    count = MAX_RANKED * 3
    ranking, peak = _traced_peak(
        lambda: rank_sentences(_terms(count), [12] * count, [True] * count)
    )
    assert sorted(ranking) == list(range(count))
    assert ranking[MAX_RANKED:] == list(range(MAX_RANKED, count))
    assert peak < 8 * 8 * MAX_RANKED**2  # a few n x n float matrices of the ranked part


def test_a_summary_of_huge_reports_pools_only_their_best_sentences() -> None:
    """Three reports of a story with thousands of sentences each: the summary is chosen among
    each one's best POOL_PER_ARTICLE sentences, within MAX_POOL in all."""
    count = MAX_POOL * 3

    def huge(outlet: int) -> Analysis:
        sentences = [
            Sentence(f"Outlet {outlet} says ferry {i} waited at the harbour in the storm.", i, i)
            for i in range(count)
        ]
        ranking = list(range(count))[::-1]  # each report ranks its last sentences best
        return Analysis(sentences, [], sorted(ranking[:3]), ranking, terms=_terms(count))

    reports = [huge(n) for n in range(3)]
    chosen, peak = _traced_peak(lambda: summarize_many(reports, sentences=2))
    assert len(chosen) == 2
    for outlet, sentence in chosen:
        assert reports[outlet].ranking.index(sentence.start) < POOL_PER_ARTICLE
    assert peak < 8 * 8 * MAX_POOL**2
