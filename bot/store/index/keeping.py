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

from bot.models import COUNT_CAP
from bot.models.query import Query
from bot.store.index.compile import Compiler, filter_days
from bot.store.index.ranking import FIRST_FETCH, Ranker
from bot.store.index.schema import (
    SCHEMA_VERSION,
    WATERMARK_ID,
    document,
    int_values,
    match_count,
    news_analyzer,
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


@dataclass(frozen=True)
class Snapshot:
    """One state of the index, as last reloaded: its searcher, the watermark it holds and its
    newest and oldest publication days (for the ranking's windows). Searches read it without
    another tantivy call; only a reload (after a commit, or when the database is ahead)
    replaces it, whole, so a search never pairs one commit's searcher with another's marks."""

    searcher: tantivy.Searcher
    mark: Mark
    newest_day: int
    oldest_day: int
    articles: int  # documents less the watermark


@dataclass(frozen=True)
class Found:
    """A search's page from the index: (article id, score) best first, how many match (counted
    to COUNT_CAP: that many means at least that many), the snippet maker for the page's bodies
    (None without full-text terms or hits) and the watermark of the snapshot it came from."""

    ranked: list[tuple[int, float]]
    total: int
    snippets: tantivy.SnippetGenerator | None
    seq: int  # the watermark of the snapshot searched


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
        self.compiler = Compiler(self.schema, grams=True)
        self._writing = threading.Lock()
        # The words of the documents written (for their grams), used under `_writing` only.
        self._words = news_analyzer()
        # How many matches the ranking's first call reads (tests shrink it to run windows).
        self.first_fetch = FIRST_FETCH
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
        self.snapshot = self._reload()

    def _open(self) -> tantivy.Index:
        if self.path is None:
            memory = tantivy.Index(self.schema)
            register_tokenizers(memory)
            memory.config_reader(reload_policy="Manual")
            return memory
        self.path.mkdir(parents=True, exist_ok=True)
        index = self._open_kept(self.path)
        if index is None:
            if any(self.path.iterdir()):
                _empty(self.path)  # torn or stale: built again from the database
            index = tantivy.Index(self.schema, path=str(self.path), reuse=False)
            register_tokenizers(index)
        # Searchers change only on `_reload`: the snapshot's marks always match its searcher.
        index.config_reader(reload_policy="Manual")
        return index

    def _open_kept(self, path: Path) -> tantivy.Index | None:
        """The index kept in `path`, or None when there is none, it is torn or stale."""
        if not (path / "meta.json").is_file():
            return None
        try:
            index = tantivy.Index.open(str(path))
            register_tokenizers(index)
            version = self._read_mark(index.searcher(), index.schema).version
        except (OSError, ValueError) as exc:
            log.warning("search index %s cannot be read (%s): rebuilding", path, exc)
            return None
        if version is not None and version != SCHEMA_VERSION:
            log.warning("search index %s is version %s: rebuilding", path, version)
            return None
        return index

    @staticmethod
    def _read_mark(searcher: tantivy.Searcher, schema: tantivy.Schema) -> Mark:
        found = searcher.search(Tq.term_query(schema, "id", WATERMARK_ID), 1, count=False)
        if not found.hits:
            return Mark(0, None)
        doc = searcher.doc(found.hits[0][1])
        return Mark(int(doc.get_first("seq") or 0), doc.get_first("version"))

    def _reload(self) -> Snapshot:
        """See the last commit (any process's) and keep it as the searches' snapshot."""
        self.index.reload()
        searcher = self.index.searcher()
        days = Ranker.over(searcher, self.schema)
        mark = self._read_mark(searcher, self.schema)
        articles = max(searcher.num_docs - (mark.version is not None), 0)
        self.snapshot = Snapshot(searcher, mark, days.newest_day, days.oldest_day, articles)
        return self.snapshot

    def mark(self) -> Mark:
        """The watermark of the last commit (any process's)."""
        return self._reload().mark

    def count(self) -> int:
        """How many articles the index holds (its last commit)."""
        return self._reload().articles

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
                    writer.add_document(document(row, self.schema, self._words))
                writer.add_document(watermark_document(changes.upto, self.schema))
                if self.before_commit is not None:
                    self.before_commit()
                writer.commit()
            except BaseException:
                writer.rollback()
                raise
            finally:
                writer.wait_merging_threads()  # gives the directory's lock back
            self._reload()

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
            fresh.config_reader(reload_policy="Manual")
            self.index = fresh
            self._reload()  # the snapshot's searcher held the old index's pages
        except (OSError, ValueError) as exc:
            log.warning("search index %s not reopened (%s): kept as it was", self.path, exc)
            return False
        finally:
            self._writing.release()
        return True

    def search(self, query: Query, k: int) -> Found:
        """The best k (article id, score) of a search by the rule, best first, how many
        articles match (counted to COUNT_CAP), and the snippet maker for its page, all from
        one snapshot in one call (one trip to a worker thread). A search without full-text
        terms ranks by recency alone and has no snippets."""
        snapshot = self.snapshot
        searcher = snapshot.searcher
        span = (snapshot.oldest_day, snapshot.newest_day)
        archive = span if self.compiler.days_pay(searcher, query, span) else None
        compiled = self.compiler.compile(query, archive=archive)
        if not query.text_groups:
            found = searcher.search(compiled, limit=k, count=True, order_by_field="published")
            addresses = [address for _, address in found.hits]
            ids = int_values(searcher, "id", addresses) if addresses else []
            total = min(match_count(found), COUNT_CAP)  # one meaning for every total
            return Found([(i, 0.0) for i in ids], total, None, snapshot.mark.seq)
        ranker = self._ranker(snapshot)
        ranked, total, _ = ranker.top(
            compiled,
            k,
            days=filter_days(query),
            windowed=lambda first, last: self.compiler.compile(query, (first, last)),
            count=any(t.is_phrase for group in query.text_groups for t in group),
        )
        ids = ranker.ids(ranked)
        page = [(i, r.score) for i, r in zip(ids, ranked, strict=True)]
        snippets = self._snippets(searcher, query) if page else None
        return Found(page, total, snippets, snapshot.mark.seq)

    def ranker(self) -> Ranker:
        """A ranker over the index as last committed (tests compare it with brute force)."""
        return self._ranker(self._reload())

    def _ranker(self, snapshot: Snapshot) -> Ranker:
        return Ranker(
            snapshot.searcher,
            self.schema,
            snapshot.newest_day,
            snapshot.oldest_day,
            first_fetch=self.first_fetch,
        )

    def _snippets(self, searcher: tantivy.Searcher, query: Query) -> tantivy.SnippetGenerator:
        """tantivy's maker of a body's best fragment for a search (its words highlighted)."""
        generator = tantivy.SnippetGenerator.create(
            searcher, self._highlighted(searcher, query), self.schema, "body"
        )
        generator.set_max_num_chars(SNIPPET_CHARS)
        return generator

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
