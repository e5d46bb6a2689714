"""PostgreSQL SQL for articles, their tsvector search, guild settings and app state."""

from __future__ import annotations

from collections.abc import Sequence

from bot.models import (
    SNIPPET_END,
    SNIPPET_START,
    Article,
    ArticleDraft,
)
from bot.models.query import Query, Term
from bot.models.text import fold
from bot.store.postgres.base import PgBase
from bot.store.postgres.indexed import PgIndexReads
from bot.store.postgres.labels import excluded_text_condition, label_conditions
from bot.store.postgres.tsquery import (
    required_phrase_texts,
    title_tsquery_text,
    to_tsquery_text,
    tsquery_term,
)
from bot.store.records.articles import (
    ARTICLE_COLUMNS,
    ARTICLE_PART_COLUMNS,
    Outcome,
    Stored,
    article_from_row,
    article_values,
    stats_from_row,
)
from bot.store.records.postings import PostingsCache

# ts_rank_cd weights for {D, C, B, A} = {-, body, caption, title}: the 10 : 2 : 1 of SQLite's bm25.
RANK_WEIGHTS = [0.0, 0.1, 0.2, 1.0]
# Rank normalisation 1: divide by 1 + log(length), so a long article that repeats a word
# does not bury a short one about it (what bm25's length normalisation does in SQLite).
RANK_NORMALISATION = 1
# ts_headline options: about as long as SQLite's 24-token snippet, the same markers.
HEADLINE_OPTIONS = (
    f"StartSel={SNIPPET_START}, StopSel={SNIPPET_END}, MaxWords=24, MinWords=12, ShortWord=2"
)
_TOP = "\U0010ffff"
# How many of the newest matches (and of the newest with a wanted word in the headline) are
# ranked: ranking reads each one's whole vector, so this bounds a search's cost however
# common its words are.
SHORTLIST = 100
PUBLISHED = "coalesce(a.published_at, a.ingested_at)"


class PgArticleQueries(PgIndexReads, PgBase):
    """Article, search, guild-setting and app-state statements for `PostgresStore`."""

    async def store_articles(self, drafts: Sequence[ArticleDraft], now: str) -> list[Stored]:
        # Rows go one by one here: the server is a network hop away, but the batch is one
        # transaction.
        return [await self.store_article(draft, now) for draft in drafts]

    async def store_article(self, draft: ArticleDraft, now: str) -> Stored:
        digest = draft.content_hash
        same_origin = await self._fetchrow(
            "SELECT id, content_hash FROM articles WHERE origin = $1", draft.origin
        )
        if same_origin and same_origin["content_hash"] == digest:
            return Stored(Outcome.UNCHANGED, same_origin["id"])
        same_text = await self._fetchval("SELECT id FROM articles WHERE content_hash = $1", digest)
        if same_text is not None:
            return Stored(Outcome.DUPLICATE, same_text)
        values = article_values(draft, now)
        if same_origin:
            await self._execute(
                "UPDATE articles SET url = $1, content_hash = $2, title = $3, caption = $4,"
                " body = $5, source = $6, desk = $7, dateline = $8, author = $9,"
                " published_at = $10, updated_at = $11, metadata = $12, categories = $13"
                " WHERE id = $14",
                *values,
                same_origin["id"],
            )
            await self._index_words(same_origin["id"])
            return Stored(Outcome.UPDATED, same_origin["id"])
        article_id = await self._fetchval(
            "INSERT INTO articles (url, content_hash, title, caption, body, source, desk,"
            " dateline, author, published_at, updated_at, metadata, categories, origin,"
            " ingested_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
            " ON CONFLICT DO NOTHING RETURNING id",
            *values,
            draft.origin,
            now,
        )
        if article_id is None:
            # Another process stored this URL or text since we looked (two bots polling
            # feeds that share a story): its row stands; look again to say how ours relates.
            return await self.store_article(draft, now)
        await self._index_words(article_id)
        return Stored(Outcome.ADDED, article_id)

    async def rebuild_search_terms(self) -> int:
        """Rebuild the whole vocabulary from the index (after a bulk copy); return its size."""
        await self._execute(
            "INSERT INTO search_terms (term) SELECT DISTINCT w FROM articles,"
            " unnest(tsvector_to_array(search)) AS w ORDER BY w ON CONFLICT DO NOTHING"
        )
        return await self._fetch_count("SELECT count(*) FROM search_terms")

    async def article(self, article_id: int) -> Article | None:
        row = await self._fetchrow(
            f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = $1", article_id
        )
        return article_from_row(row) if row else None

    async def article_part(
        self, article_id: int, start: int, length: int
    ) -> tuple[Article, int] | None:
        columns = ARTICLE_PART_COLUMNS.format(start="$1::int", length="$2::int")
        row = await self._fetchrow(
            f"SELECT {columns} FROM articles WHERE id = $3",
            max(start, 0) + 1,
            max(length, 0),
            article_id,
        )
        return (article_from_row(row), row["body_chars"]) if row else None

    async def articles(self, ids: Sequence[int], *, body_chars: int | None = None) -> list[Article]:
        if not ids:
            return []
        columns = ARTICLE_COLUMNS
        if body_chars is not None:
            columns = ARTICLE_PART_COLUMNS.format(start=1, length=max(int(body_chars), 0))
        rows = await self._fetch(
            f"SELECT {columns} FROM articles WHERE id = ANY($1::bigint[])", list(ids)
        )
        found = {row["id"]: article_from_row(row) for row in rows}
        return [found[i] for i in ids if i in found]

    async def articles_since(self, since: str, limit: int = 500) -> list[Article]:
        rows = await self._fetch(
            f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE updated_at >= $1"
            " ORDER BY updated_at DESC, id DESC LIMIT $2",
            since,
            limit,
        )
        return [article_from_row(row) for row in rows]

    async def latest_articles(self, limit: int = 10) -> list[Article]:
        rows = await self._fetch(
            f"SELECT {ARTICLE_COLUMNS} FROM articles"
            " ORDER BY coalesce(published_at, ingested_at) DESC, id DESC LIMIT $1",
            limit,
        )
        return [article_from_row(row) for row in rows]

    async def count_articles(self) -> int:
        return await self._fetch_count("SELECT count(*) FROM articles")

    async def count_articles_since(self, since: str, cap: int) -> int:
        return await self._fetch_count(
            f"SELECT count(*) FROM (SELECT 1 FROM articles a WHERE {PUBLISHED} >= $1 LIMIT $2) m",
            since,
            cap,
        )

    async def article_stats(self) -> dict[str, object]:
        row = await self._fetchrow(
            "SELECT count(*) AS n, count(DISTINCT nullif(source, '')) AS sources,"
            " min(coalesce(published_at, ingested_at)) AS first,"
            " max(coalesce(published_at, ingested_at)) AS last,"
            " pg_database_size(current_database()) AS bytes FROM articles"
        )
        assert row is not None
        return stats_from_row(row, row["bytes"])

    async def matching_ids(self, query: Query, article_ids: Sequence[int]) -> set[int]:
        query.filters.checked_resolved()
        where, params = _conditions(query.within(article_ids))
        # A search of labels alone has no tsquery: `q` is named only when it has words.
        tables = (
            "articles a, to_tsquery('newsdesk', $1) AS q" if query.text_groups else "articles a"
        )
        async with self._indexed_reads() as conn:
            rows = await conn.fetch(
                f"SELECT a.id FROM {tables} WHERE {' AND '.join(where)}", *params
            )
        return {row[0] for row in rows}

    async def titles_matching(self, words: Query | None, limit: int = 25) -> list[tuple[int, str]]:
        # The stored headline vector is small and read in place; ranking matches through the
        # article's whole vector took 0.5 s at 100k.
        if words is None:
            rows = await self._fetch(
                f"SELECT a.id, a.title FROM articles a ORDER BY {PUBLISHED} DESC, a.id DESC"
                " LIMIT $1",
                limit,
            )
        else:
            async with self._indexed_reads() as conn:
                rows = await conn.fetch(
                    "SELECT a.id, a.title FROM articles a, to_tsquery('newsdesk', $1) AS q"
                    f" WHERE a.title_search @@ q ORDER BY {PUBLISHED} DESC, a.id DESC LIMIT $2",
                    to_tsquery_text(words),
                    limit,
                )
        return [(row[0], row[1]) for row in rows]

    async def terms_starting(
        self, stem: str, limit: int = 200, *, max_postings: int | None = None
    ) -> list[tuple[str, int]]:
        # The vocabulary lists the words; each one's articles are counted through the GIN
        # index, one word at a time, so a cap on postings stops the counting early.
        folded = fold(stem)
        terms = await self._fetch(
            "SELECT term FROM search_terms WHERE term >= $1 AND term < $2 ORDER BY term LIMIT $3",
            folded,
            folded + _TOP,
            limit,
        )
        found: list[tuple[str, int]] = []
        postings = 0
        for (term,) in terms:
            left = None if max_postings is None else max_postings - postings + 1
            docs = await self._word_postings(term, left)
            if docs:
                found.append((term, docs))
                postings += docs
            if max_postings is not None and postings > max_postings:
                break
        return found

    async def _word_postings(self, word: str, cap: int | None = None) -> int:
        """How many articles hold `word` (as the index folds it), up to `cap` (remembered:
        records/postings.py)."""
        rows = self.searchable_articles()
        known: PostingsCache = self.__dict__.setdefault("_postings", PostingsCache())
        count = known.get(word, rows, cap)
        if count is not None:
            return count
        limit = "" if cap is None else f" LIMIT {int(cap)}"
        async with self._indexed_reads() as conn:
            count = await conn.fetchval(
                "SELECT count(*) FROM (SELECT 1 FROM articles"
                f" WHERE search @@ to_tsquery('simple', $1){limit}) m",
                tsquery_term(Term((word,))),
            )
        return known.put(word, rows, cap, int(count))

    async def guild_setting(self, guild_id: int, key: str) -> str | None:
        return await self._fetch_text(
            "SELECT value FROM guild_settings WHERE guild_id = $1 AND key = $2", guild_id, key
        )

    async def set_guild_setting(self, guild_id: int, key: str, value: str | None) -> None:
        if value is None:
            await self._execute(
                "DELETE FROM guild_settings WHERE guild_id = $1 AND key = $2", guild_id, key
            )
        else:
            await self._execute(
                "INSERT INTO guild_settings (guild_id, key, value) VALUES ($1, $2, $3)"
                " ON CONFLICT (guild_id, key) DO UPDATE SET value = excluded.value",
                guild_id,
                key,
                value,
            )

    async def app_value(self, key: str) -> str | None:
        return await self._fetch_text("SELECT value FROM app_state WHERE key = $1", key)

    async def set_app_value(self, key: str, value: str, now: str) -> None:
        await self._execute(
            "INSERT INTO app_state (key, value, updated_at) VALUES ($1, $2, $3)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value,"
            " updated_at = excluded.updated_at",
            key,
            value,
            now,
        )

    async def check_integrity(self) -> list[str]:
        # What PostgreSQL can see cheaply: invalid indexes, articles without a vector.
        problems = [
            f"index {row[0]} is invalid"
            for row in await self._fetch(
                "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                " WHERE NOT i.indisvalid"
            )
        ]
        missing = await self._fetchval("SELECT count(*) FROM articles WHERE search IS NULL")
        if missing:
            problems.append(f"{missing} articles have no search vector")
        return problems


def _conditions(query: Query) -> tuple[list[str], list[object]]:
    """A search's WHERE conditions over `articles a` and, when it has words, the tsquery `q`
    (which is then $1), and their parameters: the words, the headline's words, the filters,
    the word pairs of its required phrases and its labels."""
    filters = query.filters
    texts = bool(query.text_groups)
    where = ["a.search @@ q"] if texts else []
    params: list[object] = [to_tsquery_text(query)] if texts else []
    if not texts:
        where += excluded_text_condition(query, params)
    if headline := title_tsquery_text(query):
        # The headline's index narrows first: `title:` words are often common in bodies,
        # and checking a word's weight in `search` reads each candidate's whole vector.
        params.append(headline)
        where.insert(0, f"a.title_search @@ to_tsquery('newsdesk', ${len(params)})")
    if filters.sources:
        params.append([s.lower() for s in filters.sources])
        where.append(f"lower(a.source) = ANY(${len(params)}::text[])")
    if filters.after:
        params.append(filters.after)
        where.append(f"coalesce(a.published_at, a.ingested_at) >= ${len(params)}")
    if filters.before:
        params.append(filters.before)
        where.append(f"coalesce(a.published_at, a.ingested_at) < ${len(params)}")
    if filters.article_ids is not None:
        params.append(list(filters.article_ids))
        where.append(f"a.id = ANY(${len(params)}::bigint[])")
    for phrase in required_phrase_texts(query):
        # Only articles holding the phrase's word pairs are rechecked for the phrase.
        params.append(phrase)
        words = f"newsdesk_words(${len(params)})"
        where.append(f"a.pairs @> newsdesk_pairs(to_tsvector('newsdesk', {words}))")
    where += label_conditions(query, params)
    return where, params
