"""Entity insights and follows as Discord sees them: chart embeds, the follow list, follow
choices and the batched notification about new articles."""

from __future__ import annotations

import io
from collections.abc import Sequence

import discord
from discord import app_commands

from bot.insights.follows import Notification, NotifiedArticle
from bot.insights.network import EntityNetwork
from bot.insights.trend import Trend
from bot.render import embeds, limits, text
from bot.render.quotes import followed_quotes
from bot.store import Follow

TREND_FILE = "trend.png"
NETWORK_FILE = "network.png"
NAME_CHARS = 80
TITLE_CHARS = 150
# Articles listed in one notification (as many as fit); the rest are counted.
NOTIFIED_SHOWN = 10
MATCHED_SHOWN, MATCHED_CHARS = 3, 40  # follows named per article, and their length
MORE_LINE_ROOM = 80


def chart_file(png: bytes, filename: str) -> discord.File:
    """A rendered chart as an attachment the embed shows with `attachment://filename`."""
    return discord.File(io.BytesIO(png), filename=filename)


def trend_embed(trend: Trend, filename: str = TREND_FILE) -> discord.Embed:
    """Totals and the busiest day of each entity, with the chart attached as the image."""
    period = text.plural(len(trend.days), "day")
    names = " vs ".join(text.fit(s.entity.name, NAME_CHARS) for s in trend.series)
    lines = []
    for series in trend.series:
        line = (
            f"**{text.fit(series.entity.name, NAME_CHARS)}** · {series.entity.kind} · "
            f"{text.plural(series.total, 'mention')}"
            f" in {text.plural(sum(series.articles), 'article')}"
        )
        if series.total:
            day = trend.days[series.peak]
            line += f" · busiest {day.day} {day:%b} ({series.mentions[series.peak]})"
        lines.append(line)
    if not any(s.total for s in trend.series):
        lines.append(f"\nNo article of the last {period} names them.")
    embed = embeds.build(
        title=text.clip(f"{names}: mentions per day, last {period}", limits.EMBED_TITLE),
        description="\n".join(lines),
        footer="Days in UTC, by article date · /entity name shows a profile",
        colour=embeds.Palette.NEWS,
    )
    embed.set_image(url=f"attachment://{filename}")
    return embed


def network_embed(network: EntityNetwork, filename: str | None = NETWORK_FILE) -> discord.Embed:
    """The companions, strongest first, with the picture attached (`filename`) if drawn."""
    name = text.fit(network.center.name, NAME_CHARS)
    period = f" from the last {text.plural(network.days, 'day')}" if network.days else ""
    if not network.neighbours:
        return embeds.build(
            title=f"Named with {name}",
            description=f"No other entity is named in the articles about {name}{period} yet.",
            colour=embeds.Palette.WARNING,
        )
    companions = ", ".join(
        f"{text.fit(n.entity.name, NAME_CHARS)} ({n.shared_articles})" for n in network.neighbours
    )
    embed = embeds.build(
        title=f"Named with {name}",
        description=(
            f"Across {text.plural(network.hub_articles, 'article')}{period}, most often "
            f"named alongside {name} (articles in common):\n{companions}"
        ),
        footer="Grey lines: companions named together too · /entity name for a profile",
        colour=embeds.Palette.NEWS,
    )
    if filename:
        embed.set_image(url=f"attachment://{filename}")
    return embed


# -- follows --------------------------------------------------------------------------------


def follow_label(follow: Follow, limit: int = NAME_CHARS) -> str:
    """Plain "Hamas" for an entity (or its quotes), "Hamas × Qatar" for a pair, “ceasefire
    Qatar” (quoted) for a search."""
    if follow.kind in ("entity", "quotes", "pair"):
        return text.plain(follow.target, limit)
    return "“" + text.plain(follow.target, limit) + "”"


def _followed(follow: Follow, limit: int = NAME_CHARS) -> str:
    """Markdown of what is followed: **Hamas**, quotes of **Hamas**, **“ceasefire”**."""
    label = f"**{text.escape(follow_label(follow, limit))}**"
    return f"quotes of {label}" if follow.kind == "quotes" else label


def _recipient(follow: Follow) -> str:
    return f"<#{follow.channel_id}>" if follow.channel_id else "you, by direct message"


def follow_added_embed(follow: Follow, created: bool, used: int, limit: int) -> discord.Embed:
    """Confirmation of a follow (or that it already existed), with how many are left."""
    when = {
        "entity": "a new article mentions it",
        "quotes": "a new article quotes them saying something new",
        "pair": "they are named together far more than usual (once a rise)",
    }.get(follow.kind, "a new article matches it")
    lead = "Following" if created else "Already following"
    whose = "This channel uses" if follow.channel_id else "You use"
    return embeds.build(
        description=(
            f"{lead} {_followed(follow)} (#{follow.id}). When {when}, "
            f"Newsdesk tells {_recipient(follow)}.\n{whose} {used} of {limit} follows here."
        ),
        colour=embeds.Palette.SUCCESS,
    )


def unfollowed_embed(follow: Follow) -> discord.Embed:
    """Confirmation that a follow was removed."""
    return embeds.build(
        description=f"Stopped following {_followed(follow)} (#{follow.id}) for "
        f"{_recipient(follow)}.",
        colour=embeds.Palette.SUCCESS,
    )


def follows_embed(follows: Sequence[Follow]) -> discord.Embed:
    """A member's follows in this server, then the server's channel follows."""
    if not follows:
        return embeds.build(
            title="Follows",
            description="Nothing followed here yet. `/follow entity`, `/follow quotes`, "
            "`/follow query` or `/follow pair` tells you about new articles on a person, "
            "organisation, place, what they are quoted saying, a search, or two names rising "
            "together.",
            colour=embeds.Palette.INFO,
        )
    mine = [f for f in follows if f.user_id is not None]
    channels = [f for f in follows if f.channel_id is not None]
    fields = []
    for title, group in (("Yours (by DM)", mine), ("Channels", channels)):
        if group:
            lines = [
                f"`#{f.id}` {'' if f.kind == 'quotes' else f.kind + ' '}{_followed(f)}"
                + (f" → <#{f.channel_id}>" if f.channel_id else "")
                for f in group
            ]
            fields.append(embeds.Field(title, "\n".join(lines)))
    return embeds.build(
        title="Follows",
        fields=fields,
        footer="/unfollow stops one",
        colour=embeds.Palette.INFO,
    )


def follow_choices(follows: Sequence[Follow], typed: str) -> list[app_commands.Choice[str]]:
    """Autocomplete for /unfollow: follows whose label contains what was typed."""
    folded = typed.casefold().lstrip("#")
    found = []
    for follow in follows:
        where = "channel" if follow.channel_id else "you"
        name = f"#{follow.id} {follow.kind}: {follow_label(follow)} → {where}"
        if folded in name.casefold():
            value = str(follow.id)
            found.append(
                app_commands.Choice(name=text.plain(name, limits.CHOICE_NAME), value=value)
            )
    return found[: limits.CHOICES]


def _notified_block(item: NotifiedArticle) -> str:
    """One article: linked bold title, then source · date · id · the follows it matched."""
    article = item.article
    title = text.link(text.fit(article.title, TITLE_CHARS), article.url)
    meta = [
        text.escape(text.plain(article.source, 60)) if article.source else "",
        text.timestamp(article.when, "D"),
        f"#{article.id}",
    ]
    labels = [
        ("quotes of " if f.kind == "quotes" else "")
        + text.escape(follow_label(f, MATCHED_CHARS))
        + (" rising" if f.kind == "pair" else "")
        for f in item.follows[:MATCHED_SHOWN]
    ]
    if len(item.follows) > MATCHED_SHOWN:
        labels.append(f"{len(item.follows) - MATCHED_SHOWN} more")
    lines = [f"**{title}**", *followed_quotes(item.quotes)]
    return "\n".join(lines) + f"\n{' · '.join(p for p in meta if p)} · for {', '.join(labels)}"


def notification_embed(notification: Notification) -> discord.Embed:
    """New articles for one member or channel: title, source, date and the follows matched;
    as many as fit (at most NOTIFIED_SHOWN), the rest counted."""
    blocks: list[str] = []
    used = 0
    for item in notification.articles[:NOTIFIED_SHOWN]:
        block = _notified_block(item)
        # Keep room for the "and N more" line rather than letting the builder clip it away.
        if used + len(block) + 2 > limits.EMBED_DESCRIPTION - MORE_LINE_ROOM:
            break
        blocks.append(block)
        used += len(block) + 2
    more = len(notification.articles) - len(blocks)
    if more > 0:
        blocks.append(f"…and {text.plural(more, 'more article')}: `/search` finds them.")
    count = len(notification.articles)
    return embeds.build(
        title=f"{text.plural(count, 'new article')} on what "
        + ("this channel follows" if notification.channel_id else "you follow"),
        description="\n\n".join(blocks),
        footer="/article id reads one · /follows lists follows · /unfollow stops one",
        colour=embeds.Palette.NEWS,
    )
