"""A whole article as paged embeds."""

from __future__ import annotations

from bot.models import Article
from bot.render import limits
from bot.render.article import article_pages, byline


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
