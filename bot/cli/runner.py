"""CLI command `run`: load the seeds, then start the bot (Discord with a token, else sandbox)."""

from __future__ import annotations

import argparse

from bot.config import Settings
from bot.terminal import terminal

out = terminal()


def _run(args: argparse.Namespace) -> int:
    settings: Settings = args.settings
    from bot.cli.launch import launch

    return launch(settings, seeds=args.seeds, sandbox=args.sandbox)


def _console(args: argparse.Namespace) -> int:
    from bot.cli.sandbox import run

    return run(args.settings, exec_lines=args.exec)


def register(sub: argparse._SubParsersAction) -> None:
    """Add `run` and `console`."""
    p = sub.add_parser(
        "run",
        help="start the bot (sandbox console without DISCORD_TOKEN)",
        description="Loads --seeds, then connects to Discord when DISCORD_TOKEN is set, "
        "otherwise starts the offline sandbox (local Discord emulator + terminal chat).",
    )
    p.add_argument("--seeds", default="seeds", help="folder loaded before start (default seeds/)")
    p.add_argument("--sandbox", action="store_true", help="use the sandbox even with a token")
    p.set_defaults(func=_run)

    p = sub.add_parser(
        "console",
        help="chat with the bot in the terminal through the local Discord emulator",
        description="Starts a Discord emulator on 127.0.0.1 and the real bot against it, then a "
        "chat where you play a Discord user. Never contacts Discord, even with a token set.",
    )
    p.add_argument(
        "--exec",
        action="append",
        metavar="LINE",
        help='run LINE (e.g. "/search query:Qatar"), print the reply and exit; repeatable',
    )
    p.set_defaults(func=_console)
