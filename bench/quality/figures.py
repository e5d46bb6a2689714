"""Where outlets disagree: precision and recall of "disagreement" (and of "same quantity") on
the hand-labelled figure pairs, against a naive baseline in the same run."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from bench.quality.common import REPO, labelled_span, read_jsonl, story_texts
from bench.quality.novelty import Pair, load_pairs
from bot.models.figure import Figure, Report
from bot.nlp.disagreements import discrepancies, same_quantity
from bot.nlp.figures import figures_in

LABELS = REPO / "bench" / "quality" / "figures_labels.jsonl"
# Disagreements flagged on the whole articles of the story pairs, each judged by reading.
AUDIT = REPO / "bench" / "quality" / "figures_audit.jsonl"
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_NEXT_WORD = re.compile(r"[\s%a-z]*?([a-z]+)", re.IGNORECASE)


def _side(texts: dict[str, str], side: dict) -> tuple[str, date | None]:
    if "text" in side:
        return side["text"], date.fromisoformat(side["published"])
    return labelled_span(texts, side), None


def _figure(figures: list[Figure], side: dict) -> Figure | None:
    """The extracted figure covering the labelled one."""
    at, end = side["at"], side["at"] + len(side["figure"])
    return next((f for f in figures if f.start < end and at < f.end), None)


def baseline(sentence_a: str, side_a: dict, sentence_b: str, side_b: dict) -> str:
    """Naive rule: the same quantity when the word after the number is the same; a
    disagreement when the digits written differ (word numbers and qualifiers not read)."""

    def read(sentence: str, side: dict) -> tuple[float | None, str]:
        number = _NUMBER.search(side["figure"])
        after = _NEXT_WORD.match(sentence, side["at"] + len(side["figure"]))
        value = float(number.group(0).replace(",", "")) if number else None
        return value, (after.group(1).lower() if after else "")

    value_a, word_a = read(sentence_a, side_a)
    value_b, word_b = read(sentence_b, side_b)
    if word_a != word_b or not word_a:
        return "different"
    return "agree" if value_a == value_b else "disagree"


def predict(
    sentence_a: str,
    pub_a: date | None,
    side_a: dict,
    sentence_b: str,
    pub_b: date | None,
    side_b: dict,
) -> tuple[str, bool]:
    """Newsdesk's relation for one labelled pair, and whether both figures were found."""
    fa = _figure(figures_in(sentence_a, pub_a), side_a)
    fb = _figure(figures_in(sentence_b, pub_b), side_b)
    if fa is None or fb is None:
        return "different", False
    if not same_quantity(fa, fb):
        return "different", True
    found = discrepancies([Report("A", pub_a, (sentence_a,)), Report("B", pub_b, (sentence_b,))])
    flagged = any(
        {(r.outlet, r.figure.start) for r in d.readings} >= {("A", fa.start), ("B", fb.start)}
        for d in found
        if d.kind == "disagreement"
    )
    return ("disagree" if flagged else "agree"), True


def _scores(rows: list[tuple[str, str]]) -> dict:
    def pr(positive: set[str]) -> dict:
        tp = sum(1 for gold, got in rows if gold in positive and got in positive)
        predicted = sum(1 for _, got in rows if got in positive)
        actual = sum(1 for gold, _ in rows if gold in positive)
        p = tp / predicted if predicted else 1.0
        r = tp / actual if actual else 1.0
        return {
            "P": round(100 * p, 1),
            "R": round(100 * r, 1),
            "tp": tp,
            "predicted": predicted,
            "actual": actual,
        }

    false_on_agree = sum(1 for gold, got in rows if gold == "agree" and got == "disagree")
    return {
        "disagree": pr({"disagree"}),
        "same": pr({"agree", "disagree"}),
        "false_disagreements_on_agreeing": false_on_agree,
    }


def story_audit(pairs: Sequence[Pair]) -> dict:
    """Disagreements flagged when each story pair's two articles are compared whole (as two
    outlets), checked against the judgements in figures_audit.jsonl."""
    judged = {(j["pair"], j["a"], j["b"]): j for j in read_jsonl(AUDIT)}
    flagged = []
    for pair in pairs:
        reports = [
            Report("first", None, pair.first.sentences),
            Report("second", None, pair.later.sentences),
        ]
        for found in discrepancies(reports):
            a, b = (r.figure.text for r in found.readings)
            verdict = judged.get((pair.id, a, b))
            flagged.append(
                {
                    "pair": pair.id,
                    "split": pair.split,
                    "a": a,
                    "b": b,
                    "real": None if verdict is None else verdict["real"],
                    "note": "" if verdict is None else verdict["note"],
                }
            )
    real = sum(1 for f in flagged if f["real"] is True)
    false = sum(1 for f in flagged if f["real"] is False)
    return {
        "story_pairs": len(pairs),
        "flagged": len(flagged),
        "real": real,
        "false": false,
        "unjudged": len(flagged) - real - false,
        "items": flagged,
    }


def run_figures(
    data: Path, splits: tuple[str, ...] = ("tune", "held-out"), pairs: Sequence[Pair] | None = None
) -> dict:
    """Scores per split for Newsdesk and the baseline, and the pairs Newsdesk got wrong."""
    texts = story_texts(data)
    labels = read_jsonl(LABELS)
    result: dict = {"pairs": len(labels), "splits": {}}
    for split in (*splits, "all"):
        chosen = [x for x in labels if split == "all" or x["split"] == split]
        ours, base, missed, wrong = [], [], 0, []
        for label in chosen:
            sa, pa = _side(texts, label["a"])
            sb, pb = _side(texts, label["b"])
            got, found = predict(sa, pa, label["a"], sb, pb, label["b"])
            missed += not found
            ours.append((label["relation"], got))
            base.append((label["relation"], baseline(sa, label["a"], sb, label["b"])))
            if got != label["relation"] and split != "held-out":
                wrong.append(f"{label['id']} {label['note']}: {label['relation']} -> {got}")
        result["splits"][split] = {
            "pairs": len(chosen),
            "Newsdesk": _scores(ours),
            "baseline": _scores(base),
            "figures_not_found": missed,
        }
        if split == "tune":
            result["tune_errors"] = wrong
    result["story_audit"] = story_audit(pairs if pairs is not None else load_pairs(data))
    return result
