"""A feed's own options as Discord shows them: the identity and selector set, a channel's
notice that its feeds come from the bot, and the answers of moving feeds in and out (OPML)
and of server backups."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.feeds.extraction import SelectorTrial
from bot.feeds.identity import Fallback, Identity
from bot.feeds.moving import ImportReport
from bot.feeds.opml import OpmlFeed
from bot.feeds.own_options import OwnOptionsEdited
from bot.render import embeds, text
from bot.store import Feed, FeedOptions, Subscription


def notice(message: str) -> discord.Embed:
    """A short notice posted in a channel (no mentions: the text is the bot's own)."""
    return embeds.build(description=message, colour=embeds.Palette.WARNING)


def fallback_notice(fallback: Fallback, identity: Identity, bot_name: str) -> discord.Embed:
    """What a channel is told, once per reason, when a feed's posts come from the bot."""
    name = text.escape(text.plain(identity.name, 80))
    who = f"**{name}**" if identity.name else "their own name and avatar"
    instead = f"Feeds in this channel are posted as {text.escape(bot_name)}, not as {who}"
    if fallback is Fallback.MISSING_PERMISSION:
        message = f"{instead}: I need the Manage Webhooks permission here to post as a feed."
    elif fallback is Fallback.WEBHOOK_DELETED:
        message = (
            f"{instead}: the webhook I posted them through was deleted. Set the feed's name "
            "again (`/feeds edit name:`) and I will make a new one."
        )
    else:
        message = f"{instead}: this channel has as many webhooks as Discord allows (15)."
    return notice(message)


def identity_embed(subscription: Subscription, feed: Feed, options: FeedOptions) -> discord.Embed:
    """Confirmation of a feed's identity: the name and avatar its posts will carry."""
    title = text.escape(text.plain(feed.name, 200))
    if not options.own_identity:
        description = f"**{title}** posts in <#{subscription.channel_id}> as Newsdesk."
    else:
        name = text.escape(text.plain(options.identity_name, 80)) or "the webhook's name"
        description = (
            f"**{title}** posts in <#{subscription.channel_id}> as **{name}**"
            + (" with its own avatar" if options.avatar_url else "")
            + ", through a webhook of that channel (I need Manage Webhooks there)."
        )
    embed = embeds.build(
        title=f"Feed #{subscription.id}", description=description, colour=embeds.Palette.SUCCESS
    )
    if options.avatar_url:
        embed.set_thumbnail(url=options.avatar_url)
    return embed


def selector_embed(
    subscription: Subscription, feed: Feed, options: FeedOptions, trial: SelectorTrial | None
) -> discord.Embed:
    """Confirmation of a feed's CSS selector, with what it picks on the latest article page."""
    title = text.escape(text.plain(feed.name, 200))
    if not options.selector:
        lines = [f"New articles of **{title}** take the text trafilatura finds on their page."]
    else:
        selector = text.escape(options.selector)
        lines = [f"New articles of **{title}** take the text “{selector}” selects on their page."]
    if trial is not None and trial.problem:
        lines.append(f"On the latest article's page: {text.escape(trial.problem)}.")
    elif trial is not None:
        excerpt = text.escape(text.fit(text.plain(trial.text), 300))
        lines.append(f"On the latest article's page it selects {trial.words} words:\n> {excerpt}")
    return embeds.build(
        title=f"Feed #{subscription.id}",
        description="\n".join(lines),
        url=trial.url if trial is not None else None,
        colour=embeds.Palette.SUCCESS,
    )


def _listed(lines: Sequence[str], limit: int = 10) -> str:
    shown = list(lines[:limit])
    if len(lines) > limit:
        shown.append(f"…and {len(lines) - limit} more")
    return "\n".join(shown)


def import_embed(report: ImportReport, channel_id: int) -> discord.Embed:
    """The answer to /feeds import: what was added, already there, or refused and why."""

    def name(feed: OpmlFeed) -> str:
        return text.escape(text.plain(feed.title or feed.url, 80))

    fields = []
    if report.added:
        fields.append(
            embeds.Field(f"Added ({len(report.added)})", _listed([name(f) for f in report.added]))
        )
    if report.already:
        already = [name(f) for f in report.already]
        fields.append(embeds.Field(f"Already there ({len(report.already)})", _listed(already)))
    if report.refused:
        refused = [
            f"{text.escape(text.plain(what, 60))}: {text.escape(why)}"
            for what, why in report.refused
        ]
        fields.append(embeds.Field(f"Refused ({len(report.refused)})", _listed(refused)))
    summary = (
        f"{len(report.added)} added, {len(report.already)} already there, "
        f"{len(report.refused)} refused. New feeds post in <#{channel_id}> what they publish "
        "from now on."
    )
    colour = embeds.Palette.SUCCESS if report.added else embeds.Palette.WARNING
    return embeds.build(title="Feeds imported", description=summary, fields=fields, colour=colour)


def export_embed(count: int) -> discord.Embed:
    """The answer to /feeds export, above the attached OPML file."""
    return embeds.build(
        description=f"This server's {text.plural(count, 'feed')} as OPML 2.0: import the file "
        "into a feed reader, or into another server with `/feeds import`.",
        colour=embeds.Palette.SUCCESS,
    )


def own_options_embeds(edited: OwnOptionsEdited | None) -> list[discord.Embed]:
    """What /feeds edit shows of a feed's identity and selector (nothing when untouched)."""
    if edited is None:
        return []
    shown = []
    if edited.identity:
        shown.append(identity_embed(edited.subscription, edited.feed, edited.options))
    if edited.selector:
        trial = edited.trial
        shown.append(selector_embed(edited.subscription, edited.feed, edited.options, trial))
    return shown
