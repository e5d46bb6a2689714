"""A seeded synthetic news corpus (1k / 10k / 100k / 1M articles), written once per size as
JSON Lines under data/bench/corpus/ and read back as drafts for the benchmarks.

Articles look like news to the index and the NLP step: ~400 words (log-normal lengths),
Zipfian vocabulary from real news word ranks, stories whose people, places and topic words
recur across articles over a few days, dates spread over 2025, a title, sometimes a photo
caption, a source and an author. Articles come in chunks of 1,000, each from its own seeded
generator, so every size is a prefix of the larger ones. The seed article(s) in seeds/ open
every corpus.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import time
from collections.abc import Collection, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from bench.vocab import PLACES, SOURCES, Vocabulary, organisations, people, vocabulary
from bot.ingest.files import find_files, read_file
from bot.ingest.records import draft_from_record
from bot.models import ArticleDraft

REPO = Path(__file__).resolve().parent.parent
SEED = 20250101
GENERATOR_VERSION = 1
CHUNK = 1_000
YEAR_START = datetime(2025, 1, 1, tzinfo=UTC)
YEAR_SECONDS = 365 * 24 * 3600
SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000, "1m": 1_000_000}

console = Console(stderr=True)


def data_dir() -> Path:
    """Where corpora and benchmark databases are cached (NEWSDESK_BENCH_DATA overrides)."""
    return Path(os.environ.get("NEWSDESK_BENCH_DATA") or REPO / "data" / "bench")


def scratch() -> Path:
    """A folder for throw-away benchmark databases, next to the cached ones."""
    folder = data_dir() / "tmp"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# A cached file another checkout (another vocabulary or schema) made this recently is kept: it
# may be reading it right now, and rebuilding one costs minutes.
STALE_AFTER_S = 24 * 3600


def remove_stale(candidates: Iterable[Path], keep: Collection[str] = frozenset()) -> None:
    """Delete cached databases, indexes and records of another corpus or version (large and
    never read again by this checkout), unless named in `keep` or made in the last day."""
    cutoff = time.time() - STALE_AFTER_S
    for stale in candidates:
        if stale.name in keep or stale.stat().st_mtime > cutoff:
            continue
        shutil.rmtree(stale, ignore_errors=True) if stale.is_dir() else stale.unlink(True)


def parse_size(text: str) -> int:
    """Read "10k", "1m" or "2500" as a number of articles."""
    text = text.strip().lower()
    if text in SIZES:
        return SIZES[text]
    if text.endswith("k"):
        return int(float(text[:-1]) * 1_000)
    if text.endswith("m"):
        return int(float(text[:-1]) * 1_000_000)
    return int(text)


def label(size: int) -> str:
    """A short name for a size: 1000 → "1k", 1000000 → "1m"."""
    if size >= 1_000_000 and size % 1_000_000 == 0:
        return f"{size // 1_000_000}m"
    if size >= 1_000 and size % 1_000 == 0:
        return f"{size // 1_000}k"
    return str(size)


def seed_records() -> list[dict[str, object]]:
    """The articles shipped in seeds/ as JSON records, dated inside the corpus year."""
    files, _ = find_files([REPO / "seeds"])
    out: list[dict[str, object]] = []
    for path in files:
        for _, item in read_file(path):
            if isinstance(item, ArticleDraft):
                out.append(
                    {
                        "title": item.title,
                        "caption": item.caption,
                        "body": item.body,
                        "source": item.source,
                        "url": f"https://seeds.example/{path.name}",
                        "published_at": "2025-06-02T08:30:00+00:00",
                    }
                )
    return out


class _Generator:
    """Articles of one 1,000-article chunk, from a generator seeded by (SEED, chunk)."""

    def __init__(self, vocab: Vocabulary, chunk: int) -> None:
        self.vocab = vocab
        self.chunk = chunk
        self.rng = np.random.default_rng([SEED, chunk])
        self.cdf = np.cumsum(vocab.probabilities)
        self.people = _PEOPLE
        self.orgs = _ORGS
        self.reporters = _PEOPLE[-300:]

    def zipf_index(self, n: int, s: float = 1.1) -> int:
        """An index in [0, n) where low indices are much more popular (names, sources)."""
        ranks = np.arange(1, n + 1, dtype=np.float64)
        p = 1.0 / ranks**s
        return int(np.searchsorted(np.cumsum(p) / p.sum(), self.rng.random()))

    def story(self) -> dict[str, object]:
        """A news story: 1-2 people, a place, maybe an organisation, topic words, a date."""
        rng = self.rng
        cast = [self.people[self.zipf_index(len(self.people) - 300)]]
        if rng.random() < 0.6:
            cast.append(self.people[self.zipf_index(len(self.people) - 300)])
        place = PLACES[self.zipf_index(len(PLACES), 0.9)]
        org = self.orgs[self.zipf_index(len(self.orgs), 0.9)] if rng.random() < 0.6 else None
        # Topic words: mid-frequency content words, the ones that make a story searchable.
        topic = [self.vocab.words[i] for i in rng.integers(150, 12_000, 6)]
        return {
            "people": cast,
            "place": place,
            "org": org,
            "topic": topic,
            "center": float(rng.random() * YEAR_SECONDS),
        }

    def articles(self, count: int) -> Iterator[dict[str, object]]:
        """`count` article records."""
        stories = [self.story() for _ in range(60)]
        for i in range(count):
            yield self.article(stories[self.zipf_index(len(stories), 0.8)], i)

    def article(self, story: dict[str, object], index: int) -> dict[str, object]:
        """One article about `story`."""
        rng = self.rng
        words = self.vocab.words
        length = int(np.clip(rng.lognormal(np.log(380), 0.45), 120, 1500))
        drawn = np.searchsorted(self.cdf, rng.random(length))
        tokens = [words[min(i, len(words) - 1)] for i in drawn]
        topic: list[str] = story["topic"]  # type: ignore[assignment]
        for j in np.nonzero(rng.random(length) < 0.07)[0]:
            tokens[j] = topic[int(rng.integers(len(topic)))]
        names = self._mentions(story)
        sentences: list[str] = []
        at = 0
        while at < length:
            size = int(np.clip(rng.normal(22, 7), 6, 45))
            sentence = tokens[at : at + size]
            at += size
            if rng.random() < 0.4:
                sentence.insert(int(rng.integers(len(sentence) + 1)), next(names))
            if len(sentence) > 8 and rng.random() < 0.5:
                comma = int(rng.integers(3, len(sentence) - 2))
                sentence[comma] += ","
            sentences.append(
                sentence[0][:1].upper() + sentence[0][1:] + " " + " ".join(sentence[1:])
            )
        paragraphs: list[str] = []
        while sentences:
            take = int(rng.integers(1, 4))
            paragraphs.append(". ".join(sentences[:take]) + ".")
            sentences = sentences[take:]
        # Reflect at the year's edges rather than clip, so no date collects a pile of articles.
        offset = abs(story["center"] + rng.normal(0, 3 * 86400))  # type: ignore[operator]
        offset = min(offset, 2 * YEAR_SECONDS - 1 - offset)
        when = YEAR_START + timedelta(seconds=float(offset))
        source = SOURCES[self.zipf_index(len(SOURCES), 0.9)]
        record: dict[str, object] = {
            "title": self._title(story),
            "body": "\n\n".join(paragraphs),
            "source": source,
            "author": self.reporters[int(rng.integers(len(self.reporters)))],
            "url": f"https://news.example/{source.lower()}/{when:%Y/%m/%d}/{self.chunk}-{index}",
            "published_at": when.isoformat(timespec="seconds"),
        }
        if rng.random() < 0.25:
            person = story["people"][0]  # type: ignore[index]
            record["caption"] = f"{person} in {story['place']} (Photo: {source})"
        return record

    def _mentions(self, story: dict[str, object]) -> Iterator[str]:
        """Names as a reporter writes them: full name first, then the surname; places, orgs."""
        seen: set[str] = set()
        cast: list[str] = story["people"]  # type: ignore[assignment]
        others = [story["place"]] + ([story["org"]] if story["org"] else [])
        while True:
            if self.rng.random() < 0.65:
                person = cast[int(self.rng.integers(len(cast)))]
                yield person.split()[-1] if person in seen else person
                seen.add(person)
            else:
                yield str(others[int(self.rng.integers(len(others)))])

    def _title(self, story: dict[str, object]) -> str:
        rng = self.rng
        cast: list[str] = story["people"]  # type: ignore[assignment]
        topic: list[str] = story["topic"]  # type: ignore[assignment]
        lead = cast[0] if rng.random() < 0.5 else str(story["place"])
        filler = [
            self.vocab.words[i]
            for i in np.searchsorted(self.cdf, rng.random(int(rng.integers(3, 8))))
        ]
        picked = [topic[i] for i in rng.choice(len(topic), size=2, replace=False)]
        words = [lead, *filler[:2], *picked, *filler[2:]]
        return " ".join(w if len(w) <= 3 else w[:1].upper() + w[1:] for w in words)


_PEOPLE = people(4_000, seed=SEED)
_ORGS = organisations()


def corpus_path(size: int, vocab: Vocabulary | None = None) -> Path:
    """Where the corpus of `size` articles lives (name includes generator and vocabulary)."""
    fingerprint = (vocab or _vocab()).fingerprint
    return data_dir() / "corpus" / f"news-{label(size)}-g{GENERATOR_VERSION}-{fingerprint}.jsonl"


_VOCAB: Vocabulary | None = None


def _vocab() -> Vocabulary:
    global _VOCAB
    if _VOCAB is None:
        _VOCAB = vocabulary()
    return _VOCAB


def ensure_corpus(size: int, *, quiet: bool = False) -> Path:
    """Return the JSONL corpus of `size` articles, generating it first if it is not cached."""
    vocab = _vocab()
    path = corpus_path(size, vocab)
    if path.is_file():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.partial")
    seeds = seed_records()[:size]
    columns = (TextColumn("corpus " + label(size)), BarColumn(), MofNCompleteColumn())
    with (
        partial.open("w", encoding="utf-8") as out,
        Progress(*columns, TimeRemainingColumn(), console=console, disable=quiet) as bar,
    ):
        task = bar.add_task("", total=size)
        for record in seeds:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        remaining = size - len(seeds)
        chunk = 0
        while remaining > 0:
            count = min(CHUNK, remaining)
            for record in _Generator(vocab, chunk).articles(count):
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
            remaining -= count
            chunk += 1
            bar.update(task, completed=size - remaining)
    # Rename last, so an interrupted run never leaves a half corpus that looks complete.
    partial.replace(path)
    return path


def _cached_at_least(size: int) -> Path | None:
    """The smallest cached corpus file holding at least `size` articles (sizes are prefixes)."""
    vocab = _vocab()
    pattern = f"news-*-g{GENERATOR_VERSION}-{vocab.fingerprint}.jsonl"
    sizes = []
    for path in corpus_path(size, vocab).parent.glob(pattern):
        try:
            sizes.append((parse_size(path.name.split("-")[1]), path))
        except ValueError:
            continue
    fitting = [(n, path) for n, path in sizes if n >= size]
    return min(fitting)[1] if fitting else None


def cached_corpus(size: int, *, quiet: bool = False) -> Path:
    """A corpus file holding at least `size` articles: a cached one, else made now."""
    return _cached_at_least(size) or ensure_corpus(size, quiet=quiet)


def _generated(start: int, stop: int) -> Iterator[dict[str, object]]:
    """Records for lines [start, stop) made in memory: the same as a file's lines there."""
    seeds = seed_records()
    yield from seeds[start:stop]
    first, last = max(start - len(seeds), 0), stop - len(seeds)
    for chunk in range(first // CHUNK, (last - 1) // CHUNK + 1 if last > 0 else 0):
        made = _Generator(_vocab(), chunk).articles(min(CHUNK, last - chunk * CHUNK))
        for index, record in enumerate(made, start=chunk * CHUNK):
            if first <= index < last:
                yield record


def records(size: int, *, start: int = 0, quiet: bool = False) -> Iterator[dict[str, object]]:
    """The corpus of `size` articles as JSON records, in file order, from line `start` on.

    Read from the smallest cached corpus that holds them; a few thousand articles past every
    cached file (fresh articles for a database of a cached size) are made in memory."""
    source = _cached_at_least(size)
    if source is None and size - start <= 5 * CHUNK:
        yield from _generated(start, size)
        return
    with (source or ensure_corpus(size, quiet=quiet)).open(encoding="utf-8") as handle:
        for line in itertools.islice(handle, start, size):
            yield json.loads(line)


def drafts(size: int, *, start: int = 0, quiet: bool = False) -> Iterator[ArticleDraft]:
    """The corpus of `size` articles as drafts, exactly as the project's JSONL reader makes
    them, from line `start` on (later lines of a bigger corpus are articles a smaller lacks)."""
    for number, record in enumerate(records(size, start=start, quiet=quiet), start=start + 1):
        yield draft_from_record(record, f"bench:{number}")


def vocabulary_source() -> str:
    """Where the corpus vocabulary's word ranks came from (for the results file)."""
    return _vocab().source
