"""What the store does with articles: store drafts, read them back, corpus figures."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.models import Article, ArticleDraft
from bot.store.records.articles import Stored


class ArticleStore(Protocol):
    """Storing and reading articles."""

    async def store_article(self, draft: ArticleDraft, now: str) -> Stored:
        """Insert or update one article (its search index follows); call inside a transaction.
        A draft whose origin is stored with the same text is UNCHANGED, one whose text is
        stored under another origin a DUPLICATE of it."""
        ...

    async def store_articles(self, drafts: Sequence[ArticleDraft], now: str) -> list[Stored]:
        """Store a batch like `store_article` each, in order; call inside a transaction."""
        ...

    async def article(self, article_id: int) -> Article | None:
        """Return the article with this id, or None."""
        ...

    async def article_part(
        self, article_id: int, start: int, length: int
    ) -> tuple[Article, int] | None:
        """Return the article with this id holding only `length` characters of its body from
        `start` (0-based), and the whole body's length in characters; None for an unknown
        id. What a reader's page needs: the rest of a long body never reaches the bot."""
        ...

    async def articles(self, ids: Sequence[int], *, body_chars: int | None = None) -> list[Article]:
        """Return the articles with these ids, in the order given (missing ids are skipped);
        with `body_chars`, each body holds only its first `body_chars` characters."""
        ...

    async def articles_since(self, since: str, limit: int = 500) -> list[Article]:
        """Return articles ingested or updated at or after `since` (ISO UTC), newest first."""
        ...

    async def latest_articles(self, limit: int = 10) -> list[Article]:
        """Return the newest articles by publication (or ingest) time."""
        ...

    async def count_articles(self) -> int:
        """Return how many articles are stored."""
        ...

    async def count_articles_since(self, since: str, cap: int) -> int:
        """How many articles are dated (published, else ingested) at or after `since` (ISO
        UTC), counted through the date index up to `cap`: what a period's tally would read."""
        ...

    async def article_stats(self) -> dict[str, object]:
        """Return corpus figures: article count, sources, date range, database bytes."""
        ...

    async def check_integrity(self) -> list[str]:
        """Check the database and its search indexes as far as is cheap; return the problems
        found (none: an empty list)."""
        ...
