"""An article on the web: its summary and text, the people, organisations and places it names
(each a link to its page), its source, its story, and related articles."""

from __future__ import annotations

from aiohttp import web

from bot.errors import ArticleNotFound, QueryError
from bot.models import Article
from bot.models.entity import EntityTally
from bot.nlp.lookup import article_summary
from bot.search import any_word_query
from bot.store import Store
from bot.web.access import reader
from bot.web.context import context_of
from bot.web.ids import path_id
from bot.web.render import Data
from bot.web.search_pages import hit_data, run_search
from bot.web.story_pages import story_of

RELATED = 5
# The entities a related search looks for: the article's most mentioned few.
RELATED_BY = 3


def entity_data(tally: EntityTally) -> Data:
    """An entity named in an article, for a link to its page."""
    entity = tally.entity
    return {"id": entity.id, "name": entity.name, "kind": entity.kind, "mentions": tally.mentions}


def article_head(article: Article) -> Data:
    """What lists show of an article."""
    return {
        "id": article.id,
        "title": article.title,
        "source": article.source,
        "url": article.url,
        "when": article.when,
    }


async def related_articles(
    store: Store, article: Article, entities: list[EntityTally]
) -> list[Data]:
    """Other articles naming the article's main entities, best first (its own story first)."""
    names = [tally.entity.name for tally in entities[:RELATED_BY]]
    if not names:
        return []
    try:
        found = await run_search(store, any_word_query(names), 1, RELATED + 1)
    except QueryError:
        return []
    return [hit_data(hit) for hit in found.hits if hit.id != article.id][:RELATED]


async def article_data(request: web.Request) -> Data:
    """GET /articles/{id} (and /api/v1/articles/{id})."""
    await reader(request)
    context = context_of(request)
    article_id = path_id(request)
    if await context.store.article_content_hash(article_id) is None:
        raise ArticleNotFound(f"There is no article #{article_id}.")
    summary = await article_summary(context.store, article_id, service=context.nlp)
    article = summary.article
    return {
        "article": {
            **article_head(article),
            "author": article.author,
            "caption": article.caption,
            "desk": article.desk,
            "dateline": article.dateline,
            "paragraphs": article.paragraphs,
        },
        "summary": [sentence.text for sentence in summary.sentences],
        "entities": [entity_data(tally) for tally in summary.entities],
        "story": await story_of(context.store, article_id),
        "related": await related_articles(context.store, article, summary.entities),
    }
