"""Named-entity mentions (bot/nlp/mentions.py) resolved to one canonical name per entity
within an article (gazetteer names, acronyms defined in text, surnames,
case/diacritic/possessive variants)."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bot.models.analysis import Entity, Mention
from bot.models.entity import NAME_LABELS
from bot.models.text import normalise_name
from bot.nlp.gazetteer import alias_index
from bot.nlp.given_names import fuller_names
from bot.nlp.mentions import LEADING_DROP, RawMention

if TYPE_CHECKING:
    from bot.nlp.gazetteer import GazetteerEntry

_FACT_LABELS = frozenset({"MONEY", "DATE"})
_ACRONYM_AFTER = re.compile(r"\s*\(\s*([A-Z][A-Za-z0-9&.]{1,9})\s*\)")
_MINOR_WORDS = frozenset({"of", "the", "and", "for", "in", "on", "at", "to", "&"})


def _is_acronym_of(acronym: str, name: str) -> bool:
    letters = [ch for ch in acronym if ch.isupper()]
    capitals = [
        w[0] for w in name.split() if w and w[0].isupper() and w.lower() not in _MINOR_WORDS
    ]
    if len(letters) < 2 or not capitals or letters[0] != capitals[0]:
        return False
    upper_in_name = iter(ch for ch in name if ch.isupper())
    return all(letter in upper_in_name for letter in letters)


class _Groups:
    """Union-find over normalised name keys."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, key: str) -> str:
        self.parent.setdefault(key, key)
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def union(self, alias: str, target: str) -> None:
        a, b = self.find(alias), self.find(target)
        if a != b:
            self.parent[a] = b


def _key(mention: RawMention) -> str:
    if mention.label in _FACT_LABELS:
        return f"{mention.label}:{mention.text.casefold()}"
    return normalise_name(mention.text)


def _find_acronyms(texts: dict[str, str], mentions: list[RawMention]) -> dict[str, RawMention]:
    """Acronyms defined right after a name: "National Security Council (NSC)"."""
    defined: dict[str, RawMention] = {}
    for m in mentions:
        if m.label not in NAME_LABELS:
            continue
        match = _ACRONYM_AFTER.match(texts[m.section], m.end)
        if match and _is_acronym_of(match.group(1), m.text):
            defined.setdefault(match.group(1), m)
    return defined


def _add_unlabelled(
    texts: dict[str, str], mentions: list[RawMention], forms: dict[str, str]
) -> list[RawMention]:
    """Occurrences of known forms (defined acronyms, resolved surnames) the model missed."""
    taken = {(m.section, i) for m in mentions for i in range(m.start, m.end)}
    extra: list[RawMention] = []
    for form, label in forms.items():
        pattern = re.compile(rf"(?<![\w-]){re.escape(form)}(?![\w-])")
        for section, text in texts.items():
            for match in pattern.finditer(text):
                if not any((section, i) in taken for i in range(match.start(), match.end())):
                    extra.append(RawMention(section, match.start(), match.end(), form, label))
                    taken.update((section, i) for i in range(match.start(), match.end()))
    return extra


def resolve(
    texts: dict[str, str],
    mentions: list[RawMention],
    sentence_starts: Sequence[int],
    *,
    propagate: bool = True,
) -> tuple[list[Mention], list[Entity]]:
    """Give every mention its article-wide canonical name and a single label per entity.

    `texts` maps section name ("body", "title", "caption") to its text; offsets are into
    those texts and `sentence_starts` index body sentences.
    """
    gazetteer = alias_index()
    groups = _Groups()
    acronyms = _find_acronyms(texts, mentions)
    if propagate and acronyms:
        mentions = mentions + _add_unlabelled(
            texts, mentions, {a: m.label for a, m in acronyms.items()}
        )
    for acronym, long_form in acronyms.items():
        groups.union(normalise_name(acronym), _key(long_form))
    surnames = _surnames(mentions)
    if propagate:
        mentions = mentions + _add_unlabelled(texts, mentions, _surname_forms(mentions, surnames))

    labels_by_key: dict[str, Counter[str]] = {}
    for m in mentions:
        key = _key(m)
        groups.find(key)
        if m.label in {"PERSON", "ORG", "NORP", "GPE"} and key in surnames:
            groups.union(key, surnames[key])
        entry = gazetteer.get(key)
        if entry is not None and m.label in NAME_LABELS:
            groups.union(key, normalise_name(entry.name))
        labels_by_key.setdefault(key, Counter())[m.label] += 1
    group_label, group_entry = _group_labels(labels_by_key, groups, gazetteer, surnames)

    order = {"title": 0, "caption": 1, "body": 2}
    mentions = sorted(mentions, key=lambda m: (order.get(m.section, 3), m.start))
    display = _display_names(mentions, groups, group_entry)
    _add_given_names(texts, mentions, groups, group_label, display, set(group_entry))
    return _resolved(mentions, sentence_starts, groups, group_label, display)


def _surnames(mentions: list[RawMention]) -> dict[str, str]:
    """Surnames: "Halevi" -> "Herzi Halevi" when exactly one full name in the article ends so
    (surname key -> full name key)."""
    full_names: dict[str, set[str]] = {}
    for m in mentions:
        words = normalise_name(m.text).split()
        if m.label == "PERSON" and len(words) >= 2:
            full_names.setdefault(words[-1], set()).add(_key(m))
    return {s: next(iter(keys)) for s, keys in full_names.items() if len(keys) == 1}


def _surname_forms(mentions: list[RawMention], surnames: dict[str, str]) -> dict[str, str]:
    """The surnames as written in full names, to find where the model missed them alone."""
    forms = {}
    for m in mentions:
        if m.label == "PERSON" and len(m.text.split()) >= 2:
            last = m.text.split()[-1]
            if normalise_name(last) in surnames:
                forms[last] = "PERSON"
    return forms


def _group_labels(
    labels_by_key: dict[str, Counter[str]],
    groups: _Groups,
    gazetteer: dict[str, GazetteerEntry],
    surnames: dict[str, str],
) -> tuple[dict[str, str], dict[str, GazetteerEntry]]:
    """One label per entity: the gazetteer's, else PERSON if a full name anchors the group,
    else the majority of the model's votes; with each group's gazetteer entry."""
    group_votes: dict[str, Counter[str]] = {}
    group_entry: dict[str, GazetteerEntry] = {}
    for key, votes in labels_by_key.items():
        root = groups.find(key)
        group_votes.setdefault(root, Counter()).update(votes)
        if key in gazetteer:
            group_entry.setdefault(root, gazetteer[key])
    person_roots = {groups.find(key) for key in surnames.values()}
    group_label: dict[str, str] = {}
    for root, votes in group_votes.items():
        if root in group_entry:
            group_label[root] = group_entry[root].label
        elif root in person_roots:
            group_label[root] = "PERSON"
        else:
            group_label[root] = votes.most_common(1)[0][0]
    return group_label, group_entry


def _display_names(
    mentions: list[RawMention], groups: _Groups, group_entry: dict[str, GazetteerEntry]
) -> dict[str, str]:
    """Canonical display name: gazetteer name, else the longest form seen (first wins ties;
    `mentions` come in reading order)."""
    display: dict[str, str] = {root: entry.name for root, entry in group_entry.items()}
    for m in mentions:
        root = groups.find(_key(m))
        if root in group_entry:
            continue
        form = m.text if m.label in _FACT_LABELS else _display_form(m.text)
        if root not in display or len(form) > len(display[root]):
            display[root] = form
    return display


def _resolved(
    mentions: list[RawMention],
    sentence_starts: Sequence[int],
    groups: _Groups,
    group_label: dict[str, str],
    display: dict[str, str],
) -> tuple[list[Mention], list[Entity]]:
    """Each mention with its entity's name and label, and the entities, most mentioned first."""
    resolved: list[Mention] = []
    # Per root: its surface forms, its mention count, its first sentence.
    stats: dict[str, list[Any]] = {}
    for m in mentions:
        root = groups.find(_key(m))
        sentence = bisect_right(sentence_starts, m.start) - 1 if m.section == "body" else -1
        mention = Mention(
            text=m.text,
            label=group_label[root],
            start=m.start,
            end=m.end,
            canonical=display[root],
            sentence=max(sentence, 0) if m.section == "body" else -1,
            section=m.section,
        )
        resolved.append(mention)
        entry_stats = stats.setdefault(root, [set(), 0, None])
        entry_stats[0].add(m.text)
        entry_stats[1] += 1
        if mention.sentence >= 0 and entry_stats[2] is None:
            entry_stats[2] = mention.sentence
    entities = [
        Entity(
            canonical=display[root],
            label=group_label[root],
            aliases=tuple(sorted(forms - {display[root]})),
            count=count,
            first_sentence=-1 if first is None else first,
        )
        for root, (forms, count, first) in stats.items()
    ]
    entities.sort(key=lambda e: (-e.count, e.canonical))
    return resolved, entities


def _add_given_names(
    texts: dict[str, str],
    mentions: list[RawMention],
    groups: _Groups,
    group_label: dict[str, str],
    display: dict[str, str],
    fixed: set[str],
) -> None:
    """People the model named by surname only ("Morris" of "New Yorker Dick Morris") get the
    given name the text puts before it (display names only: mention spans stay as found)."""
    people = {r for r, label in group_label.items() if label == "PERSON" and r not in fixed}
    others = {
        word.lower()
        for m in mentions
        if group_label[groups.find(_key(m))] != "PERSON"
        for word in m.text.split()
    }
    fuller = fuller_names(texts.values(), {display[r] for r in people}, others)
    # A surname left apart from the full names ending in it was ambiguous ("Blair" with
    # Tony and Cherie Blair named): it keeps its own name.
    known = set(display.values())
    for root in people:
        name = fuller.get(display[root])
        if name is not None and name not in known:
            display[root] = name


def _display_form(text: str) -> str:
    words = text.split()
    if words and words[0].lower() in LEADING_DROP:
        words = words[1:]
    return " ".join(words)
