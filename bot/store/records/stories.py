"""Story records as the store keeps them: an article's place in its story with what later
articles are matched against, where to look for an article's earlier reports, and the
columns and decoder both backends read stories with."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.models.story import Report, Story, outlet
from bot.store.records import Row

# Articles a story read by id (or with others) holds at most: its first reports.
STORY_REPORTS_CAP = 500


@dataclass(frozen=True)
class StoryMember:
    """An article's place in its story, and what later articles are matched against.

    `hour` is the article's report time in hours since 1970; `sketch` and `lead` are packed
    32-bit hashes (bot/stories/ reads them); `keys` are the index entries that find this
    article as a candidate (written, never read back); `outlet` is who published it
    (bot.models.story.outlet, kept for outlets' coverage). Read as a candidate, `url` is the
    article's link and `story_hour` the hour of the story's first report."""

    article_id: int
    story_id: int
    hour: int
    sketch: bytes = b""
    lead: bytes = b""
    headline: str = ""
    keys: tuple[int, ...] = ()
    url: str | None = None
    outlet: str = ""
    story_hour: int | None = None


@dataclass(frozen=True)
class StoryProbe:
    """Where to look for an article's earlier reports: articles indexed under any of `keys`
    whose report hour is within [low, high]."""

    keys: tuple[int, ...]
    low: int
    high: int


# What a candidate row holds (either backend), decoded by `candidate_from_row`; `probe` is
# the probe's position, `shared` how many of its keys the candidate has.
CANDIDATE_COLUMNS = (
    "c.probe, c.shared, s.article_id, s.story_id, s.hour, s.sketch, s.lead, s.headline, a.url,"
    " a.source, a.origin,"
    " (SELECT min(f.hour) FROM article_stories f WHERE f.story_id = s.story_id) AS story_hour"
)
# What a story's report rows hold, decoded by `stories_from_rows`.
REPORT_COLUMNS = (
    "s.story_id, a.id, a.source, a.url, a.origin, a.title,"
    " coalesce(a.published_at, a.ingested_at) AS reported_at"
)


def candidate_from_row(row: Row) -> StoryMember:
    """A candidate earlier report from a row of CANDIDATE_COLUMNS."""
    return StoryMember(
        article_id=row["article_id"],
        story_id=row["story_id"],
        hour=row["hour"],
        sketch=bytes(row["sketch"] or b""),
        lead=bytes(row["lead"] or b""),
        headline=row["headline"] or "",
        url=row["url"],
        outlet=outlet(row["source"], row["url"], row["origin"]),
        story_hour=row["story_hour"],
    )


def member_values(member: StoryMember, now: str) -> tuple[object, ...]:
    """What `add_story_members` writes for a member, in the order of both backends' INSERT:
    article_id, story_id, hour, sketch, lead, headline, outlet, added_at."""
    return (
        member.article_id,
        member.story_id,
        member.hour,
        member.sketch,
        member.lead,
        member.headline,
        member.outlet or None,
        now,
    )


def stories_from_rows(rows: Iterable[Row]) -> list[Story]:
    """Stories from rows of REPORT_COLUMNS (ordered by story), in the order they come."""
    reports: dict[int, list[Report]] = {}
    for row in rows:
        found = reports.setdefault(row["story_id"], [])
        if len(found) < STORY_REPORTS_CAP:
            found.append(
                Report(
                    article_id=row["id"],
                    outlet=outlet(row["source"], row["url"], row["origin"]),
                    when=row["reported_at"],
                    url=row["url"],
                    title=row["title"],
                )
            )
    return [Story.of(story_id, found) for story_id, found in reports.items()]
