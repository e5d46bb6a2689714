"""Curated names the small model gets wrong on news, used as EntityRuler patterns and aliases."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from bot.models.text import normalise_name

GAZETTEER_FILE = "gazetteer.jsonl"

# Aliases that are ordinary words or too ambiguous to force a label on every occurrence
# ("US" is a pronoun in headlines, "WHO" a question word); they still resolve to the
# canonical name when the model itself tags them.
_NO_PATTERN = frozenset({"US", "WHO", "UN", "EU", "the Fed", "Britain", "Great Britain"})


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    """A canonical name with its label and known alternative spellings."""

    name: str
    label: str
    aliases: tuple[str, ...]
    # False: only merge spellings, never force the label (the model handles these well).
    rule: bool = True


@cache
def load_gazetteer() -> tuple[GazetteerEntry, ...]:
    """Read the packaged gazetteer file once."""
    text = resources.files("bot.nlp").joinpath("data", GAZETTEER_FILE).read_text("utf-8")
    entries = []
    for line in text.splitlines():
        if line.strip():
            row = json.loads(line)
            entries.append(
                GazetteerEntry(
                    row["name"], row["label"], tuple(row["aliases"]), row.get("rule", True)
                )
            )
    return tuple(entries)


def ruler_patterns() -> list[dict[str, str]]:
    """EntityRuler phrase patterns for every unambiguous gazetteer name and alias."""
    patterns = []
    for entry in load_gazetteer():
        if not entry.rule:
            continue
        for form in (entry.name, *entry.aliases):
            if form not in _NO_PATTERN:
                patterns.append({"label": entry.label, "pattern": form})
    return patterns


@cache
def alias_index() -> dict[str, GazetteerEntry]:
    """Map each normalised name and alias to its gazetteer entry."""
    index: dict[str, GazetteerEntry] = {}
    for entry in load_gazetteer():
        for form in (entry.name, *entry.aliases):
            index.setdefault(normalise_name(form), entry)
    return index
