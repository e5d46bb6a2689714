"""Text from outside (file names, titles, bodies, feed names, typed options) made safe for a
terminal: `printable` is the one function that removes what a terminal would obey instead of
show, and `TerminalConsole` the rich console that applies it to everything it prints."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from typing import Any

from rich.console import Console, ConsoleOptions, RenderableType
from rich.highlighter import JSONHighlighter
from rich.markup import escape
from rich.segment import Segment
from rich.text import Text

# What a terminal obeys: C0 controls but line feed and tab, DEL, C1 controls (0x9b is CSI on
# its own), and the invisible characters that reorder text (bidi embeddings, overrides,
# isolates and marks), which can make a line read as something else.
_CONTROL_CHARS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_SURROGATES = "\ud800-\udfff"
# Whole escape sequences go, not only their ESC, so "\x1b[2J" leaves no "[2J" behind:
# strings (OSC such as OSC 8 links, DCS, SOS, PM, APC) up to their terminator, or to the end
# of the line when unterminated; CSI with its parameters; two- and three-byte escapes.
_SEQUENCE = (
    r"(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"
    r"|(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|\x1b[ -/]*[0-~]?"
)
_UNSAFE = re.compile(f"{_SEQUENCE}|[{_CONTROL_CHARS}{_SURROGATES}]")
_UNSAFE_CHAR = re.compile(f"[{_CONTROL_CHARS}{_SURROGATES}]")
REPLACEMENT = "\ufffd"
# A run of backslashes before a "[" that does not open a tag (rich.markup's tag shape).
_BACKSLASHES_BEFORE_BRACKET = re.compile(r"\\+(?=\[(?![a-z#/@][^\[]*?\]))")


def _drop(match: re.Match[str]) -> str:
    # A lone surrogate cannot even be encoded for the terminal: show that something was there.
    return REPLACEMENT if "\ud800" <= match[0] <= "\udfff" else ""


def printable(text: str) -> str:
    """`text` without control characters, escape sequences or bidi controls (line feeds and
    tabs kept; a carriage return becomes a line feed so it cannot overwrite what came
    before; a lone surrogate becomes U+FFFD). Everything else is kept as written."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _UNSAFE.sub(_drop, text) if _UNSAFE.search(text) else text


def shown(text: object) -> str:
    """Outside text for a rich markup string: printable, and `[bold]` shown as typed."""
    safe = printable(str(text))
    body = safe.rstrip("\\")
    if len(body) == len(safe):
        return _escaped(safe)
    # Backslashes only escape something right before a tag, so how rich reads a trailing run
    # depends on what the caller puts after it: double them and end with an empty tag of our
    # own, and they read as written wherever the text goes.
    return _escaped(body) + "\\" * (2 * (len(safe) - len(body))) + "[dim][/dim]"


def _escaped(text: str) -> str:
    """rich's `escape`, and a backslash more before any other "[": rich escapes only brackets
    that look like tags, but its renderer reads every "\\[" of plain text as an escaped "["
    and drops the backslash ("\\[" showed as "[")."""
    return _BACKSLASHES_BEFORE_BRACKET.sub(lambda run: run[0] + "\\", escape(text))


def json_text(value: Any, *, indent: int | None = None) -> str:
    """`value` as JSON for a terminal: exactly the data (nothing removed), with every
    character a terminal would obey written as a \\u escape instead of raw."""
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    return _UNSAFE_CHAR.sub(lambda m: f"\\u{ord(m[0]):04x}", text)


class TerminalConsole(Console):
    """A rich console that cannot print control characters: every piece of text it renders
    (markup, tables, progress bars, markdown) passes through `printable`; emoji codes such as
    `:fire:` print as typed. Build consoles with `terminal()`."""

    def render(
        self, renderable: RenderableType, options: ConsoleOptions | None = None
    ) -> Iterable[Segment]:
        """Render as rich does, then drop what a terminal would obey from each text segment
        (rich's own control segments, such as cursor moves, stay)."""
        for segment in super().render(renderable, options):
            if segment.control or not segment.text:
                yield segment
            else:
                yield Segment(printable(segment.text), segment.style)

    def print_data(self, value: Any) -> None:
        """Print `value` as indented JSON (coloured on a terminal), safe as `json_text`."""
        self.print(JSONHighlighter()(Text(json_text(value, indent=2))), soft_wrap=True)


def terminal(*, stderr: bool = False) -> TerminalConsole:
    """The console every command-line and console output goes through."""
    return TerminalConsole(stderr=stderr, highlight=False, emoji=False)


class PrintableFormatter(logging.Formatter):
    """A log formatter whose lines are `printable`: a logged title or file name cannot move
    the cursor or clear the screen of whoever reads the log in a terminal."""

    def format(self, record: logging.LogRecord) -> str:
        """The formatted record, printable."""
        return printable(super().format(record))
