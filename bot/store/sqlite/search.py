"""SQL for full-text search: newest-first ranking with early stop, snippets for one page only,
counts that cost what they must, and title type-ahead. Mixed into `SqliteStore` via
ArticleQueries.

A search arrives as a `Query` (bot/models/query.py) and is compiled here, once, to an FTS5
expression in which every word is a quoted string (a `title:` term with FTS5's column filter);
the expression is bound as a parameter. `author:` and `category:` terms are conditions on the
index's rowid (sqlite/labels.py), and a search of those alone is read newest first there.

The indexes' rowid is the article's search key (publication day * 2^28 + id, migration 006);
bot/store/ranking.py has the ranking and why the early stop returns the exact top k.
"""

from __future__ import annotations

import json
import sqlite3
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from math import log
from weakref import WeakKeyDictionary

import aiosqlite

from bot.models import COUNT_CAP, SNIPPET_BODY_CHARS, SNIPPET_END, SNIPPET_START, SearchHit
from bot.models.query import Query, Reach, Term
from bot.models.text import fold
from bot.store.ranking import (
    DAY_SHIFT,
    DAY_SPAN,
    PER_DAY,
    TopArticles,
    ceiling_at,
    day_of,
    idf_ceiling,
)
from bot.store.records.articles import hit_from_row, lead_snippet
from bot.store.records.postings import PostingsCache
from bot.store.sqlite.conditions import filter_conditions
from bot.store.sqlite.labels import Keys, LabelQueries, fts_term, label_conditions
from bot.store.sqlite.readers import pooled

# bm25 weights for (title, caption, body): a word in the headline counts ten times one in the body.
BM25_WEIGHTS = (10.0, 2.0, 1.0)
_SNIPPET = f"snippet(articles_fts, 2, '{SNIPPET_START}', '{SNIPPET_END}', '…', 24)"
# Matches read per round trip of the newest-first scan; one round ends most searches.
SCAN_BATCH = 256
# After this many matches without settling, count each phrase exactly for a tighter bound.
EXACT_BOUND_AFTER = 1_024
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


@dataclass
class _Counts:
    """Counts remembered for one state of the database."""

    generation: tuple[int, int] = (-1, -1)
    rows_at_most: int = 0
    entries: OrderedDict[tuple[object, ...], int] = field(default_factory=OrderedDict)


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


def _snippet(row: aiosqlite.Row) -> str:
    """The hit's snippet: FTS5's around the matched words, or the lead of a body too long for
    one (SNIPPET_BODY_CHARS)."""
    snip: str | None = row["snip"]
    return lead_snippet(row["lead"]) if snip is None else snip


def forget_search_counts(store: object) -> None:
    """Drop a store's remembered counts (they go by themselves on any write; benchmarks time
    searches cold). A function, not a method: the PostgreSQL store has no such cache."""
    vars(store).pop("_search_counts", None)


class SearchQueries(LabelQueries):
    """Search statements; mixed into `SqliteStore` (through ArticleQueries), which owns `conn`."""

    conn: aiosqlite.Connection

    @pooled
    async def search_articles(
        self, query: Query, limit: int, offset: int
    ) -> tuple[list[SearchHit], int]:
        # The FTS5 expression is bound, never interpolated; only a search filtered by source
        # counts to COUNT_CAP at most. Entity names must be resolved (ValueError otherwise).
        filters = query.filters.checked_resolved()
        if filters.article_ids is not None and not filters.article_ids:
            return [], 0
        keys = None
        if filters.article_ids is not None and len(filters.article_ids) <= ID_LOOKUP_LIMIT:
            keys = await self._search_keys(filters.article_ids)
        if not query.text_groups:
            return await self._labelled(query, keys, limit, offset)
        plan = _plan(ARTICLES_INDEX, query, keys)
        ranked, total = await self._ranked(plan, offset + limit)
        hits = await self._hits(plan.match, ranked[offset : offset + limit])
        if total is None:
            total = await self._count(plan, cap=COUNT_CAP)
        return hits, total

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

    async def _ranked(
        self, plan: _Plan, want: int
    ) -> tuple[Sequence[tuple[int, float]], int | None]:
        """The best `want` (search key, relevance) of a plan, best first, read newest first
        until the rest cannot compete; and the number of matches if the scan read them all."""
        top = TopArticles(max(want, 1))
        seen = 0
        idfs: list[float] | None = None
        exact = False
        source, where, params = plan.sql()
        table = plan.index.table
        async with self.conn.execute(
            f"SELECT {table}.rowid, {plan.index.rank} FROM {source} WHERE {where}"
            f" ORDER BY {table}.rowid DESC",
            params,
        ) as cursor:
            while True:
                rows = list(await cursor.fetchmany(SCAN_BATCH))
                floor = top.floor
                for key, score in rows:
                    # Inline ranking_key: most matches of a long scan fall below the floor.
                    relevance = -score  # bm25() is lower-is-better
                    rank = log(max(relevance, 1e-300)) + (key >> DAY_SHIFT) * PER_DAY
                    if rank >= floor:
                        top.push(rank, key, relevance)
                        floor = top.floor
                seen += len(rows)
                if len(rows) < SCAN_BATCH:
                    return top.best(), seen
                if idfs is None or (not exact and seen >= EXACT_BOUND_AFTER):
                    # Only searches that did not end in the first round pay for a bound; a
                    # cheap one first, exact phrase counts if that one keeps the scan going.
                    exact = idfs is not None
                    idfs = await self._idf_ceilings(plan, exact=exact)
                if top.settled(ceiling_at(idfs, day_of(rows[-1][0]))):
                    return top.best(), None

    async def _idf_ceilings(self, plan: _Plan, *, exact: bool) -> list[float]:
        """Upper bounds on FTS5's idf for each wanted term of the query (bm25 scores every
        occurrence; excluded terms are in no match, so they add nothing to a score).

        A term without alternatives is in every match, so in at least as many rows as the
        whole query matches: that one count (also the total, mostly) bounds them all. Terms
        of OR groups, or every term when `exact`, are counted on their own."""
        counts = await self._counts()
        required = () if exact else plan.query.required
        matches = await self._count(plan, with_rows=False) if required else 0
        table = plan.index.table
        ceilings = []
        for term in plan.query.terms:
            if term in required:
                hits = matches
            else:
                phrase = fts_term(term)
                hits = await self._cached_count(
                    counts,
                    (table, phrase),
                    f"SELECT count(*) FROM {table} WHERE {table} MATCH ?",
                    (phrase,),
                )
            ceilings.append(idf_ceiling(counts.rows_at_most, hits))
        return ceilings

    async def _count(self, plan: _Plan, *, with_rows: bool = True, cap: int | None = None) -> int:
        """How many articles match the plan (article-row conditions counted up to `cap`)."""
        counts = await self._counts()
        source, where, params = plan.sql(with_rows=with_rows)
        if with_rows and plan.row_where and cap is not None:
            sql = f"SELECT count(*) FROM (SELECT 1 FROM {source} WHERE {where} LIMIT {cap})"
        else:
            sql = f"SELECT count(*) FROM {source} WHERE {where}"
        return await self._cached_count(counts, (sql, *params), sql, params)

    async def _counts(self) -> _Counts:
        """The count cache, emptied whenever the database changed since it was filled."""
        # One cache per connection: data_version numbers are only comparable on one.
        caches: WeakKeyDictionary[aiosqlite.Connection, _Counts] = self.__dict__.setdefault(
            "_search_counts", WeakKeyDictionary()
        )
        counts = caches.setdefault(self.conn, _Counts())
        async with self.conn.execute("PRAGMA data_version") as cur:
            row = await cur.fetchone()
        # data_version moves on other connections' commits, total_changes on this one's.
        generation = (row[0] if row else 0, self.conn.total_changes)
        if generation != counts.generation:
            counts.generation = generation
            counts.entries.clear()
            async with self.conn.execute("SELECT coalesce(max(id), 0) FROM articles") as cur:
                top = await cur.fetchone()
            # Ids are distinct positive integers, so the largest bounds the number of rows.
            counts.rows_at_most = top[0] if top else 0
        return counts

    async def _cached_count(
        self, counts: _Counts, key: tuple[object, ...], sql: str, params: tuple[object, ...]
    ) -> int:
        if key in counts.entries:
            counts.entries.move_to_end(key)
            return counts.entries[key]
        try:
            async with self.conn.execute(sql, params) as cur:
                row = await cur.fetchone()
            value = row[0] if row else 0
        except sqlite3.OperationalError:
            value = 0  # a phrase FTS5 cannot run alone counts as absent: the bound only loosens
        counts.entries[key] = value
        if len(counts.entries) > COUNT_CACHE_SIZE:
            counts.entries.popitem(last=False)
        return value

    async def _word_postings(self, word: str, cap: int | None = None) -> int:
        """How many articles hold `word`, up to `cap` (remembered: records/postings.py)."""
        rows = (await self._counts()).rows_at_most
        known: PostingsCache = self.__dict__.setdefault("_postings", PostingsCache())
        count = known.get(word, rows, cap)
        if count is not None:
            return count
        sql = "SELECT 1 FROM articles_fts WHERE articles_fts MATCH ?"
        params: tuple[object, ...] = (fts_term(Term((word,))),)
        if cap is not None:
            sql, params = f"{sql} LIMIT ?", (*params, cap)
        async with self.conn.execute(f"SELECT count(*) FROM ({sql})", params) as cur:
            row = await cur.fetchone()
        return known.put(word, rows, cap, int(row[0]) if row else 0)

    async def _search_keys(self, article_ids: tuple[int, ...]) -> list[int]:
        """The index keys of these articles (ids that don't exist are skipped)."""
        async with self.conn.execute(
            "SELECT search_key FROM articles WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(article_ids)),),
        ) as cur:
            return [row[0] for row in await cur.fetchall()]

    async def _hits(self, match: str, best: Sequence[tuple[int, float]]) -> list[SearchHit]:
        """Headline facts and snippets for one page of ranked keys, in that order."""
        if not best:
            return []
        async with self.conn.execute(
            "SELECT articles_fts.rowid AS k, a.id, a.title, a.source, a.url,"
            " coalesce(a.published_at, a.ingested_at) AS at,"
            # CASE is lazy: snippet() never reads a body past the bound; its lead is shown.
            f" CASE WHEN length(a.body) > {SNIPPET_BODY_CHARS} THEN NULL ELSE {_SNIPPET} END"
            " AS snip, substr(a.body, 1, 400) AS lead"
            " FROM articles_fts CROSS JOIN articles a ON a.search_key = articles_fts.rowid"
            " WHERE articles_fts MATCH ? AND articles_fts.rowid IN"
            " (SELECT value FROM json_each(?))",
            (match, json.dumps([key for key, _ in best])),
        ) as cur:
            rows = {row["k"]: row for row in await cur.fetchall()}
        return [
            hit_from_row(rows[key], _snippet(rows[key]), relevance)
            for key, relevance in best
            if key in rows
        ]

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

    @pooled
    async def term_reach(self, term: Term, *, max_lists: int, max_postings: int) -> Reach:
        # A word's articles are counted through the index (a cheaper read than the vocabulary
        # table, which also counts positions), up to the cap, and remembered until the next
        # write; a prefix's through the vocabulary, a few words at a time.
        lists = postings = 0
        words = term.words[:-1] if term.prefix else term.words
        for word in words:
            lists += 1
            postings += await self._word_postings(fold(word), max_postings - postings + 1)
            if postings > max_postings:
                return Reach(lists, postings)
        if term.prefix and lists <= max_lists:
            expansions = await self.terms_starting(
                term.words[-1],
                limit=max_lists - lists + 1,
                max_postings=max_postings - postings,
            )
            lists += len(expansions)
            postings += sum(docs for _, docs in expansions)
        return Reach(lists, postings)
