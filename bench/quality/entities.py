"""Entity quality: exact-span P/R/F1 on CoNLL-2003 dev, Newsdesk vs raw en_core_web_sm."""

from __future__ import annotations

import re
from pathlib import Path

from bench.quality.common import (
    CONLL_LABELS,
    TYPES,
    chunks,
    progress,
)
from bot.nlp import analyze_texts
from bot.nlp.pipeline import MODEL_PACKAGE


def load_conll(path: Path) -> list[tuple[str, set[tuple[int, int, str]]]]:
    """CoNLL dev as documents: text (tokens joined by spaces, a sentence a line) and gold
    (start, end, type) spans. The file has no -DOCSTART- lines, so a story starts at the
    headline before each "PLACE 1996-08-30" dateline line."""
    sentences: list[list[tuple[str, str]]] = [[]]
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if sentences[-1]:
                sentences.append([])
            continue
        token, tag = line.rsplit(" ", 1)
        if token != "-DOCSTART-":
            sentences[-1].append((token, tag))
    sentences = [s for s in sentences if s]
    dateline = re.compile(r"\d{4}-\d{2}-\d{2}$")
    starts = {0} | {
        i - 1 for i, s in enumerate(sentences) if i > 0 and len(s) <= 8 and dateline.match(s[-1][0])
    }
    docs: list[list[list[tuple[str, str]]]] = []
    for i, sent in enumerate(sentences):
        if i in starts or not docs:
            docs.append([])
        docs[-1].append(sent)
    out = []
    for doc in docs:
        text_parts: list[str] = []
        gold: set[tuple[int, int, str]] = set()
        pos = 0
        for sent in doc:
            current: list | None = None
            for j, (token, tag) in enumerate(sent):
                start = pos
                text_parts.append(token)
                pos += len(token)
                if tag.startswith("B-") or (
                    tag.startswith("I-") and (current is None or current[2] != tag[2:])
                ):
                    if current:
                        gold.add(tuple(current))
                    current = [start, pos, tag[2:]]
                elif tag.startswith("I-") and current:
                    current[1] = pos
                else:
                    if current:
                        gold.add(tuple(current))
                    current = None
                sep = " " if j + 1 < len(sent) else "\n"
                text_parts.append(sep)
                pos += 1
            if current:
                gold.add(tuple(current))
        out.append(("".join(text_parts), gold))
    return out


def prf(pred: set, gold: set) -> dict[str, float]:
    """Exact-span precision, recall and F1 (x100)."""
    tp = len(pred & gold)
    p = tp / len(pred) if pred else 0.0
    r = tp / len(gold) if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"P": round(100 * p, 1), "R": round(100 * r, 1), "F1": round(100 * f, 1), "n": len(gold)}


def entity_table(preds: list[set], golds: list[set]) -> dict[str, dict[str, float]]:
    """Per-type and overall scores, keyed by document index to keep spans apart."""
    pred = {(d, *span) for d, spans in enumerate(preds) for span in spans}
    gold = {(d, *span) for d, spans in enumerate(golds) for span in spans}
    table = {t: prf({s for s in pred if s[3] == t}, {s for s in gold if s[3] == t}) for t in TYPES}
    table["overall"] = prf(pred, gold)
    return table


def run_entities(data: Path) -> dict:
    """Entity P/R/F1 of Newsdesk's extractor vs the raw small pipeline on CoNLL-2003 dev."""
    import spacy

    docs = load_conll(data / "conll2003" / "dev.txt")
    texts = [t for t, _ in docs]
    golds = [g for _, g in docs]
    raw_nlp = spacy.load(MODEL_PACKAGE)
    raw_preds = []
    ours_preds = []
    with progress() as bar:
        task = bar.add_task("CoNLL: raw en_core_web_sm", total=len(texts))
        for doc in raw_nlp.pipe(texts, batch_size=32):
            raw_preds.append(
                {
                    (e.start_char, e.end_char, CONLL_LABELS[e.label_])
                    for e in doc.ents
                    if e.label_ in CONLL_LABELS
                }
            )
            bar.advance(task)
        task = bar.add_task("CoNLL: Newsdesk extractor", total=len(texts))
        for chunk in chunks(texts, 32):
            for analysis in analyze_texts(list(chunk)):
                ours_preds.append(
                    {
                        (m.start, m.end, CONLL_LABELS[m.label])
                        for m in analysis.mentions
                        if m.label in CONLL_LABELS and m.section == "body"
                    }
                )
            bar.advance(task, len(chunk))
    return {
        "documents": len(docs),
        "systems": {
            "raw en_core_web_sm": entity_table(raw_preds, golds),
            "Newsdesk": entity_table(ours_preds, golds),
        },
    }


# --- speed -----------------------------------------------------------------------------
