"""The search index beside the database (bot/store/index/): exact top 10 by the documented
rule on both backends, the same pages on SQLite and PostgreSQL, phrases kept inside a field,
edits and deletes seen, a torn index rebuilt, `reindex` through the CLI, and a kill -9 between
the database's commit and the index's caught up by the next open."""

from __future__ import annotations

import asyncio
import contextvars
import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from bot.ingest import ingest_drafts
from bot.models import ArticleDraft
from bot.models.query import Query
from bot.search import parse_query, search
from bot.store import Store, open_store
from tests import backends
from tests.bot.store.ranked import every_match_ranked
from tests.bot.store.test_search_sql import corpus

databases = backends.both_databases
ROOT = Path(__file__).resolve().parents[3]
QUERIES = [
    "w0",
    "w1 w2",
    "w3 OR w40",
    "w0 -w5",
    '"w0 w1"',
    "w1*",
    "title:w0",
    'w0 author:"Jane Lee"',
    "w1 author:jane -category:sport",
    "w0 source:Reuters",
    "w2 after:2024-06-01 before:2024-10-01",
    "author:jane",
]


@pytest.mark.parametrize("typed", QUERIES)
async def test_pages_are_the_top_of_every_match_ranked_by_the_rule(
    store: Store, typed: str
) -> None:
    await ingest_drafts(store, corpus(200))
    store.search_index.first_fetch = 5  # type: ignore[attr-defined]  # windows run too
    query = parse_query(typed)
    expected = every_match_ranked(store, query)
    got: list[int] = []
    for offset in (0, 10):
        hits, total = await store.search_articles(query, 10, offset)
        assert total == len(expected)
        got += [hit.id for hit in hits]
    if query.text_groups:
        assert got == expected[:20]
    else:  # labels alone: newest first
        assert set(got) <= set(expected) and len(got) == min(20, len(expected))


async def test_sqlite_and_postgresql_give_the_same_pages(tmp_path: Path, postgres_url: str) -> None:
    async with (
        await open_store(tmp_path / "a.db") as lite,
        await open_store(postgres_url, pool_size=2) as pg,
    ):
        for store in (lite, pg):
            await ingest_drafts(store, corpus(150))
        for typed in QUERIES:
            first, second = await search(lite, typed), await search(pg, typed)
            assert first.total == second.total, typed
            assert [(h.id, h.title, h.snippet) for h in first.hits] == [
                (h.id, h.title, h.snippet) for h in second.hits
            ], typed


async def test_a_phrase_never_runs_from_the_headline_into_the_body(store: Store) -> None:
    await ingest_drafts(
        store,
        [
            ArticleDraft("Talks with the prime", "Minister says yes.", "t:1"),
            ArticleDraft("Budget", "The prime minister says no.", "t:2"),
        ],
    )
    page = await search(store, '"prime minister"')
    assert [h.title for h in page.hits] == ["Budget"]


async def test_an_edit_is_searched_by_its_new_words(store: Store) -> None:
    await ingest_drafts(store, [ArticleDraft("Harbour", "Ferries stopped.", "e:1")])
    await ingest_drafts(store, [ArticleDraft("Harbour", "Ferries sail again.", "e:1")])
    assert (await search(store, "sail")).total == 1
    assert (await search(store, "stopped")).total == 0


@pytest.mark.sqlite_only
async def test_a_deleted_article_leaves_the_index(tmp_path: Path) -> None:
    async with await open_store(tmp_path / "d.db") as store:
        await ingest_drafts(store, [ArticleDraft("Gone", "A storm.", "d:1")])
        assert (await search(store, "storm")).total == 1
        await store.conn.execute("DELETE FROM articles")  # type: ignore[attr-defined]
        page = await search(store, "storm")
        assert (page.total, page.hits) == (0, [])


async def test_a_search_finds_what_another_process_just_wrote(
    databases: str, tmp_path: Path
) -> None:
    # The ranking runs before the database's read: the page must still be the database's.
    async with (
        await open_store(databases, index_dir=tmp_path / "reader") as reader,
        await open_store(databases, index_dir=tmp_path / "writer") as writer,
    ):
        await ingest_drafts(writer, [ArticleDraft("Harbour crane", "Cranes arrived.", "p:1")])
        assert (await search(reader, "ferries")).total == 0
        await ingest_drafts(writer, [ArticleDraft("Ferry strike", "Ferries stopped.", "p:2")])
        page = await search(reader, "ferries")
        assert (page.total, [h.title for h in page.hits]) == (1, ["Ferry strike"])


async def test_a_torn_index_is_rebuilt_from_the_database(tmp_path: Path) -> None:
    path = tmp_path / "torn.db"
    async with await open_store(path) as store:
        await ingest_drafts(store, corpus(40))
        before = await search(store, "w0")
    (Path(f"{path}.search") / "meta.json").unlink()
    async with await open_store(path) as store:
        after = await search(store, "w0")
    assert before.total > 0
    assert [h.id for h in after.hits] == [h.id for h in before.hits]
    assert after.total == before.total


def _cli(*args: str, index_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if index_dir is not None:
        env["SEARCH_INDEX_DIR"] = str(index_dir)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def test_reindex_through_the_cli_keeps_the_pages(databases: str, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    async with await open_store(databases, index_dir=index_dir) as store:
        await ingest_drafts(store, corpus(60))
        before = [await search(store, typed) for typed in QUERIES]
    done = _cli("--db", databases, "reindex", index_dir=index_dir)
    assert done.returncode == 0, done.stderr
    assert "search index rebuilt: 60 articles" in done.stdout
    assert not index_dir.with_name("index.building").exists()
    async with await open_store(databases, index_dir=index_dir) as store:
        after = [await search(store, typed) for typed in QUERIES]
    assert [(p.total, [h.id for h in p.hits]) for p in after] == [
        (p.total, [h.id for h in p.hits]) for p in before
    ]
    assert "search index" in _cli("reindex", "--help").stdout


CHILD = textwrap.dedent(
    """
    import asyncio, sys
    from bot.ingest import ingest_drafts
    from bot.models import ArticleDraft
    from bot.store import open_store

    def stop_here():
        print("committed in the database", flush=True)
        sys.stdin.readline()  # blocks until the parent kills us

    async def main(target, index_dir):
        store = await open_store(target, index_dir=index_dir)
        store.search_index.before_commit = stop_here
        drafts = [ArticleDraft(f"Cyclone {n}", "Landfall near the port.", f"k:{n}")
                  for n in range(5)]
        await ingest_drafts(store, drafts)

    asyncio.run(main(sys.argv[1], sys.argv[2]))
    """
)


async def test_a_kill_between_the_two_commits_is_caught_up_on_open(
    databases: str, tmp_path: Path
) -> None:
    index_dir = tmp_path / "index"
    async with await open_store(databases, index_dir=index_dir) as store:
        await ingest_drafts(store, [ArticleDraft("Calm", "Nothing happened.", "k:calm")])
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        CHILD,
        databases,
        str(index_dir),
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert child.stdout is not None
        assert (await child.stdout.readline()).strip() == b"committed in the database"
    finally:
        child.send_signal(signal.SIGKILL)
        await child.wait()
    async with await open_store(databases, index_dir=index_dir) as store:
        assert await store.count_articles() == 6
        page = await search(store, "cyclone landfall")
        assert page.total == 5
        assert sorted(h.title for h in page.hits) == [f"Cyclone {n}" for n in range(5)]


async def test_a_burst_of_searches_gives_the_pages_of_one_at_a_time(store: Store) -> None:
    """50 searches at the same instant (each ranks on a worker thread and reads its rows on
    a reader connection) give exactly the pages they give one by one."""
    await ingest_drafts(store, corpus(120))
    typed = [QUERIES[n % len(QUERIES)] for n in range(50)]
    alone = [await search(store, text) for text in typed]
    together = await asyncio.gather(*(search(store, text) for text in typed))
    assert [(p.total, [(h.id, h.snippet) for h in p.hits]) for p in together] == [
        (p.total, [(h.id, h.snippet) for h in p.hits]) for p in alone
    ]


def _mapped_kb(folder: Path) -> int:
    """KB of `folder`'s files resident in this process through mmap (/proc/self/smaps)."""
    total, inside = 0, False
    for line in Path("/proc/self/smaps").read_text().splitlines():
        head = line.split()
        if head and "-" in head[0] and len(head) >= 5:  # a mapping's first line
            inside = len(head) >= 6 and head[5].startswith(f"{folder}/")
        elif inside and line.startswith("Rss:"):
            total += int(head[1])
    return total


@pytest.mark.skipif(not Path("/proc/self/smaps").exists(), reason="reads /proc")
async def test_the_index_pages_searches_mapped_in_are_let_go(tmp_path: Path) -> None:
    """A search pages in what it reads of the index's files and nothing unmapped them while
    the index stayed open (the soak's bot kept 80 MB of the 100k index): released, the
    process holds almost none of them, and searches give the same pages after."""
    path = tmp_path / "pages.db"
    folder = Path(f"{path}.search")
    async with await open_store(path) as store:
        await ingest_drafts(store, corpus(3000))
    async with await open_store(path) as store:
        assert await store.release_search_pages() is True
        opened = _mapped_kb(folder)  # what opening the index reads
        before = [await search(store, typed) for typed in QUERIES]
        for n in range(0, 57, 3):  # the postings and positions of every word
            await search(store, f'w{n} OR "w{n + 1} w{n + 2}"')
        searched = _mapped_kb(folder)
        assert await store.release_search_pages() is True
        released = _mapped_kb(folder)
        after = [await search(store, typed) for typed in QUERIES]
    # At least half of what the searches paged in is let go (the reopened index reads a few
    # pages of its own: the watermark).
    assert searched > opened and searched - released >= (searched - opened) / 2
    assert [(p.total, [h.id for h in p.hits]) for p in after] == [
        (p.total, [h.id for h in p.hits]) for p in before
    ]


async def test_an_index_in_memory_has_no_pages_to_let_go(tmp_path: Path) -> None:
    async with await open_store(tmp_path / "m.db", index_dir=None) as store:
        store.search_index = type(store.search_index)(None)  # type: ignore[attr-defined]
        assert await store.release_search_pages() is False


async def test_a_search_reads_the_database_s_search_seq_with_its_rows(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The freshness read travels with the page's rows (one statement): a burst of searches
    on a current index sends no read of `search_seq` of its own (it was one or two a burst,
    one a search one by one). The pages are the same either way."""
    await ingest_drafts(store, corpus(60))
    reads = 0
    real = store._search_seq  # type: ignore[attr-defined]

    async def counted() -> int:
        nonlocal reads
        reads += 1
        return int(await real())

    monkeypatch.setattr(store, "_search_seq", counted)
    queries = [parse_query(QUERIES[n % 4]) for n in range(20)]
    pages = await asyncio.gather(*(store.search_articles(query, 10, 0) for query in queries))
    assert pages == [await store.search_articles(query, 10, 0) for query in queries]
    assert reads == 0
    assert [total for _, total in pages[:4]] == [
        len(every_match_ranked(store, query)) for query in queries[:4]
    ]


@pytest.mark.sqlite_only
async def test_a_search_sends_the_database_one_statement(tmp_path: Path) -> None:
    """A page of hits costs the database one statement: its rows with the highest
    `search_seq` (it was two, the freshness read and the rows)."""
    async with await open_store(tmp_path / "one.db", readers=1) as store:
        await ingest_drafts(store, corpus(60))
        query = parse_query("w0")
        hits, total = await store.search_articles(query, 10, 0)  # opens the reader
        sent: list[str] = []
        for conn in (store.writer, *store.readers._opened):  # type: ignore[attr-defined]
            await conn.set_trace_callback(sent.append)
        assert await store.search_articles(query, 10, 0) == (hits, total)
        assert hits and len(sent) == 1


async def test_a_commit_landing_between_the_ranking_and_the_rows_is_searched_again(
    databases: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process commits an article after a search ranked on its index and before the
    search reads its rows: the read sees the database ahead of the ranking, so the index
    catches up (the other process's index is not this one's) and the page has the article."""
    async with (
        await open_store(databases, index_dir=tmp_path / "bot") as bot,
        await open_store(databases, index_dir=tmp_path / "other") as other,
    ):
        await ingest_drafts(bot, [ArticleDraft("Calm", "A cyclone passed.", "k:calm")])
        index = bot.search_index  # type: ignore[attr-defined]
        ranked, go = threading.Event(), threading.Event()
        real = index.search

        def held(query: Query, k: int) -> object:
            found = real(query, k)
            if not ranked.is_set():  # the first ranking waits for the other's commit
                ranked.set()
                go.wait(30)
            return found

        monkeypatch.setattr(index, "search", held)
        searching = asyncio.ensure_future(bot.search_articles(parse_query("cyclone"), 10, 0))
        assert await asyncio.to_thread(ranked.wait, 30)
        await ingest_drafts(other, [ArticleDraft("Cyclone", "Landfall.", "k:cyclone")])
        go.set()
        hits, total = await searching
        assert (total, sorted(hit.title for hit in hits)) == (2, ["Calm", "Cyclone"])


@pytest.mark.sqlite_only
async def test_a_search_finding_every_reader_busy_ranks_while_it_waits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A search ranks on the reader it reads from (one trip), unless every reader is busy (a
    burst): then it ranks on a worker thread while it waits, so rankings do not queue for the
    readers; its page is the same."""
    async with await open_store(tmp_path / "one.db", readers=1) as store:
        await ingest_drafts(store, [ArticleDraft("Cyclone", "Landfall.", "k:cyclone")])
        query = parse_query("cyclone")
        alone = await store.search_articles(query, 10, 0)
        index = store.search_index  # type: ignore[attr-defined]
        ranked, real = threading.Event(), index.search

        def seen(query: Query, k: int) -> object:
            ranked.set()
            return real(query, k)

        monkeypatch.setattr(index, "search", seen)
        async with store.reading():  # type: ignore[attr-defined]
            waiting = asyncio.get_running_loop().create_task(
                store.search_articles(query, 10, 0), context=contextvars.Context()
            )
            assert await asyncio.to_thread(ranked.wait, 30)  # ranked, the reader still held
            assert not waiting.done()
        assert await asyncio.wait_for(waiting, 30) == alone


@pytest.mark.sqlite_only
async def test_a_search_on_a_borrowed_reader_does_not_wait_for_another_s_read(
    tmp_path: Path,
) -> None:
    """With one read connection: a task holding it searches while another search's read
    waits for it. The holder reads on its own connection (waiting for another task's read
    would wait for the connection it holds, and both searches would hang)."""
    async with await open_store(tmp_path / "one.db", readers=1) as store:
        await ingest_drafts(store, [ArticleDraft("Cyclone", "Landfall.", "k:cyclone")])
        query = parse_query("cyclone")
        async with store.reading():  # type: ignore[attr-defined]
            # Another task's search, outside this task's borrowing (a context of its own).
            other = asyncio.get_running_loop().create_task(
                store.search_articles(query, 10, 0), context=contextvars.Context()
            )
            for _ in range(20):  # its read now waits for the reader held here
                await asyncio.sleep(0)
            held = await asyncio.wait_for(store.search_articles(query, 10, 0), 30)
        assert held[1] == (await asyncio.wait_for(other, 30))[1] == 1
