"""Reading the command line: a parser whose every complaint is one printable line, and
number types checked while arguments are parsed (a value out of range is that one line, never
an OverflowError from SQLite or a date before year 1)."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from typing import IO, NoReturn

from bot.terminal import printable

# The largest row id SQLite and PostgreSQL (bigint) store, and Discord's snowflakes.
MAX_ID = 2**63 - 1
MAX_SNOWFLAKE = 2**64 - 1
# Generous bounds for summaries and periods: past them nothing changes but the cost.
MAX_SENTENCES = 1_000
MAX_WORDS = 1_000_000
MAX_DAYS = 36_500


class Parser(argparse.ArgumentParser):
    """argparse that says what is wrong in one line, quoting what was typed printable."""

    def error(self, message: str) -> NoReturn:
        """Exit 2 with one line (the usage is one `--help` away)."""
        self.exit(2, f"error: {self.prog}: {message} (see {self.prog} --help)\n")

    def _print_message(self, message: str, file: IO[str] | None = None) -> None:
        super()._print_message(printable(message), file)


def whole(low: int, high: int) -> Callable[[str], int]:
    """An argparse `type`: a whole number from `low` to `high`."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(_wanted(text, "a whole number", low, high)) from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(_wanted(text, "a whole number", low, high))
        return value

    return parse


def seconds(low: float, high: float) -> Callable[[str], float]:
    """An argparse `type`: a finite number of seconds from `low` to `high`."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and low <= value <= high):
            raise argparse.ArgumentTypeError(_wanted(text, "a number of seconds", low, high))
        return value

    return parse


def _wanted(text: str, kind: str, low: float, high: float) -> str:
    shown = text if len(text) <= 30 else text[:29] + "…"
    return f"{shown!r} is not {kind} from {low:,} to {high:,}"


def add_summary_length(parser: argparse.ArgumentParser) -> None:
    """`--sentences N` or `--max-words N` (one of them): how long a summary is."""
    length = parser.add_mutually_exclusive_group()
    length.add_argument(
        "--sentences", type=whole(1, MAX_SENTENCES), metavar="N", help="number of sentences (3)"
    )
    length.add_argument(
        "--max-words",
        type=whole(1, MAX_WORDS),
        metavar="N",
        help="whole sentences, best first, until N words are reached",
    )
