"""A generated month of multi-outlet news with its truth known: stories reported by one to
five outlets, each report's time and the names it carries, so tests can check what `/outlet`,
`/story` and the store say against what was generated.

    month = news_month(end=clock.now())
    await ingest_month(store, month, clock)      # the real ingest path (stories placed there)
    month.carried("Gulf Desk"), month.blindspots("Nile Post"), month.names("Gulf Desk")

Deterministic (one seed). The reports of a story are the story's wire text lightly edited, so
the one story rule groups them; different stories share no wording beyond a few common words.
Each outlet has a habit: the wire is usually first, the Nile Post slow and it skips a third of
the stories the others carry, and some outlets name their own subject in most reports (the
Gulf Desk names Qatar). The NLP step's part is played by analyses made with the text, which
are saved through ingest's own enrich hook.
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

# The generated stories' words (the story check's: bench/quality/story_cases.py).
from bench.quality.story_cases import _LEXICON, _VERBS
from bot.clock import Clock, utc_iso
from bot.ingest import IngestReport, ingest_drafts
from bot.models import ArticleDraft
from bot.models.analysis import Analysis, Mention, Sentence
from bot.nlp.enrichment import NLP_VERSION
from bot.store import Store

Name = tuple[str, str]  # canonical name, spaCy label

OUTLETS = ("Coast Wire", "Gulf Desk", "Harbour Times", "Nile Post", "Valley Herald")
# Who tends to break a story (weights), and how many hours after the first each outlet follows.
FIRST_WEIGHTS = {"Coast Wire": 6, "Gulf Desk": 2, "Harbour Times": 2, "Valley Herald": 1}
LAG_HOURS = {
    "Coast Wire": (0.3, 2.0),
    "Gulf Desk": (0.5, 4.0),
    "Harbour Times": (1.0, 6.0),
    "Nile Post": (4.0, 14.0),
    "Valley Herald": (1.0, 9.0),
}
# Each outlet's own subject, named in most of its reports.
HABITS: dict[str, Name] = {"Gulf Desk": ("Qatar", "GPE"), "Nile Post": ("Cairo", "GPE")}
CAST: tuple[Name, ...] = (
    ("Hamas", "ORG"),
    ("Israel", "GPE"),
    ("Herzi Halevi", "PERSON"),
    ("Benny Gantz", "PERSON"),
    ("Shin Bet", "ORG"),
    ("Mossad", "ORG"),
    ("Gaza", "GPE"),
    ("Egypt", "GPE"),
    ("Jordan", "GPE"),
    ("United Nations", "ORG"),
)


@dataclass(frozen=True)
class MonthReport:
    """One outlet's article about one story, with what its analysis finds."""

    story: int
    outlet: str
    when: datetime
    draft: ArticleDraft
    analysis: Analysis
    names: frozenset[Name]


@dataclass(frozen=True)
class MonthStory:
    """A story: its headline and its reports in order of report."""

    number: int
    title: str
    reports: tuple[MonthReport, ...]

    @property
    def outlets(self) -> tuple[str, ...]:
        """Who carried it, in order of report."""
        return tuple(r.outlet for r in self.reports)

    @property
    def latest_hour(self) -> int:
        """The hour (since 1970) of its last report."""
        return int(self.reports[-1].when.timestamp() // 3600)


@dataclass(frozen=True)
class Carried:
    """The truth about one outlet: stories carried, shared, broken, and the median delay
    behind the first report in the shared stories it did not break."""

    stories: int
    shared: int
    first: int
    median_delay: timedelta | None


@dataclass(frozen=True)
class Month:
    """The generated month: its stories in order of first report."""

    stories: tuple[MonthStory, ...]

    @property
    def reports(self) -> list[MonthReport]:
        """Every report, in order of report."""
        return sorted((r for s in self.stories for r in s.reports), key=lambda r: r.when)

    def carried(self, outlet: str) -> Carried:
        """What `outlet` carried, from the plan (no store involved)."""
        mine = [s for s in self.stories if outlet in s.outlets]
        shared = [s for s in mine if len(s.outlets) > 1]
        first = [s for s in shared if s.outlets[0] == outlet]
        delays = [
            next(r.when for r in s.reports if r.outlet == outlet) - s.reports[0].when
            for s in shared
            if s.outlets[0] != outlet
        ]
        median = (
            timedelta(seconds=statistics.median(d.total_seconds() for d in delays))
            if delays
            else None
        )
        return Carried(len(mine), len(shared), len(first), median)

    def blindspots(self, outlet: str) -> list[MonthStory]:
        """Stories most of the other outlets (and two at least) carried and `outlet` did not,
        the most carried first, then those reported last."""
        floor = max(2, (len(OUTLETS) - 1) // 2 + 1)
        missed = [s for s in self.stories if outlet not in s.outlets and len(s.outlets) >= floor]
        return sorted(missed, key=lambda s: (-len(s.outlets), -s.latest_hour, -s.number))

    def names(self, outlet: str) -> tuple[dict[Name, int], dict[Name, int], int, int]:
        """In how many of `outlet`'s articles each name is, in how many of the others', and
        both sides' totals of (article, name) pairs."""
        mine: dict[Name, int] = {}
        others: dict[Name, int] = {}
        for report in self.reports:
            side = mine if report.outlet == outlet else others
            for name in report.names:
                side[name] = side.get(name, 0) + 1
        return mine, others, sum(mine.values()), sum(others.values())


def _words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(_LEXICON) for _ in range(count))


def _edit(rng: random.Random, text: str, share: float) -> str:
    """Swap about `share` of the lexicon words for others (an outlet's light touch)."""
    words = text.split()
    for i, word in enumerate(words):
        if word in _LEXICON and rng.random() < share:
            words[i] = rng.choice(_LEXICON)
    return " ".join(words)


def _touch(rng: random.Random, sentence: str, outlet: str) -> str:
    """The sentence with one of its words replaced by a word no other outlet's copy has."""
    words = sentence.rstrip(".").split()
    words[rng.randrange(1, len(words))] = outlet.split()[0].lower()
    return " ".join(words) + "."


def _text(sentences: Sequence[tuple[str, Sequence[Name]]]) -> tuple[str, Analysis]:
    """A body of these sentences and the analysis naming each sentence's names where they are."""
    spans: list[Sentence] = []
    mentions: list[Mention] = []
    start = 0
    for index, (sentence, names) in enumerate(sentences):
        spans.append(Sentence(sentence, start, start + len(sentence)))
        for name, label in names:
            at = sentence.index(name)
            mentions.append(Mention(name, label, start + at, start + at + len(name), name, index))
        start += len(sentence) + 1
    body = " ".join(s.text for s in spans)
    analysis = Analysis(
        sentences=spans,
        mentions=mentions,
        summary=[0],
        ranking=list(range(len(spans))),
        terms=[tuple(s.text.lower().split()) for s in spans],
        summarisable=[True] * len(spans),
    )
    return body, analysis


def _named(rng: random.Random, name: Name) -> tuple[str, Sequence[Name]]:
    return f"{name[0]} {rng.choice(_VERBS)} the {_words(rng, 3)} plan.", [name]


def _reporters(rng: random.Random) -> list[str]:
    first = rng.choices(list(FIRST_WEIGHTS), weights=list(FIRST_WEIGHTS.values()))[0]
    others = [o for o in OUTLETS if o != first]
    chosen = [o for o in others if rng.random() < 0.6]
    # The Nile Post skips a third of what it would have carried.
    return [first, *(o for o in chosen if o != "Nile Post" or rng.random() < 0.67)]


def _story(rng: random.Random, number: int, start: datetime) -> MonthStory:
    cast = rng.sample(CAST, rng.randint(1, 3))
    title = " ".join(w.capitalize() for w in rng.sample(_LEXICON, 6))
    wire = [(f"{_words(rng, 14).capitalize()}.", ()) for _ in range(4)]
    wire += [_named(rng, name) for name in cast]
    reports = []
    when = start
    for n, outlet in enumerate(_reporters(rng)):
        if n:
            low, high = LAG_HOURS[outlet]
            # Whole minutes and a second per place: never two reports at the same moment.
            when = start + timedelta(minutes=round(rng.uniform(low, high) * 60), seconds=n)
        sentences = [(_edit(rng, s, 0.04) if not names else s, names) for s, names in wire]
        # One word its own at least: two outlets' identical texts would be stored once.
        touched = rng.randrange(4)
        sentences[touched] = (_touch(rng, sentences[touched][0], outlet), ())
        habit = HABITS.get(outlet)
        if habit is not None and habit not in cast and rng.random() < 0.8:
            sentences.append(_named(rng, habit))
        body, analysis = _text(sentences)
        draft = ArticleDraft(
            title=title,
            body=body,
            origin=f"month:{number}:{outlet.lower().replace(' ', '-')}",
            source=outlet,
            url=f"https://{outlet.lower().replace(' ', '')}.example/{number}",
            published_at=utc_iso(when),
        )
        names = frozenset(name for _, found in sentences for name in found)
        reports.append(MonthReport(number, outlet, when, draft, analysis, names))
    reports.sort(key=lambda r: r.when)
    return MonthStory(number, title, tuple(reports))


def news_month(end: datetime, *, days: int = 28, per_day: int = 3, seed: int = 19) -> Month:
    """`per_day` stories a day over the `days` days before `end` (the last reported some
    hours before `end`, the first within 30 days of it)."""
    rng = random.Random(seed)
    first_day = end - timedelta(days=days + 1)
    stories = []
    for day in range(days):
        for slot in range(per_day):
            start = first_day + timedelta(days=day, hours=6 + slot * 5, minutes=rng.randint(0, 59))
            stories.append(_story(rng, len(stories) + 1, start))
    return Month(tuple(sorted(stories, key=lambda s: s.reports[0].when)))


async def ingest_month(store: Store, month: Month, clock: Clock) -> IngestReport:
    """Store the month through ingest (in order of report, so story ids follow it), its
    analyses saved by ingest's enrich step."""
    analyses = {r.draft.origin: r.analysis for r in month.reports}

    async def enrich(ids: Sequence[int]) -> int:
        saved = 0
        for article in await store.articles(list(ids)):
            content_hash = await store.article_content_hash(article.id)
            assert content_hash is not None
            async with store.transaction():
                analysis = analyses[article.origin]
                now = utc_iso(clock.now())
                saved += await store.save_analysis(
                    article.id, content_hash, NLP_VERSION, analysis, now
                )
        return saved

    return await ingest_drafts(store, [r.draft for r in month.reports], clock=clock, enrich=enrich)
