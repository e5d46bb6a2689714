"""The feed editor's answers: edits, pauses, copies, the template form and its confirmation,
the delivery log's pages, a channel's pacing, a post sent on request."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

import discord

from bot.feeds.manage import Edited
from bot.feeds.templates import PLACEHOLDERS, MessageTemplate
from bot.render import embeds, errors, text
from bot.store import ChannelPacing, DeliveryOutcome, Feed, LogEntry, NewLogEntry, Subscription

MARKS = {
    DeliveryOutcome.QUEUED: "🕒",
    DeliveryOutcome.POSTED: "✅",
    DeliveryOutcome.FILTERED: "🚫",
    DeliveryOutcome.MUTED: "🔇",
    DeliveryOutcome.DUPLICATE: "🔁",
    DeliveryOutcome.TOO_OLD: "⌛",
    DeliveryOutcome.FLOOD: "🚦",
    DeliveryOutcome.QUIET: "🌙",
    DeliveryOutcome.DIGEST: "📰",
    DeliveryOutcome.PAUSED: "⏸️",
    DeliveryOutcome.FAILED: "❌",
}
TITLE_CHARS = 90
DETAIL_CHARS = 200


def _name(feed: Feed) -> str:
    return text.escape(text.plain(feed.name, 150))


def _quoted(value: str) -> str:
    return f"“{text.escape(text.plain(value, 100))}”" if value else "none"


def _settings(subscription: Subscription) -> list[str]:
    lines = [f"Posts in <#{subscription.channel_id}>"]
    lines.append(f"Filter: {_quoted(subscription.filter)}")
    lines.append(f"Pings: <@&{subscription.role_id}>" if subscription.role_id else "Pings: nobody")
    if subscription.max_age_hours:
        lines.append(f"Only items up to {subscription.max_age_hours} hours old")
    if subscription.paused:
        lines.append("⏸️ Paused: polled, but nothing is posted")
    return lines


def edited_embed(edited: Edited, what: str = "Updated") -> discord.Embed:
    """A feed after a change, with what changed."""
    before, after = edited.before, edited.after
    changes = []
    if before.channel_id != after.channel_id:
        changes.append(f"channel <#{before.channel_id}> → <#{after.channel_id}>")
    if before.filter != after.filter:
        changes.append(f"filter {_quoted(before.filter)} → {_quoted(after.filter)}")
    if before.role_id != after.role_id:
        role = f"<@&{after.role_id}>" if after.role_id else "nobody"
        changes.append(f"ping → {role}")
    if before.max_age_hours != after.max_age_hours:
        age = f"{after.max_age_hours} hours" if after.max_age_hours else "any age"
        changes.append(f"maximum age → {age}")
    if before.template != after.template:
        changes.append("template → " + ("its own" if after.template else "the default"))
    lines = _settings(after)
    if changes:
        lines.insert(0, "Changed: " + "; ".join(changes) + ".")
    lines.append("Nothing it already saw is posted again.")
    return embeds.build(
        title=f"{what} feed #{after.id} · {_name(edited.feed)}",
        description="\n".join(lines),
        colour=embeds.Palette.SUCCESS,
    )


def copied_embed(
    source: Subscription, changed: Sequence[Subscription], settings: Sequence[str]
) -> discord.Embed:
    """Which settings went from one feed to which others."""
    numbers = ", ".join(f"#{s.id}" for s in changed)
    feeds = "feed" if len(changed) == 1 else "feeds"
    what = ", ".join(settings)
    return embeds.build(
        description=f"Copied the {what} of feed #{source.id} to {feeds} {numbers}.",
        colour=embeds.Palette.SUCCESS,
    )


def template_saved_embed(
    feed: Feed | None, subscription_id: int | None, previewed: str | None
) -> discord.Embed:
    """The template form's answer; the preview (the real post) follows as its own message."""
    whose = f"feed #{subscription_id} · {_name(feed)}" if feed else "this server's default"
    lines = [f"Saved the template of {whose}."]
    if previewed is not None:
        lines.append(
            f"Below: its next post exactly as it will look, built from the newest item, "
            f"“{text.escape(text.plain(previewed, TITLE_CHARS))}”."
        )
    else:
        lines.append("There is no item to preview yet: the next new one posts with it.")
    return embeds.build(description="\n".join(lines), colour=embeds.Palette.SUCCESS)


def template_help() -> str:
    """The placeholders, one per line (for the form's refusal and /feeds template's help)."""
    return "\n".join(f"`{{{name}}}` {what}" for name, what in PLACEHOLDERS.items())


def sent_embed(line: NewLogEntry) -> discord.Embed:
    """What /feeds send-latest did."""
    title = text.escape(text.plain(line.title, TITLE_CHARS))
    if line.outcome is DeliveryOutcome.POSTED:
        where = f" ({line.link})" if line.link else ""
        return embeds.build(description=f"Posted “{title}”{where}.", colour=embeds.Palette.SUCCESS)
    detail = text.escape(text.plain(line.detail, DETAIL_CHARS))
    return embeds.build(
        description=f"Couldn't post “{title}”: {detail}.", colour=embeds.Palette.WARNING
    )


def prefix_help(prefix: str) -> discord.Embed:
    """What `!feeds` alone answers: the prefix commands, and where the rest are."""
    shown = text.escape(prefix)
    return embeds.build(
        description=(
            f"{shown}feeds pause ID, {shown}feeds resume ID and {shown}feeds send-latest ID work "
            "here; everything else is a slash command: /feeds list, /feeds edit, /feeds log…"
        ),
        colour=embeds.Palette.INFO,
    )


def log_line(entry: LogEntry, source: str = "") -> str:
    """One line of the delivery log: mark, outcome, title, why, the article's text source
    (bot.feeds.extraction.text_source), the post, when."""
    title = text.escape(text.plain(entry.title, TITLE_CHARS)) or "(no title)"
    title = text.link(title, entry.url)
    parts = [f"{MARKS.get(entry.outcome, '•')} **{entry.outcome}** · {title}"]
    if entry.detail:
        parts.append(text.escape(text.plain(entry.detail, DETAIL_CHARS)))
    if entry.link:
        label = "first post" if entry.outcome is DeliveryOutcome.DUPLICATE else "the post"
        parts.append(text.link(label, entry.link))
    parts.append(text.timestamp(entry.at, "R"))
    if source:
        parts.append("text: " + text.escape(text.plain(source, DETAIL_CHARS)))
    return " — ".join(parts[:2]) + ("\n" + " · ".join(parts[2:]) if parts[2:] else "")


def log_embed(
    subscription: Subscription,
    feed: Feed,
    lines: Sequence[LogEntry],
    page: int,
    pages: int,
    sources: Mapping[int, str] | None = None,
) -> discord.Embed:
    """One page of a feed's delivery log (`sources`: each article's text source, by id)."""
    sources = sources or {}
    body = "\n\n".join(log_line(e, sources.get(e.article_id or 0, "")) for e in lines)
    return embeds.build(
        title=f"Delivery log of feed #{subscription.id} · {_name(feed)}",
        description=body or "Nothing yet: each item the feed brings from now on shows here.",
        colour=embeds.Palette.INFO,
        footer=f"Page {page} of {pages} · newest first · the last 200 items are kept",
    )


def pacing_embed(rows: Sequence[ChannelPacing], zone: ZoneInfo) -> discord.Embed:
    """The server's channels with their own pacing, and the default for the rest."""
    lines = []
    for pacing in rows:
        line = (
            f"<#{pacing.channel_id}>: at most {pacing.max_posts} posts "
            f"per {pacing.window_minutes} minutes"
        )
        if pacing.quiet_start and pacing.quiet_end:
            line += f"; quiet {pacing.quiet_start}–{pacing.quiet_end}"
        lines.append(line)
    lines.append("Other channels: at most 10 posts per 10 minutes, no quiet hours.")
    return embeds.build(
        title="Feed pacing",
        description="\n".join(lines),
        colour=embeds.Palette.INFO,
        footer=f"Quiet hours are in the server's timezone, {zone.key} (/settings timezone)",
    )


Submit = Callable[[discord.Interaction, dict[str, str]], Awaitable[None]]


class TemplateForm(discord.ui.Modal):
    """The template editor: message text, embed title, description, footer and style, filled
    with the current template; `submit` gets the values by field."""

    def __init__(self, title: str, current: MessageTemplate, submit: Submit) -> None:
        super().__init__(title=text.plain(title, 45), timeout=15 * 60)
        self._submit = submit
        fields = (
            ("content", "Message text (e.g. {role} {title})", current.content, 2000, True),
            ("title", "Embed title (empty: plain text post)", current.title, 1000, False),
            ("description", "Embed description", current.description, 4000, True),
            ("footer", "Embed footer", current.footer, 1000, False),
            ("style", "Style: colour, thumbnail", current.style(), 100, False),
        )
        self.inputs: dict[str, discord.ui.TextInput[Any]] = {}
        for key, label, value, most, long in fields:
            field: discord.ui.TextInput[Any] = discord.ui.TextInput(
                label=label,
                custom_id=f"template:{key}",
                style=discord.TextStyle.paragraph if long else discord.TextStyle.short,
                default=value[:most] or None,
                required=False,
                max_length=most,
            )
            self.inputs[key] = field
            self.add_item(field)

    async def on_submit(self, interaction: discord.Interaction, /) -> None:
        """Hand the typed values to the command that opened the form."""
        await self._submit(interaction, {key: field.value for key, field in self.inputs.items()})

    # Modal narrows BaseView's on_error (no item); mypy sees the library's own mismatch.
    async def on_error(  # type: ignore[override]
        self, interaction: discord.Interaction, error: Exception, /
    ) -> None:
        """Answer like a command error (a refused template says why)."""
        await errors.send_error(interaction, error, where="/feeds template")
