"""What each user-triggered operation may spend, stated once: a command checks the cost of
what it was asked before doing it, and answers "too broad: narrow it" (`TooBroad`, one line)
instead of working for seconds; what is shown is built only as it is shown.

Every figure here is a count of work (index lists, postings, articles, characters, pages),
never a time, so the same request gets the same answer on any machine. bench/soak.py checks
that no command costs more than COMMAND_CPU_MS of CPU with these budgets, under load, on the
100k-article benchmark database; bot/work.py measures what each command spent.
"""

from __future__ import annotations

from bot.errors import TooBroad

# What one command should cost at most; the bot logs any that spends more.
COMMAND_CPU_MS = 250.0

# -- search (cost model: bot/search/cost.py) ---------------------------------------------------
# Index lists one search may read: a word is one, a prefix one per indexed word it stands for.
SEARCH_LISTS = 64
# Postings (articles in those lists) one search may read, weighted by what reading each kind
# costs against a plain word's: SEARCH_POSTINGS_PER_ARTICLE for each article searched, at least
# SEARCH_POSTINGS_FLOOR and at most SEARCH_POSTINGS. A small archive's ordinary searches read
# little, so its budget only has to let through what a reader would type (ten lists the whole
# archive long) and refuse floods; a large one's read more, up to the ceiling. Measured on the
# search index at 100k articles (3 December, load 7, process CPU best of 3): at most about
# 40 ns a weighted posting (3 common words ANDed 38 ns, ORed up to 40, a 2-word phrase of the
# two commonest words 41; prefixes 3-7), so the ceiling is about 160 ms of a search's work.
# (A flat 1,000,000, counted when FTS5 answered searches, refused 45 of the 190 bench queries
# at 1M articles, "said for" among them; 4,000,000 at 100k let the soak's hostile floods run
# and the readers' p99 went from 1.1-1.5x to 1.7x calm.)
SEARCH_POSTINGS = 4_000_000
SEARCH_POSTINGS_FLOOR = 1_000_000
SEARCH_POSTINGS_PER_ARTICLE = 10
PHRASE_WEIGHT = 3
PREFIX_WEIGHT = 8
# "Did you mean": postings read while listing index words close to a word that found nothing.
SUGGESTION_POSTINGS = 200_000
# Find related news: a message's words are ranked by how many articles hold them, counted up
# to this (a word in more articles than this says little about a message anyway).
RELATED_WORD_POSTINGS = 2_000

# -- reading ----------------------------------------------------------------------------------
# Characters of an article read and rendered per page (bot/render/article.py).
ARTICLE_PAGE_CHARS = 2_400

# -- stories ----------------------------------------------------------------------------------
# Characters of one report read when a story is compared (what it added, where outlets
# disagree) without a stored analysis: splitting a 1,000,000-character page held the event
# loop for a second, and comparing three 20,000-character openings cost a /catchup 180 ms
# of CPU (the soak). News is far shorter: BBC articles are 2,076 characters at the median,
# 5,169 at p99, and 3 of 927 are longer than this (../shared/data, dev set).
STORY_TEXT_CHARS = 12_000

# -- entities ---------------------------------------------------------------------------------
# Articles whose entities one /entities period may tally: about 150 ms at 30 entities an
# article (bench.entity_lookups: 1,000 articles took 14 ms, 4,300 160 ms); three weeks of a
# 100k-a-year archive. Longer periods are refused; all-time counts are kept up to date.
ENTITY_PERIOD_ARTICLES = 6_000


def too_broad(what: str, narrower: str) -> TooBroad:
    """The one-line refusal: "Too broad: `a*` … Narrow it: …"."""
    return TooBroad(f"Too broad: {what}. Narrow it: {narrower}.")
