"""Common grams (after Lucene's CommonGramsFilter): each pair of adjacent words made of a common
word and a frequent one, indexed as one term, so a phrase of such words reads one short list.

A phrase of common words (`"the no"`, `"government s"`) is the index's slowest search: tantivy
walks every article holding both words and checks their positions. Beside each searched field
the index keeps a *gram field* (`title_grams`, `caption_grams`, `body_grams`), indexed with
document ids only (no frequencies, no positions: never scored), holding one term per adjacent
pair of the field's words where one is in COMMON_WORDS and the other in FREQUENT_WORDS (which
holds the common ones too), joined by GLUE (`the_no`). The news analyzer never emits GLUE (it
splits on anything not a letter or digit), so a gram cannot be mistaken for a word, and a
field holds the pair `the no` exactly when its gram field holds `the_no`. The compiler
(compile.py) ANDs a phrase with its grams at no score: the articles, scores and totals are the
phrase's own, and tantivy's intersection is led by the gram's short list, so positions are
checked only where the pair is known to stand.

Lucene makes a gram of a common word with any neighbour, as it replaces the phrase by them;
here they only narrow it, and a pair with a rarer word is cheap already (its phrase walks that
word's few articles), so it gets none: that kept the gram fields at about a ninth of the bytes
and of tantivy's indexing time (docs/search.md, "Common grams"). Both lists are fixed (an index
and the compiler must agree; changing one is a SCHEMA_VERSION bump): COMMON_WORDS are English
function words, news's `said`, `says` and `mr`, single letters (`s` of "government's", `t` of
"don't") and digits; FREQUENT_WORDS adds the 300 next words by the share of the BBC articles
(the shared bbc-news-summary set, 927 articles) they are in.
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
# The 300 words other than COMMON_WORDS in most BBC articles (each in 8.9% of them or more,
# title and body; digits left out): a common word makes a gram with these, not with rarer ones.
_FREQUENT_WORDS = """
    able according accused across action added agreed ahead allow already although among
    analysts announced annual another around asked bank based bbc become believe best
    better big biggest bill blair boost britain british brown budget business called came
    campaign case chairman chancellor change chief claim claims clear come commons
    companies company concerns conservative continue cost costs council countries country
    court current currently cut david day deal december decision demand despite director
    don due earlier economic economy election end england enough europe european even
    executive expected face fall far few figures financial firm firms first five following
    foreign former found four further future general get give given global go going good
    gordon government group growth half having health held help high higher hit home house
    howard however important including increase industry interest international investment
    issue issues january job jobs john key labour largest last later latest law leader
    legal less level liberal like likely little local london long look lost low made main
    major make making market meeting members michael million minister ministers monday
    money month months move mps much national need needed new news next november number
    office oil own part party past pay people place plan plans policy political possible
    power president previous price prices prime problems programme proposals public put
    quarter radio rate rates rather re recent record remain report reported result right
    rise role rose run sales same say saying second secretary see seen senior service
    services set share shares show six south spending spokesman start state statement stock
    street strong support system take taken taking tax term think third thought three
    thursday time times today told tony took top tories tory total trade tuesday two uk
    union until use used value want war warned way wednesday week well whether within
    without work working world year years yet
"""
FREQUENT_WORDS: frozenset[str] = COMMON_WORDS | frozenset(_FREQUENT_WORDS.split())
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
    """The gram of each adjacent pair of `tokens` where one word is common and the other
    common or frequent, in order, repeats kept (the index reads a term once per article)."""
    common, frequent = COMMON_WORDS, FREQUENT_WORDS
    return [
        f"{first}{GLUE}{second}"
        for first, second in itertools.pairwise(tokens)
        if (first in common and second in frequent) or (second in common and first in frequent)
    ]


def gram_text(analyzer: tantivy.TextAnalyzer, text: str) -> str:
    """A field's text as its gram field's text: the grams of its words, space-separated."""
    return " ".join(pair_grams(analyzer.analyze(text))) if text else ""


def phrase_grams(tokens: list[str]) -> list[str]:
    """The distinct grams a phrase of `tokens` (two or more) must have in a field holding it."""
    return list(dict.fromkeys(pair_grams(tokens)))
