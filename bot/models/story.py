"""Stories: the articles that report one event, from one outlet or many, in order of report.

A story's id is the id of the first article placed in it, and never changes; bot/stories/
decides which story each stored article belongs to, and the store keeps it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from bot.models import Article


def outlet(source: str, url: str | None, origin: str) -> str:
    """Who published an article: its source, else its web host, else where it was read from."""
    if source.strip():
        return source.strip()
    host = urlsplit(url or "").hostname
    return host.removeprefix("www.") if host else origin


def moment(when: str) -> datetime | None:
    """An ISO time as an aware UTC datetime (a naive one is read as UTC), or None if unreadable."""
    try:
        parsed = datetime.fromisoformat(when)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def report_hour(when: datetime) -> int:
    """The hour a time falls in, counted from 1970 (how the store indexes report times)."""
    return int(when.timestamp() // 3600)


@dataclass(frozen=True)
class Report:
    """One article of a story, as the story sees it."""

    article_id: int
    outlet: str
    when: str  # ISO time it was reported: published, else ingested
    url: str | None = None
    title: str = ""

    @classmethod
    def of(cls, article: Article) -> Report:
        """The report a stored article makes."""
        return cls(
            article_id=article.id,
            outlet=outlet(article.source, article.url, article.origin),
            when=article.when,
            url=article.url,
            title=article.title,
        )


@dataclass(frozen=True)
class OutletReport:
    """An outlet's first report of a story and how long after the story's first report it came."""

    outlet: str
    article_id: int
    when: str
    delay: timedelta | None  # None when a time can't be read


def _order(report: Report) -> tuple[datetime, int]:
    return (moment(report.when) or datetime.max.replace(tzinfo=UTC), report.article_id)


@dataclass(frozen=True)
class Story:
    """Articles that report the same thing, in order of report (time, then id)."""

    id: int
    reports: tuple[Report, ...]

    @classmethod
    def of(cls, story_id: int, reports: Iterable[Report]) -> Story:
        """A story from its reports in any order (each article once)."""
        unique = {report.article_id: report for report in reports}
        return cls(story_id, tuple(sorted(unique.values(), key=_order)))

    @property
    def article_ids(self) -> tuple[int, ...]:
        """Every article of the story, in order of report."""
        return tuple(report.article_id for report in self.reports)

    @property
    def first(self) -> Report:
        """The first report."""
        return self.reports[0]

    @property
    def first_reported_at(self) -> str:
        """When the story was first reported (ISO)."""
        return self.first.when

    @property
    def lead(self) -> Report:
        """The article to show for the story: the newest with a link, else the newest."""
        return max(self.reports, key=lambda r: (bool(r.url), *_order(r)))

    @property
    def outlets(self) -> tuple[OutletReport, ...]:
        """Each outlet once, in the order they first reported it, with their delay."""
        start = moment(self.first.when)
        seen: dict[str, OutletReport] = {}
        for report in self.reports:
            if report.outlet in seen:
                continue
            when = moment(report.when)
            delay = when - start if when is not None and start is not None else None
            seen[report.outlet] = OutletReport(report.outlet, report.article_id, report.when, delay)
        return tuple(seen.values())

    @property
    def sources(self) -> tuple[str, ...]:
        """The outlets' names, in the order they first reported the story."""
        return tuple(report.outlet for report in self.outlets)


def group_articles(articles: Sequence[Article], story_of: Mapping[int, int]) -> list[Story]:
    """The stories these articles make, each holding only these articles (an article without a
    story id is a story of its own); in the order of each story's first article in the list."""
    groups: dict[int, list[Report]] = {}
    for article in articles:
        groups.setdefault(story_of.get(article.id, article.id), []).append(Report.of(article))
    return [Story.of(story_id, reports) for story_id, reports in groups.items()]
