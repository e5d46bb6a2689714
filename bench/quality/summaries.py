"""Summary quality: ROUGE of Newsdesk vs Lead, TextRank and LexRank on BBC News Summary."""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from pathlib import Path

from bench.quality.common import (
    BUDGET_WORDS,
    chunks,
    console,
    load_bbc,
    progress,
)
from bot.models.text import word_count
from bot.nlp import ArticleInput, analyze_texts
from bot.nlp.summary import select


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
        for chunk in chunks(articles, 64):
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
