"""A story on the web: the articles that report one event (the near-duplicate clusters feeds
build), which outlets carried it, who reported it first and when, and how long after each
other outlet followed.

Built on the store's story clusters as they are (`stories_of`, `story_article_ids`,
`story_sources`); a richer story model would slot in here.
"""

from __future__ import annotations

from datetime import UTC, datetime

from aiohttp import web

from bot.models import Article
from bot.web.access import reader
from bot.web.article_pages import article_head, path_id
from bot.web.context import context_of
from bot.web.render import Data

SHOWN = 50


def _moment(when: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(when)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def after(first: str, later: str) -> str:
    """How long after the first report a later one came: "first", "+45 min", "+3 h", "+2 d"."""
    start, then = _moment(first), _moment(later)
    if start is None or then is None:
        return ""
    minutes = max(int((then - start).total_seconds() // 60), 0)
    if minutes == 0:
        return "at the same time"
    if minutes < 90:
        return f"{minutes} min later"
    if minutes < 48 * 60:
        return f"{round(minutes / 60)} h later"
    return f"{round(minutes / 1440)} days later"


def outlets(articles: list[Article]) -> list[Data]:
    """Each outlet once, in the order they first reported the story, with their first report."""
    first = articles[0].when
    seen: dict[str, Data] = {}
    for article in articles:
        name = article.source or "unknown source"
        if name not in seen:
            seen[name] = {
                "source": name,
                "article_id": article.id,
                "when": article.when,
                "after": "first" if not seen else after(first, article.when),
            }
    return list(seen.values())


async def story_data(request: web.Request) -> Data:
    """GET /stories/{id} (and /api/v1/stories/{id})."""
    await reader(request)
    store = context_of(request).store
    story_id = path_id(request)
    ids = await store.story_article_ids(story_id, limit=SHOWN)
    if not ids:
        raise web.HTTPNotFound(text=f"There is no story #{story_id}.")
    articles = await store.articles(ids)
    lead = articles[0]
    return {
        "story": {
            "id": story_id,
            "title": lead.title,
            "first_reported": {"source": lead.source, "when": lead.when, "article_id": lead.id},
            "articles": len(articles),
        },
        "outlets": outlets(articles),
        "articles": [
            {
                **article_head(article),
                "after": "first" if article.id == lead.id else after(lead.when, article.when),
            }
            for article in articles
        ],
    }
