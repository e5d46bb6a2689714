"""The web application: its middlewares, its routes (every page beside its /api/v1 twin) and
its static files; one per process, built around a `WebContext`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
from aiohttp import web

from bot.backup.schema import MAX_BACKUP_BYTES
from bot.web import (
    article_pages,
    auth,
    entity_pages,
    operator_pages,
    outlet_pages,
    search_pages,
    server_pages,
    story_pages,
)
from bot.web.admin_routes import add_admin_routes
from bot.web.context import CONTEXT, WebContext
from bot.web.feed_routes import add_feed_routes
from bot.web.render import DataHandler, twin
from bot.web.security import csrf, errors, security_headers, timing

STATIC = Path(__file__).parent / "static"
# Forms here are a few fields, but for a backup file uploaded to import (bounded again there).
MAX_BODY = MAX_BACKUP_BYTES + 64 * 1024

# (page path, API path, template, data): each page and its JSON twin, the same checks.
PAGES: list[tuple[str, str, str, DataHandler]] = [
    ("/", "/api/v1/", "home.html", search_pages.home_data),
    ("/search", "/api/v1/search", "search.html", search_pages.search_data),
    ("/articles/{id}", "/api/v1/articles/{id}", "article.html", article_pages.article_data),
    ("/entities/{id}", "/api/v1/entities/{id}", "entity.html", entity_pages.entity_data),
    ("/stories/{id}", "/api/v1/stories/{id}", "story.html", story_pages.story_data),
    ("/servers", "/api/v1/servers", "servers.html", server_pages.servers_data),
    (
        "/servers/{guild_id}",
        "/api/v1/servers/{guild_id}",
        "server.html",
        server_pages.server_data,
    ),
    (
        "/servers/{guild_id}/outlets",
        "/api/v1/servers/{guild_id}/outlets",
        "outlets.html",
        outlet_pages.outlets_data,
    ),
]


def add_routes(router: web.UrlDispatcher) -> None:
    """Every route of the site."""
    for path, api_path, template, data in PAGES:
        html_page, json_page = twin(template, data)
        router.add_get(path, html_page)
        router.add_get(api_path, json_page)
    add_feed_routes(router)
    router.add_get("/api/v1/titles", search_pages.titles)
    router.add_get("/search/atom", search_pages.search_feed)
    router.add_get("/entities", entity_pages.find_entity)
    router.add_get("/entities/{id}/trend.png", entity_pages.trend_chart)
    router.add_get("/entities/{id}/network.png", entity_pages.network_chart)
    router.add_get("/entities/{id}/atom", entity_pages.entity_feed)
    router.add_get("/login", auth.login_page)
    router.add_get("/login/discord", auth.start_sign_in)
    router.add_get("/auth/callback", auth.callback)
    router.add_post("/logout", auth.logout)
    router.add_get("/healthz", operator_pages.healthz)
    router.add_get("/metrics", operator_pages.metrics)
    add_admin_routes(router)
    router.add_static("/static", STATIC, append_version=True, name="static")


async def _http_client(app: web.Application) -> AsyncIterator[None]:
    # One client session for Discord's OAuth2 endpoints, for the application's lifetime.
    app[auth.HTTP] = aiohttp.ClientSession()
    yield
    await app[auth.HTTP].close()


def create_app(context: WebContext) -> web.Application:
    """The web application serving `context`'s store."""
    app = web.Application(middlewares=[timing, errors, csrf], client_max_size=MAX_BODY)
    app[CONTEXT] = context
    add_routes(app.router)
    app.on_response_prepare.append(security_headers)
    app.cleanup_ctx.append(_http_client)
    return app
