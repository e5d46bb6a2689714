"""The tantivy peer answers the project's query language like Newsdesk: the same articles match
(totals equal) for words, phrases, OR, exclusions, prefixes and source/date filters, and its
page carries the project's snippet markers."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.database import bench_db
from bench.peer import Peer, peer_index
from bench.search import workload
from bot.models import COUNT_CAP, SNIPPET_START
from bot.search import search
from bot.store import open_store

SIZE = 400
CONSTRUCTS = [
    '"Shin Bet"',
    "Qatar truce",
    "ceasefire -Egypt",
    "truce OR ceasefire",
    "Halev*",
    "Hal* -Halevi",
    '-"the market" market',
    "market source:YWN source:AP after:2025-03-01 before:2025-09-01",
    "Café naïve",
]


@pytest.fixture(autouse=True)
def bench_data(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Corpora, databases and indexes in a per-process temp folder, never in data/bench/."""
    folder = tmp_path_factory.getbasetemp() / "bench-data"
    monkeypatch.setenv("NEWSDESK_BENCH_DATA", str(folder))
    return folder


@pytest.fixture
def database() -> Path:
    """The SIZE corpus in Newsdesk's schema (built outside the test's event loop)."""
    return bench_db(SIZE, quiet=True)


async def test_the_peer_matches_the_same_articles_as_newsdesk(database: Path) -> None:
    peer = Peer.open(peer_index(SIZE, quiet=True))
    texts = [q.text for q in workload(SIZE)] + CONSTRUCTS
    differ = []
    async with await open_store(database) as store:
        for text in texts:
            ours = (await search(store, text, per_page=10)).total
            theirs = peer.page(text).total
            # Newsdesk counts to COUNT_CAP: below it (SIZE articles) every total is exact.
            if ours != theirs or ours >= COUNT_CAP:
                differ.append((text, ours, theirs))
    assert differ == []


def test_the_peer_page_marks_matches_and_renders() -> None:
    peer = Peer.open(peer_index(SIZE, quiet=True))
    page = peer.page('"Shin Bet" OR Qatar')
    assert page.total > 0 and page.hits
    assert all(SNIPPET_START in hit.snippet for hit in page.hits if "Qatar" in hit.snippet)
    assert page.hits[0].id >= 1 and page.hits[0].url.startswith("http")
