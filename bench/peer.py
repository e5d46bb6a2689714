"""The search engine a user would pick instead: tantivy (a Lucene-like engine in Rust, through
its Python bindings) over the same corpus, asked the same parsed queries, showing the same page.

The index holds what the page needs (so the peer answers without SQLite): title, caption and
body (searched, weighted 10/2/1 like Newsdesk's bm25), source and publication time (filters),
url and id (stored). Words are folded like FTS5's unicode61 with remove_diacritics: split on
anything not a letter or digit, lower case, accents removed. Queries are built from the
project's parsed `Query` (never from the text): a word or phrase is matched in any of the three
fields, each field's BM25 boosted by its weight; groups are ANDed, alternatives ORed, excluded
terms are MUST_NOT, `prefix*` is a phrase-prefix query, and filters add no score. Snippets come
from tantivy's SnippetGenerator, marked with the project's snippet markers, and the page goes
through the same renderer as Newsdesk's.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import tantivy
from tantivy import Query as Tq

from bench.corpus import cached_corpus, console, corpus_path, data_dir, drafts, label, remove_stale
from bench.database import INGESTED_AT, write_build_record
from bench.timing import Stopwatch
from bot.models import ArticleDraft, SearchHit, SearchPage
from bot.models.query import Query
from bot.search import parse_query
from bot.store.index.compile import Compiler
from bot.store.index.schema import FIELD_WEIGHTS, NEWS, SOURCE, register_tokenizers
from bot.store.index.searching import marked

# Bump when the schema or the way the index is built changes (cached indexes are rebuilt).
PEER_VERSION = 2
# About FTS5's 24-token snippet (tantivy's default fragment size is also 150 characters).
SNIPPET_CHARS = 150
# tantivy's default writer: a 128 MB indexing budget, one thread per core (up to 8).
WRITER_HEAP = 128_000_000


def schema(*, stored_text: bool = True) -> tantivy.Schema:
    """The peer's fields; without `stored_text` only what ranking and filters need is kept,
    plus the publication day as a term (an index beside a database that holds the text)."""
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=True, indexed=True, fast=True)
    for name in FIELD_WEIGHTS:
        builder.add_text_field(name, stored=stored_text, tokenizer_name=NEWS)
    builder.add_text_field("source", stored=stored_text, tokenizer_name=SOURCE)
    builder.add_integer_field("published", stored=stored_text, indexed=True, fast=True)
    if stored_text:
        builder.add_bytes_field("url", stored=True)
    else:
        # The publication day as a term: option A reads windows of days through it.
        builder.add_integer_field("day", indexed=True)
    return builder.build()


def open_index(path: Path) -> tantivy.Index:
    """An index on disk with the peer's tokenizers registered (they are not saved with it)."""
    index = tantivy.Index.open(str(path))
    register_tokenizers(index)
    return index


def published_seconds(draft: ArticleDraft) -> int:
    """What Newsdesk sorts and filters by: the publication time, else the ingest time."""
    when = datetime.fromisoformat(draft.published_at or INGESTED_AT)
    return int(when.timestamp())


def document(article_id: int, draft: ArticleDraft, *, stored_text: bool = True) -> dict:
    """One article as the peer's document fields."""
    fields: dict[str, object] = {
        "id": article_id,
        "title": draft.title,
        "caption": draft.caption,
        "body": draft.body,
        "source": draft.source,
        "published": published_seconds(draft),
    }
    if stored_text:
        fields["url"] = (draft.url or "").encode()
    else:
        fields["day"] = fields["published"] // 86_400  # type: ignore[operator]
    return fields


def build(
    path: Path, articles: Iterable[ArticleDraft], *, stored_text: bool = True, first_id: int = 1
) -> int:
    """Index drafts (ids from `first_id` in order, as the database numbers them) in one bulk
    load, waiting for tantivy's merges; return how many."""
    path.mkdir(parents=True, exist_ok=True)
    peer_schema = schema(stored_text=stored_text)
    index = tantivy.Index(peer_schema, path=str(path))
    register_tokenizers(index)
    writer = index.writer(heap_size=WRITER_HEAP)
    count = 0
    for count, draft in enumerate(articles, start=1):
        fields = document(first_id + count - 1, draft, stored_text=stored_text)
        writer.add_document(tantivy.Document.from_dict(fields, peer_schema))
    writer.commit()
    writer.wait_merging_threads()
    return count


def index_path(size: int, *, stored_text: bool = True) -> Path:
    """Where the cached peer index of the `size` corpus lives (`-bare`: no stored text)."""
    kind = "" if stored_text else "-bare"
    return data_dir() / "tantivy" / f"{corpus_path(size).stem}-p{PEER_VERSION}{kind}"


def peer_index(size: int, *, quiet: bool = False, stored_text: bool = True) -> Path:
    """The cached peer index of the `size` corpus; built (and its build timed) on first use.
    Without `stored_text` it is the index a database keeps beside itself (no text stored)."""
    path = index_path(size, stored_text=stored_text)
    if (path / "meta.json").is_file():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    with (path.parent / f".build-{label(size)}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (path / "meta.json").is_file():
            current = {index_path(size, stored_text=kind).name for kind in (True, False)}
            remove_stale(  # another corpus or version
                stale
                for stale in path.parent.glob(f"news-{label(size)}-*")
                if stale.name.removesuffix(".build.json") not in current
            )
            _remove(path)
            cached_corpus(size, quiet=quiet)  # making the corpus is not part of the build
            partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
            with console.status(f"tantivy index {label(size)}"), Stopwatch() as watch:
                built = build(partial, drafts(size, quiet=True), stored_text=stored_text)
            if built != size:
                raise RuntimeError(f"building {partial} went wrong: {built} of {size} articles")
            partial.replace(path)
            write_build_record(path, size, watch)
    return path


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


def directory_bytes(path: Path) -> int:
    """Bytes of every file in an index directory."""
    return sum(f.stat().st_size for f in path.iterdir() if f.is_file())


@dataclass
class Peer:
    """A searcher over a peer index and the compiler from Newsdesk's queries to its own."""

    index: tantivy.Index

    def __post_init__(self) -> None:
        self.schema = self.index.schema
        self.searcher = self.index.searcher()
        self.compiler = Compiler(self.schema)

    @classmethod
    def open(cls, path: Path) -> Peer:
        """A peer over the index at `path`."""
        return cls(open_index(path))

    def compile(self, query: Query) -> Tq:
        """The tantivy query for a parsed Newsdesk query: the bot's compiler (bot/store/index/
        compile.py), entity filters already resolved."""
        return self.compiler.compile(query)

    def page(self, text: str, per_page: int = 10) -> SearchPage:
        """The first page for what the reader typed: BM25 top hits, exact total, snippets."""
        compiled = self.compile(parse_query(text))
        result = self.searcher.search(compiled, limit=per_page, count=True)
        hits = self.hits(compiled, result.hits)
        return SearchPage(query=text, hits=hits, total=result.count, page=1, per_page=per_page)

    def hits(self, compiled: Tq, ranked: Sequence[tuple[float, Any]]) -> list[SearchHit]:
        """Headline facts and snippets of ranked (score, address) pairs, in that order."""
        snippets = tantivy.SnippetGenerator.create(self.searcher, compiled, self.schema, "body")
        snippets.set_max_num_chars(SNIPPET_CHARS)
        hits = []
        for score, address in ranked:
            doc = self.searcher.doc(address)
            body = doc.get_first("body") or ""
            hits.append(
                SearchHit(
                    id=doc.get_first("id"),
                    title=doc.get_first("title"),
                    source=doc.get_first("source") or "",
                    url=(doc.get_first("url") or b"").decode() or None,
                    when=datetime.fromtimestamp(doc.get_first("published"), UTC).isoformat(),
                    snippet=marked(snippets.snippet_from_doc(doc), body),
                    score=score,
                )
            )
        return hits
