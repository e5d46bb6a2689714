"""The `newsdesk` / `python -m bot` command line: one argparse tree, one module per concern."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Sequence
from pathlib import Path

from bot import __version__
from bot.cli import (
    articles,
    backup,
    cluster,
    feeds,
    invite,
    nlp,
    nlp_db,
    runner,
    search_index,
    web,
)
from bot.cli.arguments import Parser
from bot.config import Secret, configure_logging, load_settings
from bot.errors import NewsdeskError
from bot.terminal import shown, terminal

# Each module exposes `register(subparsers)`; adding a concern is one line here.
COMMAND_MODULES = (
    articles,
    search_index,
    runner,
    invite,
    nlp,
    nlp_db,
    feeds,
    backup,
    cluster,
    web,
)


def build_parser() -> argparse.ArgumentParser:
    """Build the whole command tree (subcommands get the same `Parser`)."""
    parser = Parser(
        prog="newsdesk",
        description="Newsdesk: news articles in SQLite, answered inside Discord.",
        epilog="Settings come from the environment and .env (see .env.example).",
    )
    parser.add_argument("--version", action="version", version=f"newsdesk {__version__}")
    parser.add_argument(
        "--db",
        metavar="PATH|URL",
        help="database file or URL (default: DATABASE_URL / DATABASE_PATH)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, load settings and run the chosen command; return the exit status."""
    err = terminal(stderr=True)
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        if args.db:
            # --db takes a file path or a database URL (sqlite:///… or postgresql://…).
            if "://" in args.db:
                settings = dataclasses.replace(settings, database_url=Secret(args.db))
            else:
                settings = dataclasses.replace(
                    settings, database_path=Path(args.db), database_url=Secret("")
                )
        configure_logging(settings)
        args.settings = settings
        return int(args.func(args) or 0)
    except NewsdeskError as exc:
        # One line whatever the terminal's width (soft_wrap), the message printable text.
        err.print(f"[bold red]error:[/] {shown(exc)}", soft_wrap=True)
        return 2
    except KeyboardInterrupt:
        err.print("interrupted")
        return 130
    except BrokenPipeError:
        return 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
