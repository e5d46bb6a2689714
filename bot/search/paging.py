"""How far readers page through a search, and how every surface words it: a search counts its
matches to COUNT_CAP (bot/models), so readers page through the first COUNT_CAP results only;
a capped total reads "1,000+ articles" and its pages "of 100+"."""

from __future__ import annotations

from bot.errors import QueryError
from bot.models import COUNT_CAP, SearchPage
from bot.models.text import plural

MAX_PER_PAGE = 100


def last_page(per_page: int) -> int:
    """The last page a reader can turn to at `per_page` hits a page: the one holding the
    COUNT_CAP-th result (200 at 5 a page, 100 at 10)."""
    return -(-COUNT_CAP // per_page)


# The highest page any search may ask for (at one hit a page): derived, so it cannot disagree.
MAX_PAGE = last_page(1)


def check_page(page: int, per_page: int) -> None:
    """QueryError, in one line, for a page size out of range or a page past the last one a
    reader can turn to at that size (before any searching: no total could reach it)."""
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise QueryError(f"Show 1 to {MAX_PER_PAGE} results a page.")
    last = last_page(per_page)
    if not 1 <= page <= last:
        raise QueryError(
            f"Pages go from 1 to {last}: a search shows its first {COUNT_CAP:,} articles,"
            f" {per_page} a page."
        )


def count_text(found: SearchPage) -> str:
    """ "1 article", "7 articles", "1,000+ articles" (a total counted only to the cap)."""
    if found.total_at_least:
        return f"{found.total:,}+ articles"
    return plural(found.total, "article")


def pages_text(found: SearchPage) -> str:
    """The pages a reader can turn to: "3", or "100+" when more articles match than they hold."""
    return f"{found.pages:,}{'+' if found.pages_at_least else ''}"


def past_the_end_text(found: SearchPage) -> str:
    """One line for a page after a search's last: how many match and on which pages."""
    return (
        f"No results on page {found.page:,}: {count_text(found)} match,"
        f" on pages 1 to {pages_text(found)}."
    )
