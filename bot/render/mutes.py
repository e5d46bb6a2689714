"""The mute list's answers: a rule added or removed, the server's list page by page, and
autocomplete choices for rules and sources. Rules are admin-typed or entity names: escaped."""

from __future__ import annotations

from collections.abc import Sequence

import discord
from discord import app_commands

from bot.render import embeds, limits, text
from bot.store import Mute

PER_PAGE = 15
VALUE_CHARS = 80
WHERE = "feeds, digests, follows and feed alerts"


def rule(mute: Mute) -> str:
    """A rule as a list shows it: `#3 word “ferry”`, its value escaped."""
    return f"#{mute.id} {mute.kind} “{text.escape(text.plain(mute.value, VALUE_CHARS))}”"


def added_embed(mute: Mute, created: bool, used: int, limit: int) -> discord.Embed:
    """Confirmation of a new rule (or that it was there already), with how many are left."""
    lead = "Muted" if created else "Already muted"
    return embeds.build(
        description=(
            f"{lead}: {rule(mute)}. Newsdesk leaves it out of this server's {WHERE}.\n"
            f"This server uses {used} of {limit} mute rules."
        ),
        colour=embeds.Palette.SUCCESS,
    )


def removed_embed(mute: Mute) -> discord.Embed:
    """Confirmation that a rule was removed."""
    return embeds.build(
        description=f"Removed {rule(mute)}: it no longer hides anything here.",
        colour=embeds.Palette.SUCCESS,
    )


def list_embed(mutes: Sequence[Mute], page: int, limit: int) -> tuple[discord.Embed, int]:
    """One page (1-based) of the server's mute list, oldest rule first, and the page count."""
    pages = max(1, -(-len(mutes) // PER_PAGE))
    page = min(max(page, 1), pages)
    if not mutes:
        description = (
            "Nothing is muted here. `/mute add word:…` (or `phrase:`, `source:`, `entity:`) "
            f"leaves what matches out of this server's {WHERE}."
        )
    else:
        shown = mutes[(page - 1) * PER_PAGE : page * PER_PAGE]
        lines = [
            f"{rule(m)} · added {text.timestamp(m.created_at, 'd')} by <@{m.created_by}>"
            for m in shown
        ]
        description = "\n".join(lines)
    footer = f"Page {page} of {pages} · {len(mutes)} of {limit} rules · oldest first"
    return embeds.build(title="Mute list", description=description, footer=footer), pages


def rule_choices(mutes: Sequence[Mute], typed: str) -> list[app_commands.Choice[str]]:
    """Autocomplete for /mute remove: this server's rules whose text contains what was typed."""
    folded = typed.casefold().strip().lstrip("#")
    found = []
    for mute in mutes:
        name = f"#{mute.id} {mute.kind}: {mute.value}"
        if folded in name.casefold():
            found.append(
                app_commands.Choice(name=text.plain(name, limits.CHOICE_NAME), value=str(mute.id))
            )
    return found[: limits.CHOICES]


def source_choices(sources: Sequence[str]) -> list[app_commands.Choice[str]]:
    """Autocomplete for a source rule: outlet names as articles carry them."""
    return [
        app_commands.Choice(name=name, value=name)
        for source in sources[: limits.CHOICES]
        if (name := text.plain(source, limits.CHOICE_NAME)) and len(source) <= limits.CHOICE_VALUE
    ]
