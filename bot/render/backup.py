"""A server backup as Discord shows it: what the exported file holds, and what a restore
restored, found already there, or refused and why."""

from __future__ import annotations

import discord

from bot.backup.restore import RestoreReport
from bot.backup.schema import Backup
from bot.render import embeds, text

KINDS = ("settings", "feeds", "digests", "follows", "pacing", "mutes")
REFUSED_SHOWN = 15


def exported_embed(backup: Backup) -> discord.Embed:
    """The answer to /settings export, above the attached file."""
    held = [
        text.plural(len(backup.feeds), "feed"),
        text.plural(len(backup.digests), "digest"),
        text.plural(len(backup.follows), "channel follow"),
        text.plural(len(backup.mutes), "mute rule"),
    ]
    return embeds.build(
        title="Server backup",
        description=f"This server's setup ({', '.join(held)} and its settings) as one file. "
        "Keep it to restore with `/settings import`, here or in another server (channels "
        "and roles are found by name there).",
        colour=embeds.Palette.SUCCESS,
    )


def restored_embed(report: RestoreReport) -> discord.Embed:
    """The answer to /settings import."""
    lines = []
    for kind in KINDS:
        done, kept = report.restored.get(kind, 0), report.already.get(kind, 0)
        if done or kept:
            lines.append(
                f"**{kind.title()}**: {done} restored" + (f", {kept} already here" if kept else "")
            )
    fields = []
    if report.refused:
        shown = [
            f"{text.escape(text.plain(what, 80))}: {text.escape(why)}"
            for what, why in report.refused[:REFUSED_SHOWN]
        ]
        if len(report.refused) > REFUSED_SHOWN:
            shown.append(f"…and {len(report.refused) - REFUSED_SHOWN} more")
        fields.append(embeds.Field(f"Not restored ({len(report.refused)})", "\n".join(shown)))
    return embeds.build(
        title="Backup restored",
        description="\n".join(lines) or "Nothing to restore: the backup was empty.",
        fields=fields,
        colour=embeds.Palette.WARNING if report.refused else embeds.Palette.SUCCESS,
    )
