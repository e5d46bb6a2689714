"""The news domain's folding of text for comparison (`normalise_text`): a long text folded in
pieces is the text folded whole, whatever it holds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.models import normalise_text
from bot.models import text as text_helpers

# Line breaks, runs of spaces, CR LF, controls, combining marks, compatibility forms (ﬁ, ²,
# full-width), typographic quotes, letters whose case folds to two (ß), and ASCII.
_PARTS = st.sampled_from(
    [
        "\n",
        "\r\n",
        "\r",
        " ",
        "\t",
        "\u00a0",
        "\u2003",
        "\x00",
        "\x1b[31m",
        "e\u0301",
        "\u0301",
        "\ufb01",
        "\u00b2",
        "\uff21",
        "’",
        "“",
        "—",
        "ß",
        "İ",
        "a",
        "Z",
        "7",
        "word",
        "\u1100\u1161",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PARTS, max_size=60).map("".join), st.integers(1, 12))
def test_a_text_folded_in_pieces_is_the_text_folded_whole(text: str, piece: int) -> None:
    assert normalise_text(text, piece_chars=piece) == normalise_text(text, piece_chars=10**9)


def test_a_huge_body_is_folded_in_pieces_to_its_whole_folding() -> None:
    line = "Officials in Doha said on Monday that talks would continue, item ﬁve.  \r\n"
    body = line * 40_000  # 2,960,000 characters, every line a place to cut
    whole = normalise_text(body, piece_chars=10**9)
    assert normalise_text(body) == whole
    assert whole.startswith(
        "officials in doha said on monday that talks would continue, item five. off"
    )


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=40))
def test_ascii_folds_as_any_text_does(word: str) -> None:
    # ASCII takes a shortcut (`lower`): it must give what the general folding gives.
    assert text_helpers.fold(word) == text_helpers._fold_any(word)


def test_fold_strips_accents_and_case() -> None:
    assert text_helpers.fold("Erdoğan ÉLYSÉE Straße") == "erdogan elysee strasse"
    assert text_helpers.fold("Kyiv-Based AP") == "kyiv-based ap"
