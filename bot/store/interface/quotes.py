"""What the store keeps of who said what: each article's quotations, their speakers linked
to canonical entities, read back by speaker or by article."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.models.quote import Quote
from bot.store.records.quotes import StoredQuote


class QuoteStore(Protocol):
    """Quotations found in articles and who said them."""

    async def save_quotes(self, article_id: int, quotes: Sequence[Quote]) -> int:
        """Replace an article's quotations with `quotes` (offsets into its body); return how
        many were stored. Each speaker is linked to the entity this article's saved analysis
        filed that name under (its canonical name or a form of it in this article, with the
        same label), or to none. Call inside the transaction that saved the article's analysis
        (`save_analysis`), after it."""
        ...

    async def article_quotes(self, article_id: int) -> list[StoredQuote]:
        """An article's stored quotations, in text order."""
        ...

    async def entity_quotes(
        self, entity_id: int, *, since: str | None = None, limit: int = 200
    ) -> list[StoredQuote]:
        """Quotations attributed to the entity in articles whose stored analysis is of their
        current text, newest article first (then text order): at most `limit`, and only from
        articles dated `since` (ISO UTC) or later when given."""
        ...

    async def new_quotes(self, article_ids: Sequence[int]) -> list[StoredQuote]:
        """The attributed quotations of these articles that no earlier article (by id) had
        quoted their speaker saying in the same words (`quote_key`): what is news to those
        who follow the speaker's quotes. By article, then text order."""
        ...
