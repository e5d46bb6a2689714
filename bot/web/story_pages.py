"""A story on the web: the articles that report one event (bot/stories places every article in
one), which outlets carried it, who reported it first and when, and how long after each other
outlet followed. Read from the store's story model (`store.story`), as digests and feeds do."""

from __future__ import annotations

from datetime import timedelta

from aiohttp import web

from bot.models.story import Story, moment
from bot.store import Store
from bot.web.access import reader
from bot.web.context import context_of
from bot.web.ids import path_id
from bot.web.render import Data

# Reports listed on the page (a story keeps the first STORY_REPORTS_CAP).
SHOWN = 100


def later_by(delay: timedelta | None) -> str:
    """How long after the first report: "at the same time", "45 min later", "3 h later"."""
    if delay is None:
        return ""
    minutes = max(int(delay.total_seconds() // 60), 0)
    if minutes == 0:
        return "at the same time"
    if minutes < 90:
        return f"{minutes} min later"
    if minutes < 48 * 60:
        return f"{round(minutes / 60)} h later"
    return f"{round(minutes / 1440)} days later"


def story_summary(story: Story) -> Data:
    """What an article's page says of its story."""
    return {"id": story.id, "articles": len(story.reports), "sources": list(story.sources)}


async def story_of(store: Store, article_id: int) -> Data | None:
    """The story an article is part of, when other articles report it too."""
    story_id = (await store.stories_of([article_id])).get(article_id)
    story = await store.story(story_id) if story_id is not None else None
    if story is None or len(story.reports) < 2:
        return None
    return story_summary(story)


async def story_data(request: web.Request) -> Data:
    """GET /stories/{id} (and /api/v1/stories/{id})."""
    await reader(request)
    store = context_of(request).store
    story_id = path_id(request)
    story = await store.story(story_id)
    if story is None:
        raise web.HTTPNotFound(text=f"There is no story #{story_id}.")
    first = story.first
    outlets = [
        {
            "source": outlet.outlet,
            "article_id": outlet.article_id,
            "when": outlet.when,
            "after": "first" if index == 0 else later_by(outlet.delay),
        }
        for index, outlet in enumerate(story.outlets)
    ]
    start = first.when
    reports = [
        {
            "id": report.article_id,
            "title": report.title,
            "source": report.outlet,
            "url": report.url,
            "when": report.when,
            "after": "first" if index == 0 else later_by(_delay(start, report.when)),
        }
        for index, report in enumerate(story.reports[:SHOWN])
    ]
    return {
        "story": {
            "id": story.id,
            "title": story.lead.title or first.title,
            "first_reported": {
                "source": first.outlet,
                "when": first.when,
                "article_id": first.article_id,
            },
            "articles": len(story.reports),
        },
        "outlets": outlets,
        "articles": reports,
    }


def _delay(start: str, when: str) -> timedelta | None:
    began, then = moment(start), moment(when)
    return then - began if began is not None and then is not None else None
