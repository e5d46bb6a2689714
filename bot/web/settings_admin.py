"""A server's settings on the web (channel-search prefix, digest role, timezone) and its backup
(export as a JSON download, import from an upload with a report of what was added and what was
refused), for Manage Server, through the same core functions as `/settings` and `/digest role`.

An import checks what `/settings import` checks (templates against Discord's limits, feed
addresses against the bot's fetch policy) and maps channels and roles onto those the bot
recorded for this server (bot/servers.py): the same id, else the same name. Before the bot has
recorded any, ids are kept only in the server the backup came from. An export names the
channels and roles it uses as `/settings export` does, from what the bot recorded (the web has no
gateway of its own), so a restore elsewhere can find them by name."""

from __future__ import annotations

from aiohttp import web

from bot.backup.export import export_recorded
from bot.backup.plan import same_ids
from bot.backup.restore import restore_backup
from bot.backup.schema import MAX_BACKUP_BYTES, BackupRefused, read_backup, write_backup
from bot.config import PREFIX_KEY
from bot.digest.manage import ROLE_KEY, set_digest_role
from bot.errors import NewsdeskError
from bot.feeds.pacing import TIMEZONE_KEY, set_server_zone
from bot.render.feed_cards import check_template
from bot.servers import KnownPlaces, known_places, set_guild_prefix
from bot.web.access import manager_of
from bot.web.context import context_of
from bot.web.digest_admin import server_data
from bot.web.render import Data, page
from bot.web.sessions import Server

# What the settings form changes, by the form's `setting` field.
SETTINGS = ("prefix", "digest_role", "timezone")
RESTORED_KINDS = ("settings", "feeds", "digests", "follows", "pacing", "mutes")


async def settings_page_data(request: web.Request, server: Server) -> Data:
    """The server's settings as stored ("" when it uses the default); the digest role also by
    name, and the roles to choose from, as the bot recorded them (bot/servers.py)."""
    store = context_of(request).store
    role = await store.guild_setting(server.id, ROLE_KEY) or ""
    places = await known_places(store, server.id)
    return {
        "server": server_data(server),
        "settings": {
            "prefix": await store.guild_setting(server.id, PREFIX_KEY) or "",
            "digest_role": role,
            "timezone": await store.guild_setting(server.id, TIMEZONE_KEY) or "",
        },
        "digest_role": {
            "id": role,
            "name": places.role_label(int(role)) if role.isdigit() else "",
            "exists": role.isdigit() and places.role(int(role)) is not None,
        },
        "roles": [{"id": str(r.id), "name": r.name} for r in places.roles],
        "error": "",
        "done": "",
    }


async def settings_data(request: web.Request) -> Data:
    """GET /servers/{guild_id}/settings (and its /api/v1 twin)."""
    _, server = await manager_of(request, request.match_info["guild_id"])
    return await settings_page_data(request, server)


def role_id(text: str, places: KnownPlaces) -> int | None:
    """A role chosen (its id, or <@&id> when typed), or nothing (clear it): one of this
    server's roles the bot recorded; any id only while it has recorded none."""
    digits = text.strip().removeprefix("<@&").removesuffix(">")
    if not digits:
        return None
    if not digits.isdigit() or not 15 <= len(digits) <= 20:
        raise NewsdeskError("The digest role is its id (Server Settings, Roles, Copy Role ID).")
    if places.roles and places.role(int(digits)) is None:
        raise NewsdeskError("Choose one of this server's roles.")
    return int(digits)


async def change_setting(request: web.Request) -> web.StreamResponse:
    """POST /servers/{guild_id}/settings: one setting (`setting`, `value`), as `/settings
    prefix|timezone` and `/digest role` change it."""
    _, server = await manager_of(request, request.match_info["guild_id"])
    posted = await request.post()
    setting, value = str(posted.get("setting", "")), str(posted.get("value", ""))[:100]
    context = context_of(request)
    try:
        if setting == "prefix":
            await set_guild_prefix(context.store, server.id, value)
        elif setting == "digest_role":
            places = await known_places(context.store, server.id)
            await set_digest_role(context.store, server.id, role_id(value, places))
        elif setting == "timezone":
            async with context.store.transaction():
                await set_server_zone(context.store, server.id, value)
        else:
            raise NewsdeskError("There is no such setting.")
    except NewsdeskError as exc:
        data = await settings_page_data(request, server)
        data["error"] = str(exc)
        return await page(request, "settings.html", data, status=400)
    raise web.HTTPSeeOther(f"/servers/{server.id}/settings")


async def backup_data(request: web.Request) -> Data:
    """GET /servers/{guild_id}/backup (and its /api/v1 twin): what export and import do."""
    _, server = await manager_of(request, request.match_info["guild_id"])
    return {"server": server_data(server), "report": None, "most_kb": MAX_BACKUP_BYTES // 1024}


async def export_file(request: web.Request) -> web.StreamResponse:
    """GET /servers/{guild_id}/backup.json: the server's backup, as `/settings export`."""
    _, server = await manager_of(request, request.match_info["guild_id"])
    context = context_of(request)
    backup = await export_recorded(
        context.store, server.id, guild_name=server.name, clock=context.clock
    )
    return web.Response(
        body=write_backup(backup),
        content_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="newsdesk-{server.id}.json"'},
    )


async def import_file(request: web.Request) -> web.StreamResponse:
    """POST /servers/{guild_id}/backup (multipart, `file`): check it all, restore what passes
    at once (as `/settings import`), and show what was added, kept and refused."""
    viewer, server = await manager_of(request, request.match_info["guild_id"])
    assert viewer.session is not None
    upload = (await request.post()).get("file")
    data = await backup_data(request)
    try:
        if not isinstance(upload, web.FileField):
            raise BackupRefused("no file was chosen")
        backup = read_backup(upload.file.read(MAX_BACKUP_BYTES + 1))
    except BackupRefused as exc:
        data["error"] = f"That file was refused: {exc}. Nothing was restored."
        return await page(request, "backup.html", data, status=400)
    context = context_of(request)
    same_server = same_ids(int(backup.server.id), server.id, {})
    places = await known_places(context.store, server.id)
    report = await restore_backup(
        context.store,
        backup,
        guild_id=server.id,
        created_by=viewer.session.user_id,
        channel=places.channel_for if places.channels else same_server,
        role=places.role_for if places.roles else same_server,
        policy=context.fetch_policy,
        check_template=check_template,
        clock=context.clock,
    )
    data["report"] = {
        "restored": [
            {
                "kind": kind,
                "added": report.restored.get(kind, 0),
                "kept": report.already.get(kind, 0),
            }
            for kind in RESTORED_KINDS
            if report.restored.get(kind) or report.already.get(kind)
        ],
        "refused": [{"what": what, "why": why} for what, why in report.refused],
    }
    return await page(request, "backup.html", data)
