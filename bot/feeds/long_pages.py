"""A huge page's first part: the page cut after its first N characters of text, so the text
extractor works on what can be kept, not on the whole page (`first_part`).

trafilatura's work grows with the page: on the soak's 9 MB page (8,700,000 characters of text,
of which 1,000,000 are kept) it took 6.7 s of CPU and 233 MB of memory at its peak, in the NLP
worker, for text cut off right after. Cut first, it takes 1.1 s and 55 MB, and extracts the
same article.
"""

from __future__ import annotations

import lxml.html
from trafilatura.utils import load_html

# Elements whose text is not a page's text (an inline script can be megabytes of JSON).
_NOT_TEXT = frozenset({"script", "style", "noscript", "template"})


def first_part(html: bytes | str, chars: int) -> bytes | str:
    """`html` as it is when its text (scripts and styles left out, each run of text stripped
    of the white space around it) is at most `chars` characters; else the page (as a string)
    ending with the element whose text went past `chars`: its head, and its body up to that
    point, kept as they were. A page shorter than `chars` bytes or characters
    is returned at once, unparsed (no text can be longer than its page)."""
    if len(html) <= chars:
        return html
    tree = load_html(html)
    if tree is None:
        return html  # not a page: the extractor says so, as before
    body = tree.find(".//body")
    last = None
    seen = 0
    # The body's text in document order (a tail, after an element's children, is counted a
    # little early: the cut may come a little sooner, never later); the head is always kept.
    for element in (body if body is not None else tree).iter():
        if element.text and isinstance(element.tag, str) and element.tag not in _NOT_TEXT:
            seen += len(element.text.strip())
        if element.tail:
            seen += len(element.tail.strip())
        if seen > chars:
            last = element
            break
    if last is None:
        return html
    _drop_after(last)
    return lxml.html.tostring(tree, encoding="unicode")


def _drop_after(element: lxml.html.HtmlElement) -> None:
    """Remove everything after `element`'s own text in document order: its children and what
    follows it and each of its ancestors."""
    for child in list(element):
        element.remove(child)
    node = element
    while (parent := node.getparent()) is not None:
        while (following := node.getnext()) is not None:
            parent.remove(following)
        node = parent
