"""CLI for server backups: `settings export --guild G [-o FILE]` and `settings import FILE
--guild G [--channel OLD=NEW ...] [--role OLD=NEW ...]` (the same core as `/settings
export|import`; without Discord, ids are kept when restoring into the same server and mapped
by the options otherwise)."""

from __future__ import annotations

import argparse

from bot.backup.export import export_recorded
from bot.backup.restore import restore_backup, same_ids
from bot.backup.schema import MAX_BACKUP_BYTES, BackupRefused, read_backup, write_backup
from bot.cli.arguments import MAX_ID
from bot.cli.common import with_store
from bot.cli.feed_moves import CLI_POLICY, SNOWFLAKE, write_out
from bot.config import Settings
from bot.errors import NewsdeskError
from bot.render.feed_posts import check_template
from bot.store import Store
from bot.terminal import shown, terminal

out = terminal()

out.soft_wrap = True  # paths and addresses never wrap


def _pairs(values: list[str] | None, what: str) -> dict[int, int]:
    """`OLD=NEW` options as a mapping of ids."""
    found: dict[int, int] = {}
    for value in values or []:
        old, _, new = value.partition("=")
        if not all(x.strip().isdigit() and int(x) <= MAX_ID for x in (old, new)):
            raise NewsdeskError(f"--{what} takes OLD=NEW ids, got {value!r}")
        found[int(old)] = int(new)
    return found


def _export(args: argparse.Namespace) -> int:
    settings: Settings = args.settings
    exported: list[bytes] = []

    async def work(store: Store) -> int:
        named = {g.id: g.name for g in await store.bot_guilds([args.guild])}
        backup = await export_recorded(store, args.guild, guild_name=named.get(args.guild, ""))
        exported.append(write_backup(backup))
        return 0

    with_store(settings, work)
    write_out(args.output, exported[0])
    return 0


def _import(args: argparse.Namespace) -> int:
    settings: Settings = args.settings
    try:
        with open(args.file, "rb") as file:
            data = file.read(MAX_BACKUP_BYTES + 1)
    except OSError as exc:
        raise NewsdeskError(f"cannot read {args.file}: {exc.strerror or exc}") from None
    try:
        backup = read_backup(data)
    except BackupRefused as exc:
        raise NewsdeskError(f"{args.file} was refused: {exc}; nothing was restored") from exc
    source = int(backup.server.id)
    channels = same_ids(source, args.guild, _pairs(args.channel, "channel"))
    roles = same_ids(source, args.guild, _pairs(args.role, "role"))

    async def work(store: Store) -> int:
        report = await restore_backup(
            store,
            backup,
            guild_id=args.guild,
            created_by=args.created_by,
            channel=channels,
            role=roles,
            policy=CLI_POLICY,
            check_template=check_template,
        )
        for kind, count in report.restored.items():
            kept = report.already.get(kind, 0)
            out.print(f"{kind}: {count} restored" + (f", {kept} already there" if kept else ""))
        for what, why in report.refused:
            out.print(f"[red]not restored[/] {shown(what)}: {shown(why)}")
        return 0

    return with_store(settings, work)


def register(sub: argparse._SubParsersAction) -> None:
    """Add `settings export` and `settings import`."""
    p = sub.add_parser(
        "settings",
        help="a server's whole setup as a backup file (feeds, digests, follows, settings)",
    )
    actions = p.add_subparsers(dest="settings_command", metavar="ACTION", required=True)
    exporting = actions.add_parser(
        "export",
        help="write a server's backup (JSON)",
        description="Channels and roles are named as the bot last recorded them (its servers, "
        "channels and roles are kept in the database while it runs), as /settings export names "
        "them.",
    )
    exporting.add_argument("--guild", type=SNOWFLAKE, required=True, help="the server's id")
    exporting.add_argument("-o", "--output", help="the file to write (default: standard output)")
    exporting.set_defaults(func=_export)
    importing = actions.add_parser(
        "import",
        help="restore a backup into a server, all of it or nothing",
        description="Each part is checked first; what cannot be restored is listed with why. "
        "Into the server it came from, ids stay; into another, map them with --channel/--role.",
    )
    importing.add_argument("file", help="the backup file")
    importing.add_argument(
        "--guild", type=SNOWFLAKE, required=True, help="the server to restore into"
    )
    importing.add_argument(
        "--channel", action="append", metavar="OLD=NEW", help="map a channel id (repeatable)"
    )
    importing.add_argument(
        "--role", action="append", metavar="OLD=NEW", help="map a role id (repeatable)"
    )
    importing.add_argument(
        "--created-by", type=SNOWFLAKE, default=0, help="the member recorded as adding them"
    )
    importing.set_defaults(func=_import)
