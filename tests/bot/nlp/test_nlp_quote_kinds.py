"""Who said what, the general rules added after the second held-out sample was labelled:
occupations are no part of a name, the MPs of a committee's report speak for the committee,
"he" after an unnamed spokesman is that spokesman, a share of people polled is no one, "by
X" names the speaker only after a verb of calling, a modifying name's phrase stands for its
head, a body told something is no antecedent of "it", and "said X" after a phrase. Every
text is made up for the test (none is from the labelled BBC articles)."""

from __future__ import annotations

import pytest

from bot.nlp.analysis import quotes_of_texts


def said(text: str) -> list[tuple[str, str | None]]:
    """(quote, speaker) pairs found in text."""
    return [(q.quote, q.speaker) for q in quotes_of_texts([text])[0]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Farmer Geoffrey Marsh, a member of the local hunt, told BBC News the ban was "
            '"badly thought out and unfair to rural people".',
            [("badly thought out and unfair to rural people", "Geoffrey Marsh")],
            id="an occupation the model read into the name is dropped",
        ),
        pytest.param(
            "The Transport Select Committee published its report on Monday. "
            '"The railways have been let down by years of neglect," the MPs said.',
            [
                (
                    "The railways have been let down by years of neglect,",
                    "Transport Select Committee",
                )
            ],
            id="the MPs of a committee's report speak for the committee",
        ),
        pytest.param(
            'Fares rose again on Monday. "The railways have been let down by years of neglect," '
            "the MPs said.",
            [("The railways have been let down by years of neglect,", None)],
            id="MPs with no committee named are an unnamed group",
        ),
        pytest.param(
            'The plan was branded a "costly and avoidable failure" by MPs. The Commons '
            "transport select committee said the money had been wasted.",
            [("costly and avoidable failure", "Commons transport select committee")],
            id="a committee named in lower case is found for its MPs",
        ),
        pytest.param(
            "Cairn Energy, run by Bill Gammell, found gas in India. A spokesman said the find "
            'was promising. But he added: "It is still too early to say how big it is."',
            [("It is still too early to say how big it is.", None)],
            id="he after an unnamed spokesman is that spokesman",
        ),
        pytest.param(
            "The Conservatives published a survey on trust. Some 87% said politicians did not "
            'keep the promises they made, while 92% said they never gave "a straight answer".',
            [("a straight answer", None)],
            id="a share of the people polled is no one in particular",
        ),
        pytest.param(
            'Michael Howard urged voters who feel "taken for granted" by Tony Blair to vote '
            "Conservative.",
            [("taken for granted", "Michael Howard")],
            id="by X after a verb that is not one of calling belongs to the quoted words",
        ),
        pytest.param(
            "Michael Howard is to urge voters let down by Tony Blair to vote Conservative. But "
            'the Tory leader will argue against quotas, saying they are "outdated and unjust".',
            [("outdated and unjust", "Michael Howard")],
            id="the Tory leader: a modifying name's head, the person the passage is about",
        ),
        pytest.param(
            "Manchester United told the BBC it had received a bid. A spokesman for the "
            'supporters club said: "We will fight this bid all the way to the end."',
            [("We will fight this bid all the way to the end.", None)],
            id="a spokesman for a body with no name is unnamed",
        ),
        pytest.param(
            '"Rail travel is now where air travel was in the 1970s" in terms of comfort, said '
            "Transport Weekly's Mr Jenkins.",
            [("Rail travel is now where air travel was in the 1970s", "Jenkins")],
            id="said X after a phrase between the quote and the verb",
        ),
    ],
)
def test_general_attribution_rules(nlp, text: str, expected: list) -> None:
    assert said(text) == expected


def test_a_body_told_something_is_no_antecedent_of_it(nlp) -> None:
    # "it" is the company the passage is about, not the broadcaster it spoke to.
    text = (
        "The deal was agreed on Friday by Vodafone, whose chief executive spoke to the BBC. "
        '"We looked at every possible option," it said.'
    )
    assert said(text) == [("We looked at every possible option,", "Vodafone")]
