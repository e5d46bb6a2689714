"""Option A of docs/search.md as the bench measures it: tantivy as Newsdesk's search index
beside the database, ranking every search by the documented rule

    key = ln(tantivy BM25, fields boosted 10/2/1) + day × ln 2 / 30

The ranking itself is the bot's (bot/store/index/ranking.py: one call fetches the best
FIRST_FETCH matches, totals counted to COUNT_CAP, then windows of days newest first until
nothing left can get in); here it runs over a bench peer index (bench/peer.py) so its options
(window width, first fetch, growing windows) can be measured and tested, and `hybrid_page` makes the
page as a bot would: exact top k from the index, rows from the database, snippets from
tantivy over the stored body.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import tantivy
from tantivy import Query as Tq

from bench.peer import SNIPPET_CHARS, Peer
from bot.models import SearchHit, SearchPage
from bot.search import parse_query
from bot.store import Store
from bot.store.index.compile import filter_days
from bot.store.index.ranking import FIRST_FETCH, WINDOW_DAYS, Ranked, Ranker
from bot.store.index.searching import marked

__all__ = ["FIRST_FETCH", "WINDOW_DAYS", "RecencyIndex", "filter_days", "hybrid_page"]


@dataclass
class RecencyIndex:
    """The bot's exact relevance × recency top k over a peer's index and compiler."""

    peer: Peer
    window_days: int = WINDOW_DAYS
    first_fetch: int = FIRST_FETCH
    growing: bool = True

    def __post_init__(self) -> None:
        self.ranker = Ranker.over(
            self.peer.searcher,
            self.peer.schema,
            window_days=self.window_days,
            first_fetch=self.first_fetch,
            growing=self.growing,
        )

    def top(
        self, compiled: Tq, k: int, *, days: tuple[int, int] | None = None
    ) -> tuple[list[Ranked], int, int]:
        """The best k matches by the rule, the number of matches, the tantivy calls."""
        return self.ranker.top(compiled, k, days=days)

    def every_match_top(self, compiled: Tq, k: int) -> list[Ranked]:
        """The reference: every match ranked by the rule, best k first."""
        return self.ranker.every_match_top(compiled, k)

    def ids(self, ranked: Sequence[Ranked]) -> list[int]:
        """Article ids of ranked matches."""
        return self.ranker.ids(ranked)


async def hybrid_page(
    store: Store, index: RecencyIndex, text: str, per_page: int = 10
) -> SearchPage:
    """A page as a bot with the index beside its database would make it: exact top k from the
    index, the rows from the database, snippets from tantivy over the stored body."""
    query = parse_query(text)
    ranked, total, _ = index.top(index.peer.compile(query), per_page, days=filter_days(query))
    compiled = index.peer.compile(query)
    ids = index.ids(ranked)
    # Prototype only: the bot's version of this lookup would be a store method.
    rows = await store.conn.execute_fetchall(
        "SELECT id, title, source, url, coalesce(published_at, ingested_at) AS at, body"
        " FROM articles WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(ids),),
    )
    by_id = {row["id"]: row for row in rows}
    snippets = tantivy.SnippetGenerator.create(
        index.peer.searcher, compiled, index.peer.schema, "body"
    )
    snippets.set_max_num_chars(SNIPPET_CHARS)
    hits = []
    for article, entry in zip(ids, ranked, strict=True):
        row = by_id.get(article)
        if row is None:
            continue  # deleted since the index was read: the index catches up
        snippet = snippets.snippet_from_doc(tantivy.Document(body=row["body"]))
        hits.append(
            SearchHit(
                id=article,
                title=row["title"],
                source=row["source"],
                url=row["url"],
                when=row["at"],
                snippet=marked(snippet, row["body"]),
                score=entry.score,
            )
        )
    return SearchPage(query=text, hits=hits, total=total, page=1, per_page=per_page)
