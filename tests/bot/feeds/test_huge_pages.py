"""A feed page's text is kept up to a bound (issue 16, class 1): a 9 MB page's cleaning,
hashing and story placing each held the GIL for up to half a second, stalling everyone."""

from __future__ import annotations

from bot.feeds.pages import CUT_NOTE, MAX_PAGE_CHARS, page_article


def test_a_huge_pages_text_is_cut_at_a_paragraph_and_says_so() -> None:
    paragraph = "Officials said the harbour talks would go on through the night. " * 10
    html = "".join(f"<p>{paragraph} {n}</p>" for n in range(2_000))
    page = f"<html><body><article><h1>Long</h1>{html}</article></body></html>".encode()

    article = page_article(page, "https://news.example/long")

    note = CUT_NOTE.format(chars=MAX_PAGE_CHARS)
    assert article.body.endswith("\n\n" + note)
    kept = article.body[: -len(note)].rstrip()
    assert len(kept) <= MAX_PAGE_CHARS
    assert kept[-1].isdigit()  # a whole paragraph ends the text kept


def test_a_page_within_the_bound_is_kept_whole() -> None:
    paragraph = "Officials said the harbour talks would go on through the night. " * 5
    html = "".join(f"<p>{paragraph}</p>" for _ in range(20))
    page = f"<html><body><article><h1>Short</h1>{html}</article></body></html>".encode()
    assert "not kept" not in page_article(page, "https://news.example/short").body
