"""An outlet's coverage as Discord sees it: one embed (stories, first reports and delays, the
names it uses more than its peers, its blindspots) and the outlet autocomplete."""

from __future__ import annotations

from collections.abc import Sequence

import discord
from discord import app_commands

from bot.insights.outlets import Blindspot, DistinctiveName, OutletCoverage
from bot.render import embeds, limits, text
from bot.store import OutletCount

NAME_CHARS = 80
TITLE_CHARS = 120


def outlet_choices(found: Sequence[OutletCount]) -> list[app_commands.Choice[str]]:
    """Autocomplete: "Gulf Desk · 42 articles", each finding that outlet again."""
    return [
        app_commands.Choice(
            name=text.plain(f"{o.outlet} · {text.plural(o.articles, 'article')}", 100)
            or o.outlet[: limits.CHOICE_VALUE],
            value=o.outlet[: limits.CHOICE_VALUE],
        )
        for o in found[: limits.CHOICES]
    ]


def _lead(coverage: OutletCoverage) -> str:
    noun = "story" if coverage.stories == 1 else "stories"
    lines = [
        f"**{coverage.stories:,} {noun}** carried"
        + (f", {coverage.shared:,} of them with other outlets" if coverage.stories else "")
    ]
    share = coverage.first_share
    if share is not None:
        lines.append(f"**First** to report {coverage.first:,} of {coverage.shared:,} ({share:.0%})")
    if coverage.median_delay is not None:
        lines.append(
            f"Otherwise a median **{text.duration(coverage.median_delay)}** behind the first report"
        )
    where = "this server's feeds" if coverage.scope == "feeds" else "the archive"
    lines.append(f"Compared with {text.plural(len(coverage.peers), 'other outlet')} in {where}.")
    if coverage.capped:
        lines.append(f"(Its latest {coverage.stories:,} stories were read.)")
    return "\n".join(lines)


def _name_line(name: DistinctiveName) -> str:
    return (
        f"**{text.escape(text.plain(name.entity.name, NAME_CHARS))}** · in "
        f"{name.mine:,} of its articles, {name.others:,} of theirs · z {name.z:.1f}"
    )


def _blindspot_line(spot: Blindspot, peers: int) -> str:
    lead = spot.story.lead
    title = text.link(text.fit(lead.title, TITLE_CHARS), lead.url)
    when = text.timestamp(spot.story.first_reported_at, "d")
    return f"• {title} · {spot.outlets} of {peers} outlets · {when}"


def outlet_embed(coverage: OutletCoverage) -> discord.Embed:
    """What one outlet covered over the period, compared with its peers."""
    names = "\n".join(_name_line(n) for n in coverage.names) or (
        "None stands out (z-score of 1.96 or more against its peers)."
    )
    peers = len(coverage.peers)
    heading = f"Blindspots: carried by {coverage.blindspot_floor}+ of {peers} others, not it"
    if peers < 2:
        heading, blindspots = "Blindspots", "Needs two other outlets to compare with."
    else:
        blindspots = "\n".join(_blindspot_line(b, peers) for b in coverage.blindspots) or (
            f"None: it carried every story {coverage.blindspot_floor} or more of them did."
        )
    return embeds.build(
        title=text.fit(
            f"{coverage.outlet} · last {text.plural(coverage.days, 'day')}", limits.EMBED_TITLE
        ),
        description=_lead(coverage),
        fields=[
            embeds.Field("Names it uses more than its peers", names),
            embeds.Field(heading, blindspots),
        ],
        footer="First: no outlet reported it earlier · z: log-odds against the other outlets "
        "· /story shows a story's timeline",
        colour=embeds.Palette.NEWS,
    )
