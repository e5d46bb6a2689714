"""The feeds admin pages' routes (each page beside its /api/v1 twin, and their forms), kept
apart from app.py's table so the other admin pages' routes grow beside them."""

from __future__ import annotations

from aiohttp import web

from bot.web import feed_admin, feed_templates
from bot.web.render import DataHandler, twin

BASE = "/servers/{guild_id}/feeds"
ONE = BASE + "/{feed_id}"
# (path under / and /api/v1, template, data)
PAGES: list[tuple[str, str, DataHandler]] = [
    (BASE, "feeds.html", feed_admin.feeds_data),
    (ONE, "feed.html", feed_admin.feed_data),
    (ONE + "/template", "feed_template.html", feed_templates.template_data),
    (ONE + "/log", "feed_log.html", feed_admin.log_data),
]


def add_feed_routes(router: web.UrlDispatcher) -> None:
    """Every feeds admin page, its JSON twin, and the forms they post."""
    for path, template, data in PAGES:
        html_page, json_page = twin(template, data)
        router.add_get(path, html_page)
        router.add_get("/api/v1" + path, json_page)
    router.add_post(BASE, feed_admin.add)
    router.add_post(ONE, feed_admin.edit)
    router.add_post(ONE + "/options", feed_admin.options)
    router.add_post(ONE + "/pause", feed_admin.pause)
    router.add_post(ONE + "/resume", feed_admin.resume)
    router.add_post(ONE + "/remove", feed_admin.remove)
    router.add_post(ONE + "/template", feed_templates.save)
    router.add_post(ONE + "/template/preview", feed_templates.live_preview)
