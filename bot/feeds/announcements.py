"""What the poller hands the `announce` callback: new articles for one channel (or a packed
card of held ones), and what the callback answers: the message that carried each, or the
failure that stopped it. Also the lead sentences a card shows when NLP has no summary."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from bot.errors import NewsdeskError
from bot.feeds.templates import DEFAULT_TEMPLATE, MessageTemplate
from bot.models import Article
from bot.models.delivery import Failure, PostedMessage
from bot.store import Feed, Subscription

SUMMARY_CHARS = 300
# A sentence ends at . ! ? or … (maybe closing a quote) before a capital or a digit...
_BOUNDARY = re.compile(r"(?<=[.!?…])([\"”’')]*)\s+(?=[\"“‘'(]?[A-Z0-9])")
# ...unless the full stop belongs to a title or abbreviation that a name or number follows.
_NOT_FINAL = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Prof|Gen|Gov|Sen|Rep|St|Jr|Sr|No|U\.S|U\.K)\.$")


class AnnouncementUndeliverable(NewsdeskError):
    """The channel can never take this announcement (deleted, no access): stop retrying."""

    def __init__(self, message: str, failure: Failure | None = None) -> None:
        super().__init__(message)
        self.failure = failure


@dataclass(frozen=True)
class NewArticle:
    """One article to announce, with the other outlets that carried the same story."""

    announcement_id: int
    article: Article
    story_id: int
    other_sources: tuple[str, ...]
    summary: str
    entities: tuple[str, ...] = ()  # the names it mentions most (once NLP has read it)


@dataclass(frozen=True)
class Announcement:
    """New articles for one subscription's channel, oldest first; or, `packed`, articles held
    for that channel (maybe from several of its feeds) that go out together in one card."""

    subscription: Subscription
    feed: Feed
    articles: tuple[NewArticle, ...]
    # An earlier attempt was cut short (the bot died mid-post): some may already be posted.
    resumed: bool = False
    packed: Literal["flood", "quiet"] | None = None
    # What names its messages' nonces (with the announcement ids): a post asked for again
    # (/feeds send-latest) needs a nonce of its own, or Discord returns the first message.
    key: tuple[str | int, ...] = ("feed",)
    template: MessageTemplate = DEFAULT_TEMPLATE  # how each article's post looks


@dataclass(frozen=True)
class AnnounceResult:
    """What posting an announcement did: the message carrying each announcement id posted,
    and the failure that stopped the rest (None when all went out)."""

    posted: Mapping[int, PostedMessage] = field(default_factory=dict)
    failure: Failure | None = None


# Posts an announcement and says what went out; None means all of it, messages unknown.
Announcer = Callable[[Announcement], Awaitable[AnnounceResult | None]]
# A better summary than the feed's standfirst (e.g. the stored NLP summary), or None.
Summarizer = Callable[[Article], Awaitable[str | None]]


def sentences(text: str) -> list[str]:
    """Split a paragraph into sentences (a light rule-based splitter, good enough for a lead)."""
    pieces = _BOUNDARY.split(text)
    found: list[str] = []
    carry = ""
    # split() with one group yields sentence, closer, sentence, closer, ..., sentence.
    for index in range(0, len(pieces), 2):
        closer = pieces[index + 1] if index + 1 < len(pieces) else ""
        sentence = carry + pieces[index] + closer
        if closer == "" and _NOT_FINAL.search(sentence) and index + 1 < len(pieces):
            carry = sentence + " "
            continue
        found.append(sentence.strip())
        carry = ""
    if carry:
        found.append(carry.strip())
    return [s for s in found if s]


def lead(article: Article, max_chars: int = SUMMARY_CHARS) -> str:
    """A one- or two-sentence summary: the feed's own standfirst, else the article's lead."""
    summary = str(article.metadata.get("summary") or "")
    if not summary or summary.casefold() == article.title.casefold():
        summary = article.body
    paragraph = summary.split("\n\n", 1)[0].strip()
    if paragraph.casefold() == article.title.casefold():
        return ""
    chosen = ""
    for sentence in sentences(paragraph)[:2]:
        candidate = f"{chosen} {sentence}".strip()
        if chosen and len(candidate) > max_chars:
            break
        chosen = candidate
    if len(chosen) > max_chars:
        chosen = chosen[: max_chars - 1].rsplit(" ", 1)[0] + "…"
    return chosen
