"""The reports the story check runs on: the texts both old story rules were tested on (the
feeds' storm pages, the digests' short reports) and generated multi-outlet news: events
reported by two to five outlets as wire copy, wire copy under a new intro, rewrites, alike
headlines over their own text, the wire's opening under their own headline; and, within the
same days, other events about the same people and places (they must stay apart)."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from bench.vocab import FIRST, LAST, PLACES, SOURCES
from tests.bot.digest.test_composer import FIRE, HARBOUR, VOTE


def _listed(text: str) -> list[str]:
    """Long word lists stay readable as one string."""
    return text.split()


@dataclass(frozen=True)
class Report:
    """One outlet's article about one event."""

    event: int
    outlet: str
    title: str
    body: str
    when: datetime
    url: str | None = None


# -- the texts the old rules were tested on ----------------------------------------------------


def digest_cases(start: datetime) -> list[Report]:
    """The digest composer's tests: a lightly edited lead, the same report from three outlets."""
    at = start + timedelta(hours=1)
    return [
        Report(0, "Wire", "Harbour reopens after repairs", HARBOUR, at),
        Report(
            0,
            "Daily Post",
            "City harbour reopens",
            HARBOUR.replace("Monday", "Monday morning"),
            at,
            "https://post.example/harbour",
        ),
        Report(1, "Wire", "Budget passes", VOTE, at),
        Report(0, "Herald", "Harbour reopens (Herald)", HARBOUR, at + timedelta(hours=1)),
        Report(2, "Herald", "Fire contained", FIRE, at + timedelta(hours=9)),
    ]


def feed_cases(start: datetime) -> list[Report]:
    """The feeds' tests: the storm from two outlets, other stories from the same site."""
    from bot.feeds.parse import extract_article

    fixtures = Path(__file__).resolve().parents[2] / "tests" / "bot" / "feeds" / "fixtures"
    pages = [
        ("storm_harbour.html", 0, "Harbour Times", 0),
        ("budget.html", 1, "Harbour Times", 1),
        ("storm_wire.html", 0, "Coastal Wire", 2),
        ("cafe_levy.html", 2, "Harbour Times", 20),
        ("ports_reopen.html", 3, "Harbour Times", 50),
    ]
    found = []
    for name, event, outlet, hours in pages:
        page = extract_article((fixtures / name).read_bytes())
        found.append(Report(event, outlet, page.title, page.body, start + timedelta(hours=hours)))
    return found


# -- generated multi-outlet news ---------------------------------------------------------------

_LEXICON = _listed(
    "agency aid airport alliance appeal army arrest assembly attack audit authority bail "
    "ballot bank bill board border bridge budget cabinet campaign capital cargo ceasefire "
    "charge charity coalition coast command committee company contract council court crisis "
    "crop currency customs damage deal debt defence delegation deputy district dock drought "
    "economy election embassy energy envoy estate evacuation export factory farm ferry "
    "festival finance fire fleet flood forecast fraud freight fuel funding grain harbour "
    "health highway hospital housing inquiry inspector insurance investment island judge jury "
    "labour landslide lawmaker lease license loan market mayor merger militia mine minister "
    "mission motorway museum negotiator office outbreak parliament patrol pension permit "
    "pipeline plant police port power price prison protest railway rebel reform refinery "
    "refugee regulator rescue reservoir river route ruling runway salary sanction school "
    "senate shipyard shortage smuggling strike subsidy summit supply surgeon tariff tax "
    "teacher terminal tower trade treaty tribunal truce tunnel union university vaccine "
    "verdict village vote wage warehouse wind worker"
)
_VERBS = _listed(
    "approves blocks cancels confirms delays demands denies expands extends freezes launches "
    "opens orders postpones questions raises rejects restores reviews signs suspends unveils"
)
_FILLER = _listed(
    "officials said on the after before during while with from that this which their his her "
    "its were was had has have been would could will also more than about over under into"
)
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@dataclass(frozen=True)
class _Event:
    person: str
    place: str
    verb: str
    things: tuple[str, ...]
    number: int
    when: datetime


def _sentence(rng: random.Random, event: _Event, words: int) -> str:
    """A sentence of lexicon and filler words, now and then naming the event's facts."""
    out = []
    for _ in range(words):
        roll = rng.random()
        if roll < 0.08:
            out.append(rng.choice([event.person.split()[-1], event.place, str(event.number)]))
        elif roll < 0.45:
            out.append(rng.choice(_FILLER))
        else:
            out.append(rng.choice(_LEXICON))
    return out[0].capitalize() + " " + " ".join(out[1:]) + "."


def _paragraphs(rng: random.Random, event: _Event, sentences: int) -> list[str]:
    said = [_sentence(rng, event, rng.randint(12, 24)) for _ in range(sentences)]
    return [" ".join(said[i : i + 3]) for i in range(0, len(said), 3)]


def _edit(rng: random.Random, text: str, share: float) -> str:
    """Replace about `share` of the words with other lexicon words (a rewrite's touch)."""
    words = text.split()
    for i in range(len(words)):
        if rng.random() < share and words[i][-1:].isalpha():
            words[i] = rng.choice(_LEXICON)
    return " ".join(words)


def _headline(event: _Event) -> str:
    return f"{event.person} {event.verb} {' '.join(event.things)} plan in {event.place}"


def _lead(event: _Event) -> str:
    day = _WEEKDAYS[event.when.weekday()]
    return (
        f"{event.person} {event.verb} the {event.things[0]} and {event.things[1]} plan for "
        f"{event.place} on {day}, a move affecting {event.number} {event.things[2]} workers, "
        f"officials in {event.place} said after a meeting of the {event.things[3]} board."
    )


def _reports(rng: random.Random, event_id: int, event: _Event) -> list[Report]:
    """Two to five outlets' articles about one event, each in one of the styles outlets use."""
    wire = [_lead(event), *_paragraphs(rng, event, rng.randint(8, 14))]
    outlets = rng.sample(SOURCES, rng.randint(2, 5))
    found = []
    for n, outlet in enumerate(outlets):
        when = event.when + timedelta(hours=0 if n == 0 else rng.uniform(0.5, 20))
        style = "wire" if n == 0 else rng.choice(["copy", "intro", "rewrite", "headline", "lead"])
        own_title = f"{event.place} {rng.choice(_LEXICON)} {rng.choice(_LEXICON)} {outlet} report"
        if style == "wire":
            title, body = _headline(event), wire
        elif style == "copy":  # the wire's text, lightly edited, under a reworded headline
            title, body = _edit(rng, _headline(event), 0.15), [_edit(rng, p, 0.05) for p in wire]
        elif style == "intro":  # the wire's text under the outlet's own intro and headline
            title, body = own_title, [*_paragraphs(rng, event, 5), *wire]
        elif style == "rewrite":  # alike headline and lead, its own text after
            title = _edit(rng, _headline(event), 0.1)
            body = [_edit(rng, wire[0], 0.08), *_paragraphs(rng, event, rng.randint(6, 10))]
        elif style == "headline":  # an alike headline over the outlet's own text
            title, body = _edit(rng, _headline(event), 0.1), _paragraphs(rng, event, 8)
        else:  # the wire's opening paragraphs under the outlet's own headline, its own text after
            title = own_title
            body = [_edit(rng, p, 0.04) for p in wire[:3]] + _paragraphs(rng, event, 12)
        slug = re.sub(r"\W+", "-", title.lower())[:40]
        url = f"https://{outlet.lower()}.example/{when:%Y/%m/%d}/{slug}-{event_id}"
        found.append(Report(event_id, outlet, title, "\n\n".join(body), when, url))
    return found


def generated_cases(start: datetime, events: int = 40, seed: int = 15) -> list[Report]:
    """`events` events over about ten days, every other one about the same person and place
    as the one before (a different event a day or two later: they must stay apart)."""
    rng = random.Random(seed)
    found: list[Report] = []
    previous: _Event | None = None
    for event_id in range(events):
        when = start + timedelta(hours=rng.uniform(0, 240))
        things = tuple(rng.sample(_LEXICON, 4))
        if previous is not None and event_id % 2:
            event = _Event(
                previous.person,
                previous.place,
                rng.choice([v for v in _VERBS if v != previous.verb]),
                things,
                rng.randint(20, 900),
                previous.when + timedelta(hours=rng.uniform(20, 48)),
            )
        else:
            person = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            event = _Event(
                person, rng.choice(PLACES), rng.choice(_VERBS), things, rng.randint(20, 900), when
            )
        found += _reports(rng, event_id, event)
        previous = event
    return found
