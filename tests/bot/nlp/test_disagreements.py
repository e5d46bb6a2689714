"""Where outlets disagree: figures lined up by what they count; incompatible values between
outlets are a disagreement, within one outlet over time a correction."""

from __future__ import annotations

from datetime import datetime

from bot.models.figure import Report
from bot.nlp.disagreements import (
    MAX_FIGURES,
    MAX_REPORTS,
    STORY_SENTENCES,
    discrepancies,
    same_quantity,
)
from bot.nlp.figures import figures_in

MORNING = datetime(2026, 3, 4, 8, 0)
NOON = datetime(2026, 3, 4, 12, 0)
EVENING = datetime(2026, 3, 4, 18, 0)


def report(outlet: str, *sentences: str, published: datetime = MORNING) -> Report:
    return Report(outlet, published, sentences)


def summaries(*reports: Report) -> list[tuple[str, str]]:
    return [(d.kind, d.summary()) for d in discrepancies(reports)]


def test_two_outlets_with_different_counts_disagree() -> None:
    found = summaries(
        report("Reuters", "The blast in Kabul killed 12 people, police said."),
        report("AP", "Fifteen people were killed in the Kabul blast.", published=NOON),
    )
    assert found == [("disagreement", "Reuters: 12 · AP: Fifteen")]


def test_a_dozen_agrees_with_twelve() -> None:
    assert (
        summaries(
            report("Reuters", "The blast in Kabul killed 12 people."),
            report("AP", "A dozen people died in the Kabul explosion."),
        )
        == []
    )


def test_word_numbers_agree_with_digits() -> None:
    assert (
        summaries(
            report("Reuters", "The storm killed 4 people."),
            report("AP", "The storm killed four people."),
        )
        == []
    )


def test_at_least_agrees_with_a_higher_count_and_not_with_a_lower_one() -> None:
    assert (
        summaries(
            report("Reuters", "At least 12 people were killed in the blast."),
            report("AP", "The blast killed 15 people."),
        )
        == []
    )
    assert summaries(
        report("Reuters", "At least 12 people were killed in the blast."),
        report("AP", "The blast killed 10 people."),
    ) == [("disagreement", "Reuters: At least 12 · AP: 10")]


def test_different_events_and_places_are_different_quantities() -> None:
    killed, wounded = figures_in("The blast killed 12 people and wounded 15.")
    [fifteen_killed] = figures_in("The blast killed 15 people.")
    assert not same_quantity(wounded, fifteen_killed)
    assert same_quantity(killed, fifteen_killed)
    assert (
        summaries(
            report("Reuters", "Twelve people were killed in Kabul."),
            report("AP", "Fifteen people were killed in Kandahar."),
        )
        == []
    )


def test_each_company_keeps_its_own_figure() -> None:
    assert (
        summaries(
            report("BBC", "Tobacco shares closed higher, with Altria rising 5% and Reynolds 4.5%."),
            report("FT", "The ruling sent Reynolds shares up 4.5% and Altria shares up 5.11%."),
        )
        == []
    )


def test_day_names_are_compared_as_the_dates_they_name() -> None:
    monday = report("Reuters", "The talks were held on Monday.", published=datetime(2026, 3, 4))
    assert (
        summaries(
            monday, report("AP", "The talks were held on 2 March.", published=datetime(2026, 3, 5))
        )
        == []
    )
    assert summaries(
        monday, report("AP", "The talks were held on Tuesday.", published=datetime(2026, 3, 4, 9))
    ) == [("disagreement", "Reuters: Monday · AP: Tuesday")]


def test_the_same_outlet_changing_its_figure_is_a_correction() -> None:
    found = summaries(
        report("Reuters", "The blast in Kabul killed 12 people."),
        report("Reuters", "The blast in Kabul killed 15 people.", published=EVENING),
    )
    assert found == [("correction", "Reuters: 12 → 15")]


def test_an_outlet_that_corrected_its_figure_no_longer_disagrees() -> None:
    found = summaries(
        report("Reuters", "The blast in Kabul killed 12 people."),
        report("AP", "The blast in Kabul killed 15 people.", published=NOON),
        report("Reuters", "The blast in Kabul killed 15 people.", published=EVENING),
    )
    assert found == [("correction", "Reuters: 12 → 15")]


def test_an_outlet_giving_both_figures_does_not_disagree() -> None:
    sentence = "The case was heard by a panel of nine law lords rather than the usual five."
    assert summaries(report("BBC", sentence), report("Reuters", sentence)) == []


def test_a_story_of_any_size_is_read_within_bounds() -> None:
    sentence = "The blast in Kabul killed 12 people and injured 30, police said on Monday."
    late = report("late", "The blast in Kabul killed 15 people.", published=EVENING)
    assert [d.kind for d in discrepancies([report("first", sentence), late])] == ["disagreement"]
    # Past MAX_FIGURES figures the rest of the story is not read, so the late report's 15
    # never meets the 12s: the work stays bounded however many reports a story has.
    many = [report(f"outlet {i}", *([sentence] * 500)) for i in range(MAX_REPORTS * 2)]
    assert len(figures_in(sentence)) * 500 * len(many) > MAX_FIGURES
    assert discrepancies([*many, late]) == []


def test_the_sentences_read_for_figures_are_shared_among_a_storys_reports() -> None:
    """Issue 16, found by the soak: two huge reports were each read to 200 sentences for
    figures (90 ms of a /catchup's CPU before any comparison); now STORY_SENTENCES in all."""
    first = report("first", "The blast in Kabul killed 12 people.")
    filler = ["Ferries waited."] * (STORY_SENTENCES // 2 + 10)
    early = report("late", "The blast in Kabul killed 15 people.", *filler, published=EVENING)
    buried = report("late", *filler, "The blast in Kabul killed 15 people.", published=EVENING)
    assert [d.kind for d in discrepancies([first, early])] == ["disagreement"]
    assert discrepancies([first, buried]) == []


def test_a_sentences_figures_are_a_new_list_each_time() -> None:
    """Figures are remembered by sentence: a caller changing the list it got does not change
    what the next caller gets."""
    sentence = "Police said 12 people were killed and 40 injured on Monday."
    found = figures_in(sentence, MORNING)
    assert [f.text for f in found][:2] == ["12", "40"]
    found.clear()
    assert [f.text for f in figures_in(sentence, MORNING)][:2] == ["12", "40"]
    assert figures_in(sentence, MORNING) is not figures_in(sentence, MORNING)
