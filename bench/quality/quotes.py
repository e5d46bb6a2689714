"""Quote attribution quality on the hand-labelled BBC set (bench/quality/quotes_labels.jsonl,
rules in quotes_rules.md): span precision/recall/F1 and speaker accuracy of Newsdesk's
extractor against the nearest-person-in-the-sentence baseline, per split (tune, held-out, and
held-out-2: the second held-out sample, labelled blind and scored once after tuning).

`python -m bench.quality.quotes --errors` prints the tune split's mistakes (never a held-out
split's, which are kept for honest figures).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.quality.common import console, data_dir
from bot.models.analysis import Analysis, ArticleInput
from bot.models.quote import Quote
from bot.models.text import normalise_name

LABELS = Path(__file__).with_name("quotes_labels.jsonl")
SPLITS = ("tune", "held-out", "held-out-2")
_EDGES = " \t\n\"“”'‘’,.;:"
_PAIRED = re.compile(r"[\"“]([^\"“”\n]+)[\"”]")


@dataclass(frozen=True)
class Gold:
    """One labelled quotation: offsets into the body and its speaker (with aliases)."""

    start: int
    end: int
    speaker: str | None
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Labelled:
    """A labelled article: its body (read from the data, never stored) and its quotations."""

    id: str
    split: str
    title: str
    body: str
    quotes: list[Gold]


def load_labelled(data: Path) -> list[Labelled]:
    """The labelled articles with their bodies, checking every label still fits its text."""
    rows = {}
    with (data / "bbc-news-summary" / "dev.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            rows[row["id"]] = row
    out = []
    for line in LABELS.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        body = rows[entry["id"]]["body"]
        golds = []
        for q in entry["quotes"]:
            words = " ".join(body[q["start"] : q["end"]].split()[:4])
            if words != q["head"]:
                raise ValueError(f"{entry['id']}: label at {q['start']} no longer fits the text")
            golds.append(Gold(q["start"], q["end"], q["speaker"], tuple(q.get("aliases", []))))
        out.append(Labelled(entry["id"], entry["split"], rows[entry["id"]]["title"], body, golds))
    return out


def span_key(text: str) -> str:
    """A quotation's text for matching: no edge whitespace, quote marks or , . ; :"""
    return " ".join(text.strip(_EDGES).split())


def baseline_quotes(body: str, analysis: Analysis) -> list[Quote]:
    """The baseline: every pair of double quote marks in a paragraph is a quotation, said by
    the person named nearest to it in its sentence (None when the sentence names none)."""
    starts = [s.start for s in analysis.sentences]
    people = [m for m in analysis.mentions if m.section == "body" and m.label == "PERSON"]
    out = []
    for match in _PAIRED.finditer(body):
        start, end = match.span(1)
        i = bisect_right(starts, match.start()) - 1
        lo = starts[i] if i >= 0 else 0
        hi = starts[i + 1] if i + 1 < len(starts) else len(body)
        near = [
            (min(abs(m.end - start), abs(m.start - end)), m)
            for m in people
            if lo <= m.start < hi and not (start <= m.start < end)
        ]
        speaker = min(near, key=lambda pair: pair[0])[1].canonical if near else None
        out.append(Quote(body[start:end], speaker, start, end, "PERSON" if speaker else None))
    return out


def newsdesk_quotes(body: str, analysis: Analysis) -> list[Quote]:
    """Newsdesk's extractor on the same analysis."""
    from bot.nlp.quotes import find_quotes

    return find_quotes(body, analysis)


def _same_speaker(predicted: str | None, gold: Gold) -> bool:
    if predicted is None or gold.speaker is None:
        return predicted is None and gold.speaker is None
    names = {normalise_name(n) for n in (gold.speaker, *gold.aliases)}
    return normalise_name(predicted) in names


def _same_entity(predicted: str | None, gold: Gold) -> bool:
    """Lenient: the right entity under another name form (a shared last word, or one name
    inside the other: "Morris" for "Dick Morris", "Guy Mansfield QC" for "Guy Mansfield")."""
    if _same_speaker(predicted, gold):
        return True
    if predicted is None or gold.speaker is None:
        return False
    names = [normalise_name(n) for n in (gold.speaker, *gold.aliases)]
    mine = normalise_name(predicted)
    return any(
        mine in n or n in mine or mine.split()[-1] == n.split()[-1] for n in names if n and mine
    )


def match(body: str, predicted: Sequence[Quote], golds: Sequence[Gold], exact: bool) -> list:
    """One-to-one (prediction, gold) pairs: equal normalised text at overlapping offsets
    (`exact`), or any shared character."""
    pairs, used = [], set()
    for p in predicted:
        for j, g in enumerate(golds):
            if j in used or p.end <= g.start or g.end <= p.start:
                continue
            if exact and span_key(p.quote) != span_key(body[g.start : g.end]):
                continue
            pairs.append((p, g))
            used.add(j)
            break
    return pairs


def score(articles: Sequence[Labelled], outputs: Sequence[Sequence[Quote]]) -> dict:
    """Span P/R/F1 (exact and overlap), speaker accuracy on exact matches, and the share of
    labelled quotations found with the right speaker."""
    n_pred = sum(len(o) for o in outputs)
    n_gold = sum(len(a.quotes) for a in articles)
    result: dict = {"labelled": n_gold, "predicted": n_pred}
    for name, exact in (("exact", True), ("overlap", False)):
        pairs = [
            pair
            for a, o in zip(articles, outputs, strict=True)
            for pair in match(a.body, o, a.quotes, exact)
        ]
        tp = len(pairs)
        p = tp / n_pred if n_pred else 0.0
        r = tp / n_gold if n_gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        result[name] = {"P": _pct(p), "R": _pct(r), "F1": _pct(f), "matched": tp}
        if exact:
            right = sum(_same_speaker(pq.speaker, g) for pq, g in pairs)
            result["speaker_accuracy"] = _pct(right / tp if tp else 0.0)
            same = sum(_same_entity(pq.speaker, g) for pq, g in pairs)
            result["speaker_accuracy_any_name_form"] = _pct(same / tp if tp else 0.0)
            result["speaker_correct"] = right
            result["found_with_speaker"] = _pct(right / n_gold if n_gold else 0.0)
    return result


def _pct(x: float) -> float:
    return round(100 * x, 1)


def run_quotes(data: Path) -> dict:
    """Both systems on both splits (one model pass over the labelled articles)."""
    from bot.nlp.analysis import analyze_texts

    articles = load_labelled(data)
    analyses = analyze_texts(
        [ArticleInput(body=a.body, title=a.title) for a in articles], rank=False
    )
    systems = {"Newsdesk": newsdesk_quotes, "nearest person in sentence": baseline_quotes}
    outputs = {
        name: [fn(a.body, an) for a, an in zip(articles, analyses, strict=True)]
        for name, fn in systems.items()
    }
    result: dict = {"articles": len(articles), "splits": {}}
    for split in (*SPLITS, "all"):
        keep = [i for i, a in enumerate(articles) if split in ("all", a.split)]
        result["splits"][split] = {
            name: score([articles[i] for i in keep], [out[i] for i in keep])
            for name, out in outputs.items()
        }
    return result


def print_errors(data: Path) -> None:
    """Tune-split mistakes of Newsdesk: missed, spurious and misattributed quotations."""
    from bot.nlp.analysis import analyze_texts

    articles = [a for a in load_labelled(data) if a.split == "tune"]
    analyses = analyze_texts(
        [ArticleInput(body=a.body, title=a.title) for a in articles], rank=False
    )
    for a, an in zip(articles, analyses, strict=True):
        predicted = newsdesk_quotes(a.body, an)
        pairs = match(a.body, predicted, a.quotes, exact=True)
        found = {id(p) for p, _ in pairs}
        hit = {(g.start, g.end) for _, g in pairs}
        for g in a.quotes:
            if (g.start, g.end) not in hit:
                missed = a.body[g.start : g.end][:70]
                console.print(f"[red]MISS[/red] {a.id} {missed!r} ({g.speaker})")
        for p in predicted:
            if id(p) not in found:
                console.print(f"[yellow]EXTRA[/yellow] {a.id} {p.quote[:70]!r} ({p.speaker})")
        for p, g in pairs:
            if not _same_speaker(p.speaker, g):
                console.print(
                    f"[magenta]WHO[/magenta] {a.id} {p.quote[:50]!r}: {p.speaker} != {g.speaker}"
                )


def main(argv: Sequence[str] | None = None) -> int:
    """Print the quote figures, or with --errors the tune split's mistakes."""
    parser = argparse.ArgumentParser(prog="python -m bench.quality.quotes", description=__doc__)
    parser.add_argument("--errors", action="store_true", help="list the tune split's mistakes")
    args = parser.parse_args(argv)
    data = data_dir()
    if data is None:
        console.print("[yellow]Evaluation data not found (set NEWSDESK_EVAL_DATA).[/yellow]")
        return 0
    if args.errors:
        print_errors(data)
    else:
        console.print_json(json.dumps(run_quotes(data)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
