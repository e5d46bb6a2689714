"""What strangers can type or publish, as hypothesis strategies, and Discord's own rule book.

`hostile_text` mixes arbitrary Unicode (including control characters and lone surrogates) with
the fragments that attack a Discord bot: mass mentions, user/role mentions, masked links, code
fences, spoilers, zero-width and right-to-left override characters, NUL bytes and FTS5 syntax.
`discord_rejects(payload)` runs the emulator's validator (Discord's limits) over a message body.
"""

from __future__ import annotations

import re
from typing import Any

import discord
from hypothesis import strategies as st

from bot.sandbox.emulator.limits import FormErrors, check_message

# Fragments that try to ping, spoof a link, hide or reorder text, or break a parser.
ATTACKS = (
    "@everyone",
    "@here",
    "@\u200beveryone",
    "@\u202eeveryone",
    "<@123456789012345678>",
    "<@!123456789012345678>",
    "<@&123456789012345678>",
    "<#123456789012345678>",
    "<t:0:R>",
    "[click here](https://evil.example/login)",
    "[https://bank.example](https://evil.example)",
    "```",
    "```py\nprint(1)\n```",
    "||spoiler||",
    "`",
    "**",
    "__",
    "~~",
    "> quote",
    "# heading",
    "-# subtext",
    "\u200b",
    "\u200d",
    "\u202e",
    "\u2066",
    "\ufeff",
    "\x00",
    "\x1b[31m",
    # Terminal escapes (the command line and the console print outside text): clear screen,
    # an OSC 8 hyperlink, 8-bit CSI, full reset; rich's markup and emoji codes.
    "\x1b[2J",
    "\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\",
    "\x9b2J",
    "\x1bc",
    ":fire:",
    "a:b:c",
    "[bold]",
    "[/]",
    "\r\n",
    "\n\n",
    "\t",
    '"',
    "*",
    "-",
    " OR ",
    "NEAR(",
    "title:",
    "^",
    "\\",
    "\U0001f600",
)

# Every code point, surrogates and control characters included.
any_char = st.characters(exclude_categories=())
hostile_text = st.lists(
    st.one_of(st.text(any_char, max_size=20), st.sampled_from(ATTACKS)), max_size=16
).map("".join)
# The same without lone surrogates: text that really arrives as UTF-8 (files, Discord).
sendable_text = st.lists(
    st.one_of(st.text(max_size=20), st.sampled_from(ATTACKS)), max_size=16
).map("".join)

# Markdown or mention syntax that must never survive escaping (a backslash before the first
# character makes it literal, so these patterns require it unescaped).
_LIVE = (
    re.compile(r"(?<!\\)<@[!&]?\d+>"),
    re.compile(r"(?<!\\)<#\d+>"),
    re.compile(r"@(everyone|here)", re.IGNORECASE),
    re.compile(r"(?<!\\)\[(?:[^\]\\\n]|\\.)*(?<!\\)\]\("),  # a masked link
    re.compile(r"(?<!\\)\|\|"),
    re.compile(r"(?<!\\)```"),
)


# Discord's autolink rule: from "http(s)://" to the next space, brackets included, so markup
# inside a bare URL is part of the link text, not markup.
_AUTOLINK = re.compile(r"https?://[^\s<]+[^<.,:;\"')\]\s]")


def live_markup(markdown: str, allowed: frozenset[str] = frozenset()) -> list[str]:
    """The pieces of `markdown` that Discord would turn into a ping, a spoofed link, a spoiler
    or a code block (empty when the text is inert); `allowed` are the bot's own (e.g. the
    mention of a channel it was told to post in)."""
    outside_links = _AUTOLINK.sub(" ", markdown)
    found = [m.group() for pattern in _LIVE for m in pattern.finditer(outside_links)]
    return [piece for piece in found if piece not in allowed]


def discord_rejects(payload: dict[str, Any]) -> dict[str, Any]:
    """What Discord (the emulator's rule book) would reject in this message body; {} if none."""
    errors = FormErrors()
    check_message(errors, [], payload)
    return errors.tree


def embeds_payload(*embeds: discord.Embed) -> dict[str, Any]:
    """A message body carrying these embeds, as discord.py would send it."""
    return {"embeds": [embed.to_dict() for embed in embeds]}


def embed_text(embed: dict[str, Any]) -> str:
    """Every markdown part of a sent embed, joined (title, description, fields)."""
    parts = [embed.get("title") or "", embed.get("description") or ""]
    for field in embed.get("fields") or []:
        parts += [field.get("name") or "", field.get("value") or ""]
    return "\n".join(parts)
