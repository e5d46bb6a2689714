"""What the NLP layer knows about articles, as the composer needs it: stored analyses for
summaries and salience, and the articles an entity appears in (for `entity:` filters).

`StoredFacts` reads the NLP results saved in the database (no model is run); an article not
analysed yet gets its lead sentences instead. `NoFacts` stands for a store without any.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol

from bot.errors import NewsdeskError
from bot.models.analysis import Analysis
from bot.nlp.enrichment import load_analyses
from bot.nlp.lookup import entity_article_ids
from bot.nlp.summary import MAX_RANKED
from bot.store import Store

log = logging.getLogger(__name__)

# Sentences of one article a digest reads (an article's summary comes from its first
# MAX_RANKED): a 1,000,000-character report costs what a news story does.
ANALYSED_SENTENCES = MAX_RANKED


class StoryFacts(Protocol):
    """Where the composer gets per-article NLP results."""

    async def analyses(self, article_ids: Sequence[int]) -> dict[int, Analysis]:
        """Current analyses of those articles that have one (others are left out)."""
        ...

    async def entity_articles(self, name: str) -> Sequence[int] | None:
        """Ids of articles mentioning the entity `name`; None when there is no entity index."""
        ...


class NoFacts:
    """No NLP results: summaries come from lead sentences and `entity:` searches the text."""

    async def analyses(self, article_ids: Sequence[int]) -> dict[int, Analysis]:
        """Nothing is known."""
        return {}

    async def entity_articles(self, name: str) -> Sequence[int] | None:
        """There is no entity index."""
        return None


class StoredFacts:
    """Analyses the NLP step saved (`bot.nlp.enrichment`) and entity lookups (`bot.nlp.lookup`)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def analyses(self, article_ids: Sequence[int]) -> dict[int, Analysis]:
        """Current stored analyses; an article not analysed yet (or outdated) is left out."""
        return await load_analyses(self.store, article_ids, max_sentences=ANALYSED_SENTENCES)

    async def entity_articles(self, name: str) -> Sequence[int] | None:
        """Articles mentioning any entity the name may mean (none when it is unknown)."""
        try:
            return await entity_article_ids(self.store, name)
        except NewsdeskError as exc:
            log.info("digest entity filter %r matched nothing: %s", name, exc)
            return []


def default_facts(store: Store) -> StoryFacts:
    """The facts a running bot uses: what the NLP step stored."""
    return StoredFacts(store)
