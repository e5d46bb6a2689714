"""The texts both old story rules were tested on: the feeds' storm pages (near-duplicate wire
copy, and other stories from the same site) and the digests' short reports."""

from __future__ import annotations

from bot.feeds.parse import extract_article
from tests.bot.feeds.newsroom import FIXTURES


def page_text(name: str) -> tuple[str, str]:
    """A fixture page's headline and body as the feeds read them."""
    page = extract_article((FIXTURES / name).read_bytes())
    return page.title, page.body


HARBOUR = (
    "The city harbour reopened to container ships on Monday after a week of repairs to the "
    "main quay, port officials said. Dock workers returned to all twelve berths."
)
VOTE = (
    "Lawmakers approved the regional budget late on Sunday after a marathon session in the "
    "assembly. The vote was 41 to 38."
)
FIRE = (
    "Firefighters contained a brush fire north of the valley overnight, the county said. "
    "No homes were lost and evacuation orders were lifted."
)
