"""What's new in a story: precision and recall of "new" on the hand-labelled story pairs, for
Newsdesk and two baselines in the same run (content-word overlap, TF-IDF cosine)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

from bench.quality.common import REPO, labelled_span, read_jsonl, story_texts
from bot.models.update import StoryText
from bot.nlp import analyze_texts
from bot.nlp.novelty import DEFAULT_SETTINGS, Settings, whats_new
from bot.nlp.wording import content_stems

LABELS = REPO / "bench" / "quality" / "novelty_labels.jsonl"
# Baselines' thresholds, each chosen by a grid on the tune pairs only.
OVERLAP_NEW_BELOW = 0.9  # new when under 90% of its content words appeared before
COSINE_NEW_BELOW = 0.5  # new when no earlier sentence has TF-IDF cosine 0.5 or more


class Pair:
    """One labelled pair: the earlier article's sentences and names, the later one's labelled
    sentences (texts, names from the analysis) and the labels."""

    def __init__(self, label: dict, texts: dict[str, str], analysis, later_analysis) -> None:
        self.id, self.split = label["pair"], label["split"]
        body = texts[label["first"]]
        self.first = StoryText(
            tuple(body[s.start : s.end] for s in analysis.sentences),
            tuple(_names_in(analysis, s.start, s.end) for s in analysis.sentences),
        )
        second = {"doc": label["second"]}
        spans = [labelled_span(texts, {**second, **s}) for s in label["sentences"]]
        self.later = StoryText(
            tuple(spans),
            tuple(_names_in(later_analysis, s["start"], s["end"]) for s in label["sentences"]),
        )
        self.gold = [s["new"] for s in label["sentences"]]


def _names_in(analysis, start: int, end: int) -> tuple[str, ...]:
    """Canonical names the analysis found in [start, end), the way the store keeps them."""
    return tuple(
        dict.fromkeys(
            m.canonical
            for m in analysis.mentions
            if m.section == "body" and start <= m.start < end and m.label not in ("DATE", "MONEY")
        )
    )


def load_pairs(data: Path) -> list[Pair]:
    """The labelled pairs with their texts and NLP analyses."""
    texts = story_texts(data)
    labels = read_jsonl(LABELS)
    ids = sorted({x["first"] for x in labels} | {x["second"] for x in labels})
    analyses = dict(zip(ids, analyze_texts([texts[i] for i in ids]), strict=True))
    return [Pair(x, texts, analyses[x["first"]], analyses[x["second"]]) for x in labels]


def newsdesk(
    pair: Pair, settings: Settings = DEFAULT_SETTINGS, with_names: bool = True
) -> list[bool]:
    """Newsdesk's verdict per later sentence."""
    later = pair.later if with_names else StoryText(pair.later.sentences)
    first = pair.first if with_names else StoryText(pair.first.sentences)
    found = {n.index for n in whats_new([first], later, settings)}
    return [i in found for i in range(len(pair.gold))]


def overlap_baseline(pair: Pair, below: float = OVERLAP_NEW_BELOW) -> list[bool]:
    """New when under `below` of the sentence's content words appeared before."""
    seen = {w for s in pair.first.sentences for w in content_stems(s)}
    out = []
    for sentence in pair.later.sentences:
        words = set(content_stems(sentence))
        out.append(bool(words) and len(words & seen) / len(words) < below)
        seen |= words
    return out


def cosine_baseline(pair: Pair, below: float = COSINE_NEW_BELOW) -> list[bool]:
    """New when no earlier sentence (of either article) is a near paraphrase by TF-IDF cosine."""
    every = [Counter(content_stems(s)) for s in (*pair.first.sentences, *pair.later.sentences)]
    df = Counter(w for bag in every for w in bag)
    idf = {w: math.log(len(every) / c) + 1 for w, c in df.items()}

    def unit(bag: Counter) -> dict[str, float]:
        vec = {w: (1 + math.log(c)) * idf[w] for w, c in bag.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {w: v / norm for w, v in vec.items()}

    vectors = [unit(b) for b in every]
    start = len(pair.first.sentences)
    out = []
    for i in range(start, len(vectors)):
        best = max(
            (sum(v * vectors[j].get(w, 0.0) for w, v in vectors[i].items()) for j in range(i)),
            default=0.0,
        )
        out.append(best < below)
    return out


def score(pairs: Sequence[Pair], system: Callable[[Pair], list[bool]]) -> dict:
    """Precision, recall and F1 of "new" (x100) over the pairs' sentences."""
    tp = fp = fn = tn = 0
    for pair in pairs:
        for gold, got in zip(pair.gold, system(pair), strict=True):
            tp += gold and got
            fp += got and not gold
            fn += gold and not got
            tn += not gold and not got
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    acc = (tp + tn) / max(tp + fp + fn + tn, 1)
    return {
        "P": round(100 * p, 1),
        "R": round(100 * r, 1),
        "F1": round(100 * f1, 1),
        "accuracy": round(100 * acc, 1),
    }


SYSTEMS: dict[str, Callable[[Pair], list[bool]]] = {
    "Newsdesk": newsdesk,
    "Newsdesk, names from capitals": lambda p: newsdesk(p, with_names=False),
    "Newsdesk, words only": lambda p: newsdesk(p, Settings(names=False, figures=False)),
    f"content-word overlap < {OVERLAP_NEW_BELOW:.0%}": overlap_baseline,
    f"TF-IDF cosine < {COSINE_NEW_BELOW}": cosine_baseline,
}


def run_novelty(data: Path, pairs: Sequence[Pair] | None = None) -> dict:
    """Scores per split for Newsdesk, its ablations and the baselines."""
    pairs = list(pairs) if pairs is not None else load_pairs(data)
    result: dict = {"pairs": len(pairs), "sentences": sum(len(p.gold) for p in pairs), "splits": {}}
    for split in ("tune", "held-out", "all"):
        chosen = [p for p in pairs if split == "all" or p.split == split]
        result["splits"][split] = {
            "pairs": len(chosen),
            "sentences": sum(len(p.gold) for p in chosen),
            "new": sum(sum(p.gold) for p in chosen),
            "systems": {name: score(chosen, system) for name, system in SYSTEMS.items()},
        }
    return result
