"""The hand-labelled story sets stay usable: enough pairs in both halves, references only
(no article text), and — when the evaluation data is on this machine — every reference still
points at the words it was labelled on."""

from __future__ import annotations

import pytest

from bench.quality.common import data_dir, labelled_span, read_jsonl, story_texts
from bench.quality.figures import AUDIT, baseline
from bench.quality.figures import LABELS as FIGURES
from bench.quality.novelty import LABELS as NOVELTY


def texts() -> dict[str, str]:
    """The labelled articles' texts; the test is skipped where the data is not installed."""
    folder = data_dir()
    if folder is None:
        pytest.skip("evaluation data not found (../shared/data or NEWSDESK_EVAL_DATA)")
    return story_texts(folder)


def test_novelty_labels_are_enough_pairs_in_both_halves() -> None:
    pairs = read_jsonl(NOVELTY)
    assert len(pairs) >= 30
    assert {p["split"] for p in pairs} == {"tune", "held-out"}
    assert sum(p["split"] == "held-out" for p in pairs) >= 15
    for pair in pairs:
        assert pair["first"] != pair["second"]
        assert all(set(s) == {"start", "end", "head", "new"} for s in pair["sentences"])
        assert len(pair["sentences"][0]["head"].split()) <= 4


def test_figure_labels_cover_every_relation_in_both_halves() -> None:
    pairs = read_jsonl(FIGURES)
    assert len(pairs) >= 60
    for split in ("tune", "held-out"):
        relations = {p["relation"] for p in pairs if p["split"] == split}
        assert relations == {"different", "agree", "disagree"}
    data_sides = [side for p in pairs if p["source"] == "data" for side in (p["a"], p["b"])]
    assert data_sides and all("text" not in side for side in data_sides)


def test_references_point_at_the_labelled_words() -> None:
    corpus = texts()
    for pair in read_jsonl(NOVELTY):
        for sentence in pair["sentences"]:
            labelled_span(corpus, {"doc": pair["second"], **sentence})
    for pair in read_jsonl(FIGURES):
        for side in (pair["a"], pair["b"]):
            if "doc" in side:
                span = labelled_span(corpus, side)
                assert span[side["at"] :].startswith(side["figure"])


def test_a_moved_reference_is_refused() -> None:
    corpus = {"doc": "Talks aimed at averting strikes will take place."}
    with pytest.raises(ValueError, match="no longer starts"):
        labelled_span(
            corpus, {"doc": "doc", "start": 6, "end": 20, "head": "Talks aimed at averting"}
        )


def test_the_figures_baseline_reads_digits_and_the_next_word_only() -> None:
    twelve = {"figure": "12", "at": 9}
    dozen = {"figure": "a dozen", "at": 9}
    fifteen = {"figure": "15", "at": 9}
    assert (
        baseline("Reuters: 12 people died", twelve, "Reuters: 15 people died", fifteen)
        == "disagree"
    )
    assert (
        baseline("Reuters: 12 people died", twelve, "Reuters: a dozen people", dozen) == "disagree"
    )


def test_audit_judgements_name_their_pairs() -> None:
    ids = {p["pair"] for p in read_jsonl(NOVELTY)}
    for row in read_jsonl(AUDIT):
        assert row["pair"] in ids and isinstance(row["real"], bool) and row["note"]
