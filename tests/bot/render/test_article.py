"""A whole article as paged embeds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.models import Article
from bot.render import limits
from bot.render.article import (
    BREAK_WINDOW,
    PAGE_CHARS,
    article_pages,
    byline,
    page_count,
    page_span,
    page_text,
)


def article(**overrides: object) -> Article:
    fields: dict = {
        "id": 7,
        "title": "Senior officials in Qatar",
        "body": "First paragraph.\n\nSecond paragraph.",
        "origin": "file:x",
        "caption": "Halevi in 2019 (Photo: IDF)",
        "source": "YWN",
        "desk": "Israel Desk",
        "url": "https://news.example/7",
        "published_at": "2024-05-31T12:00:00+00:00",
    }
    fields.update(overrides)
    return Article(**fields)


def test_a_short_article_is_one_page_with_caption_and_facts() -> None:
    (page,) = article_pages(article())
    assert page.title == "Senior officials in Qatar"
    assert page.url == "https://news.example/7"
    assert page.author.name == "YWN · Israel Desk"
    assert (
        page.description == "*Halevi in 2019 (Photo: IDF)*\n\nFirst paragraph.\n\nSecond paragraph."
    )
    assert page.fields[0].value == "<t:1717156800:f>"
    assert page.footer.text == "Article #7 · page 1 of 1"


def test_a_100kb_article_splits_into_pages_within_every_limit() -> None:
    paragraph = "The ceasefire talks in Doha continued on Monday with @everyone watching. " * 12
    body = "\n\n".join([paragraph] * 120)
    assert len(body) > 100_000

    pages = article_pages(article(body=body, title="<@&123> " * 80))

    assert len(pages) > 25
    assert all(len(p) <= limits.EMBED_TOTAL for p in pages)
    assert all(len(p.description or "") <= limits.EMBED_DESCRIPTION for p in pages)
    assert all("@everyone" not in (p.description or "") for p in pages)
    assert pages[-1].footer.text == f"Article #7 · page {len(pages)} of {len(pages)}"


def test_byline_links_the_source() -> None:
    assert byline(article()) == "YWN · <t:1717156800:D> · [link](https://news.example/7) · #7"


def pages_read_one_at_a_time(body: str, lead_chars: int = 0) -> list[str]:
    """Each page's raw text, built from only the part of the body its span names."""
    pages = page_count(len(body), lead_chars)
    found = []
    for number in range(1, pages + 1):
        start, length = page_span(number, lead_chars)
        found.append(page_text(body[start : start + length], start, number, pages, lead_chars))
    return found


@settings(max_examples=60, deadline=None)
@given(
    paragraphs=st.lists(
        st.text(alphabet=st.sampled_from("ab .!\n*`<@"), min_size=0, max_size=900), max_size=40
    ),
    lead_chars=st.integers(0, 506),
)
def test_pages_built_alone_cover_the_body_exactly_once(
    paragraphs: list[str], lead_chars: int
) -> None:
    """Issue 16, class 1: pages are cut by position, so each is built from its own span of
    the body alone, and together they hold the whole text, in order, nothing twice."""
    body = "\n\n".join(paragraphs)
    pages = pages_read_one_at_a_time(body, lead_chars)
    assert "".join(pages) == body
    assert len(pages) == page_count(len(body), lead_chars)
    assert all(len(page) <= PAGE_CHARS + BREAK_WINDOW for page in pages)


def test_pages_end_at_paragraph_then_sentence_then_word_breaks() -> None:
    sentence = "The harbour reopened on Monday. "
    body = "\n\n".join(sentence * 10 for _ in range(20))
    pages = pages_read_one_at_a_time(body)
    assert all(page.endswith("\n\n") for page in pages[:-1])
    words = "harbour " * 1000
    assert all(page.endswith(" ") for page in pages_read_one_at_a_time(words)[:-1])


def test_markdown_heavy_text_is_shown_verbatim_in_a_code_block_and_fits() -> None:
    body = "*_`|~``" * 2000
    pages = article_pages(article(body=body, caption=""))
    assert pages[0].description.startswith("```\n")
    assert "```" not in pages[0].description[4:-4]
    assert all(len(p.description) <= limits.EMBED_DESCRIPTION for p in pages)
    assert all(len(p) <= limits.EMBED_TOTAL for p in pages)
