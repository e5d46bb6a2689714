"""Which relevance should Newsdesk's relevance × recency rule use? A known-item check on real
news: the 927 BBC articles in ../shared/data (never copied here), queries a reader who remembers
a story would type, and the rank each rule gives that story.

Queries, seeded: "story words", 2 or 3 content words of the article's human reference summary
(the sentences a person found central), each word in at most 5% of the articles; "headline
words", 2 content words of its title; "one headline word" (many articles match, so recency
weighs most); "phrase", two adjacent words of the summary, quoted. Both
engines match the same articles for a query (the bench's peer test checks that), so only the
order differs. Rules: FTS5's bm25 with column weights 10/2/1 (Newsdesk's relevance today) and
tantivy's per-field BM25 with boosts 10/2/1 (bench/peer.py); each alone, and each with
Newsdesk's recency (ln 2 / 30 per day; the articles get seeded dates over a year, the same for
both rules). Figures: MRR@10 (1/rank of the story, 0 past 10), success@1 and @10.
"""

from __future__ import annotations

import itertools
import math
import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import tantivy
from spacy.lang.en.stop_words import STOP_WORDS

from bench.peer import Peer, document, register_tokenizers, schema
from bench.quality.common import BbcArticle, data_dir, load_bbc
from bench.report import Figure
from bot.models import ArticleDraft
from bot.search import parse_query
from bot.store.ranking import PER_DAY
from bot.store.sqlite.search import BM25_WEIGHTS, match_text

_WORD = re.compile(r"[^\W_]+")
DAY = 86_400
YEAR_START = 1_735_689_600  # 2025-01-01 UTC
MAX_SHARE = 0.05


@dataclass(frozen=True)
class KnownItem:
    """A query and the article (1-based id) it is looking for."""

    kind: str
    text: str
    target: int


def is_content(word: str) -> bool:
    """A word a reader would remember: alphabetic, four letters or more, not a stop word."""
    return word.isalpha() and len(word) >= 4 and word.lower() not in STOP_WORDS


def content_words(text: str) -> list[str]:
    """The content words of a text, in order."""
    return [w for w in _WORD.findall(text) if is_content(w)]


def known_items(articles: Sequence[BbcArticle], seed: int = 7) -> list[KnownItem]:
    """Three queries per article: story words, headline words, a phrase of the summary."""
    rng = np.random.default_rng(seed)
    df = Counter(
        w for a in articles for w in {w.lower() for w in content_words(f"{a.title} {a.body}")}
    )
    limit = MAX_SHARE * len(articles)
    out: list[KnownItem] = []
    for number, article in enumerate(articles, start=1):
        story = sorted({w for w in content_words(article.reference) if df[w.lower()] <= limit})
        if len(story) >= 3:
            picked = rng.choice(story, size=int(rng.integers(2, 4)), replace=False)
            out.append(KnownItem("story words", " ".join(picked), number))
        headline = list(dict.fromkeys(content_words(article.title)))
        if len(headline) >= 2:
            picked = rng.choice(headline, size=2, replace=False)
            out.append(KnownItem("headline words", " ".join(picked), number))
        if headline:
            out.append(KnownItem("one headline word", str(rng.choice(headline)), number))
        tokens = _WORD.findall(article.reference)
        # Adjacent in the summary and in the article (summary sentences are joined without
        # a space, so a pair across two of them may not be adjacent in the article).
        pairs = [
            (a, b)
            for a, b in itertools.pairwise(tokens)
            if is_content(a) and is_content(b) and _adjacent(a, b, article.body)
        ]
        if pairs:
            a, b = pairs[int(rng.integers(len(pairs)))]
            out.append(KnownItem("phrase", f'"{a} {b}"', number))
    return out


def _adjacent(first: str, second: str, text: str) -> bool:
    """True when `second` follows `first` in `text` with only separators between them."""
    pattern = rf"(?<![^\W_]){re.escape(first)}[\W_]+{re.escape(second)}(?![^\W_])"
    return re.search(pattern, text) is not None


def draft(article: BbcArticle) -> ArticleDraft:
    """A BBC article as a draft (no caption, no source)."""
    return ArticleDraft(title=article.title, body=article.body, origin=f"bbc:{article.id}")


class Fts5Rule:
    """FTS5's bm25 over an in-memory table like Newsdesk's (same tokenizer and weights)."""

    def __init__(self, articles: Sequence[BbcArticle]) -> None:
        self.conn = sqlite3.connect(":memory:")
        self.conn.execute(
            "CREATE VIRTUAL TABLE t USING fts5(title, caption, body,"
            " tokenize = 'unicode61 remove_diacritics 2')"
        )
        self.conn.executemany(
            "INSERT INTO t (rowid, title, caption, body) VALUES (?, ?, '', ?)",
            [(i, a.title, a.body) for i, a in enumerate(articles, start=1)],
        )
        weights = ", ".join(str(w) for w in BM25_WEIGHTS)
        self.sql = f"SELECT rowid, -bm25(t, {weights}) FROM t WHERE t MATCH ?"

    def scores(self, text: str) -> dict[int, float]:
        """Relevance of every matching article (higher is better)."""
        match = match_text(parse_query(text))
        return dict(self.conn.execute(self.sql, (match,)).fetchall())


class TantivyRule:
    """tantivy's BM25 with field boosts, through the bench's peer."""

    def __init__(self, articles: Sequence[BbcArticle], days: Sequence[int]) -> None:
        peer_schema = schema()
        index = tantivy.Index(peer_schema)
        register_tokenizers(index)
        writer = index.writer()
        for number, (article, day) in enumerate(zip(articles, days, strict=True), start=1):
            fields = document(number, draft(article))
            fields["published"] = YEAR_START + day * DAY
            writer.add_document(tantivy.Document.from_dict(fields, peer_schema))
        writer.commit()
        writer.wait_merging_threads()
        index.reload()
        self.peer = Peer(index)

    def scores(self, text: str) -> dict[int, float]:
        """Relevance of every matching article (higher is better)."""
        compiled = self.peer.compile(parse_query(text))
        searcher = self.peer.searcher
        total = searcher.search(compiled, limit=1, count=True).count
        hits = searcher.search(compiled, limit=max(total, 1), count=False).hits
        ids = searcher.fast_field_values("id", [a for _, a in hits])
        return {int(i): score for (score, _), i in zip(hits, ids, strict=True)}


def rank_of(target: int, scores: dict[int, float], days: Sequence[int] | None) -> int | None:
    """The target's 1-based rank (ties to the lower id), None when it does not match."""
    if target not in scores:
        return None

    def key(article: int) -> float:
        value = math.log(max(scores[article], 1e-30))
        return value + (days[article - 1] * PER_DAY if days is not None else 0.0)

    mine = key(target)
    return 1 + sum(1 for a in scores if (key(a), -a) > (mine, -target))


@dataclass
class Scores:
    """MRR@10, success@1 and success@10 of one rule on one kind of query."""

    ranks: list[int | None]

    def mrr(self) -> float:
        """Mean reciprocal rank, counting ranks past 10 (and misses) as 0."""
        return float(np.mean([1 / r if r and r <= 10 else 0.0 for r in self.ranks]))

    def success(self, at: int) -> float:
        """Share of queries whose article is in the top `at`."""
        return float(np.mean([1.0 if r and r <= at else 0.0 for r in self.ranks]))


def evaluate(
    items: Sequence[KnownItem], rules: dict[str, Callable[[str], dict[int, float]]], days: list
) -> dict[tuple[str, str, bool], Scores]:
    """Ranks of every query's article under each rule, without and with recency."""
    out: dict[tuple[str, str, bool], Scores] = {}
    for item in items:
        for name, scores_of in rules.items():
            scores = scores_of(item.text)
            for recency in (False, True):
                rank = rank_of(item.target, scores, days if recency else None)
                out.setdefault((item.kind, name, recency), Scores([])).ranks.append(rank)
    return out


def measure(seed: int = 7) -> list[Figure]:
    """FTS5's bm25 (value) vs tantivy's BM25 (baseline) on BBC known-item queries."""
    folder = data_dir()
    if folder is None or not (folder / "bbc-news-summary" / "dev.jsonl").is_file():
        return []
    articles = load_bbc(folder / "bbc-news-summary" / "dev.jsonl")
    days = [int(d) for d in np.random.default_rng(seed).integers(0, 365, len(articles))]
    items = known_items(articles, seed)
    fts5, engine = Fts5Rule(articles), TantivyRule(articles, days)
    results = evaluate(items, {"fts5": fts5.scores, "tantivy": engine.scores}, days)
    figures = []
    for kind in dict.fromkeys(item.kind for item in items):
        count = sum(1 for item in items if item.kind == kind)
        for recency in (False, True):
            ours, theirs = results[kind, "fts5", recency], results[kind, "tantivy", recency]
            figures.append(
                Figure(
                    f"BBC known-item MRR@10, {kind}{' with recency' if recency else ''}: "
                    "FTS5 bm25 vs tantivy BM25",
                    ours.mrr(),
                    "",
                    theirs.mrr(),
                    note=f"{count} queries; success@1 {ours.success(1):.2f} / "
                    f"{theirs.success(1):.2f}, @10 {ours.success(10):.2f} / "
                    f"{theirs.success(10):.2f}",
                )
            )
    return figures
