"""What the store keeps of NLP: per-article analyses, canonical entities, their mentions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.models.analysis import Analysis, ArticleInput
from bot.models.entity import EntityProfile, EntityTally, KnownEntity
from bot.models.query import Query
from bot.store.records.entities import AnalysedText, StoredAnalysis, StoredMention


class EntityStore(Protocol):
    """Analyses, entities and mentions."""

    async def analysis_inputs(
        self, ids: Sequence[int], nlp_version: str
    ) -> list[tuple[int, str, ArticleInput]]:
        """(id, content hash, NLP input) of the given articles whose analysis is missing or
        outdated (text changed since, or older NLP code); current ones are left out, and so
        are those whose text failed with this NLP code (`save_analysis_failure`)."""
        ...

    async def articles_needing_analysis(
        self, nlp_version: str, *, after_id: int = 0, limit: int = 500
    ) -> list[int]:
        """Ids (ascending, above `after_id`) of articles with no analysis or an outdated one,
        leaving out those whose text failed with this NLP code."""
        ...

    async def save_analysis_failure(
        self, article_id: int, content_hash: str, nlp_version: str, reason: str, now: str
    ) -> bool:
        """Record that this text of the article (`content_hash`) could not be analysed by this
        NLP code, and why (one line); call inside a transaction. Until the text or the code
        changes, the article needs no analysis. False (nothing written) when the article is
        gone or its text is no longer the one that failed."""
        ...

    async def analysis_failures(
        self, nlp_version: str, ids: Sequence[int] | None = None, *, limit: int = 1000
    ) -> dict[int, str]:
        """Recorded failures that still hold (same text, same NLP code) by article id, with
        their reasons: of `ids`, or the first `limit` of all."""
        ...

    async def save_analysis(
        self, article_id: int, content_hash: str, nlp_version: str, analysis: Analysis, now: str
    ) -> bool:
        """Replace an article's analysis, entities and mentions (and forget a recorded
        failure); call inside a transaction.

        Returns False (and writes nothing) when the article is gone or its text is no longer
        the one analysed (`content_hash`): the newer text gets its own analysis.
        """
        ...

    async def stored_analysis(
        self, article_id: int, *, sentences: int | None = None
    ) -> StoredAnalysis | None:
        """The article's stored analysis (current or not: compare its hash and version); with
        `sentences`, only its first sentences' spans, terms and flags, and their ranking."""
        ...

    async def analysed_texts(
        self, article_ids: Sequence[int], nlp_version: str, *, sentences: int
    ) -> dict[int, AnalysedText]:
        """The current analyses of these articles (of their text as stored, by `nlp_version`)
        by article id, each with its first `sentences` sentences, the body as far as they
        reach and the mentions in them: one read of the database for all (a /catchup reads a
        hundred); articles without one are left out."""
        ...

    async def article_content_hash(self, article_id: int) -> str | None:
        """The stored article's content hash, or None when there is no such article."""
        ...

    async def article_mentions(
        self, article_id: int, *, sentences: int | None = None
    ) -> list[StoredMention]:
        """Every stored mention in an article, in section then text order; with `sentences`,
        only those in the title, the caption and the body's first `sentences` sentences."""
        ...

    async def article_entities(self, article_id: int, limit: int = 25) -> list[EntityTally]:
        """The named entities an article mentions, most mentioned first."""
        ...

    async def entity(self, entity_id: int) -> KnownEntity | None:
        """The entity with this id, or None (also when no article mentions it any more)."""
        ...

    async def entities_named(self, name: str) -> list[KnownEntity]:
        """Entities whose canonical name or an alias is `name` (case, diacritics and
        possessives folded), most mentioned first."""
        ...

    async def entity_choices(
        self, words: Query | None, typed: str, limit: int = 25
    ) -> list[KnownEntity]:
        """Type-ahead: named entities whose name matches `words` (the type-ahead query of what
        was typed: its words, the last as a prefix) or whose name or an alias starts with
        `typed`; exact names first, then the most mentioned. With nothing typed (None), the
        most mentioned overall."""
        ...

    async def top_entities(
        self, labels: Sequence[str] | None = None, since: str | None = None, limit: int = 10
    ) -> list[EntityTally]:
        """The most mentioned named entities (of these labels), over all time or since an
        ISO date (by article date), with their mention and article counts in that period."""
        ...

    async def entity_article_ids(self, entity_ids: Sequence[int]) -> list[int]:
        """Ids (ascending) of the articles that mention any of these entities."""
        ...

    async def entity_profile(
        self, entity: KnownEntity, *, articles: int = 5, per_article: int = 3, co_mentions: int = 10
    ) -> EntityProfile:
        """The entity's aliases, first/last seen, the sentences naming it in its `articles`
        latest articles (at most `per_article` each), and the entities most often named
        with it in its latest CO_MENTION_WINDOW articles (bot/store/records/entities.py)."""
        ...
