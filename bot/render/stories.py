"""A story's timeline as Discord sees it: one embed (outlets in order of report, their delay
behind the first report, what each added), and the Timeline buttons story posts carry.

A Timeline button's custom_id names its story (`story:timeline:<id>`): the stories cog
registers a dynamic item for that pattern, so a click is answered after any restart without
the bot keeping a view per post; the views built here only carry the buttons to Discord.
"""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.insights.timeline import StoryTimeline, TimelineStep
from bot.render import embeds, limits, text

TIMELINE_ID = "story:timeline:{story_id}"
# What a click's custom_id must be: a story id of at most 19 digits (anything else is not ours).
TIMELINE_PATTERN = r"story:timeline:(?P<story_id>[1-9][0-9]{0,18})"
TITLE_CHARS = 200
SENTENCE_CHARS = 240
OUTLET_CHARS = 60
BUTTON_TITLE_CHARS = 60
MORE_LINE_ROOM = 80


def timeline_custom_id(story_id: int) -> str:
    """The custom_id of story `story_id`'s Timeline button."""
    return TIMELINE_ID.format(story_id=story_id)


def timeline_view(stories: Sequence[tuple[int, str]]) -> discord.ui.View | None:
    """Timeline buttons for the stories a post carries, (story id, headline) each in the order
    of its cards: "Timeline" alone, "Timeline: headline" for several; None for none."""
    unique = list(dict.fromkeys(story_id for story_id, _ in stories))
    if not unique:
        return None
    titles = dict(stories)
    view = discord.ui.View(timeout=None)
    for story_id in unique[: limits.ACTION_ROWS * limits.ROW_WIDTH]:
        label = "Timeline"
        if len(unique) > 1:
            label = text.plain(f"Timeline: {titles[story_id]}", BUTTON_TITLE_CHARS) or label
        view.add_item(
            discord.ui.Button(
                label=label,
                emoji="🕒",
                style=discord.ButtonStyle.secondary,
                custom_id=timeline_custom_id(story_id),
            )
        )
    # Sent as components only: discord.py keeps no copy of a finished view, and the stories
    # cog's dynamic item answers the clicks.
    view.stop()
    return view


def _step_block(number: int, step: TimelineStep) -> str:
    outlet = text.escape(text.plain(step.outlet, OUTLET_CHARS))
    if number == 1:
        when = f"first · {text.timestamp(step.article.when, 'f')}"
    elif step.delay is not None:
        when = f"+{text.duration(step.delay)}"
    else:
        when = "time unknown"
    head = f"**{number}. {text.link(outlet, step.article.url)}** · {when}"
    if step.reports > 1:
        head += f" · {text.plural(step.reports, 'report')}"
    lines = [head]
    if step.added:
        lines += [f"▌ {text.fit(s, SENTENCE_CHARS)}" for s in step.added]
        more = step.added_count - len(step.added)
        if more > 0 and number > 1:
            lines.append(f"▌ …and {text.plural(more, 'more new sentence')}")
    elif number > 1:
        lines.append("▌ nothing the outlets before it had not said")
    return "\n".join(lines)


def timeline_embed(timeline: StoryTimeline) -> discord.Embed:
    """The story's outlets in order of report: when each came, what each added; as many as
    fit, the rest counted."""
    blocks: list[str] = []
    used = 0
    for number, step in enumerate(timeline.steps, start=1):
        block = _step_block(number, step)
        if used + len(block) + 2 > limits.EMBED_DESCRIPTION - MORE_LINE_ROOM:
            break
        blocks.append(block)
        used += len(block) + 2
    left = len(timeline.steps) - len(blocks) + timeline.more_outlets
    if left > 0:
        blocks.append(f"…and {text.plural(left, 'more outlet')}.")
    lead = timeline.story.lead
    story = timeline.story
    counts = (
        f"{text.plural(len(story.outlets), 'outlet')}, {text.plural(len(story.reports), 'report')}"
    )
    return embeds.build(
        title=text.fit(f"Timeline: {lead.title}", limits.EMBED_TITLE),
        url=lead.url,
        description="\n\n".join(blocks),
        footer=f"{counts} · delays behind the first report · each adds what the outlets before "
        "it had not said",
        colour=embeds.Palette.NEWS,
    )
