"""Sentence splitting on news copy: abbreviations, quotes, paragraphs, datelines, roles."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.nlp import analyze_texts
from bot.nlp.sentences import segment_text


def texts_of(text: str) -> list[str]:
    return [s.text for s in analyze_texts([text])[0].sentences]


def test_abbreviations_do_not_end_sentences(nlp):
    text = (
        "The U.S. Army said Maj. Gen. John Smith would retire. "
        "Mr. Jones met Dr. Lee at 5 p.m. on Jan. 5 in St. Louis. They talked."
    )
    assert texts_of(text) == [
        "The U.S. Army said Maj. Gen. John Smith would retire.",
        "Mr. Jones met Dr. Lee at 5 p.m. on Jan. 5 in St. Louis.",
        "They talked.",
    ]


def test_closing_quote_stays_with_its_sentence(nlp):
    text = "“We will not stop,” said Gen. Ali. “Never.” The talks resumed in Doha."
    sentences = texts_of(text)
    assert sentences[-1] == "The talks resumed in Doha."
    assert all(not s.startswith("”") for s in sentences)


def test_paragraph_breaks_split_but_hard_wraps_do_not(nlp):
    text = "Officials met in\nDoha on Monday without a deal\n\nTalks resume on Friday, aides said."
    assert texts_of(text) == [
        "Officials met in\nDoha on Monday without a deal",
        "Talks resume on Friday, aides said.",
    ]


def test_dateline_is_cut_from_the_first_sentence(nlp):
    text = (
        "WASHINGTON (Reuters) - The economy grew 3% in the third quarter. Analysts expected less."
    )
    analysis = analyze_texts([text])[0]
    first = analysis.sentences[0]
    assert first.text == "The economy grew 3% in the third quarter."
    assert text[first.start : first.end] == first.text


def test_title_caption_and_byline_are_never_summarised(seed_analysis):
    summarisable = [
        s.text
        for s, ok in zip(seed_analysis.sentences, seed_analysis.summarisable, strict=True)
        if ok
    ]
    assert not any(s.startswith("Senior Israeli Security Officials") for s in summarisable)
    assert not any("(Photo: IDF)" in s for s in summarisable)
    assert not any("YWN Israel Desk" in s for s in summarisable)
    assert summarisable[0].startswith("A delegation of senior Israeli security officials")


def test_offsets_point_into_the_input(seed_text, seed_analysis):
    for sentence in seed_analysis.sentences:
        assert seed_text[sentence.start : sentence.end] == sentence.text


@given(
    st.text(alphabet='ab .!?\n”"()', max_size=80),
    st.lists(st.integers(min_value=0, max_value=80), max_size=10),
)
def test_spans_are_ordered_trimmed_and_disjoint(text, starts):
    spans = segment_text(text, [s for s in starts if s <= len(text)])
    previous_end = 0
    for span in spans:
        assert previous_end <= span.start < span.end <= len(text)
        assert text[span.start : span.end] == text[span.start : span.end].strip()
        previous_end = span.end
