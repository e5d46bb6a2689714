"""A person's fuller name where the model tagged only their surname: "New Yorker Dick Morris"
tagged as "Morris" alone, "Shani Rhys James" as "Rhys James". News copy names a person in
full the first time and by surname after, so the capitalised word right before a name's
first appearance is taken as the given name when nothing says it is anything else (a
function word, a title or office, a word the article also writes in lower case, a word of
another entity's name)."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable

from spacy.lang.en.stop_words import STOP_WORDS

from bot.nlp.quotes_words import words

# Capitalised words that stand before names without being given names, besides English
# function words ("Although Diageo"): titles, offices, days and months.
_NOT_GIVEN = STOP_WORDS | words(
    """mr mrs ms miss mister dr sir lord lady dame baroness professor prof president prime
    minister chancellor secretary treasurer premier chairman chairwoman chair chief deputy
    shadow governor senator sen judge justice king queen prince princess pope reverend rev
    rabbi imam sheikh general gen colonel captain sergeant admiral commander mayor
    ambassador commissioner director leader editor speaker spokesman spokeswoman former
    veteran acting senior junior new said says told asked added yesterday today tonight
    tomorrow monday tuesday wednesday thursday friday saturday sunday january february march
    april may june july august september october november december"""
)
_LOWER_WORD = re.compile(r"\b[a-z]+\b")


def fuller_names(
    texts: Iterable[str], surnames: Collection[str], other_words: Collection[str]
) -> dict[str, str]:
    """For each one- or two-word person name in `surnames`, the name with its given name
    ("Morris" -> "Dick Morris", "Rhys James" -> "Shani Rhys James") when a plausible given
    name stands right before the name's first appearance in the texts (taken in order);
    `other_words` are the lower-case words of the article's other entities (a "Tory" before
    a name is no given name)."""
    texts = list(texts)
    forms = sorted((f for f in surnames if f and f.count(" ") <= 1), key=len, reverse=True)
    if not forms:
        return {}
    lower = {w for text in texts for w in _LOWER_WORD.findall(text)}
    pattern = re.compile(
        r"(?<![\w'’.-])(?:([A-Z][a-z]{1,11})[ ])?("
        + "|".join(map(re.escape, forms))
        + r")(?![\w-])"
    )
    first: dict[str, str | None] = {}  # a form -> the word before its first appearance
    for text in texts:
        for match in pattern.finditer(text):
            first.setdefault(match.group(2), match.group(1))
    out = {}
    for form, word in first.items():
        if word is None:
            continue
        key = word.lower()
        if key not in _NOT_GIVEN and key not in lower and key not in other_words:
            out[form] = f"{word} {form}"
    return out
