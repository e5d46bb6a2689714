"""Domain exceptions: every expected failure a user or operator can be told about in one line."""


class NewsdeskError(Exception):
    """Base class for expected errors; the message is safe to show to a user."""


class ConfigError(NewsdeskError):
    """A setting in the environment or `.env` is missing or invalid."""


class QueryError(NewsdeskError):
    """A search query cannot be turned into a search (e.g. it has no words)."""


class TooBroad(QueryError):
    """A request would cost more than its budget (bot/budget.py); the message says what to
    narrow, in one line, instead of the bot working for seconds."""


class Busy(NewsdeskError):
    """Heavy work is already running for this member, or as much as the bot runs at once
    (bot/client/heavy.py); the message says to try again in a moment."""


class ArticleNotFound(NewsdeskError):
    """No article matches the id or title a user gave."""


class EntityNotFound(NewsdeskError):
    """No entity matches the name a user gave."""


class StoreError(NewsdeskError):
    """The database cannot be opened or written (locked, read-only, full disk)."""
