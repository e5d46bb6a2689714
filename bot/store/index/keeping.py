"""The search index kept in step with the database, crash-safe.

Every article write in the database sets the row's `search_seq` (a trigger, in the same
transaction); a delete leaves a tombstone with its own seq. The index holds one watermark
document with the highest seq it contains, replaced in the same tantivy commit as the
documents it covers. Catching up reads the rows and tombstones above the watermark (in
batches, oldest first), deletes each touched article by id, adds the rows back, moves the
watermark and commits: idempotent, so a `kill -9` between the database's commit and the
index's loses nothing — the next catch-up applies the batch again.

One writer at a time per directory (tantivy's lock): a writer is taken for each catch-up and
given back after its commit, so several processes (the bot, the CLI) can share a directory;
one that finds it busy reads what the other committed. An index directory that cannot be
opened (torn: no `meta.json`, or unreadable) or holds another schema version is emptied and
built again from the database by the same catch-up.
"""

from __future__ import annotations

import logging
import shutil
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import tantivy
from tantivy import Occur
from tantivy import Query as Tq

from bot.models.query import Query
from bot.store.index.compile import Compiler, filter_days
from bot.store.index.ranking import FIRST_FETCH, Ranker
from bot.store.index.schema import (
    SCHEMA_VERSION,
    WATERMARK_ID,
    document,
    int_values,
    match_count,
    news_schema,
    register_tokenizers,
    watermark_document,
)

log = logging.getLogger(__name__)

# A catch-up's writer (one thread: the bot's other work shares the machine) and the rows it
# reads per commit while rebuilding from scratch.
WRITER_HEAP = 50_000_000
CATCH_UP_BATCH = 5_000
# A prefix's words marked in a snippet, the most common first.
HIGHLIGHTED_WORDS = 64


@dataclass(frozen=True)
class Changes:
    """What the database changed after a watermark, up to `upto`: rows to (re)index, as
    mappings with the fields of `schema.document`, and the ids of deleted articles."""

    rows: Sequence[Mapping[str, object]]
    deleted: Sequence[int]
    upto: int


@dataclass(frozen=True)
class Mark:
    """The watermark an index holds: the highest seq, and the schema version it was built
    with (None when the index has no watermark yet)."""

    seq: int
    version: int | None


class WriterBusy(Exception):
    """Another writer holds this index directory (or it may not be written here)."""


def _empty(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True, exist_ok=True)


class SearchIndex:
    """A tantivy index of the articles: on disk at `path`, or in memory (None). Every method
    blocks: the store calls them on a worker thread."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.schema = news_schema()
        self.compiler = Compiler(self.schema)
        self._writing = threading.Lock()
        # How many matches the ranking's first call reads (tests shrink it to run windows).
        self.first_fetch = FIRST_FETCH
        self._days: tuple[int, int, int] | None = None  # (seq, newest day, oldest day)
        # Called after a catch-up's documents are added and before the index commits: tests
        # stop a process there.
        self.before_commit: Callable[[], None] | None = None
        try:
            self.index = self._open()
        except (OSError, ValueError) as exc:
            # A folder this process may not write (a read-only database's): an index in
            # memory, built from the database by the first catch-up, still answers.
            log.info("search index %s unusable here (%s): kept in memory", self.path, exc)
            self.path = None
            self.index = self._open()

    def _open(self) -> tantivy.Index:
        if self.path is None:
            memory = tantivy.Index(self.schema)
            register_tokenizers(memory)
            return memory
        self.path.mkdir(parents=True, exist_ok=True)
        index = self._open_kept(self.path)
        if index is None:
            if any(self.path.iterdir()):
                _empty(self.path)  # torn or stale: built again from the database
            index = tantivy.Index(self.schema, path=str(self.path), reuse=False)
            register_tokenizers(index)
        return index

    def _open_kept(self, path: Path) -> tantivy.Index | None:
        """The index kept in `path`, or None when there is none, it is torn or stale."""
        if not (path / "meta.json").is_file():
            return None
        try:
            index = tantivy.Index.open(str(path))
            register_tokenizers(index)
            version = self._read_mark(index).version
        except (OSError, ValueError) as exc:
            log.warning("search index %s cannot be read (%s): rebuilding", path, exc)
            return None
        if version is not None and version != SCHEMA_VERSION:
            log.warning("search index %s is version %s: rebuilding", path, version)
            return None
        return index

    @staticmethod
    def _read_mark(index: tantivy.Index) -> Mark:
        searcher = index.searcher()
        found = searcher.search(Tq.term_query(index.schema, "id", WATERMARK_ID), 1, count=False)
        if not found.hits:
            return Mark(0, None)
        doc = searcher.doc(found.hits[0][1])
        return Mark(int(doc.get_first("seq") or 0), doc.get_first("version"))

    def mark(self) -> Mark:
        """The watermark of the last commit (any process's)."""
        self.index.reload()
        return self._read_mark(self.index)

    def count(self) -> int:
        """How many articles the index holds (its last commit)."""
        self.index.reload()
        return max(self.index.searcher().num_docs - 1, 0)  # less the watermark

    def apply(self, changes: Changes) -> None:
        """Write a batch of changes and its watermark in one commit (WriterBusy when another
        writer holds the directory)."""
        with self._writing:
            try:
                writer = self.index.writer(heap_size=WRITER_HEAP, num_threads=1)
            except (ValueError, OSError) as exc:
                raise WriterBusy(str(exc)) from exc
            try:
                touched = {int(row["id"]) for row in changes.rows}  # type: ignore[call-overload]
                for article_id in touched | set(changes.deleted) | {WATERMARK_ID}:
                    writer.delete_documents_by_term("id", article_id)
                for row in changes.rows:
                    writer.add_document(document(row, self.schema))
                writer.add_document(watermark_document(changes.upto, self.schema))
                if self.before_commit is not None:
                    self.before_commit()
                writer.commit()
            except BaseException:
                writer.rollback()
                raise
            finally:
                writer.wait_merging_threads()  # gives the directory's lock back
            self.index.reload()

    def release_pages(self) -> bool:
        """Open the kept index again, so the pages of its files that searches read through
        mmap are let go (a search pages in what it touches and nothing unmaps it while the
        index stays open: the soak's bot kept 80 MB of the 100k index so). Searches running
        keep the index they started with; the next one pages in only what it reads. False for
        an index in memory or while a writer commits (tried again later)."""
        if self.path is None or not self._writing.acquire(blocking=False):
            return False
        try:
            fresh = tantivy.Index.open(str(self.path))
            register_tokenizers(fresh)
            self.index = fresh
        except (OSError, ValueError) as exc:
            log.warning("search index %s not reopened (%s): kept as it was", self.path, exc)
            return False
        finally:
            self._writing.release()
        return True

    def search(self, query: Query, k: int) -> tuple[list[tuple[int, float]], int]:
        """The best k (article id, score) of a search by the rule, best first, and how many
        articles match. A search without full-text terms ranks by recency alone."""
        compiled = self.compiler.compile(query)
        searcher = self.index.searcher()
        if not query.text_groups:
            found = searcher.search(compiled, limit=k, count=True, order_by_field="published")
            addresses = [address for _, address in found.hits]
            ids = int_values(searcher, "id", addresses) if addresses else []
            return [(i, 0.0) for i in ids], match_count(found)
        ranker = self._ranker(searcher)
        ranked, total, _ = ranker.top(compiled, k, days=filter_days(query))
        ids = ranker.ids(ranked)
        return [(i, r.score) for i, r in zip(ids, ranked, strict=True)], total

    def ranker(self) -> Ranker:
        """A ranker over the index as last committed (tests compare it with brute force)."""
        self.index.reload()
        return self._ranker(self.index.searcher())

    def _ranker(self, searcher: tantivy.Searcher) -> Ranker:
        seq = self._read_mark(self.index).seq
        if self._days is None or self._days[0] != seq:
            fresh = Ranker.over(searcher, self.schema)
            self._days = (seq, fresh.newest_day, fresh.oldest_day)
        _, newest, oldest = self._days
        return Ranker(searcher, self.schema, newest, oldest, first_fetch=self.first_fetch)

    def snippets(self, query: Query, bodies: Sequence[str]) -> list[tantivy.Snippet]:
        """tantivy's best fragment of each body for a search (its words highlighted)."""
        searcher = self.index.searcher()
        generator = tantivy.SnippetGenerator.create(
            searcher, self._highlighted(searcher, query), self.schema, "body"
        )
        generator.set_max_num_chars(SNIPPET_CHARS)
        return [generator.snippet_from_doc(tantivy.Document(body=body)) for body in bodies]

    def _highlighted(self, searcher: tantivy.Searcher, query: Query) -> Tq:
        """What a snippet marks: the query's wanted words, a prefix as the words of the body
        it stands for (tantivy's snippets mark terms, not a prefix's expansions)."""
        parts = []
        for term in (t for group in query.text_groups for t in group):
            tokens = self.compiler.tokens(term)
            if term.prefix and len(tokens) == 1:
                words = searcher.terms_with_prefix("body", tokens[0], limit=HIGHLIGHTED_WORDS)
                parts += [Tq.term_query(self.schema, "body", word) for word, _ in words]
            elif (found := self.compiler.term_query(term)) is not None:
                parts.append(found)
        return Tq.boolean_query([(Occur.Should, part) for part in parts])


# About the SQLite index's old 24-token snippets.
SNIPPET_CHARS = 150
