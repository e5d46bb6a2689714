"""SQL for SQLite's FTS5 indexes: which of a few hundred articles a query matches (feeds,
follows, mutes), title type-ahead, the words a prefix stands for and their counts. Ranked
search pages come from the search index (bot/store/index/, read through sqlite/indexed.py).
Mixed into `SqliteStore` via ArticleQueries.

A search arrives as a `Query` (bot/models/query.py) and is compiled here, once, to an FTS5
expression in which every word is a quoted string (a `title:` term with FTS5's column filter);
the expression is bound as a parameter. `author:` and `category:` terms are conditions on the
index's rowid (sqlite/labels.py). The indexes' rowid is the article's search key
(publication day * 2^28 + id, migration 006).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import aiosqlite

from bot.models.query import Query
from bot.models.text import fold
from bot.store.index.schema import FIELD_WEIGHTS
from bot.store.ranking import DAY_SPAN
from bot.store.sqlite.conditions import filter_conditions
from bot.store.sqlite.indexed import IndexReads
from bot.store.sqlite.labels import Keys, LabelQueries, fts_term, label_conditions
from bot.store.sqlite.readers import pooled

# bm25 weights for (title, caption, body), as the search index's boosts (the bench's FTS5
# baselines rank with them).
BM25_WEIGHTS = tuple(FIELD_WEIGHTS.values())
# Up to this many candidate articles (an entity's, a feed's) are looked up one by one in the
# index; more are filtered while scanning.
ID_LOOKUP_LIMIT = 2_000
# Remembered counts (valid until the next write to the database).
COUNT_CACHE_SIZE = 512
# Vocabulary rows read per round trip when a prefix's expansions are counted: each row reads
# that word's whole list of articles, so they are read a few at a time and the scan stops as
# soon as a cap is passed.
VOCAB_BATCH = 8
_ID_MASK = DAY_SPAN - 1


__all__ = ["SearchQueries", "forget_search_counts", "fts_term", "match_text"]


def match_text(query: Query) -> str:
    """The FTS5 MATCH expression for a query's full-text terms (label terms and filters are
    SQL conditions instead); '' when it has no wanted full-text term."""
    positive = " AND ".join(
        "(" + " OR ".join(fts_term(term) for term in group) + ")" for group in query.text_groups
    )
    if not positive:
        return ""
    negative = "".join(f" NOT {fts_term(term)}" for term in query.text_excluded)
    return f"({positive}){negative}" if negative else positive


@dataclass(frozen=True)
class _Index:
    """A full-text index keyed by search key, and its bm25 call."""

    table: str
    rank: str


# Everything searchable (titles alone, for type-ahead, are in articles_titles).
ARTICLES_INDEX = _Index(
    "articles_fts", f"bm25(articles_fts, {', '.join(str(w) for w in BM25_WEIGHTS)})"
)


@dataclass(frozen=True)
class _Plan:
    """One search as SQL: conditions the index answers alone, and those on the article row."""

    index: _Index
    query: Query
    match: str
    index_where: tuple[str, ...]
    index_params: tuple[object, ...]
    row_where: tuple[str, ...] = ()
    row_params: tuple[object, ...] = ()

    def sql(self, *, with_rows: bool = True) -> tuple[str, str, tuple[object, ...]]:
        """FROM, WHERE and parameters; `with_rows=False` drops the article-row conditions
        (a superset of the matches that costs no article lookups)."""
        table = self.index.table
        where = [f"{table} MATCH ?", *self.index_where]
        params: tuple[object, ...] = (self.match, *self.index_params)
        source = table
        if with_rows and self.row_where:
            # CROSS JOIN keeps the index as the outer loop: the planner otherwise walks every
            # article of a source and probes the index for each, 10x slower when it is common.
            source = f"{table} CROSS JOIN articles a ON a.search_key = {table}.rowid"
            where += self.row_where
            params += self.row_params
        return source, " AND ".join(where), params


def _plan(index: _Index, query: Query, keys: list[int] | None = None) -> _Plan:
    """The plan for a query; `keys` restricts it to those rows."""
    filters = query.filters
    table = index.table
    found = filter_conditions(filters, f"{table}.rowid")
    where, params = found.key_where, found.key_params
    if keys is not None:
        where.append(f"{table}.rowid IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(keys))
    elif filters.article_ids is not None:
        # The id is the key's low bits: no need to read the article to filter on it.
        where.append(f"({table}.rowid & {_ID_MASK}) IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(list(filters.article_ids)))
    # Labels are looked up by key too (no article row is read for them).
    at = Keys(f"{table}.rowid", f"({table}.rowid & {_ID_MASK})")
    labels, label_params = label_conditions(query, at)
    where += labels
    params += label_params
    return _Plan(
        index,
        query,
        match_text(query),
        tuple(where),
        tuple(params),
        tuple(found.row_where),
        tuple(found.row_params),
    )


def forget_search_counts(store: object) -> None:
    """Drop a store's remembered per-state counts, if it keeps any (benchmarks time searches
    cold). None are kept since a search's cost check sizes the archive from the search
    index's snapshot; words' counts (records/postings.py) stay, as they always did."""
    vars(store).pop("_search_counts", None)


class SearchQueries(IndexReads, LabelQueries):
    """Search statements; mixed into `SqliteStore` (through ArticleQueries), which owns `conn`."""

    conn: aiosqlite.Connection

    @pooled
    async def matching_ids(self, query: Query, article_ids: Sequence[int]) -> set[int]:
        query.filters.checked_resolved()
        found: set[int] = set()
        ids = list(dict.fromkeys(article_ids))
        for first in range(0, len(ids), ID_LOOKUP_LIMIT):
            keys = await self._search_keys(tuple(ids[first : first + ID_LOOKUP_LIMIT]))
            if not keys:
                continue
            if not query.text_groups:
                found.update(await self._labelled_ids(query, keys))
                continue
            source, where, params = _plan(ARTICLES_INDEX, query, keys).sql()
            table = ARTICLES_INDEX.table
            async with self.conn.execute(
                f"SELECT {table}.rowid FROM {source} WHERE {where}", params
            ) as cur:
                found.update(row[0] & _ID_MASK for row in await cur.fetchall())
        return found

    async def _search_keys(self, article_ids: tuple[int, ...]) -> list[int]:
        """The index keys of these articles (ids that don't exist are skipped)."""
        async with self.conn.execute(
            "SELECT search_key FROM articles WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(article_ids)),),
        ) as cur:
            return [row[0] for row in await cur.fetchall()]

    @pooled
    async def titles_matching(self, words: Query | None, limit: int = 25) -> list[tuple[int, str]]:
        # Reading the small titles index newest first touches `limit` rows however short the
        # prefix.
        if words is None:
            sql = (
                "SELECT id, title FROM articles"
                " ORDER BY coalesce(published_at, ingested_at) DESC, id DESC LIMIT ?"
            )
            params: tuple[object, ...] = (limit,)
        else:
            sql = (
                "SELECT a.id, a.title FROM articles_titles"
                " CROSS JOIN articles a ON a.search_key = articles_titles.rowid"
                " WHERE articles_titles MATCH ? ORDER BY articles_titles.rowid DESC LIMIT ?"
            )
            params = (match_text(words), limit)
        async with self.conn.execute(sql, params) as cur:
            return [(row[0], row[1]) for row in await cur.fetchall()]

    @pooled
    async def terms_starting(
        self, stem: str, limit: int = 200, *, max_postings: int | None = None
    ) -> list[tuple[str, int]]:
        # fts5vocab counts each word's articles by reading its whole list: the words are read
        # a few at a time, so a cap on postings stops early. Each batch is read in one call:
        # a write to the index between a vocabulary cursor's steps aborts it ("query
        # aborted"), and the feed poller writes through this same connection.
        folded = fold(stem)
        found: list[tuple[str, int]] = []
        postings = 0
        low, above = folded, ">="
        while len(found) < limit:
            batch = await self.conn.execute_fetchall(
                f"SELECT term, doc FROM articles_vocab WHERE term {above} ? AND term < ? LIMIT ?",
                (low, folded + "\U0010ffff", min(VOCAB_BATCH, limit - len(found))),
            )
            rows = [(row[0], row[1]) for row in batch]
            for term, docs in rows:
                found.append((term, docs))
                postings += docs
                if max_postings is not None and postings > max_postings:
                    return found
            if len(rows) < VOCAB_BATCH:
                break
            low, above = rows[-1][0], ">"
        return found
