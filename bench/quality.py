"""Quality and speed of the NLP core on real news: ROUGE vs Lead/TextRank/LexRank on BBC,
entity P/R/F1 vs raw en_core_web_sm on CoNLL-2003 dev, and throughput vs raw nlp.pipe.

Run `python -m bench.quality` (or `make quality`). Data comes from the sibling
`shared/data` folder (override with NEWSDESK_EVAL_DATA) and is never copied into the repo.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bot.nlp import ArticleInput, analyze_texts, get_nlp
from bot.nlp.pipeline import MODEL_PACKAGE, NlpService
from bot.nlp.summary import select
from bot.nlp.text import word_count

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
BUDGET_WORDS = 100
SENTENCE_COUNT = 3
# spaCy label -> CoNLL label, as in the data README; anything else is not scored.
CONLL_LABELS = {
    "PERSON": "PER",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": "MISC",
    "EVENT": "MISC",
    "PRODUCT": "MISC",
    "WORK_OF_ART": "MISC",
    "LAW": "MISC",
    "LANGUAGE": "MISC",
}
TYPES = ("PER", "ORG", "LOC", "MISC")

console = Console()


def data_dir() -> Path | None:
    """The evaluation data folder, or None when it is not there."""
    override = os.environ.get("NEWSDESK_EVAL_DATA")
    path = Path(override) if override else REPO.parent / "shared" / "data"
    return path if path.is_dir() else None


def progress() -> Progress:
    """A rich progress bar with counts and elapsed time."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


# --- summaries -------------------------------------------------------------------------


@dataclass
class BbcArticle:
    """One BBC dev article with its human extractive reference."""

    id: str
    title: str
    body: str
    reference: str


def load_bbc(path: Path) -> list[BbcArticle]:
    """Read the BBC News Summary dev split."""
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            rows.append(BbcArticle(row["id"], row["title"], row["body"], row["reference_summary"]))
    return rows


class _SumyTokenizer:
    """Offline tokenizer for sumy: sentences come pre-split, words by regex (no nltk data)."""

    language = "english"
    _word = re.compile(r"\w+(?:['’]\w+)?")

    def to_sentences(self, paragraph: str) -> list[str]:
        return [paragraph]

    def to_words(self, sentence: str) -> list[str]:
        return self._word.findall(sentence)


def sumy_rankings(sentences: Sequence[Sequence[str]]) -> dict[str, list[list[int]]]:
    """Full best-first rankings from sumy TextRank and LexRank over the same sentences."""
    from sumy.models.dom import ObjectDocumentModel, Paragraph
    from sumy.models.dom import Sentence as SumySentence
    from sumy.nlp.stemmers import Stemmer
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer
    from sumy.utils import get_stop_words

    tokenizer = _SumyTokenizer()
    out: dict[str, list[list[int]]] = {"TextRank": [], "LexRank": []}
    for name, cls in (("TextRank", TextRankSummarizer), ("LexRank", LexRankSummarizer)):
        summarizer = cls(Stemmer("english"))
        summarizer.stop_words = get_stop_words("english")
        for sents in sentences:
            document = ObjectDocumentModel([Paragraph([SumySentence(s, tokenizer) for s in sents])])
            captured: list = []

            def grab(infos: list, captured: list = captured) -> list:
                captured.extend(infos)  # already sorted best first by sumy
                return infos

            summarizer(document, grab)
            out[name].append([info.order for info in captured])
    return out


def cut_words(text: str, limit: int) -> str:
    """The first `limit` words, the way the budget is scored."""
    return " ".join(text.split()[:limit])


def score_rouge(
    systems: dict[str, list[str]], references: Sequence[str]
) -> dict[str, dict[str, float]]:
    """Mean ROUGE-1/2/L F1 (x100, Porter stemming) per system."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    table: dict[str, dict[str, float]] = {}
    for name, outputs in systems.items():
        sums = {"R1": 0.0, "R2": 0.0, "RL": 0.0}
        for output, reference in zip(outputs, references, strict=True):
            s = scorer.score(reference, output)
            sums["R1"] += s["rouge1"].fmeasure
            sums["R2"] += s["rouge2"].fmeasure
            sums["RL"] += s["rougeL"].fmeasure
        table[name] = {k: round(100 * v / len(outputs), 2) for k, v in sums.items()}
    return table


def summary_outputs(
    rankings: dict[str, list[list[int]]], sentence_texts: list[list[str]]
) -> dict[str, dict[str, list[str]]]:
    """Each system's 3-sentence and 100-word outputs (document order, budget cut)."""
    outputs: dict[str, dict[str, list[str]]] = {"3 sentences": {}, "100 words": {}}
    for name, per_doc in rankings.items():
        three, budget = [], []
        for ranking, sents in zip(per_doc, sentence_texts, strict=True):
            words = [word_count(s) for s in sents]
            three.append(" ".join(sents[i] for i in select(ranking, words, sentences=3)))
            chosen = select(ranking, words, max_words=BUDGET_WORDS)
            budget.append(cut_words(" ".join(sents[i] for i in chosen), BUDGET_WORDS))
        outputs["3 sentences"][name] = three
        outputs["100 words"][name] = budget
    return outputs


def run_summaries(data: Path, limit: int | None) -> dict:
    """ROUGE of Newsdesk vs Lead, TextRank, LexRank on BBC dev, on the tune/test halves."""
    articles = load_bbc(data / "bbc-news-summary" / "dev.jsonl")
    if limit:
        articles = articles[:limit]
    analyses = []
    with progress() as bar:
        task = bar.add_task("BBC: analysing", total=len(articles))
        for chunk in _chunks(articles, 64):
            analyses += analyze_texts([ArticleInput(a.body, a.title) for a in chunk])
            bar.advance(task, len(chunk))
    # Every system sees the same sentence units: the body sentences the summariser may use.
    sentence_texts, ours, lead = [], [], []
    for analysis in analyses:
        keep = [i for i, ok in enumerate(analysis.summarisable) if ok]
        remap = {old: new for new, old in enumerate(keep)}
        sentence_texts.append([" ".join(analysis.sentences[i].text.split()) for i in keep])
        ours.append([remap[i] for i in analysis.ranking])
        lead.append(list(range(len(keep))))
    with console.status("BBC: running sumy TextRank and LexRank"):
        baselines = sumy_rankings(sentence_texts)
    rankings = {"Newsdesk": ours, "Lead": lead, **baselines}
    outputs = summary_outputs(rankings, sentence_texts)
    result: dict = {"articles": len(articles), "splits": {}}
    # Weights were tuned on the even-numbered articles only; odd ones are held out.
    splits = {
        "all": range(len(articles)),
        "held-out (odd)": range(1, len(articles), 2),
    }
    with console.status("BBC: scoring ROUGE"):
        for split, idx in splits.items():
            refs = [articles[i].reference for i in idx]
            result["splits"][split] = {
                length: score_rouge({n: [o[i] for i in idx] for n, o in systems.items()}, refs)
                for length, systems in outputs.items()
            }
    result["avg_words"] = {
        name: round(statistics.mean(word_count(o) for o in outs), 1)
        for name, outs in outputs["3 sentences"].items()
    }
    return result


def _chunks(items: Sequence, size: int) -> Iterable[Sequence]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


# --- entities --------------------------------------------------------------------------


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
        for chunk in _chunks(texts, 32):
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


def run_speed(data: Path, n: int) -> dict:
    """Articles/s of the whole NLP step vs raw nlp.pipe, and event-loop lag while it runs."""
    import spacy

    articles = load_bbc(data / "bbc-news-summary" / "dev.jsonl")[:n]
    texts = [f"{a.title}\n\n{a.body}" for a in articles]
    raw_nlp = spacy.load(MODEL_PACKAGE)
    get_nlp()  # both pipelines loaded before timing
    list(raw_nlp.pipe(texts[:8]))
    analyze_texts(texts[:8])
    with console.status("Speed: raw nlp.pipe"):
        t0 = time.perf_counter()
        list(raw_nlp.pipe(texts, batch_size=64))
        raw_s = time.perf_counter() - t0
    with console.status("Speed: Newsdesk analyze_texts"):
        t0 = time.perf_counter()
        analyze_texts(texts)
        ours_s = time.perf_counter() - t0
    with console.status("Speed: event-loop lag during analyze() in the worker process"):
        lag = asyncio.run(_loop_lag(texts))
    return {
        "articles": len(texts),
        "raw_articles_per_s": round(len(texts) / raw_s, 1),
        "newsdesk_articles_per_s": round(len(texts) / ours_s, 1),
        "ratio": round(raw_s / ours_s, 2),
        "loop_lag_ms": lag,
    }


async def _loop_lag(texts: list[str], tick: float = 0.01) -> dict[str, float]:
    """Max and p99 lateness of a 10 ms ticker while the process worker analyses texts."""
    service = NlpService("process")
    try:
        await service.analyze(texts[:2])  # worker start-up and model load are not measured
        lags: list[float] = []
        done = asyncio.Event()

        async def ticker() -> None:
            loop = asyncio.get_running_loop()
            while not done.is_set():
                t = loop.time()
                await asyncio.sleep(tick)
                lags.append(max(0.0, loop.time() - t - tick) * 1000)

        task = asyncio.create_task(ticker())
        for chunk in _chunks(texts, 32):
            await service.analyze(chunk)
        done.set()
        await task
    finally:
        service.close()
    lags.sort()
    return {
        "max": round(lags[-1], 1) if lags else 0.0,
        "p99": round(lags[int(0.99 * (len(lags) - 1))], 1) if lags else 0.0,
    }


# --- report ----------------------------------------------------------------------------


def render(results: dict) -> str:
    """Print rich tables and return the same numbers as markdown."""
    md: list[str] = ["# NLP quality", ""]
    summ = results.get("summaries")
    if summ:
        for split, lengths in summ["splits"].items():
            for length, systems in lengths.items():
                title = f"BBC dev summaries, {split}, {length} — ROUGE F1 (stemmed)"
                table = Table(title=title)
                for col in ("system", "R1", "R2", "RL"):
                    table.add_column(col, justify="left" if col == "system" else "right")
                md += [f"## {title}", "", "| system | R1 | R2 | RL |", "|---|---:|---:|---:|"]
                best = max(v["R2"] for v in systems.values())
                for name, s in systems.items():
                    r2 = f"[bold]{s['R2']}[/bold]" if s["R2"] == best else str(s["R2"])
                    table.add_row(name, str(s["R1"]), r2, str(s["RL"]))
                    md.append(f"| {name} | {s['R1']} | {s['R2']} | {s['RL']} |")
                md.append("")
                console.print(table)
        md += [f"Articles: {summ['articles']}. Weights tuned on even-numbered articles only.", ""]
    ents = results.get("entities")
    if ents:
        title = f"CoNLL-2003 dev entities ({ents['documents']} stories) — exact span P/R/F1"
        table = Table(title=title)
        table.add_column("type")
        md += [f"## {title}", ""]
        header = "| type |"
        for system in ents["systems"]:
            for col in ("P", "R", "F1"):
                table.add_column(f"{system} {col}", justify="right")
                header += f" {system} {col} |"
        md += [header, "|---|" + "---:|" * (3 * len(ents["systems"]))]
        for t in (*TYPES, "overall"):
            cells = [
                str(ents["systems"][s][t][c]) for s in ents["systems"] for c in ("P", "R", "F1")
            ]
            table.add_row(t, *cells)
            md.append(f"| {t} | " + " | ".join(cells) + " |")
        md.append("")
        console.print(table)
    speed = results.get("speed")
    if speed:
        title = f"Speed on {speed['articles']} BBC articles"
        table = Table(title=title)
        for col in ("raw nlp.pipe art/s", "Newsdesk art/s", "ratio", "loop lag max ms", "p99 ms"):
            table.add_column(col, justify="right")
        row = [
            str(speed["raw_articles_per_s"]),
            str(speed["newsdesk_articles_per_s"]),
            f"{speed['ratio']}x",
            str(speed["loop_lag_ms"]["max"]),
            str(speed["loop_lag_ms"]["p99"]),
        ]
        table.add_row(*row)
        console.print(table)
        md += [
            f"## {title}",
            "",
            "| raw nlp.pipe art/s | Newsdesk art/s | ratio | loop lag max ms | p99 ms |",
        ]
        md += ["|---:|---:|---:|---:|---:|", "| " + " | ".join(row) + " |", ""]
    return "\n".join(md)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the selected measurements, print them and write bench/results/quality.*."""
    parser = argparse.ArgumentParser(prog="python -m bench.quality", description=__doc__)
    parser.add_argument("--limit", type=int, help="only the first N BBC articles")
    parser.add_argument("--speed-articles", type=int, default=300)
    parser.add_argument(
        "--only", choices=["summaries", "entities", "speed"], action="append", help="repeatable"
    )
    args = parser.parse_args(argv)
    data = data_dir()
    if data is None:
        console.print(
            "[yellow]Skipping quality benchmark: evaluation data not found at ../shared/data "
            "(set NEWSDESK_EVAL_DATA to its folder).[/yellow]"
        )
        return 0
    steps: dict[str, Callable[[], dict]] = {
        "summaries": lambda: run_summaries(data, args.limit),
        "entities": lambda: run_entities(data),
        "speed": lambda: run_speed(data, args.speed_articles),
    }
    results: dict = {"data": str(data)}
    started = time.perf_counter()
    for name, step in steps.items():
        if args.only and name not in args.only:
            continue
        results[name] = step()
    results["seconds"] = round(time.perf_counter() - started, 1)
    md = render(results)
    console.print(f"Done in {results['seconds']} s.")
    if not args.only and not args.limit:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "quality.json").write_text(json.dumps(results, indent=2) + "\n")
        (RESULTS / "quality.md").write_text(md + "\n")
        console.print(f"Wrote {RESULTS / 'quality.json'} and {RESULTS / 'quality.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
