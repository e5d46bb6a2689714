"""The routes of a server's admin pages beside feeds: digests, follows, mute list, settings,
export and import (each page beside its /api/v1 twin, each form a POST with the CSRF token)."""

from __future__ import annotations

from aiohttp import web

from bot.web import digest_admin, follows_admin, settings_admin
from bot.web.render import DataHandler, twin

SERVER = "/servers/{guild_id}"
# (path under a server, template, data): pages at /servers/..., twins at /api/v1/servers/...
PAGES: list[tuple[str, str, DataHandler]] = [
    ("/digests", "digests.html", digest_admin.digests_data),
    ("/digests/{id}/preview", "digest_preview.html", digest_admin.preview_data),
    ("/follows", "follows.html", follows_admin.follows_data),
    ("/mutes", "mutes.html", follows_admin.mutes_data),
    ("/settings", "settings.html", settings_admin.settings_data),
    ("/backup", "backup.html", settings_admin.backup_data),
]


def add_admin_routes(router: web.UrlDispatcher) -> None:
    """The admin pages, their twins, and their forms."""
    for path, template, data in PAGES:
        html_page, json_page = twin(template, data)
        router.add_get(SERVER + path, html_page)
        router.add_get("/api/v1" + SERVER + path, json_page)
    router.add_post(SERVER + "/digests", digest_admin.schedule_digest)
    router.add_post(
        SERVER + "/digests/{id}/{action:pause|resume|remove}", digest_admin.change_digest
    )
    router.add_post(SERVER + "/follows/{id}/remove", follows_admin.remove_follow)
    router.add_post(SERVER + "/mutes", follows_admin.add_mute_rule)
    router.add_post(SERVER + "/mutes/{id}/remove", follows_admin.remove_mute_rule)
    router.add_post(SERVER + "/settings", settings_admin.change_setting)
    router.add_get(SERVER + "/backup.json", settings_admin.export_file)
    router.add_post(SERVER + "/backup", settings_admin.import_file)
