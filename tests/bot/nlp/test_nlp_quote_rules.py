"""Who said what, the attribution rules added after the fourth tune sample: fuller names
from the text, letters after a name, inserted and appositive attributions, offices speaking
for their holder, first-person quotations, roles named before the person in an opening
line, and a clause's subject after an opening time phrase."""

from __future__ import annotations

import pytest

from bot.nlp.analysis import quotes_of_texts
from bot.nlp.given_names import fuller_names


def said(text: str) -> list[tuple[str, str | None]]:
    """(quote, speaker) pairs found in text."""
    return [(q.quote, q.speaker) for q in quotes_of_texts([text])[0]]


def test_a_name_gets_the_given_name_the_text_puts_before_it() -> None:
    text = (
        "Shani Rhys James is worried. Culture Minister Alun Pugh disagreed. Labour Morris "
        "spoke. The labour market grew. Ms James and Mr Pugh met Mr Morris."
    )
    # One- and two-word names the model tagged without their given name get it; an office
    # ("Minister") or a word the text also writes in lower case ("labour") is no given name.
    assert fuller_names([text], {"Rhys James", "Pugh", "Alun Pugh", "Morris"}, set()) == {
        "Rhys James": "Shani Rhys James"
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "The new chairman of the Bar Council, Guy Mansfield QC said there was a real "
            'risk. "People will be driven into the hands of extremists," Mr Mansfield added.',
            [("People will be driven into the hands of extremists,", "Guy Mansfield")],
            id="post-nominal letters are no part of the name",
        ),
        pytest.param(
            "Chairman of the committee Peter Ainsworth MP said: \"The government's housing "
            'policy is an alarming example of disjointed thinking."',
            [
                (
                    "The government's housing policy is an alarming example of disjointed "
                    "thinking.",
                    "Peter Ainsworth",
                )
            ],
            id="X MP said: the letters are skipped to reach the name",
        ),
        pytest.param(
            "The European ministers' comments, said Junya Tanase of JPMorgan Chase in Tokyo, "
            'were "generally too weak to produce a market reaction".',
            [("generally too weak to produce a market reaction", "Junya Tanase")],
            id="an inserted ', said X,' between subject and verb",
        ),
        pytest.param(
            "Fund manager Florian Hamm - Borussia Dortmund's largest investor - said he would "
            'only invest more money with a greater say. "I demand better transparency," he '
            "said.",
            [("I demand better transparency,", "Florian Hamm")],
            id="a name ends at a spaced dash",
        ),
        pytest.param(
            'Markets shrugged. "It is not that the broking community is indifferent to '
            'disasters," one Bombay trader said this week.',
            [("It is not that the broking community is indifferent to disasters,", None)],
            id="a place before an unnamed source is not the speaker",
        ),
        pytest.param(
            "Manchester United said it had received a proposal. But a senior source at the "
            'club told the BBC: "This time it is very different."',
            [("This time it is very different.", None)],
            id="a body after an unnamed source says where the source is, not who",
        ),
    ],
)
def test_names_and_attributions(nlp, text: str, expected: list) -> None:
    assert said(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Prime Minister Ephraim Inoni said those found guilty would be punished. The "
            "prime minister's office said auditors had found \"irregularities in the career "
            'structure of certain civil servants".',
            [
                (
                    "irregularities in the career structure of certain civil servants",
                    "Ephraim Inoni",
                )
            ],
            id="the office of a role holder speaks for them",
        ),
        pytest.param(
            "Scotland's justice minister has warned bigoted football fans that she wants to "
            'hit them "where it hurts most". Cathy Jamieson said exclusion orders were one of '
            "several measures being considered.",
            [("where it hurts most", "Cathy Jamieson")],
            id="a role in the opening line is the person the next sentence names",
        ),
        pytest.param(
            "In January the House of Commons Defence Committee published a critical report "
            'noting that the chief executive "has now left the troubled agency".',
            [("has now left the troubled agency", "House of Commons Defence Committee")],
            id="a clause's subject after an opening time phrase with no comma",
        ),
        pytest.param(
            "Sir Archy Kirkwood, who chairs the committee, said that when Mr Johnson had "
            "announced the move the agency was failing. He added his committee was "
            '"duty bound" to let the minister appoint new managers.',
            [("duty bound", "Archy Kirkwood")],
            id="he: the speaker of the sentence before, past an appositive",
        ),
        pytest.param(
            "Election strategist Dick Morris has worked for Bill Clinton. On this subject, Mr "
            'Morris appears almost evangelical.\n\n"I was on a cruise in the Mediterranean '
            'when it all started."',
            [("I was on a cruise in the Mediterranean when it all started.", "Dick Morris")],
            id="a first-person quotation standing alone is the person the passage is about",
        ),
    ],
)
def test_who_a_reference_stands_for(nlp, text: str, expected: list) -> None:
    assert said(text) == expected
