"""The sandbox console's slash command lines: `/name [sub] [positional] key:value ...` parsed
against the command definitions the bot synced, and completion candidates while typing."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

SUB_COMMAND, SUB_GROUP = 1, 2
CHANNEL, USER, ROLE, MENTIONABLE = 7, 6, 8, 9


class ConsoleError(Exception):
    """A line the console cannot act on; the message says why."""


@dataclass
class ParsedCommand:
    """A slash command line split into its command path and option values."""

    path: str
    options: dict[str, str] = field(default_factory=dict)


def command_options(
    definition: dict[str, Any], words: list[str]
) -> tuple[list[str], list[dict[str, Any]]]:
    """Follow subcommand names at the front of `words`; return the path and leaf options."""
    path = [definition["name"]]
    options = definition.get("options", [])
    while words:
        sub = next(
            (
                o
                for o in options
                if o.get("type") in (SUB_COMMAND, SUB_GROUP) and o["name"] == words[0].lower()
            ),
            None,
        )
        if sub is None:
            break
        path.append(sub["name"])
        words.pop(0)
        options = sub.get("options", [])
    if any(o.get("type") in (SUB_COMMAND, SUB_GROUP) for o in options):
        names = ", ".join(o["name"] for o in options)
        raise ConsoleError(f"/{' '.join(path)} needs a subcommand: {names}")
    return path, options


def parse_command(line: str, commands: list[dict[str, Any]]) -> ParsedCommand:
    """Parse `/name [sub] [positional] key:value ...` against the synced command definitions."""
    body = line.strip()[1:]
    name, _, rest = body.partition(" ")
    definition = next((c for c in commands if c["name"] == name.lower()), None)
    if definition is None:
        known = ", ".join(sorted("/" + c["name"] for c in commands if c.get("type", 1) == 1))
        raise ConsoleError(f"no command /{name}; try one of: {known}")
    words = rest.split()
    path, options = command_options(definition, words)
    rest = " ".join(words)
    names = [o["name"] for o in options]
    values: dict[str, str] = {}
    if names:
        pattern = re.compile(r"(?:^|\s)(" + "|".join(map(re.escape, names)) + r"):")
        marks = list(pattern.finditer(rest))
        positional = rest[: marks[0].start()] if marks else rest
        for index, mark in enumerate(marks):
            end = marks[index + 1].start() if index + 1 < len(marks) else len(rest)
            values[mark[1]] = rest[mark.end() : end].strip()
        positional = positional.strip()
        if positional:
            free = [o["name"] for o in options if o.get("required") and o["name"] not in values]
            if not free:
                raise ConsoleError(f"don't know what {positional!r} is for; name it, e.g. x:…")
            # Bare words fill the required options in order; the last one takes the rest.
            parts = positional.split(" ", len(free) - 1)
            values.update(zip(free, parts, strict=False))
    elif rest.strip():
        raise ConsoleError(f"/{' '.join(path)} takes no options")
    missing = [o["name"] for o in options if o.get("required") and o["name"] not in values]
    if missing:
        usage = " ".join(f"{n}:…" for n in missing)
        raise ConsoleError(
            f"/{' '.join(path)} needs {', '.join(missing)}: e.g. /{' '.join(path)} {usage}"
        )
    return ParsedCommand(" ".join(path), values)


def completions(commands: list[dict[str, Any]], text: str) -> Iterable[str]:
    """Completion candidates for what has been typed so far (command names, then options),
    from the synced command definitions."""
    if not text.startswith("/"):
        if text.startswith(":"):
            yield from (
                c
                for c in (":click ", ":select ", ":fill ", ":as ", ":in ", ":help", ":quit")
                if c.startswith(text)
            )
        return
    if " " not in text:
        yield from ("/" + c["name"] + " " for c in commands if ("/" + c["name"]).startswith(text))
        return
    name, _, rest = text[1:].partition(" ")
    definition = next((c for c in commands if c["name"] == name), None)
    if definition is None:
        return
    words = rest.split()
    try:
        _, options = command_options(definition, list(words))
    except ConsoleError:
        options = [
            o for o in definition.get("options", []) if o.get("type") in (SUB_COMMAND, SUB_GROUP)
        ]
        current = "" if rest.endswith(" ") else (words[-1] if words else "")
        yield from (o["name"] + " " for o in options if o["name"].startswith(current))
        return
    current = "" if rest.endswith(" ") else (words[-1] if words else "")
    used = {w.split(":", 1)[0] for w in words if ":" in w}
    yield from (
        o["name"] + ":" for o in options if o["name"].startswith(current) and o["name"] not in used
    )
