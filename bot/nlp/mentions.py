"""Named-entity mentions as the model found them, with character offsets: the kept labels,
and each span cleaned of honorifics, offices, post-nominals and dangling words."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.models.entity import NAME_LABELS
from bot.nlp.quotes_words import words

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span


#: spaCy labels kept. Numbers, percentages and times are dropped; MONEY and DATE are facts.
LABELS = frozenset(
    [
        "PERSON",
        "ORG",
        "GPE",
        "LOC",
        "NORP",
        "EVENT",
        "FAC",
        "PRODUCT",
        "WORK_OF_ART",
        "LAW",
        "LANGUAGE",
        "MONEY",
        "DATE",
    ]
)
# Honorifics the model sometimes pulls into (or leaves dangling at the edge of) a name.
_TITLES = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "gen",
        "maj",
        "lt",
        "col",
        "capt",
        "sgt",
        "adm",
        "cmdr",
        "gov",
        "sen",
        "rep",
        "rev",
        "prof",
        "sir",
        "dame",
        "lord",
        "president",
        "minister",
        "general",
        "major",
        "colonel",
        "captain",
        "sergeant",
        "admiral",
    ]
)
# Offices written before a person's name ("Treasurer Peter Costello") and letters after it
# ("Guy Mansfield QC"): not part of the name, dropped from a PERSON span's edge (post-nominals
# from an ORG span too, which the model often makes of "X QC").
_OFFICES = words(
    """treasurer chancellor secretary premier chairman chairwoman governor senator mayor
    judge ambassador commissioner congressman congresswoman"""
)
_POST_NOMINALS = words("qc kc mp mep msp am obe cbe mbe kbe")
LEADING_DROP = frozenset({"the", "a", "an"})
_DASHES = frozenset({"-", "–", "—"})


@dataclass(slots=True)
class RawMention:
    """A cleaned model span before canonicalisation."""

    section: str
    start: int
    end: int
    text: str
    label: str


def _clean_span(span: Span) -> tuple[int, int] | None:
    """Token range of the name proper: no leading article/title, no possessive or punctuation."""
    tokens = list(span)
    person = span.label_ == "PERSON"
    if person:  # "Florian Hamm - Borussia Dortmund's largest investor -": the name ends
        cut = next(
            (k for k, t in enumerate(tokens) if k and t.text in _DASHES and t.nbor(-1).whitespace_),
            None,
        )
        tokens = tokens[:cut]
    while tokens and (
        tokens[0].lower_ in LEADING_DROP
        or (span.label_ in NAME_LABELS and tokens[0].lower_.rstrip(".") in _TITLES)
        or (person and len(tokens) > 2 and tokens[0].lower_ in _OFFICES)
        or tokens[0].is_punct
    ):
        tokens.pop(0)
    while tokens and (
        tokens[-1].lower_ in {"'s", "’s", "'", "’"}
        or tokens[-1].is_punct
        or (span.label_ in NAME_LABELS and tokens[-1].lower_.rstrip(".") in _TITLES)
        or (
            span.label_ in {"PERSON", "ORG"}
            and len(tokens) > 2
            and tokens[-1].text.isupper()
            and tokens[-1].lower_ in _POST_NOMINALS
        )
    ):
        tokens.pop()
    if not tokens:
        return None
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


def raw_mentions(doc: Doc, section: str = "body", text: str | None = None) -> list[RawMention]:
    """Model entities of one text after span cleanup and obvious-error filters; `text` is the
    doc's text when the caller has it (Doc.text joins every token)."""
    text = doc.text if text is None else text
    found: list[RawMention] = []
    for ent in doc.ents:
        label = ent.label_
        if label not in LABELS:
            continue
        bounds = _clean_span(ent)
        if bounds is None:
            continue
        start, end = bounds
        surface = text[start:end]
        if label in NAME_LABELS and not any(ch.isupper() for ch in surface):
            continue  # "dumans" NORP: proper names in news copy are capitalised
        following = doc[ent.end].lower_ if ent.end < len(doc) else ""
        if len(ent) == 1 and following in {"minister", "secretary"} and label != "PERSON":
            continue  # "Defense" in "Defense Minister Benny Gantz"
        found.append(RawMention(section, start, end, surface, label))
    return found
