"""Which articles a server's mute list hides, and by which rule (the oldest that applies).

Sources are compared by their folded names, entities through the stored mentions, words and
phrases by the store's own full-text search over the articles in hand: the rules are ORed
into searches of at most MAX_TERMS words each, and only the articles those find are checked
rule by rule to name the one that hid them. No rule is ever a pattern."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from bot.models import Article
from bot.models.query import Query, Term
from bot.mutes.rules import source_key, term_of
from bot.search import matching
from bot.search.query import MAX_TERMS
from bot.store import Mute, Store


def _keep_oldest(found: dict[int, Mute], article_ids: Iterable[int], mute: Mute) -> None:
    for article_id in article_ids:
        if article_id not in found or mute.id < found[article_id].id:
            found[article_id] = mute


def _chunks(rules: Sequence[tuple[Term, Mute]]) -> list[list[tuple[Term, Mute]]]:
    """Word and phrase rules in runs of at most MAX_TERMS words (a search's own bound)."""
    chunks: list[list[tuple[Term, Mute]]] = []
    size = MAX_TERMS
    for rule in rules:
        words = len(rule[0].words)
        if size + words > MAX_TERMS:
            chunks.append([])
            size = 0
        chunks[-1].append(rule)
        size += words
    return chunks


async def _by_words(
    store: Store, rules: Sequence[Mute], article_ids: Collection[int]
) -> dict[int, Mute]:
    """The oldest word or phrase rule each of these articles holds."""
    terms = [(term, mute) for mute in rules if (term := term_of(mute)) is not None]
    found: dict[int, Mute] = {}
    for chunk in _chunks(terms):
        left = [i for i in article_ids if i not in found]
        if not left:
            break
        any_rule = Query(groups=(tuple(term for term, _ in chunk),), text="mute list")
        hit = await matching(store, any_rule, left)
        for term, mute in chunk:  # oldest first: the first rule to claim an article names it
            if not hit:
                break
            claimed = await matching(store, Query(groups=((term,),), text=mute.value), hit)
            _keep_oldest(found, claimed, mute)
            hit -= claimed
    return found


async def muted_articles(
    store: Store, guild_id: int, articles: Sequence[Article]
) -> dict[int, Mute]:
    """The guild's rule that hides each of these articles (the oldest that applies); articles
    no rule hides are left out."""
    if not articles:
        return {}
    rules = await store.guild_mutes(guild_id)  # oldest first
    if not rules:
        return {}
    found: dict[int, Mute] = {}
    sources: dict[str, Mute] = {}
    for mute in rules:
        if mute.kind == "source":
            sources.setdefault(mute.rule_key, mute)
    for article in articles:
        if (mute := sources.get(source_key(article.source))) is not None:
            _keep_oldest(found, [article.id], mute)
    entities = {(m.entity_key, m.entity_label): m for m in reversed(rules) if m.kind == "entity"}
    if entities:
        pairs = [(key, label) for key, label in entities if key and label]
        named = await store.articles_naming([a.id for a in articles], pairs)
        for article_id, key, label in named:
            _keep_oldest(found, [article_id], entities[key, label])
    words = [m for m in rules if m.kind in ("word", "phrase")]
    if words:
        for article_id, mute in (await _by_words(store, words, [a.id for a in articles])).items():
            _keep_oldest(found, [article_id], mute)
    return found


async def muted_source(store: Store, guild_id: int, source: str) -> Mute | None:
    """The guild's rule muting this source, if any (a feed's health alerts, for one)."""
    key = source_key(source)
    return next(
        (m for m in await store.guild_mutes(guild_id) if m.kind == "source" and m.rule_key == key),
        None,
    )
