"""Search results and "no match" as embeds."""

from __future__ import annotations

from bot.models import COUNT_CAP, SNIPPET_END, SNIPPET_START, SearchHit, SearchPage
from bot.render import limits
from bot.render.search import no_results_embed, results_page


def hit(number: int, **overrides: object) -> SearchHit:
    fields: dict = {
        "id": number,
        "title": f"Truce talks day {number}",
        "source": "YWN",
        "url": f"https://news.example/{number}",
        "when": "2024-05-31T12:00:00+00:00",
        "snippet": f"…the {SNIPPET_START}truce{SNIPPET_END} holds…",
        "score": 1.0,
    }
    fields.update(overrides)
    return SearchHit(**fields)


def test_a_total_counted_to_the_cap_reads_as_at_least_and_so_do_its_pages() -> None:
    capped = SearchPage("said", [hit(1)], total=COUNT_CAP, page=3, per_page=5)
    exact = SearchPage("said", [hit(1)], total=9836, page=1, per_page=5)
    shown = results_page(capped, "said")
    assert shown.embed.footer.text == "Page 3 of 200+ · 1,000+ articles"
    # The buttons turn through the pages of the first COUNT_CAP results: 200 of five (search()
    # refuses a page past them), and the pages say more articles match than they hold.
    assert shown.pages == 200
    shown = results_page(exact, "said")
    assert shown.embed.footer.text == "Page 1 of 200+ · 9,836 articles"
    assert shown.pages == 200
    just_below = SearchPage("said", [hit(1)], total=COUNT_CAP - 1, page=1, per_page=5)
    assert results_page(just_below, "said").embed.footer.text == "Page 1 of 200 · 999 articles"


def test_a_page_links_titles_highlights_snippets_and_offers_each_hit() -> None:
    page = SearchPage("truce", [hit(1), hit(2)], total=7, page=2, per_page=2)

    rendered = results_page(page, "truce")

    embed = rendered.embed
    assert embed.title == "Results for “truce”"
    assert "**3.** [Truce talks day 1](https://news.example/1)" in (embed.description or "")
    assert "> …the **truce** holds…" in (embed.description or "")
    assert "<t:1717156800:D> · #1" in (embed.description or "")
    assert embed.footer.text == "Page 2 of 4 · 7 articles"
    assert rendered.pages == 4
    assert [(c.label, c.value) for c in rendered.choices] == [
        ("Truce talks day 1", "1"),
        ("Truce talks day 2", "2"),
    ]


def test_hostile_titles_and_huge_snippets_stay_escaped_and_within_limits() -> None:
    title = "@everyone <@&123> [click](https://evil.example) " + "x" * 400
    page = SearchPage("q", [hit(n, title=title, snippet="y " * 5000) for n in range(5)], 5, 1, 5)

    rendered = results_page(page, "<@123> " * 100)

    embed = rendered.embed
    assert len(embed) <= limits.EMBED_TOTAL
    assert len(embed.title or "") <= limits.EMBED_TITLE
    assert "@everyone" not in (embed.description or "")
    assert "<\u200b@&123>" in (embed.description or "")
    assert all(len(c.label) <= limits.SELECT_OPTION_LABEL for c in rendered.choices)


def test_no_results_suggests_close_words() -> None:
    embed = no_results_embed("Hali*", ["halevi"])
    assert embed.title == "No articles match “Hali\\*”"
    assert "Did you mean: **halevi**?" in (embed.description or "")
