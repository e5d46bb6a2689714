"""CLI for moving a server's feeds in and out as OPML: `feeds import FILE --guild G --channel C`
and `feeds export --guild G [-o FILE]` (the same core as `/feeds import|export`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cli.arguments import MAX_ID, whole
from bot.cli.common import with_store
from bot.config import Settings
from bot.errors import NewsdeskError
from bot.feeds.fetcher import FetchPolicy
from bot.feeds.moving import ImportReport, export_opml, import_opml, read_opml_file
from bot.feeds.opml import MAX_OPML_BYTES, OpmlRefused
from bot.store import Store
from bot.terminal import shown, terminal

out = terminal()
SNOWFLAKE = whole(0, MAX_ID)  # a Discord id, as the store keeps it
out.soft_wrap = True  # paths and addresses never wrap
# Whoever runs the CLI owns the machine: feeds on its own network may be imported.
CLI_POLICY = FetchPolicy(allow_private=True)


def read_file(path: str) -> bytes:
    """A file's bytes, refusing one over the OPML cap before reading it whole."""
    file = Path(path)
    try:
        if file.stat().st_size > MAX_OPML_BYTES:
            raise NewsdeskError(f"{path} is over the {MAX_OPML_BYTES // 1024} kB cap")
        return file.read_bytes()
    except OSError as exc:
        raise NewsdeskError(f"cannot read {path}: {exc.strerror or exc}") from None


def print_report(report: ImportReport) -> None:
    """One line per feed: added, already there, or refused with the reason."""
    for feed in report.added:
        out.print(f"[green]added[/] {shown(feed.title or feed.url)} — {shown(feed.url)}")
    for feed in report.already:
        out.print(f"[dim]already there[/] {shown(feed.title or feed.url)}")
    for what, why in report.refused:
        out.print(f"[red]refused[/] {shown(what)}: {shown(why)}")
    out.print(
        f"{len(report.added)} added, {len(report.already)} already there, "
        f"{len(report.refused)} refused"
    )


def _import(args: argparse.Namespace) -> int:
    settings: Settings = args.settings
    data = read_file(args.file)

    async def work(store: Store) -> int:
        try:
            document = await read_opml_file(data)
        except OpmlRefused as exc:
            raise NewsdeskError(f"{args.file} was refused: {exc}; nothing was imported") from exc
        report = await import_opml(
            store,
            document,
            guild_id=args.guild,
            channel_id=args.channel,
            created_by=args.created_by,
            policy=CLI_POLICY,
        )
        print_report(report)
        return 0

    return with_store(settings, work)


def _export(args: argparse.Namespace) -> int:
    settings: Settings = args.settings

    exported: list[bytes] = []

    async def work(store: Store) -> int:
        exported.append(await export_opml(store, args.guild, args.title))
        return 0

    with_store(settings, work)
    write_out(args.output, exported[0])
    return 0


def write_out(output: str | None, data: bytes) -> None:
    """Write to a file, or to standard output for none or `-`."""
    if output in (None, "-"):
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        Path(output).write_bytes(data)
    except OSError as exc:
        raise NewsdeskError(f"cannot write {output}: {exc.strerror or exc}") from None
    out.print(f"wrote {shown(output)} ({len(data):,} bytes)")


def add_commands(feeds: argparse._SubParsersAction) -> None:
    """Add `feeds import` and `feeds export` to the `feeds` command."""
    importing = feeds.add_parser(
        "import",
        help="follow every feed an OPML file lists, in one channel",
        description="Adds each feed (or says it is already there, or why it is refused), "
        "all in one transaction; a file that is not OPML is refused whole.",
    )
    importing.add_argument("file", help="the OPML file")
    importing.add_argument("--guild", type=SNOWFLAKE, required=True, help="the server's id")
    importing.add_argument("--channel", type=SNOWFLAKE, required=True, help="the channel's id")
    importing.add_argument(
        "--created-by", type=SNOWFLAKE, default=0, help="the member recorded as adding them"
    )
    importing.set_defaults(func=_import)
    exporting = feeds.add_parser("export", help="write a server's feeds as OPML 2.0")
    exporting.add_argument("--guild", type=SNOWFLAKE, required=True, help="the server's id")
    exporting.add_argument("-o", "--output", help="the file to write (default: standard output)")
    exporting.add_argument("--title", default="Newsdesk feeds", help="the list's title")
    exporting.set_defaults(func=_export)
