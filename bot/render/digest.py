"""Digests as Discord sees them: one embed per message, as many messages as the stories need.

Each story is a block (linked title, outlets and time, a one- or two-sentence summary);
blocks are packed into embeds whose descriptions stay under `PART_BUDGET`, so any digest
fits Discord's limits however many stories it holds. The first part carries the late note,
the last one the entities that dominated the period and the pairs of names rising in it.
Footers name the schedule and run (`RUN_MARKER`) so a bot resuming an interrupted post can see
which parts already went out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import discord

from bot.digest import Digest, DigestItem
from bot.render import embeds, limits, text
from bot.store import Schedule

# Room per part: under the 4096 description limit, leaving the 6000 total room for the
# title, the entities field and the footer.
PART_BUDGET = 3500
TITLE_CHARS = 200
SUMMARY_CHARS = 400
SOURCES_SHOWN = 4
ENTITIES_SHOWN = 5
RISING_SHOWN = 3
RUN_MARKER = re.compile(r"\brun (\d+) · part (\d+)/(\d+)\b")


@dataclass(frozen=True)
class Heading:
    """What a digest is: its title, the footer's left part, and (for a scheduled run) its id."""

    title: str
    footer: str = ""
    run_id: int | None = None
    when: datetime | None = None  # shown as the embed timestamp (the slot)


def story_block(number: int, item: DigestItem) -> str:
    """One story: bold linked title, outlets · relative time, the summary."""
    title = text.link(text.fit(item.title, TITLE_CHARS), item.url)
    outlets = [text.escape(text.plain(s, 60)) for s in item.sources[:SOURCES_SHOWN]]
    if len(item.sources) > SOURCES_SHOWN:
        outlets.append(f"+{len(item.sources) - SOURCES_SHOWN} more")
    meta = " · ".join(p for p in (", ".join(outlets), text.timestamp(item.when, "R")) if p)
    lines = [f"**{number}.** {title}"]
    if meta:
        lines.append(meta)
    if item.summary:
        lines.append(text.fit(item.summary, SUMMARY_CHARS))
    return "\n".join(lines)


def rising_lines(digest: Digest) -> str:
    """The pairs of names rising in the period: "**Hamas × Qatar** · together in 5 articles,
    never before" (empty when none rose)."""
    lines = []
    for pair in digest.rising[:RISING_SHOWN]:
        label = text.escape(text.plain(pair.label, 120))
        usual = "never before" if pair.first_time else f"about {pair.expected:.1f} expected"
        lines.append(f"**{label}** · together in {text.plural(pair.articles, 'article')}, {usual}")
    return "\n".join(lines)


def entities_line(digest: Digest) -> str:
    """The entities that dominated the period, with their article counts."""
    return " · ".join(
        f"**{text.escape(text.plain(e.name, 80))}**"
        + (f" ({e.articles})" if e.articles > 1 else "")
        for e in digest.entities[:ENTITIES_SHOWN]
    )


def late_note(slot: datetime, since: datetime, missed: int) -> str:
    """The first lines of a digest posted after downtime."""
    note = (
        f"⏰ **Late digest**: this one was due {text.timestamp(slot, 'f')}, while Newsdesk was "
        f"offline. It covers everything since {text.timestamp(since, 'f')}"
    )
    if missed:
        plural = "s" if missed != 1 else ""
        note += f"; {missed} earlier digest{plural} in that time are folded into it"
    return note + "."


def nothing_new(digest: Digest) -> str:
    """What a quiet period's digest says."""
    scope = (
        f" matching `{text.plain(digest.filter, 100).replace('`', '')}`" if digest.filter else ""
    )
    return f"Nothing new{scope} since {text.timestamp(digest.since, 'f')}."


def digest_embeds(digest: Digest, heading: Heading, *, intro: str = "") -> list[discord.Embed]:
    """The digest as embeds, one per message, each within every Discord limit."""
    blocks = [story_block(n, item) for n, item in enumerate(digest.items, start=1)]
    if not blocks:
        blocks = [nothing_new(digest)]
    parts: list[list[str]] = [[]]
    used = len(intro)
    for block in blocks:
        if parts[-1] and used + len(block) + 2 > PART_BUDGET:
            parts.append([])
            used = 0
        parts[-1].append(block)
        used += len(block) + 2
    total = len(parts)
    found = entities_line(digest)
    rising = rising_lines(digest)
    result = []
    for number, blocks_here in enumerate(parts, start=1):
        description = "\n\n".join(blocks_here)
        if number == 1 and intro:
            description = f"{intro}\n\n{description}"
        fields = []
        if number == total and found:
            fields.append(embeds.Field("Who and what dominated", found))
        if number == total and rising:
            fields.append(embeds.Field("Rising", rising))
        title = heading.title if number == 1 else f"{heading.title} (continued)"
        result.append(
            embeds.build(
                title=text.fit(title, limits.EMBED_TITLE),
                description=description,
                fields=fields,
                footer=_footer(heading, number, total, digest),
                colour=embeds.Palette.NEWS,
                timestamp=heading.when,
            )
        )
    return result


def _footer(heading: Heading, number: int, total: int, digest: Digest) -> str:
    parts = [heading.footer] if heading.footer else []
    if heading.run_id is not None:
        parts.append(f"run {heading.run_id} · part {number}/{total}")
    elif total > 1:
        parts.append(f"part {number}/{total}")
    if number == total and digest.articles:
        articles = f"{digest.articles} article{'s' if digest.articles != 1 else ''}"
        stories = f"{digest.stories} stor{'ies' if digest.stories != 1 else 'y'}"
        parts.append(f"{articles}, {stories}")
    return " · ".join(parts)


def posted_parts(embed_footers: list[str], run_id: int) -> set[int]:
    """Which parts of run `run_id` these footers show were posted already."""
    found = set()
    for footer in embed_footers:
        match = RUN_MARKER.search(footer)
        if match and int(match[1]) == run_id:
            found.add(int(match[2]))
    return found


def thread_name(title: str) -> str:
    """A forum post's name for a digest (1-100 characters)."""
    return text.plain(title, 100) or "News digest"


def digest_title(schedule: Schedule, slot: datetime | None = None) -> str:
    """ "Daily digest: Qatar · Mon 9 Mar 2026" (plain text; the date in the schedule's zone)."""
    label = {"weekdays": "Weekday", "weekly": "Weekly", "cron": "News"}.get(schedule.every, "Daily")
    title = f"{label} digest"
    if schedule.filter:
        title += f": {schedule.filter}"
    if slot is not None:
        local = slot.astimezone(ZoneInfo(schedule.timezone))
        title += f" · {local:%a} {local.day} {local:%b %Y}"
    return title


def schedule_line(schedule: Schedule, rule: str, next_at: datetime) -> str:
    """One schedule in `/digest list`; `rule` is its recurrence described by the core."""
    # `rule` is our own text (e.g. "cron `0 8 * * 1-5`", validated): its code span stays.
    lines = [
        f"**#{schedule.id}** · <#{schedule.channel_id}> · {rule} ({text.escape(schedule.timezone)})"
    ]
    if schedule.filter:
        lines.append(f"filter: `{text.plain(schedule.filter, 100).replace('`', '')}`")
    if schedule.paused:
        lines.append(f"⏸ paused: {text.escape(text.plain(schedule.paused_reason, 200))}")
    else:
        lines.append(f"next {text.timestamp(next_at, 'f')} ({text.timestamp(next_at, 'R')})")
    if schedule.last_success_at is not None:
        lines.append(f"last digest {text.timestamp(schedule.last_success_at, 'R')}")
    return "\n".join(lines)


def schedules_embed(lines: list[str], guild_name: str) -> discord.Embed:
    """The guild's digests, or how to add one."""
    description = "\n\n".join(lines) or (
        "No digests yet. Add one with `/digest schedule channel:#news time:08:00 "
        "timezone:America/New_York`."
    )
    return embeds.build(
        title=f"Digests in {text.plain(guild_name, 200)}",
        description=description,
        colour=embeds.Palette.INFO,
    )


def confirmation_embed(message: str) -> discord.Embed:
    """A change was made (markdown message)."""
    return embeds.build(description=message, colour=embeds.Palette.SUCCESS)


def notice_embed(message: str) -> discord.Embed:
    """Something an admin must act on (markdown message)."""
    return embeds.build(description=message, colour=embeds.Palette.WARNING)
