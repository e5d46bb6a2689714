"""A story's reports read together from what the store keeps: each article's sentences and the
names in each (as the NLP step stored them; a model-free split when it has not read one),
what a later report adds to earlier ones, and where outlets disagree or one corrected itself.

Feed updates, digests, `/story` and the web story page call these; the comparisons themselves
are the pure functions of `novelty.py` and `disagreements.py`, run off the event loop. Every
call is bounded: the reports compared, the sentences read of each, and the work per report.

    reader = StoryReader(store)
    text = await reader.text(article)                      # StoryText
    added = await reader.added(earlier_texts, text)        # whats_new, in a thread
    flags = await reader.figures(story)                    # disagreements and corrections
    steps = await reader.timeline(story)                   # what each report added
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from bot import work
from bot.budget import STORY_TEXT_CHARS
from bot.models import Article
from bot.models.analysis import Analysis
from bot.models.entity import NAME_LABELS
from bot.models.figure import Discrepancy
from bot.models.figure import Report as FigureReport
from bot.models.story import Report, Story, moment
from bot.models.update import NewSentence, StoryText
from bot.nlp.disagreements import discrepancies, firm
from bot.nlp.enrichment import load_analyses
from bot.nlp.novelty import whats_new
from bot.nlp.sentences import body_opening, body_sentences
from bot.store import Store

# Sentences read of one article (novelty and the figures read no more either).
MAX_SENTENCES = 200
# Reports whose figures are lined up: each outlet's first and latest, the first outlets.
FIGURE_OUTLETS = 8
# Reports a timeline shows with what each added (the first ones, in order of report).
TIMELINE_REPORTS = 25
# Articles of one story held in a reader's memory at once.
READER_TEXTS = 400
# Stories whose figures one reader remembers.
READER_FIGURES = 64


@dataclass(frozen=True)
class Figures:
    """Where a story's outlets disagree (two outlets, one quantity, values that cannot both be
    right) and where one outlet changed its own figure over time; only firm ones."""

    disagreements: tuple[Discrepancy, ...] = ()
    corrections: tuple[Discrepancy, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.disagreements or self.corrections)


@dataclass(frozen=True)
class Step:
    """One report of a story's timeline: who, when, how long after the first report, and the
    sentences it added to the reports before it (empty: it added nothing)."""

    report: Report
    delay: timedelta | None
    added: tuple[NewSentence, ...]


def _names(mentions: Iterable[tuple[int, str, str]], count: int) -> tuple[tuple[str, ...], ...]:
    """The canonical names in each of `count` sentences, from (sentence, label, name)."""
    found: list[dict[str, None]] = [{} for _ in range(count)]
    for sentence, label, name in mentions:
        if 0 <= sentence < count and label in NAME_LABELS:
            found[sentence][name] = None
    return tuple(tuple(names) for names in found)


class StoryReader:
    """Reads articles as a story's reports, remembering each article's text while it lives."""

    def __init__(self, store: Store) -> None:
        self.store = store
        # By article id, with the version of the article it was read from.
        self._texts: dict[int, tuple[str, StoryText]] = {}
        # By the (id, version) of the reports compared.
        self._figures: dict[tuple[tuple[int, str], ...], asyncio.Future[Figures]] = {}

    async def text(self, article: Article) -> StoryText:
        """What an article says: its body sentences (bylines and captions left out), the names
        the NLP step found in each, and when it was published (to resolve "on Monday")."""
        return (await self.texts_of([article]))[article.id]

    async def texts_of(self, articles: Sequence[Article]) -> dict[int, StoryText]:
        """The texts of these articles by id: those remembered, the others read together (their
        analyses in one read of the store) and put together in a worker thread (splitting
        two huge unanalysed reports on the event loop was the soak's costliest /catchup)."""
        found: dict[int, StoryText] = {}
        unread: list[Article] = []
        for article in articles:
            known = self._texts.get(article.id)
            if known is not None and known[0] == article.updated_at:
                found[article.id] = known[1]
            else:
                unread.append(article)
        if not unread:
            return found
        ids = [a.id for a in unread]
        analyses = await load_analyses(self.store, ids, max_sentences=MAX_SENTENCES)
        read = await work.to_thread(
            lambda: {a.id: _story_text(a, analyses.get(a.id)) for a in unread}
        )
        if len(self._texts) + len(read) > READER_TEXTS:
            self._texts.clear()
        for article in unread:
            self._texts[article.id] = (article.updated_at, read[article.id])
        return found | read

    async def texts(self, article_ids: Sequence[int]) -> dict[int, StoryText]:
        """The texts of these articles (those still stored), by id."""
        return await self.texts_of(await self._read(article_ids)) if article_ids else {}

    async def _read(self, article_ids: Sequence[int]) -> list[Article]:
        """The articles, each body to what `text` reads of it: one character past
        STORY_TEXT_CHARS keeps body_opening's cut where the whole body gives it (found by the
        soak: each /catchup read a huge report whole, 9 MB, only to see it was unchanged)."""
        return await self.store.articles(list(article_ids), body_chars=STORY_TEXT_CHARS + 1)

    @staticmethod
    async def added(earlier: Sequence[StoryText], later: StoryText) -> list[NewSentence]:
        """The sentences of `later` that add to what `earlier` said (see `whats_new`), worked
        out in a thread."""
        return await work.to_thread(whats_new, list(earlier), later)

    async def figures(self, story: Story) -> Figures:
        """Where the story's outlets disagree and where one corrected itself, from each
        outlet's first and latest report (the first FIGURE_OUTLETS outlets); firm ones only.
        Remembered for as long as those reports are unchanged: comparing a story's figures is
        its costliest reading, and a /catchup asked again (or by many at once) reads the same
        stories; a reading under way is awaited, not started again."""
        chosen = _figure_reports(story)
        if len(chosen) < 2:
            return Figures()
        articles = await self._read([r.article_id for r in chosen])
        key = tuple((a.id, a.updated_at) for a in articles)
        known = self._figures.get(key)
        if known is not None:
            try:
                return await asyncio.shield(known)
            except asyncio.CancelledError:
                task = asyncio.current_task()
                if not known.cancelled() or (task is not None and task.cancelling()):
                    raise
                return await self.figures(story)  # the command reading it was stopped
        if len(self._figures) >= READER_FIGURES:
            self._figures.pop(next(iter(self._figures)))
        future: asyncio.Future[Figures] = asyncio.get_running_loop().create_future()
        self._figures[key] = future
        try:
            found = await self._compare(chosen, articles)
        except asyncio.CancelledError:
            self._figures.pop(key, None)
            future.cancel()  # those waiting read it themselves
            raise
        except Exception as exc:
            self._figures.pop(key, None)
            future.set_exception(exc)
            future.exception()  # those waiting get it; nobody else need retrieve it
            raise
        future.set_result(found)
        return found

    async def _compare(self, chosen: list[Report], articles: list[Article]) -> Figures:
        """Line up the figures of these reports (their articles as stored), in a thread."""
        texts = await self.texts_of(articles)
        reports = [
            FigureReport(r.outlet, moment(r.when), texts[r.article_id].sentences)
            for r in chosen
            if r.article_id in texts
        ]
        work.spend("figure_reports", len(reports))
        found = await work.to_thread(discrepancies, reports)
        firm_ones = [d for d in found if firm(d)]
        return Figures(
            tuple(d for d in firm_ones if d.kind == "disagreement"),
            tuple(d for d in firm_ones if d.kind == "correction"),
        )

    async def timeline(self, story: Story, limit: int = TIMELINE_REPORTS) -> list[Step]:
        """The story's first `limit` reports in order, each with its delay after the first
        report and what it added to all the reports before it."""
        reports = story.reports[:limit]
        texts = await self.texts([r.article_id for r in reports])
        start = moment(story.first.when)
        steps: list[Step] = []
        said: list[StoryText] = []
        for report in reports:
            text = texts.get(report.article_id)
            if text is None:
                continue
            added = await self.added(said, text) if said else _all_new(text)
            when = moment(report.when)
            delay = when - start if when is not None and start is not None else None
            steps.append(Step(report, delay, tuple(added)))
            said.append(text)
        return steps

    async def developed(
        self, story: Story, earlier: Sequence[int], later: Sequence[int]
    ) -> tuple[str, ...]:
        """The outlets among the `later` articles of a story that added something to its
        `earlier` ones (in order of report; empty when they only repeated them)."""
        texts = await self.texts([*earlier, *later])
        said = [texts[i] for i in earlier if i in texts]
        if not said:
            return ()
        outlets = {r.article_id: r.outlet for r in story.reports}
        found: dict[str, None] = {}
        for article_id in later:
            text = texts.get(article_id)
            if text is not None and await self.added(said, text):
                found[outlets.get(article_id, "")] = None
        return tuple(name for name in found if name)


def _story_text(article: Article, analysis: Analysis | None) -> StoryText:
    """An article's text from its stored analysis, else split without a model (pure CPU)."""
    published = moment(article.when)
    if analysis is None:
        opening = body_opening(article.body, STORY_TEXT_CHARS)
        work.spend("story_text_chars", len(opening))
        return StoryText(tuple(body_sentences(opening)[:MAX_SENTENCES]), (), published)
    keep = [
        i
        for i, _ in enumerate(analysis.sentences)
        if i >= len(analysis.summarisable) or analysis.summarisable[i]
    ][:MAX_SENTENCES]
    names = _names(
        ((m.sentence, m.label, m.canonical) for m in analysis.mentions if m.section == "body"),
        len(analysis.sentences),
    )
    return StoryText(
        tuple(analysis.sentences[i].text for i in keep),
        tuple(names[i] for i in keep),
        published,
    )


def _all_new(text: StoryText) -> list[NewSentence]:
    """A story's first report: everything it says is new."""
    return [NewSentence(i, sentence) for i, sentence in enumerate(text.sentences)]


def _figure_reports(story: Story) -> list[Report]:
    """Each outlet's first and latest report (a correction is an outlet changing its own
    figure), for the first FIGURE_OUTLETS outlets, in order of report."""
    first: dict[str, Report] = {}
    latest: dict[str, Report] = {}
    for report in story.reports:
        if report.outlet not in first:
            if len(first) >= FIGURE_OUTLETS:
                continue
            first[report.outlet] = report
        latest[report.outlet] = report
    chosen = {r.article_id: r for r in [*first.values(), *latest.values()]}
    return [r for r in story.reports if r.article_id in chosen]


async def story_figures(store: Store, story_id: int) -> Figures:
    """Where the outlets of story `story_id` disagree and where one corrected itself (empty
    for a story the store does not have): for the web story page and `/story`."""
    story = await store.story(story_id)
    return await StoryReader(store).figures(story) if story is not None else Figures()


async def story_timeline(store: Store, story_id: int) -> list[Step]:
    """Story `story_id`'s reports in order with their delays and what each added (empty for
    a story the store does not have): for the web story page and `/story`."""
    story = await store.story(story_id)
    return await StoryReader(store).timeline(story) if story is not None else []
