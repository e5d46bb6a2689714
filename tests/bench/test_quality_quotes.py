"""The quote-attribution measurement: span matching, scoring, the baseline, and a labelled
set that still fits the evaluation data."""

from __future__ import annotations

import json

import pytest

from bench.quality.common import data_dir
from bench.quality.quotes import (
    LABELS,
    SPLITS,
    Gold,
    Labelled,
    baseline_quotes,
    load_labelled,
    match,
    score,
    span_key,
)
from bot.models.quote import Quote
from bot.nlp import analyze_texts

BODY = '"We will win," said Tony Blair. The "Big Four" rose. "Yes, we will," he said.'


def test_span_key_ignores_marks_edges_and_spacing() -> None:
    assert span_key(' "We  will win," ') == "We will win"
    assert span_key("the euro is safe.") == span_key("the euro is safe")


def test_exact_match_needs_the_same_words_overlap_does_not() -> None:
    golds = [Gold(1, 13, "Tony Blair", ())]
    cut_short = [Quote("We will", "Tony Blair", 1, 8)]
    assert match(BODY, cut_short, golds, exact=True) == []
    assert len(match(BODY, cut_short, golds, exact=False)) == 1
    # One label is matched once, however many predictions cover it.
    twice = [Quote("We will win,", None, 1, 13), Quote("We will win,", None, 1, 13)]
    assert len(match(BODY, twice, golds, exact=True)) == 1


def test_score_counts_spans_and_speakers() -> None:
    article = Labelled(
        "x",
        "tune",
        "",
        BODY,
        [Gold(1, 13, "Tony Blair", ()), Gold(54, 67, "Tony Blair", ("Blair PM",))],
    )
    predicted = [
        Quote("We will win,", "tony blair", 1, 13, "PERSON"),  # right, case aside
        Quote("Big Four", None, 37, 45),  # a term: a false positive
        Quote("Yes, we will,", None, 54, 67),  # found, wrong speaker
    ]
    result = score([article], [predicted])
    assert result["exact"] == {"P": 66.7, "R": 100.0, "F1": 80.0, "matched": 2}
    assert result["speaker_accuracy"] == 50.0
    assert result["found_with_speaker"] == 50.0


def test_baseline_takes_every_pair_and_the_nearest_person() -> None:
    [analysis] = analyze_texts([BODY], rank=False)
    found = baseline_quotes(BODY, analysis)
    assert [(q.quote, q.speaker) for q in found] == [
        ("We will win,", "Tony Blair"),
        ("Big Four", None),
        ("Yes, we will,", None),
    ]


def test_labels_are_references_not_text() -> None:
    entries = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines()]
    assert {e["split"] for e in entries} == set(SPLITS)
    quotes = [q for e in entries for q in e["quotes"]]
    assert len(quotes) >= 150
    for q in quotes:
        assert set(q) <= {"start", "end", "head", "speaker", "aliases"}
        assert 0 <= q["start"] < q["end"]
        assert len(q["head"].split()) <= 4
    # The second held-out sample says, row by row, that it was labelled blind.
    second = [e for e in entries if e["split"] == "held-out-2"]
    assert len(second) == 29
    assert all(e["labelled"].startswith("blind") for e in second)


@pytest.mark.skipif(data_dir() is None, reason="evaluation data not found (../shared/data)")
def test_labels_still_fit_the_articles() -> None:
    articles = load_labelled(data_dir())  # raises when a label's first words moved
    assert sum(len(a.quotes) for a in articles if a.split == "held-out") >= 150
