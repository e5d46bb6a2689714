"""Dated articles naming given entities, stored with a hand-made analysis (no model), for
insight tests: `await add_article(store, 1, [("Hamas", "ORG"), ("Qatar", "GPE")], "2026-02-20")`."""

from __future__ import annotations

from collections.abc import Sequence

from bot.ingest import ingest_drafts
from bot.models import ArticleDraft
from bot.models.analysis import Analysis, Mention, Sentence
from bot.nlp.enrichment import NLP_VERSION
from bot.store import Store

Name = tuple[str, str]  # canonical name, spaCy label


def named_analysis(names: Sequence[Name]) -> tuple[str, Analysis]:
    """A body with one sentence per name (a name listed twice is mentioned twice) and the
    analysis that finds exactly those mentions."""
    sentences, mentions, start = [], [], 0
    for index, (name, label) in enumerate(names):
        sentence = f"{name} was named in the report."
        sentences.append(Sentence(sentence, start, start + len(sentence)))
        mentions.append(Mention(name, label, start, start + len(name), name, index))
        start += len(sentence) + 1
    body = " ".join(s.text for s in sentences)
    analysis = Analysis(
        sentences=sentences,
        mentions=mentions,
        summary=[0],
        ranking=list(range(len(sentences))),
        terms=[tuple(s.text.lower().split()) for s in sentences],
        summarisable=[True] * len(sentences),
    )
    return body, analysis


async def add_article(
    store: Store,
    number: int,
    names: Sequence[Name],
    day: str,
    *,
    title: str | None = None,
    source: str = "Wire",
) -> int:
    """Store article `number` dated `day` (YYYY-MM-DD, 08:00 UTC) naming `names`; its id."""
    body, analysis = named_analysis(names)
    draft = ArticleDraft(
        title=title or f"Report {number}",
        body=body,
        origin=f"test:insights:{number}",
        source=source,
        published_at=f"{day}T08:00:00+00:00",
    )
    report = await ingest_drafts(store, [draft])
    article_id = report.added[0]
    content_hash = await store.article_content_hash(article_id)
    assert content_hash is not None
    async with store.transaction():
        saved = await store.save_analysis(
            article_id, content_hash, NLP_VERSION, analysis, f"{day}T09:00:00+00:00"
        )
    assert saved
    return article_id
