"""The soak's archive: the benchmark database of N articles (bench/database.py) with an NLP
analysis saved for every article through the store's own `save_analysis`, so /summary,
/entity, /entities, the charts and `entity:` searches read what they would read in a real
archive of that size. Cached under data/bench/db/ like the other benchmark databases.

The analyses are made without the model (a 100k-article NLP run takes about an hour): the
body's real sentences (split at sentence ends), the lead ranked first, and as mentions the
capitalised names the corpus generator puts in its articles (its people, organisations and
places), at their real offsets.
"""

from __future__ import annotations

import asyncio
import fcntl
import re
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from bench.corpus import console, data_dir, label, remove_stale
from bench.database import bench_db, bench_db_path, copy_db, move_db
from bench.vocab import FIRST, PLACES
from bot.models import Article
from bot.models.analysis import Analysis, Mention, Sentence
from bot.nlp.enrichment import NLP_VERSION
from bot.store import Store, open_store

# Bump when the analyses made here change.
ARCHIVE_VERSION = 1
BATCH = 500
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)")
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2})\b")
_FIRST = frozenset(FIRST)
# Capitalised words that start sentences or titles, never names.
_NOT_NAMES = frozenset("A An And As At But By For From In Of On The To With".split())  # noqa: SIM905
_PLACES = frozenset(PLACES)


def synthetic_analysis(article: Article) -> Analysis:
    """An analysis of the article's body as the NLP step would store one (without a model)."""
    body = article.body
    sentences = [
        Sentence(m.group().strip(), m.start(), m.end())
        for m in _SENTENCE.finditer(body)
        if m.group().strip()
    ]
    mentions = []
    for index, sentence in enumerate(sentences):
        for found in _NAME.finditer(body, sentence.start, sentence.end):
            name = found.group(1)
            first = name.split()[0]
            if first in _NOT_NAMES:
                continue
            if name in _PLACES:
                kind = "GPE"
            elif " " in name:
                kind = "PERSON" if first in _FIRST else "ORG"
            else:
                continue
            mentions.append(Mention(name, kind, found.start(1), found.end(1), name, index))
    count = len(sentences)
    return Analysis(
        sentences=sentences,
        mentions=mentions,
        summary=list(range(min(3, count))),
        ranking=list(range(count)),
        terms=[tuple(s.text.lower().split()[:6]) for s in sentences],
        summarisable=[True] * count,
    )


async def _analyse_all(store: Store, size: int, quiet: bool) -> None:
    columns = (TextColumn(f"analyses {label(size)}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, TimeRemainingColumn(), console=console, disable=quiet) as bar:
        task = bar.add_task("", total=size)
        for first in range(1, size + 1, BATCH):
            articles = await store.articles(list(range(first, min(first + BATCH, size + 1))))
            async with store.transaction():
                for article in articles:
                    digest = await store.article_content_hash(article.id)
                    await store.save_analysis(
                        article.id,
                        digest or "",
                        NLP_VERSION,
                        synthetic_analysis(article),
                        article.ingested_at,
                    )
            bar.advance(task, len(articles))


def soak_db(size: int, *, quiet: bool = False) -> Path:
    """The cached analysed archive of `size` articles; built on first use (minutes)."""
    folder = data_dir() / "db"
    path = folder / f"soak-{bench_db_path(size).stem}-n{NLP_VERSION}-a{ARCHIVE_VERSION}.db"
    if path.is_file():
        return path  # the archive is all a soak needs: its source may be gone (not rebuilt)
    source = bench_db(size, quiet=quiet)
    with (folder / f".build-soak-{label(size)}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.is_file():
            remove_stale(folder.glob(f"soak-news-{label(size)}-*.db*"))
            partial = copy_db(source, path.with_suffix(".partial"))

            async def build() -> None:
                async with await open_store(partial) as store:
                    await _analyse_all(store, size, quiet)

            asyncio.run(build())
            move_db(partial, path)
    return path
