"""A bulk ingest commits the search index once at its end, not once per batch, and the index
still holds every article; a search meanwhile still finds what was committed."""

import asyncio
import json
from pathlib import Path

from bot.ingest import BATCH_SIZE, ingest_drafts, ingest_paths
from bot.models import ArticleDraft
from bot.search import parse_query
from bot.store import Store, open_store


def _count_index_commits(store: Store) -> list[int]:
    """A list that grows by one at each commit of the store's search index."""
    commits: list[int] = []
    index = store.search_index  # type: ignore[attr-defined]
    index.before_commit = lambda: commits.append(1)
    return commits


def _wire_file(folder: Path, size: int) -> Path:
    """A JSON-lines file of `size` articles, "Harbour crane N": three ingest batches and more."""
    path = folder / "wire.jsonl"
    lines = (
        json.dumps({"title": f"Harbour crane {n}", "body": f"Crane number {n} was delivered."})
        for n in range(size)
    )
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


async def test_three_batches_make_one_index_commit(store: Store, tmp_path: Path) -> None:
    size = 2 * BATCH_SIZE + 1
    path = _wire_file(tmp_path, size)
    commits = _count_index_commits(store)
    report = await ingest_paths(store, [path])
    assert len(report.added) == size
    assert len(commits) == 1  # was 3: one per 200-article transaction
    hits, total = await store.search_articles(parse_query("crane"), 5, 0)
    assert total == size and len(hits) == 5
    hits, _ = await store.search_articles(parse_query('"crane number 400"'), 5, 0)
    assert [h.title for h in hits] == ["Harbour crane 400"]


async def test_a_search_during_the_block_sees_committed_articles(store: Store) -> None:
    commits = _count_index_commits(store)
    async with store.search_index_deferred():
        await ingest_drafts(store, [ArticleDraft("Ferry strike", "Ferries stopped.", "k:1")])
        assert commits == []  # deferred...
        hits, _ = await store.search_articles(parse_query("ferries"), 5, 0)
        assert [h.title for h in hits] == ["Ferry strike"]  # ...but a search catches up first


async def test_another_tasks_writes_are_indexed_at_once(store: Store) -> None:
    commits = _count_index_commits(store)
    go = asyncio.Event()

    async def command() -> None:  # started outside the ingest, like a member's command
        await go.wait()
        await ingest_drafts(store, [ArticleDraft("Port reopens", "Ships sail.", "k:2")])

    task = asyncio.create_task(command())
    async with store.search_index_deferred():
        go.set()
        await task
        assert len(commits) == 1
    assert len(commits) == 1  # nothing of this task's to catch up at the end


async def test_pages_let_go_during_a_bulk_ingest_lose_nothing(tmp_path: Path) -> None:
    """The bot lets go of the index's mapped pages every few seconds (reopening it) while a
    bulk ingest defers its index commit: the two meet only through the store's index lock,
    and whichever comes first, the index ends with every article and searches agree."""
    size = 2 * BATCH_SIZE + 1
    path = _wire_file(tmp_path, size)
    async with await open_store(tmp_path / "pages.db") as store:
        released: list[bool] = []
        done = asyncio.Event()

        async def release_all_the_time() -> None:
            while not done.is_set():
                released.append(await store.release_search_pages())
                await asyncio.sleep(0)

        releasing = asyncio.create_task(release_all_the_time())
        report = await ingest_paths(store, [path])
        done.set()
        await releasing
        assert len(report.added) == size
        assert len(released) > 2 and all(released)  # reopened between the batches
        hits, total = await store.search_articles(parse_query("crane"), 5, 0)
        assert total == size and len(hits) == 5
        assert await store.release_search_pages() is True
        hits, _ = await store.search_articles(parse_query('"crane number 400"'), 5, 0)
        assert [h.title for h in hits] == ["Harbour crane 400"]
    async with await open_store(tmp_path / "pages.db") as store:  # what the index committed
        _, total = await store.search_articles(parse_query("delivered"), 5, 0)
        assert total == size
