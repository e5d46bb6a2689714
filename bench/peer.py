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
from tantivy import Occur
from tantivy import Query as Tq

from bench.corpus import cached_corpus, console, corpus_path, data_dir, drafts, label
from bench.database import INGESTED_AT, write_build_record
from bench.timing import Stopwatch
from bot.models import SNIPPET_END, SNIPPET_START, ArticleDraft, SearchHit, SearchPage
from bot.models.query import Query, Term
from bot.search import parse_query
from bot.store.sqlite.search import BM25_WEIGHTS

# Bump when the schema or the way the index is built changes (cached indexes are rebuilt).
PEER_VERSION = 2
FIELD_WEIGHTS = dict(zip(("title", "caption", "body"), BM25_WEIGHTS, strict=True))
# About FTS5's 24-token snippet (tantivy's default fragment size is also 150 characters).
SNIPPET_CHARS = 150
# tantivy's default writer: a 128 MB indexing budget, one thread per core (up to 8).
WRITER_HEAP = 128_000_000
NEWS = "news"
SOURCE = "source_key"


def news_analyzer() -> tantivy.TextAnalyzer:
    """Words as FTS5's unicode61 tokenizer with remove_diacritics sees them."""
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .build()
    )


def source_analyzer() -> tantivy.TextAnalyzer:
    """A source name as one token, case folded (Newsdesk compares sources with NOCASE)."""
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.raw())
        .filter(tantivy.Filter.lowercase())
        .build()
    )


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


def register_tokenizers(index: tantivy.Index) -> None:
    """Make the peer's analyzers known to an index (needed each time one is opened)."""
    index.register_tokenizer(NEWS, news_analyzer())
    index.register_tokenizer(SOURCE, source_analyzer())


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
            for stale in path.parent.glob(f"news-{label(size)}-*"):
                if stale.name.removesuffix(".build.json") not in current:
                    _remove(stale)  # another corpus or version: never read again, and large
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


def _seconds(iso: str) -> int:
    """Seconds since the epoch of an ISO date (midnight UTC) or datetime."""
    when = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return int((when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp())


@dataclass
class Peer:
    """A searcher over a peer index and the compiler from Newsdesk's queries to its own."""

    index: tantivy.Index

    def __post_init__(self) -> None:
        self.schema = self.index.schema
        self.searcher = self.index.searcher()
        self.analyzer = news_analyzer()

    @classmethod
    def open(cls, path: Path) -> Peer:
        """A peer over the index at `path`."""
        return cls(open_index(path))

    def _field_query(self, term: Term, field: str) -> Tq | None:
        tokens = [token for word in term.words for token in self.analyzer.analyze(word)]
        if not tokens:
            return None
        if term.prefix:
            # One token: every indexed word starting with it (tantivy scores it as a constant,
            # as its own query parser does); more: a phrase whose last word is a prefix.
            return Tq.phrase_prefix_query(self.schema, field, tokens)
        if len(tokens) == 1:
            return Tq.term_query(self.schema, field, tokens[0])
        return Tq.phrase_query(self.schema, field, tokens)

    def term_query(self, term: Term) -> Tq | None:
        """A word, phrase or prefix in any searched field, each field's score boosted."""
        parts = []
        for field, weight in FIELD_WEIGHTS.items():
            query = self._field_query(term, field)
            if query is not None:
                parts.append((Occur.Should, Tq.boost_query(query, weight)))
        return Tq.boolean_query(parts) if parts else None

    def filters(self, query: Query) -> list[tuple[Occur, Tq]]:
        """Source, date and article filters as clauses that must match and add no score."""
        wanted = query.filters
        clauses = []
        if wanted.sources:
            sources = [
                (Occur.Should, Tq.term_query(self.schema, "source", s.lower()))
                for s in wanted.sources
            ]
            clauses.append(Tq.boolean_query(sources))
        if wanted.after or wanted.before:
            clauses.append(
                Tq.range_query(
                    self.schema,
                    "published",
                    tantivy.FieldType.Integer,
                    _seconds(wanted.after) if wanted.after else -(2**62),
                    _seconds(wanted.before) if wanted.before else 2**62,
                    include_lower=True,
                    include_upper=False,
                )
            )
        if wanted.article_ids is not None:
            clauses.append(Tq.term_set_query(self.schema, "id", list(wanted.article_ids)))
        return [(Occur.Must, Tq.const_score_query(c, 0.0)) for c in clauses]

    def compile(self, query: Query) -> Tq:
        """The tantivy query for a parsed Newsdesk query (entity filters already resolved)."""
        query.filters.checked_resolved()  # entity names must be article ids by now
        clauses: list[tuple[Occur, Tq]] = []
        for group in query.groups:
            options = [q for q in map(self.term_query, group) if q is not None]
            if options:
                alternatives = [(Occur.Should, q) for q in options]
                clauses.append((Occur.Must, Tq.boolean_query(alternatives)))
        if not clauses:
            return Tq.empty_query()
        for term in query.excluded:
            excluded = self.term_query(term)
            if excluded is not None:
                clauses.append((Occur.MustNot, excluded))
        return Tq.boolean_query(clauses + self.filters(query))

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


def marked(snippet: tantivy.Snippet, body: str) -> str:
    """A snippet in the project's form: matches between the markers, '…' where it was cut; the
    body's opening when no word of the query is in it (like FTS5's snippet())."""
    fragment = snippet.fragment()
    if not fragment:
        return body[:SNIPPET_CHARS] + ("…" if len(body) > SNIPPET_CHARS else "")
    raw = fragment.encode()
    out: list[bytes] = []
    at = 0
    for span in snippet.highlighted():  # byte offsets into the fragment
        out += [raw[at : span.start], SNIPPET_START.encode(), raw[span.start : span.end]]
        out.append(SNIPPET_END.encode())
        at = span.end
    out.append(raw[at:])
    text = b"".join(out).decode()
    head = "" if body.startswith(fragment) else "…"
    tail = "" if body.endswith(fragment) else "…"
    return head + text + tail
