"""Escaping, shortening, paging and timestamps for Discord text."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from bot.models import SNIPPET_END, SNIPPET_START
from bot.render import text

# Anything Discord would turn into a ping, a mention chip or a timestamp, if left unescaped.
LIVE_MENTION = re.compile(r"(?<!\\)<[@#/:at]|@(everyone|here)", re.IGNORECASE)


def _unescaped(pattern: str, rendered: str) -> bool:
    """Whether `pattern` occurs in `rendered` not preceded by an escaping backslash."""
    return re.search(r"(?<!\\)" + re.escape(pattern), rendered) is not None


def test_escape_neutralises_every_kind_of_mention() -> None:
    raw = "@everyone @here <@123> <@!123> <@&123> <#123> </news:1> <t:1700000000:R> <:x:1>"

    rendered = text.escape(raw)

    assert LIVE_MENTION.search(rendered) is None
    assert "@\u200beveryone" in rendered and "@\u200bhere" in rendered
    assert "<\u200b@&123>" in rendered


def test_a_mention_right_after_a_link_stays_inert() -> None:
    rendered = text.escape("[x](https://evil.example/login)<@123456789012345678> and <#1>")
    # Discord's autolink takes everything up to a space or "<", backslashes included.
    outside_links = re.sub(r"https?://[^\s<]+[^<.,:;\"')\]\s]", " ", rendered)
    assert LIVE_MENTION.search(outside_links) is None


def test_escape_blocks_spoofed_links_code_spoilers_and_line_markdown() -> None:
    raw = "[Official statement](https://evil.example) ```code``` ||spoiler|| **bold** __u__ ~~s~~"
    rendered = text.escape(raw)
    assert rendered.startswith(r"\[Official statement\](https://evil.example)")
    for pattern in ("```", "||", "**", "__", "~~", "[", "]"):
        assert not _unescaped(pattern, rendered), pattern

    lines = text.escape("# Breaking\n> quoted\n- list\n-# subtext\n2024. The year\n + plus")
    assert lines.split("\n") == [
        r"\# Breaking",
        r"\> quoted",
        r"\- list",
        r"\-# subtext",
        r"2024\. The year",
        r" \+ plus",
    ]


def test_escape_keeps_links_clickable_and_text_intact() -> None:
    assert text.escape("see https://example.com/a_b_c?x=1") == "see https://example.com/a_b_c?x=1"
    assert text.escape("Hamas’s “truce” – 5%") == "Hamas’s “truce” – 5%"


def test_escape_drops_invisible_characters_that_could_hide_a_mention() -> None:
    rendered = text.escape("@every\u200bone \u202eevil\u202c ok\x00")
    assert "@\u200beveryone" in rendered
    assert "\u202e" not in rendered and "\x00" not in rendered


def test_visible_drops_exactly_the_control_format_and_surrogate_characters() -> None:
    """Every character of the Basic Multilingual Plane, and a few beyond, inside plain text:
    the printable fast path and the character by character one agree."""
    kept = {" ", "\n", "\u200d"}
    for point in [*range(0x10000), 0x1F600, 0xE0001, 0xF0000]:
        char = chr(point)
        if char == "\r":
            continue  # a line break: "\n"
        category = unicodedata.category(char)
        expected = char if char in kept or category not in ("Cc", "Cf", "Cs") else ""
        expected = " " if char == "\t" else expected
        assert text.visible(f"ab{char}cd\n") == f"ab{expected}cd\n", hex(point)


@given(
    st.text(
        alphabet=st.sampled_from(list("@<>&#!/:everyonhal\\*_`|[]() 0123\n\u200b")), max_size=80
    )
)
def test_escaped_text_never_mentions_anyone(raw: str) -> None:
    assert LIVE_MENTION.search(text.escape(raw).replace("@\u200b", "")) is None


# Every character the escaping or the cleaning looks at, plus plain letters and spaces.
_MARKDOWN_TEXT = st.text(
    alphabet=st.sampled_from(list("ab 19.\n\t\r-#>+*_~`|[]<@\\\u200b\u202eeveryonhttp:/")),
    max_size=60,
)


@given(_MARKDOWN_TEXT)
def test_escape_skips_only_text_with_nothing_to_escape(raw: str) -> None:
    # `escape` returns clean text untouched when it holds no markdown (a page's render spent
    # half its time in substitutions that changed nothing): the whole escaping must agree.
    clean = text.clean_text(raw)
    assert text.escape(raw) == text._escape_markdown(clean)
    assert clean == text._clean_lines(text.visible(raw))


def test_plain_news_text_is_returned_as_it_is() -> None:
    headline = "Ceasefire talks resume in Doha as aid trucks wait - officials say 2.5m need help"
    assert text.escape(headline) == headline
    assert text.escape("- a list item") == "\\- a list item"
    assert text.escape("12. twelfth") == "12\\. twelfth"


def test_highlight_bolds_marked_terms_and_escapes_the_rest() -> None:
    snippet = f"…the {SNIPPET_START}Qatar{SNIPPET_END} talks\nwith @everyone *now*…"

    assert text.highlight(snippet) == "…the **Qatar** talks with @\u200beveryone \\*now\\*…"
    assert text.highlight(f"@{SNIPPET_START}everyone{SNIPPET_END}") == "@\u200b**everyone**"
    # A marker left open by truncation still ends in closed bold.
    assert text.highlight(f"a {SNIPPET_START}Qat") == "a **Qat**"


def test_truncate_cuts_on_a_word_boundary_with_an_ellipsis() -> None:
    assert text.truncate("The quick brown fox jumps", 18) == "The quick brown…"
    assert text.truncate("short", 10) == "short"
    assert text.truncate("Supercalifragilistic", 8) == "Superca…"
    assert text.truncate("anything", 1) == "…"


def test_fit_shortens_raw_text_until_the_escaped_form_fits() -> None:
    raw = "a_b " * 50
    rendered = text.fit(raw, 40)
    assert len(rendered) <= 40
    assert rendered.endswith("…")
    assert not rendered.removesuffix("…").endswith("\\")


def test_clip_keeps_markdown_tokens_whole_and_closes_bold() -> None:
    markdown = "**Qatar truce talks continue** in Doha <t:1700000000:R> and more words here"
    clipped = text.clip(markdown, 24)
    assert len(clipped) <= 24
    assert clipped.count("**") % 2 == 0
    stamp = text.clip("words words <t:1700000000:R>", 20)
    assert "<t:" not in stamp or "<t:1700000000:R>" in stamp
    escaped = text.clip(r"abc \*\*\*\*\*\*\*\*", 10)
    assert not escaped.removesuffix("…").endswith("\\")


@given(st.text(max_size=3000), st.integers(min_value=1, max_value=600))
def test_fit_and_clip_never_exceed_the_limit(raw: str, limit: int) -> None:
    assert len(text.fit(raw, limit)) <= limit
    assert len(text.clip(text.escape(raw), limit)) <= limit


def test_paginate_splits_on_paragraphs_then_sentences_and_loses_no_words() -> None:
    raw = "First paragraph here.\n\nSecond one. It has two sentences.\n\n" + "x" * 95
    pages = text.paginate(raw, 40)
    assert all(len(page) <= 40 for page in pages)
    assert pages[0] == "First paragraph here."
    assert "".join(pages).replace(" ", "").replace("\n", "") == raw.replace(" ", "").replace(
        "\n", ""
    )


@given(st.text(max_size=2000), st.integers(min_value=10, max_value=500))
def test_pages_always_fit(raw: str, limit: int) -> None:
    assert all(len(page) <= limit for page in text.paginate(raw, limit))


def test_timestamps_render_in_the_readers_timezone() -> None:
    unix = int(datetime(2024, 5, 31, 12, 0, tzinfo=UTC).timestamp())
    assert text.timestamp("2024-05-31T12:00:00+00:00", "R") == f"<t:{unix}:R>"
    assert text.timestamp("2024-05-31T12:00:00", "f") == f"<t:{unix}:f>"  # naive means UTC
    assert text.timestamp("2024-05-31", "D") == f"<t:{unix - 12 * 3600}:D>"
    assert text.timestamp("not a date") == ""
    assert text.timestamp(None) == ""


def test_only_safe_http_urls_become_links() -> None:
    assert text.safe_url("javascript:alert(1)") is None
    assert text.safe_url("https://exa mple.com") is None
    assert text.safe_url("https://example.com/a_(b)") == "https://example.com/a_%28b%29"
    assert text.link("Title", "https://example.com") == "[Title](https://example.com)"
    assert text.link("Title", "ftp://example.com") == "Title"
