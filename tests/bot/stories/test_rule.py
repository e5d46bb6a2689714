"""The one story rule, on the cases both old rules were tested on: near-duplicate wire copy
(the feeds' rule), rewrites with alike leads or headlines (the digests' rule), other stories
apart, and time limits."""

import itertools

from bot.models import ArticleDraft
from bot.stories.fingerprint import BODY_CHARS, SKETCH, Fingerprint, fingerprint, gram_hashes
from bot.stories.rule import MIN_GRAMS, SPAN_HOURS, Earlier, best_story, likeness, sketch_similarity

from .texts import FIRE, HARBOUR, VOTE, page_text

NOW = "2026-03-02T09:00:00+00:00"
OUTLETS = itertools.count()


def print_of(
    title: str, body: str, *, when: str = NOW, url: str | None = None, by: str | None = None
) -> Fingerprint:
    """A fingerprint of a report by `by` (by default an outlet of its own)."""
    source = by or f"Outlet {next(OUTLETS)}"
    draft = ArticleDraft(title, body, "x", source=source, url=url, published_at=when)
    return fingerprint(draft, NOW)


def page(name: str, *, when: str = NOW, by: str | None = None) -> Fingerprint:
    return print_of(*page_text(name), when=when, by=by)


def test_reworded_wire_copy_is_one_story_and_other_stories_are_not() -> None:
    harbour, wire, budget = page("storm_harbour.html"), page("storm_wire.html"), page("budget.html")
    assert sketch_similarity(harbour.sketch, wire.sketch) > 0.6
    assert sketch_similarity(harbour.sketch, budget.sketch) < 0.1
    assert likeness(harbour, wire) > 0.6
    assert likeness(harbour, budget) == 0.0
    # The storm's follow-up is a story of its own.
    assert likeness(harbour, page("ports_reopen.html")) == 0.0
    assert likeness(page("cafe_levy.html"), budget) == 0.0


def test_a_lightly_edited_lead_or_an_alike_headline_is_one_story() -> None:
    wire = print_of("Harbour reopens after repairs", HARBOUR)
    edited = print_of("City harbour reopens", HARBOUR.replace("Monday", "Monday morning"))
    assert likeness(wire, edited) >= 0.5  # short texts: the leads decide
    same_headline = print_of("Harbour reopens after week of quay repairs", VOTE)
    other = print_of("Harbour reopens after quay repairs", FIRE)
    assert likeness(same_headline, other) >= 0.6
    # Two headline words in common out of five is not enough; nor are different reports.
    assert (
        likeness(print_of("Storm closes ports", FIRE), print_of("Storm closes schools", VOTE)) == 0
    )
    assert likeness(print_of("Budget passes", VOTE), print_of("Brush fire contained", FIRE)) == 0


def test_an_outlets_own_articles_are_one_story_only_when_near_duplicates() -> None:
    """A feed appending the same line to every item does not make its items one story."""
    boilerplate = "Read more from the Harbour Times at harbour.example, every day, all day."
    items = [
        print_of(f"{title} - Harbour Times news today", f"{lead} {boilerplate}", by="Harbour")
        for title, lead in [
            ("Storm closes ports", "Ferries stayed in harbour."),
            ("Council passes budget", "Councillors voted late."),
        ]
    ]
    assert likeness(*items) == 0
    wire = print_of(*page_text("storm_wire.html"), by="Harbour")
    assert likeness(page("storm_harbour.html", by="Harbour"), wire) > 0.6


def test_the_same_link_is_one_story_and_short_texts_are_compared_by_their_leads() -> None:
    one = print_of("A", "Short.", url="https://x.example/a")
    assert likeness(one, print_of("B", "Other.", url="https://x.example/a")) == 1.0
    short = print_of("Gale", "Too short to compare whole.")
    assert len(short.sketch) < MIN_GRAMS
    assert likeness(short, print_of("Rain", "Too short to compare whole.")) == 1.0
    assert likeness(short, print_of("Gale", "Much too short to compare.")) == 0


def test_reports_days_apart_are_not_one_story() -> None:
    harbour = page("storm_harbour.html", when="2026-03-02T09:00:00+00:00")
    assert likeness(harbour, page("storm_wire.html", when="2026-03-05T08:00:00+00:00")) > 0
    assert likeness(harbour, page("storm_wire.html", when="2026-03-05T10:00:00+00:00")) == 0


def test_a_new_report_joins_the_most_alike_story_that_is_not_too_old() -> None:
    wire = page("storm_wire.html")
    harbour = page("storm_harbour.html")
    budget = page("budget.html")
    earlier = [Earlier(5, 5, budget, harbour.hour), Earlier(7, 3, harbour, harbour.hour)]
    assert best_story(wire, earlier) == 3
    assert best_story(budget, earlier[1:]) is None
    old_story = [Earlier(7, 3, harbour, harbour.hour - SPAN_HOURS - 1)]
    assert best_story(wire, old_story) is None


def test_hashes_are_stable_and_keys_are_few() -> None:
    # CRC-32 based: the same in every process and version (stored hashes stay comparable).
    assert gram_hashes(["the", "u", "s"]) == frozenset({2603902803})
    assert gram_hashes(["one"]) == gram_hashes(["one"]) != gram_hashes(["two"])
    found = print_of(*page_text("storm_harbour.html"), url="https://h.example/storm").keys
    assert 10 <= len(found) <= 8 + 8 + 12 + 1


def test_a_huge_pages_fingerprint_reads_its_first_hundred_thousand_characters() -> None:
    """A 9 MB page is matched on its opening (a long read's whole text), so its fingerprint
    is what its first BODY_CHARS give: folding and splitting all of it held the GIL for
    0.1-0.2 s while the event loop waited (issue 16, found by the soak's stall sampler)."""
    title, body = page_text("storm_harbour.html")
    huge = (body + "\n\n") * (2 * BODY_CHARS // len(body) + 1)
    tail = " ".join(f"unrelated{n} words{n} elsewhere{n}" for n in range(5_000))
    whole = print_of(title, huge + tail, by="Wire")
    opening = print_of(title, huge[:BODY_CHARS], by="Wire")
    assert len(whole.sketch) == SKETCH and whole.sketch == opening.sketch
    assert whole.lead and whole.lead == opening.lead
