"""CSS selectors for articles' text: checking one an admin typed, and finding what it matches
on a page. Selectors are compiled by cssselect into XPath that lxml runs on the page (never
evaluated as code); a page is at most the fetcher's size cap, and what a selector returns is
capped too."""

from __future__ import annotations

import lxml.etree
import lxml.html
from cssselect import ExpressionError, SelectorError
from lxml.cssselect import CSSSelector

from bot.errors import NewsdeskError
from bot.models.text import strip_controls

SELECTOR_MAX = 200
# Elements and characters a selector may bring back (a selector matching every <p> of a huge
# page still yields an article, not megabytes).
MAX_ELEMENTS = 200
MAX_CHARS = 100_000
CLEAR_WORDS = frozenset({"none", "off", "-", "default"})


class SelectorInvalid(NewsdeskError):
    """A CSS selector that cannot be used (the message says why)."""


def check_selector(text: str | None) -> str | None:
    """A selector as typed, checked: None when not given, '' to clear it (trafilatura)."""
    if text is None:
        return None
    selector = " ".join(strip_controls(text).split())
    if selector.casefold() in CLEAR_WORDS:
        return ""
    if not selector or len(selector) > SELECTOR_MAX:
        raise SelectorInvalid(f"A selector is 1 to {SELECTOR_MAX} characters, e.g. article .body")
    try:
        CSSSelector(selector)
    except (SelectorError, ExpressionError) as exc:
        raise SelectorInvalid(f"That isn't a CSS selector I can use: {exc}.") from None
    return selector


def selected_html(html: bytes | str, selector: str) -> list[str]:
    """The HTML of each element `selector` matches on a page, in page order (none when it
    matches nothing or the page is unreadable); at most MAX_ELEMENTS, about MAX_CHARS in all.
    Blocking (CPU): run it off the event loop."""
    try:
        document = lxml.html.fromstring(html)
        found = CSSSelector(selector)(document)
    except (lxml.etree.ParserError, lxml.etree.XPathError, SelectorError, ExpressionError):
        return []
    except ValueError:  # an empty document
        return []
    pieces: list[str] = []
    size = 0
    for element in found[:MAX_ELEMENTS]:
        if isinstance(element, lxml.html.HtmlElement):
            piece = lxml.html.tostring(element, encoding="unicode")
            pieces.append(piece)
            size += len(piece)
            if size >= MAX_CHARS:
                break
    return pieces
