"""Story updates as Discord sees them: the update card ("Update · Coastal Wire" and the
sentences it adds), where outlets disagree (a card field, a digest line), the Follow this
story button on story posts and the Unfollow button on the DMs, and the answers to both.

The buttons' custom ids carry the story (or the follow) they act on, so they work across
restarts: the client registers one handler per pattern (bot/client/story_buttons.py) and
checks every id it gets. The views made here are only the components to send, stopped so
discord.py keeps no per-message view in memory.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import discord
from discord import app_commands

from bot.feeds.updates import UpdateText
from bot.models.figure import Discrepancy
from bot.nlp.storyline import Figures
from bot.render import embeds, limits, text
from bot.store import StoryFollow

STORY_ID_PREFIX = "story:"
FOLLOW_ID = "story:follow:{}"
UNFOLLOW_ID = "story:unfollow:{}"
# What the client's handlers match (ids are snowflakes or row ids: at most 19 digits).
FOLLOW_PATTERN = re.compile(r"story:follow:(?P<story>[0-9]{1,19})")
UNFOLLOW_PATTERN = re.compile(r"story:unfollow:(?P<follow>[0-9]{1,19})")
SENTENCES_SHOWN = 6
SENTENCE_CHARS = 400
FIGURES_SHOWN = 3
THREAD_NAME = 100


# -- buttons --------------------------------------------------------------------------------


def follow_button(story_id: int) -> discord.ui.Button[discord.ui.View]:
    """The Follow this story button of a story's post."""
    return discord.ui.Button(
        label="Follow this story",
        emoji="🔔",
        style=discord.ButtonStyle.secondary,
        custom_id=FOLLOW_ID.format(story_id),
    )


def unfollow_button(follow_id: int) -> discord.ui.Button[discord.ui.View]:
    """The button on an update's DM that stops the follow."""
    return discord.ui.Button(
        label="Unfollow this story",
        emoji="🔕",
        style=discord.ButtonStyle.secondary,
        custom_id=UNFOLLOW_ID.format(follow_id),
    )


def _sent(button: discord.ui.Button[discord.ui.View]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(button)
    view.stop()  # components to send, not a view to keep: the client's handlers answer
    return view


def follow_view(story_id: int) -> discord.ui.View:
    """The components of a story's post: its Follow button."""
    return _sent(follow_button(story_id))


def unfollow_view(follow_id: int) -> discord.ui.View:
    """The components of an update sent by DM: its Unfollow button."""
    return _sent(unfollow_button(follow_id))


# -- where outlets disagree -----------------------------------------------------------------


def discrepancy_line(discrepancy: Discrepancy) -> str:
    """ "Harbour Times: 12 · Coastal Wire: 15 (killed)"; a correction "Harbour Times: 12 → 15"
    (markdown: outlets and figures escaped)."""
    first, last = discrepancy.readings[0], discrepancy.readings[-1]
    tail = f" ({discrepancy.counted})" if discrepancy.counted else ""

    def named(outlet: str) -> str:
        return text.escape(text.plain(outlet, 60))

    def figure(value: str) -> str:
        return text.escape(text.plain(value, 40))

    if discrepancy.kind == "correction":
        body = f"{named(first.outlet)}: {figure(first.figure.text)} → {figure(last.figure.text)}"
    else:
        body = " · ".join(
            f"{named(r.outlet)}: {figure(r.figure.text)}" for r in discrepancy.readings
        )
    return body + tail


def figure_lines(figures: Figures, shown: int = FIGURES_SHOWN) -> list[str]:
    """One line per disagreement, then per correction, at most `shown` in all."""
    lines = [f"⚠️ {discrepancy_line(d)}" for d in figures.disagreements]
    lines += [f"✏️ corrected: {discrepancy_line(d)}" for d in figures.corrections]
    more = len(lines) - shown
    return lines[:shown] + ([f"…and {more} more"] if more > 0 else [])


def figures_field(figures: Figures) -> embeds.Field | None:
    """The card field that flags where the story's outlets disagree (None when they don't)."""
    if not figures:
        return None
    name = "Outlets disagree" if figures.disagreements else "Corrected since"
    return embeds.Field(name, "\n".join(figure_lines(figures)))


# -- the update -----------------------------------------------------------------------------


def update_title(shown: UpdateText) -> str:
    """ "Update · Coastal Wire"."""
    return text.fit(f"Update · {text.plain(shown.outlet, 200)}", limits.EMBED_TITLE)


def update_embed(shown: UpdateText, *, by_dm: bool = False) -> discord.Embed:
    """An update: the sentences a report adds to its story (each as written, escaped), its
    outlet in the title linking the report, disagreements, and the story it updates."""
    sentences = shown.sentences[:SENTENCES_SHOWN]
    lines = [f"• {text.fit(text.plain(s), SENTENCE_CHARS)}" for s in sentences]
    more = len(shown.sentences) - len(sentences)
    if more > 0:
        lines.append(f"…and {text.plural(more, 'more new sentence')} in the report.")
    if by_dm:
        story = text.escape(text.plain(shown.story_title, 200))
        lines.insert(0, f"New in **{story}**:")
        if shown.link and (link := text.safe_url(shown.link)):
            lines.append(f"In the story's thread: {link}")
    field = figures_field(shown.figures)
    footer = f"Update to: {shown.story_title}" if not by_dm else "You follow this story"
    return embeds.build(
        title=update_title(shown),
        description="\n".join(lines),
        url=shown.article.url,
        fields=[field] if field else [],
        footer=footer,
        colour=embeds.Palette.NEWS,
        timestamp=shown.article.when,
    )


def thread_name(story_title: str) -> str:
    """The name of the thread a story's updates go in (1-100 characters)."""
    return text.plain(story_title, THREAD_NAME) or "Updates"


# -- answers --------------------------------------------------------------------------------


def followed_embed(follow: StoryFollow, created: bool, used: int, limit: int) -> discord.Embed:
    """The answer to Follow this story (only the member sees it)."""
    title = text.escape(text.plain(follow.title, 150)) or f"story #{follow.story_id}"
    lead = "Following" if created else "Already following"
    return embeds.build(
        description=(
            f"{lead} **{title}**. What later reports add to it here comes to you by direct "
            f"message, once each.\nYou follow {used} of {limit} stories in this server; "
            "`/follows` lists them, and each message's button stops it."
        ),
        colour=embeds.Palette.SUCCESS,
    )


def unfollowed_embed(follow: StoryFollow) -> discord.Embed:
    """The answer to Unfollow this story."""
    title = text.escape(text.plain(follow.title, 150)) or f"story #{follow.story_id}"
    return embeds.build(
        description=f"Stopped following **{title}**: no more updates of it.",
        colour=embeds.Palette.SUCCESS,
    )


def story_follow_choices(
    follows: Sequence[StoryFollow], typed: str
) -> list[app_commands.Choice[str]]:
    """Autocomplete for /unfollow: followed stories whose headline contains what was typed
    (value `s12`)."""
    folded = typed.casefold().lstrip("#")
    found = []
    for follow in follows:
        name = f"s{follow.id} story: {text.plain(follow.title, 80)}"
        if folded in name.casefold():
            label = text.plain(name, limits.CHOICE_NAME)
            found.append(app_commands.Choice(name=label, value=f"s{follow.id}"))
    return found[: limits.CHOICES]


def story_follow_lines(follows: Sequence[StoryFollow]) -> list[str]:
    """The stories a member follows, for /follows: `s12` and the headline, where it is."""
    return [
        f"`s{f.id}` **{text.escape(text.plain(f.title, 80))}** · <#{f.channel_id}>" for f in follows
    ]
