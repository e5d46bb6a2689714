"""Direct quotations found in an article: the words, where they are and who said them (plain
data: the NLP core finds them, the store can keep them, renderers show them)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.models.text import fold, normalise_name

_WORDS = re.compile(r"\w+")


def quote_key(text: str) -> str:
    """What makes two quotations the same words: case, accents, punctuation and spacing
    folded ("We’ll win," and "we'll win" are one quote carried by two outlets)."""
    return " ".join(_WORDS.findall(fold(text)))


@dataclass(frozen=True, slots=True)
class Quote:
    """One quotation: the text between its quote marks, its offsets in the analysed body
    (`body[start:end] == quote`) and its speaker's canonical entity name, or None when the
    article does not say who said it."""

    quote: str
    speaker: str | None
    start: int
    end: int
    # The speaker's entity label ("PERSON", "ORG", ...), None with no speaker.
    speaker_label: str | None = None

    @property
    def speaker_entity_key(self) -> tuple[str, str] | None:
        """The (name key, label) pair the store files the speaker's entity under."""
        if self.speaker is None or self.speaker_label is None:
            return None
        return normalise_name(self.speaker), self.speaker_label

    @property
    def key(self) -> str:
        """The quotation's words folded (`quote_key`): equal for the same quote anywhere."""
        return quote_key(self.quote)

    def as_json(self) -> dict[str, str | int | None]:
        """The CLI's JSON shape: quote, speaker, start, end."""
        return {"quote": self.quote, "speaker": self.speaker, "start": self.start, "end": self.end}
