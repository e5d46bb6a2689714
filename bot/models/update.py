"""What a later article adds to a story already posted: its sentences with something new, each
with the reason (plain data: the NLP core finds them, renderers post them as an update)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class StoryText:
    """Sentences of one article of a story, as posted or as published: the texts, the names
    found in each (canonical entity names from the analysis; empty to read them from
    capitals) and when the article was published (to resolve "on Monday")."""

    sentences: tuple[str, ...]
    names: tuple[tuple[str, ...], ...] = ()
    published: datetime | None = None


@dataclass(frozen=True, slots=True)
class NewSentence:
    """A sentence of the later article that says something the story had not: the names,
    figures (as written) and content words it adds."""

    index: int
    text: str
    names: tuple[str, ...] = ()
    figures: tuple[str, ...] = ()
    words: tuple[str, ...] = ()

    @property
    def reason(self) -> str:
        """Why it is new, for logs and the delivery record: "new: Unison; 90 minutes"."""
        parts = [", ".join(p) for p in (self.names, self.figures, self.words[:5]) if p]
        return "new: " + "; ".join(parts) if parts else "new"
