"""What's new in a story: the sentences of a later article that carry something the story's
earlier posts did not — a new name, a new figure or date, or enough content words not said
before — each with its reason; near-paraphrases of what was said count as said.

Words are compared as Porter2 stems weighted by how rare they are in the story (a new rare word
says more than a new common one); names by their distinctive words ("Mr Prescott" is "John
Prescott"); figures by value ("1.4m" is "1.4 million", "a dozen" is 12, "on Monday" is the
date it names). Linear in the number of sentences: each later sentence is checked against sets
built once."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from bot.models.figure import Amount, Figure
from bot.models.update import NewSentence, StoryText
from bot.nlp.figures import figures_in
from bot.nlp.wording import is_content, name_words, proper_names, stem, tokens

# Bounds on one comparison; past them the oldest posts and the last sentences are left out.
MAX_SAID_SENTENCES = 600
MAX_NEW_SENTENCES = 200
MAX_WORDS = 80  # per sentence
MAX_FIGURES = 3000
# Texts whose sentences are remembered once read (`_read_whole`): a few stories' reports.
TEXTS_KEPT = 32


@dataclass(frozen=True, slots=True)
class Settings:
    """When a sentence counts as new; chosen on the tune half of novelty_labels.jsonl."""

    # Share of the sentence's content weight (rarity-weighted stems) not said before.
    uncovered: float = 0.2
    # ... and at least this many content words not said before.
    min_words: int = 2
    # A near paraphrase of one sentence said before (TF-IDF cosine at least this) is said,
    # whatever its share of new words, unless it brings a new name or figure.
    paraphrase: float = 0.5
    # A name or a figure not seen before makes a sentence new on its own.
    names: bool = True
    figures: bool = True


DEFAULT_SETTINGS = Settings()


@dataclass
class _Said:
    """Everything said so far: stems, name words and figures."""

    weights: dict[str, float]
    stems: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    figures: list[Figure] = field(default_factory=list)
    # Unit TF-IDF vectors of the sentences said, and which of them hold each stem.
    vectors: list[dict[str, float]] = field(default_factory=list)
    postings: dict[str, list[int]] = field(default_factory=dict)

    def vector(self, stems: Sequence[str]) -> dict[str, float]:
        counts = Counter(stems)
        vec = {s: (1 + math.log(c)) * self.weights[s] for s, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {s: v / norm for s, v in vec.items()}

    def closest(self, stems: Sequence[str]) -> float:
        """The highest cosine between these stems and one sentence said."""
        vec = self.vector(stems)
        dots: dict[int, float] = {}
        for s, v in vec.items():
            for i in self.postings.get(s, ()):
                dots[i] = dots.get(i, 0.0) + v * self.vectors[i][s]
        return max(dots.values(), default=0.0)

    def add(self, stems: Sequence[str], names: Sequence[str], figures: Sequence[Figure]) -> None:
        self.stems.update(stems)
        vec = self.vector(stems)
        for s in vec:
            self.postings.setdefault(s, []).append(len(self.vectors))
        self.vectors.append(vec)
        for name in names:
            self.names.update(name_words(name))
        if len(self.figures) < MAX_FIGURES:
            self.figures.extend(figures)

    def knows_name(self, name: str) -> bool:
        words = name_words(name)
        return not words or bool(words & (self.names | self.stems))

    def knows_figure(self, figure: Figure) -> bool:
        return any(_tells(old.amount, figure.amount) for old in self.figures)


def _tells(old: Amount, new: Amount) -> bool:
    """Whether a figure said before gives the new one: the same value as written ("1.4m" and
    "1.4 million", "a dozen" and 12, "5%" and "5.11%"), not just a compatible one ("up to
    $9bn" is not told by "$5bn"; "up to 1.6m" not by "up to 1.4m")."""
    if old.unit != new.unit or old.approximate != new.approximate:
        return False
    if old.value is None or new.value is None:  # dates: the same day, month or year
        return (old.low, old.high) == (new.low, new.high)
    if not old.approximate:
        return old.low <= new.value <= old.high or new.low <= old.value <= new.high
    return abs(old.value - new.value) <= 0.01 * max(abs(old.value), abs(new.value))


@dataclass(frozen=True, slots=True)
class _Sentence:
    text: str
    stems: tuple[str, ...]
    surface: dict[str, str]
    names: tuple[str, ...]
    figures: tuple[Figure, ...]


def _read(story: StoryText, limit: int) -> list[_Sentence]:
    """The first `limit` sentences of a text, each read (stems, names, figures)."""
    return list(_read_whole(story)[:limit])


@lru_cache(maxsize=TEXTS_KEPT)
def _read_whole(story: StoryText) -> tuple[_Sentence, ...]:
    """`_read` of a whole text (each sentence is read alone, so a cut of it is the cut's),
    remembered: a story's earlier reports are read again for each later one compared."""
    out = []
    for i, text in enumerate(story.sentences[: max(MAX_SAID_SENTENCES, MAX_NEW_SENTENCES)]):
        words = [t for t in tokens(text) if is_content(t.lower)][:MAX_WORDS]
        surface = {stem(t.lower): t.text for t in reversed(words)}
        names = story.names[i] if i < len(story.names) else None
        if names is None or not story.names:
            names = tuple(n for _, _, n in proper_names(text))
        # Vague amounts ("hundreds") and bare weekdays without a date place, not inform.
        figures = tuple(
            f
            for f in figures_in(text, story.published)
            if f.amount.unit != "weekday" and not (f.amount.approximate and not f.amount.bounded)
        )
        out.append(_Sentence(text, tuple(surface), surface, tuple(names), figures))
    return tuple(out)


def _weights(sentences: Sequence[_Sentence]) -> dict[str, float]:
    """Inverse sentence frequency of each stem across the story."""
    df = Counter(s for sentence in sentences for s in set(sentence.stems))
    n = len(sentences)
    return {s: math.log((1 + n) / (1 + c)) + 1.0 for s, c in df.items()}


def whats_new(
    earlier: Sequence[StoryText], later: StoryText, settings: Settings = DEFAULT_SETTINGS
) -> list[NewSentence]:
    """The sentences of `later` that add to what `earlier` said, in order, with reasons; an
    empty list when it adds nothing. A sentence repeating an earlier one of `later` is said."""
    said_sentences: list[_Sentence] = []
    for story in reversed(earlier):  # newest posts first, so the bound drops the oldest
        room = MAX_SAID_SENTENCES - len(said_sentences)
        if room <= 0:
            break
        said_sentences = _read(story, room) + said_sentences
    new_sentences = _read(later, MAX_NEW_SENTENCES)
    weights = _weights([*said_sentences, *new_sentences])
    said = _Said(weights)
    for sentence in said_sentences:
        said.add(sentence.stems, sentence.names, sentence.figures)
    out: list[NewSentence] = []
    for index, sentence in enumerate(new_sentences):
        found = _judge(index, sentence, said, weights, settings)
        if found is not None:
            out.append(found)
        said.add(sentence.stems, sentence.names, sentence.figures)
    return out


def _judge(
    index: int, sentence: _Sentence, said: _Said, weights: dict[str, float], settings: Settings
) -> NewSentence | None:
    """The sentence as new (with its reasons) or None when everything in it was said."""
    names = tuple(n for n in sentence.names if not said.knows_name(n)) if settings.names else ()
    figures = tuple(f.text for f in sentence.figures if not said.knows_figure(f))
    figures = figures if settings.figures else ()
    unsaid = [s for s in sentence.stems if s not in said.stems]
    total = sum(weights[s] for s in sentence.stems)
    share = sum(weights[s] for s in unsaid) / total if total else 0.0
    wordy = share >= settings.uncovered and len(unsaid) >= settings.min_words
    if wordy and settings.paraphrase <= 1.0 and said.closest(sentence.stems) >= settings.paraphrase:
        wordy = False
    if not (names or figures or wordy):
        return None
    unsaid.sort(key=lambda s: -weights[s])
    words = tuple(sentence.surface[s] for s in unsaid)
    return NewSentence(index, sentence.text, names, figures, words)
