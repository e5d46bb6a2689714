"""Domain exceptions raised by the NLP core."""

from __future__ import annotations

from bot.errors import NewsdeskError


class NlpError(NewsdeskError):
    """Base class for NLP-core errors the bot can report to users."""


class NlpUnavailable(NlpError):
    """The spaCy model package is missing or cannot be loaded."""


class ArticleTooLong(NlpError):
    """An article past what is analysed at all (`bot.nlp.analysis.MAX_ANALYSED_CHARS`)."""
