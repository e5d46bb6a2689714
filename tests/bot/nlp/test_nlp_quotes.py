"""Who said what: quotations found in text and attributed to canonical entities, one test
per attribution shape, the seed's quotation, terms that are not quotations, the size cap."""

from __future__ import annotations

import pytest

from bot.models.quote import Quote
from bot.nlp import quotes as quotes_module
from bot.nlp.analysis import quotes_of_texts
from bot.nlp.quotes import find_quotes, scan


def said(text: str) -> list[tuple[str, str | None]]:
    """(quote, speaker) pairs found in text, checking every offset points at its quote."""
    found = quotes_of_texts([text])[0]
    for q in found:
        assert text[q.start : q.end] == q.quote
    return [(q.quote, q.speaker) for q in found]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            '"We will win the next election," said Boris Johnson.',
            [("We will win the next election,", "Boris Johnson")],
            id="said X after the quote",
        ),
        pytest.param(
            'Tony Blair spoke in London on Monday. "The economy is strong and getting '
            'stronger," Mr Blair said.',
            [("The economy is strong and getting stronger,", "Tony Blair")],
            id="X said, surname resolved to the full name",
        ),
        pytest.param(
            '"Europe must act together on energy," Angela Merkel told Reuters on Monday.',
            [("Europe must act together on energy,", "Angela Merkel")],
            id="X told Reuters: the outlet is not the speaker",
        ),
        pytest.param(
            'According to Angela Merkel, "the euro is safe for years to come".',
            [("the euro is safe for years to come", "Angela Merkel")],
            id="according to X",
        ),
        pytest.param(
            'John Smith, the chief executive of Acme, said: "Sales rose sharply this year."',
            [("Sales rose sharply this year.", "John Smith")],
            id="X, appositive, said: before the quote",
        ),
        pytest.param(
            'Angela Merkel met voters in Berlin on Friday. "I will fight on for every vote," '
            "she said.",
            [("I will fight on for every vote,", "Angela Merkel")],
            id="she said: the last person named",
        ),
        pytest.param(
            'Mr Brown met Ms Green in Leeds. "We have agreed nothing at all yet," she said.',
            [("We have agreed nothing at all yet,", "Green")],
            id="she said: not the man named last but one",
        ),
    ],
)
def test_speaker_named_around_the_quote(nlp, text: str, expected: list) -> None:
    assert said(text) == expected


def test_quote_continued_after_the_attribution(nlp) -> None:
    text = (
        '"We have done our best for the club," Alex Ferguson said. "Now it is up to the players."'
    )
    assert said(text) == [
        ("We have done our best for the club,", "Alex Ferguson"),
        ("Now it is up to the players.", "Alex Ferguson"),
    ]


def test_quote_split_over_paragraphs(nlp) -> None:
    text = (
        '"This is the first paragraph of a long statement.\n\n'
        '"And this is the second one," said John Smith, the chairman.'
    )
    assert said(text) == [
        ("This is the first paragraph of a long statement.", "John Smith"),
        ("And this is the second one,", "John Smith"),
    ]


def test_unclosed_quote_does_not_swallow_the_next_paragraph() -> None:
    text = '"First part of it.\n\nA plain paragraph.\n\n"Second," he said.'
    pieces = scan(text)
    assert [text[p.start : p.end] for p in pieces] == ["First part of it.", "Second,"]
    assert pieces[0].chain != pieces[1].chain  # the plain paragraph ended that quotation


def test_curly_quotes(nlp) -> None:
    text = (
        "“We will not back down,” Prime Minister Boris Johnson told reporters. “Not now, not ever.”"
    )
    assert said(text) == [
        ("We will not back down,", "Boris Johnson"),
        ("Not now, not ever.", "Boris Johnson"),
    ]


def test_terms_and_scare_quotes_are_not_quotations(nlp) -> None:
    text = (
        'The so-called "Big Four" banks rose. He called the plan "brutal". '
        'The film "Lord of the Rings" did well. Critics said it was "a disgrace".'
    )
    # Only the two-word phrase a verb of saying attributes is someone's words.
    assert said(text) == [("a disgrace", None)]


def test_organisations_speak(nlp) -> None:
    assert said(
        'Hamas said it would "never recognise the occupation of the land", according to a '
        "statement."
    ) == [("never recognise the occupation of the land", "Hamas")]
    assert said(
        "Shares in Vodafone rose on Tuesday after it reported higher profits. "
        '"Customers want faster networks," the company said.'
    ) == [("Customers want faster networks,", "Vodafone")]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('"We are looking at all the options now," a spokesman said.', id="spokesman"),
        pytest.param(
            '"They moved so quickly that it caught everyone by surprise," the Financial Times '
            "quoted an insider as saying.",
            id="quoted as saying: the paper is not the speaker",
        ),
        pytest.param(
            'Kevin Donnellon was asked: "Why on earth do you want to be an MP?"',
            id="the one asked is not the speaker",
        ),
    ],
)
def test_unnamed_speakers_are_null(nlp, text: str) -> None:
    [(_, speaker)] = said(text)
    assert speaker is None


def test_spokesperson_speaks_for_whom_they_name(nlp) -> None:
    text = (
        '"We believe the roaming market is competitive," said a Vodafone spokesman. '
        '"We will respond in detail," he added.'
    )
    assert [speaker for _, speaker in said(text)] == ["Vodafone", "Vodafone"]


def test_seed_quotation_is_hamas_or_no_one_never_a_person(seed_text, seed_analysis) -> None:
    [quote] = find_quotes(seed_text, seed_analysis)
    assert quote.quote == "pre-determined long-term period of time."
    assert seed_text[quote.start : quote.end] == quote.quote
    assert quote.speaker in (None, "Hamas")
    assert quote.speaker_label != "PERSON"


def test_the_nlp_step_finds_quotes_with_everything_else(seed_text, seed_analysis) -> None:
    # Ingest stores what analyze_texts found: the quotations come with the analysis.
    assert seed_analysis.quotes == find_quotes(seed_text, seed_analysis)
    assert [q.quote for q in seed_analysis.quotes] == ["pre-determined long-term period of time."]


def test_text_past_the_cap_is_not_read(nlp, monkeypatch) -> None:
    monkeypatch.setattr(quotes_module, "MAX_CHARS", 300)
    head = '"We will win the next election," said Boris Johnson. '
    text = head + "Filler text without quotations. " * 30_000 + '"Late words here," said Al Gore.'
    assert len(text) > 900_000
    found = quotes_of_texts([text])[0]
    assert [(q.quote, q.speaker) for q in found] == [
        ("We will win the next election,", "Boris Johnson")
    ]
    assert all(q.end <= 300 for q in found)


def test_quote_model_keys_its_speaker_like_the_store() -> None:
    quote = Quote("Hello there,", "Tony Blair", 1, 13, "PERSON")
    assert quote.speaker_entity_key == ("tony blair", "PERSON")
    assert Quote("Hi all,", None, 1, 8).speaker_entity_key is None
    assert quote.as_json() == {
        "quote": "Hello there,",
        "speaker": "Tony Blair",
        "start": 1,
        "end": 13,
    }
