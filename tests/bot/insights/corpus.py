"""Dated articles naming given entities, stored with a hand-made analysis (no model), for
insight tests: `await add_article(store, 1, [("Hamas", "ORG"), ("Qatar", "GPE")], "2026-02-20")`,
and articles quoting someone: `await add_quotes(store, 2, ("Herzi Halevi", "PERSON"), ["…"])`."""

from __future__ import annotations

from collections.abc import Sequence

from bot.ingest import ingest_drafts
from bot.models import ArticleDraft
from bot.models.analysis import Analysis, Mention, Sentence
from bot.models.quote import Quote
from bot.nlp.enrichment import NLP_VERSION
from bot.store import Store

Name = tuple[str, str]  # canonical name, spaCy label


def hand_analysis(
    sentences: list[Sentence], mentions: list[Mention], quotes: Sequence[Quote] = ()
) -> Analysis:
    """The analysis the NLP step would make of these sentences, mentions and quotations."""
    return Analysis(
        sentences=sentences,
        mentions=mentions,
        summary=[0],
        ranking=list(range(len(sentences))),
        terms=[tuple(s.text.lower().split()) for s in sentences],
        summarisable=[True] * len(sentences),
        quotes=list(quotes),
    )


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
    return body, hand_analysis(sentences, mentions)


async def stored(
    store: Store, origin: str, body: str, analysis: Analysis, day: str, title: str, source: str
) -> int:
    """Store an article dated `day` (08:00 UTC) with its analysis and quotations; its id."""
    draft = ArticleDraft(
        title=title, body=body, origin=origin, source=source, published_at=f"{day}T08:00:00+00:00"
    )
    article_id = (await ingest_drafts(store, [draft])).added[0]
    content_hash = await store.article_content_hash(article_id)
    assert content_hash is not None
    async with store.transaction():
        assert await store.save_analysis(
            article_id, content_hash, NLP_VERSION, analysis, f"{day}T09:00:00+00:00"
        )
        await store.save_quotes(article_id, analysis.quotes)
    return article_id


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
    origin = f"test:insights:{number}"
    return await stored(store, origin, body, analysis, day, title or f"Report {number}", source)


async def add_quotes(
    store: Store,
    number: int,
    speaker: Name,
    said: Sequence[str],
    day: str,
    *,
    source: str = "Wire",
    title: str | None = None,
) -> int:
    """Store article `number` dated `day` in which `speaker` says each of `said` (one
    sentence each: '"…" said Name.'), with its quotations as the NLP step would find them."""
    name, label = speaker
    sentences, mentions, quotes, start = [], [], [], 0
    for index, words in enumerate(said):
        sentence = f'"{words}" said {name}.'
        sentences.append(Sentence(sentence, start, start + len(sentence)))
        at = start + sentence.index(f" said {name}") + len(" said ")
        mentions.append(Mention(name, label, at, at + len(name), name, index))
        quotes.append(Quote(words, name, start + 1, start + 1 + len(words), label))
        start += len(sentence) + 1
    body = " ".join(s.text for s in sentences)
    analysis = hand_analysis(sentences, mentions, quotes=quotes)
    origin = f"test:quotes:{number}"
    return await stored(store, origin, body, analysis, day, title or f"Report {number}", source)
