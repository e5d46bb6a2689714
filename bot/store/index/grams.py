"""Common grams (Lucene's CommonGramsFilter idea): each pair of adjacent words of which either
is common, indexed as one term, so a phrase of common words reads one short list.

A phrase of common words (`"the no"`, `"government s"`) is the index's slowest search: tantivy
walks every article holding both words and checks their positions. Beside each searched field
the index keeps a *gram field* (`title_grams`, `caption_grams`, `body_grams`), indexed with
document ids only (no frequencies, no positions: never scored), holding one term per adjacent
pair of the field's words where either word is in COMMON_WORDS, the two words joined by GLUE
(`the_no`). The news analyzer never emits GLUE (it splits on anything not a letter or digit),
so a gram term cannot be mistaken for a word, and a field's pair `the no` is adjacent exactly
when the field's gram field holds `the_no`. The compiler (compile.py) ANDs a phrase with its
grams at no score: the articles, scores and totals are the phrase's own, and tantivy's
intersection is led by the gram's short list, so positions are checked only where the pair is
known to stand.

The list is fixed (an index and the compiler must agree on it; changing it is a SCHEMA_VERSION
bump): English function words, news's own `said`, `says` and `mr`, single letters (`s` of
"government's", `t` of "don't") and digits, the words that in the bench corpus (100k) and the
BBC articles (927) are in more than about 15% of the articles (docs/search.md, "Common grams").
"""

from __future__ import annotations

import itertools

import tantivy

# The words that make a gram with their neighbours (see the module docstring).
_FUNCTION_WORDS = """
    a about after against all also am an and any are as at back be because been before
    being between both but by can could did do does down during for from had has have he
    her him his how i if in into is it its just many may me might more most mr must my no
    not now of off on one only or other our out over said says she should since so some
    still such than that the their them then there these they this those through to too
    under up us very was we were what when where which while who will with would you your
"""
COMMON_WORDS: frozenset[str] = frozenset(
    _FUNCTION_WORDS.split() + list("abcdefghijklmnopqrstuvwxyz0123456789")
)
GLUE = "_"
GRAMS = "grams"
# Each searched field's gram field.
GRAM_FIELDS: dict[str, str] = {
    "title": "title_grams",
    "caption": "caption_grams",
    "body": "body_grams",
}


def gram_analyzer() -> tantivy.TextAnalyzer:
    """A gram field's text as its terms: the grams are written space-separated, already
    folded (news_analyzer's tokens), so splitting on whitespace gives them back."""
    return tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()


def pair_grams(tokens: list[str]) -> list[str]:
    """The gram of each adjacent pair of `tokens` where either is common, in order, repeats
    kept (the index reads a term once per article anyway)."""
    common = COMMON_WORDS
    return [
        f"{first}{GLUE}{second}"
        for first, second in itertools.pairwise(tokens)
        if first in common or second in common
    ]


def gram_text(analyzer: tantivy.TextAnalyzer, text: str) -> str:
    """A field's text as its gram field's text: the grams of its words, space-separated."""
    return " ".join(pair_grams(analyzer.analyze(text))) if text else ""


def phrase_grams(tokens: list[str]) -> list[str]:
    """The distinct grams a phrase of `tokens` (two or more) must have in a field holding it."""
    return list(dict.fromkeys(pair_grams(tokens)))
