"""Feed errors: expected failures a server admin can be told about in one line."""

from __future__ import annotations

from bot.errors import NewsdeskError


class FeedUnreadable(NewsdeskError):
    """The address could not be read as a feed, or the feed cannot be followed (the message
    says why)."""
