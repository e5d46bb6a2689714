"""What's new in a story: only the sentences that add names, figures or content not said."""

from __future__ import annotations

from datetime import datetime

from bot.models.update import StoryText
from bot.nlp.novelty import MAX_NEW_SENTENCES, MAX_SAID_SENTENCES, whats_new

FIRST = StoryText(
    (
        "Talks aimed at averting a series of national strikes over pensions reforms will take "
        "place this weekend.",
        "Five public sector unions will hold private talks with Deputy Prime Minister John "
        "Prescott at Labour's spring conference in Gateshead.",
        "Up to 1.4m workers could take part in a strike already earmarked for 23 March.",
    )
)


def new_texts(later: StoryText, *earlier: StoryText) -> list[str]:
    return [n.text for n in whats_new(list(earlier or [FIRST]), later)]


def test_an_article_repeating_the_story_adds_nothing() -> None:
    assert new_texts(FIRST) == []


def test_a_near_paraphrase_counts_as_said() -> None:
    later = StoryText(
        (
            "Five public sector unions met Deputy Prime Minister John Prescott at the Labour "
            "spring conference in Gateshead.",
            "Up to 1.4 million workers could take part in strikes earmarked for 23 March.",
        )
    )
    assert new_texts(later) == []


def test_a_new_development_is_new_with_its_words() -> None:
    later = StoryText(
        (
            "Talks aimed at averting national strikes over pension reforms have ended without "
            "agreement after 90 minutes.",
            "Up to 1.4 million workers could take part in strikes earmarked for 23 March.",
        )
    )
    [found] = whats_new([FIRST], later)
    assert found.index == 0
    assert "90 minutes" in found.figures
    assert {"agreement", "ended"} <= set(found.words)


def test_a_new_number_alone_makes_a_sentence_new() -> None:
    later = StoryText(
        ("Up to 1.6m workers could take part in a strike already earmarked for 23 March.",)
    )
    [found] = whats_new([FIRST], later)
    assert found.figures == ("Up to 1.6m",)


def test_word_numbers_and_a_dozen_are_the_figures_already_said() -> None:
    earlier = StoryText(("Police said 12 people were killed in the blast in the city centre.",))
    later = StoryText(
        (
            "A dozen people were killed in the blast in the city centre, police said.",
            "Twelve people were killed in the city centre blast.",
        )
    )
    assert new_texts(later, earlier) == []


def test_a_new_name_makes_a_sentence_new() -> None:
    later = StoryText(
        ("Five public sector unions will hold private talks with Unison at the conference.",)
    )
    [found] = whats_new([FIRST], later)
    assert found.names == ("Unison",)
    assert found.reason.startswith("new: Unison")


def test_names_given_by_the_analysis_are_used_instead_of_capitals() -> None:
    later = StoryText(
        ("Mr Prescott will hold private talks with five public sector unions in Gateshead.",),
        names=(("John Prescott",),),
    )
    assert new_texts(later) == []


def test_day_names_are_said_when_they_name_a_date_already_given() -> None:
    earlier = StoryText(
        ("The talks with the unions were held on 2 March in Gateshead.",),
        published=datetime(2026, 3, 3),
    )
    same_day = StoryText(
        ("The talks with the unions were held on Monday in Gateshead.",),
        published=datetime(2026, 3, 4),
    )
    other_day = StoryText(
        ("The talks with the unions were held on Tuesday in Gateshead.",),
        published=datetime(2026, 3, 4),
    )
    assert new_texts(same_day, earlier) == []
    assert [n.figures for n in whats_new([earlier], other_day)] == [("Tuesday",)]


def test_a_repeat_within_the_later_article_is_said() -> None:
    later = StoryText(
        (
            "Tony Blair urged London mayor Ken Livingstone to apologise and move on.",
            "Tony Blair urged London mayor Ken Livingstone to apologise and move on.",
        )
    )
    assert [n.index for n in whats_new([FIRST], later)] == [0]


def test_a_story_of_any_size_is_compared_within_bounds() -> None:
    filler = StoryText(tuple(f"Sentence number {i} about the pension talks." for i in range(3000)))
    later = StoryText(tuple(f"Unison said on day {i} the strike was off." for i in range(1000)))
    found = whats_new([filler, FIRST], later)
    assert 0 < len(found) <= MAX_NEW_SENTENCES
    assert max(n.index for n in found) < MAX_NEW_SENTENCES
    # Posts are read newest first up to MAX_SAID_SENTENCES: behind 3000 newer sentences, the
    # first post is out of reach and reads as new again; in front of them it is said.
    assert len(filler.sentences) > MAX_SAID_SENTENCES
    assert new_texts(FIRST, filler, FIRST) == []
    assert new_texts(FIRST, FIRST, filler) == list(FIRST.sentences)


def test_texts_read_again_give_the_same_answer() -> None:
    """Texts are remembered once read (a story's earlier reports are read again for each
    later one): the second comparison is the first's, in either order of the texts."""
    later = StoryText(("Unison said the strike would start on Monday with 5,000 members.",))
    first = whats_new([FIRST], later)
    assert [n.text for n in first] == list(later.sentences)
    assert whats_new([FIRST], later) == first
    assert whats_new([later], FIRST) == whats_new([later], FIRST)
    assert new_texts(FIRST, later, FIRST) == []
