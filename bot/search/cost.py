"""What a search costs, checked before it runs.

A search reads one index list per word, and per indexed word a prefix stands for (`a*` may be
thousands); the cost that grows with the archive is the postings those lists hold: the search
index (bot/store/index/) scores and counts every match. A phrase also reads positions, but
only in its rarest word's articles; a prefix's expansions are merged like an OR. So the cost is

    lists    = Query.cost(expansions)                      ≤ budget.SEARCH_LISTS
    postings = Σ words' postings × 1, a phrase's rarest word's × its words × 3,
               prefix expansions' × 8                      ≤ 10 × articles searched,
                                                             within [1M, 4M] (bot/budget.py)

counted through the store (`term_reach`: the index's counts, which stop past what is left),
term by term in the order typed, until one goes over. A search over budget is refused in one
line naming the term that went over and how to narrow it.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot import budget, work
from bot.models.query import Query, Term
from bot.store import Store


@dataclass(frozen=True)
class SearchBudget:
    """The limits one search is held to (bot/budget.py's by default, see `for_archive`)."""

    lists: int = budget.SEARCH_LISTS
    postings: int = budget.SEARCH_POSTINGS

    @classmethod
    def for_archive(cls, articles: int) -> SearchBudget:
        """The default budget for an archive of `articles`: postings scaled with it, between
        the floor and the ceiling."""
        scaled = budget.SEARCH_POSTINGS_PER_ARTICLE * articles
        return cls(postings=min(budget.SEARCH_POSTINGS, max(budget.SEARCH_POSTINGS_FLOOR, scaled)))


@dataclass(frozen=True)
class SearchCost:
    """What a search would read, counted until it went over budget (then `over` is the term
    that did, and the figures are lower bounds)."""

    lists: int
    postings: int
    over: Term | None = None

    @property
    def within(self) -> bool:
        """True when the search may run."""
        return self.over is None


def weight(term: Term) -> int:
    """What reading one of the term's postings costs, against a plain word's."""
    if term.prefix:
        return budget.PREFIX_WEIGHT
    return budget.PHRASE_WEIGHT if term.is_phrase else 1


async def search_cost(store: Store, query: Query, limits: SearchBudget | None = None) -> SearchCost:
    """The lists and weighted postings `query` reads, counted until over `limits`."""
    limits = limits or SearchBudget.for_archive(store.searchable_articles())
    lists = postings = 0
    for term in (*query.terms, *query.excluded):
        each = weight(term)
        reach = await store.term_reach(
            term,
            max_lists=max(limits.lists - lists, 0),
            max_postings=max((limits.postings - postings) // each, 0),
        )
        lists += max(reach.lists, 1)  # a prefix nothing starts with still reads the vocabulary
        postings += reach.postings * each
        if lists > limits.lists or postings > limits.postings:
            return _spent(SearchCost(lists, postings, over=term))
    return _spent(SearchCost(lists, postings))


def _spent(cost: SearchCost) -> SearchCost:
    work.spend("search_lists", cost.lists)
    work.spend("search_postings", cost.postings)
    return cost


async def check_search(store: Store, query: Query, limits: SearchBudget | None = None) -> None:
    """Raise TooBroad (one line) when `query` would cost more than `limits`."""
    limits = limits or SearchBudget.for_archive(store.searchable_articles())
    cost = await search_cost(store, query, limits)
    if cost.over is not None:
        raise too_broad(cost.over, query, lists=cost.lists > limits.lists)


def shown(term: Term) -> str:
    """A term as the user typed it, for a message: `word`, `"a phrase"`, `pref*`."""
    words = " ".join(term.words)
    if term.is_phrase:
        words = f'"{words}"'
    return words + ("*" if term.prefix else "")


def too_broad(term: Term, query: Query, *, lists: bool) -> Exception:
    """The refusal for a search whose `term` took it over budget."""
    if term.prefix:
        what = (
            f"`{shown(term)}` stands for more words than one search reads"
            if lists
            else f"the words starting `{shown(term)}` are in too many articles"
        )
        return budget.too_broad(what, "type more letters before the `*`")
    if any(len(group) > 1 and term in group for group in query.groups):
        what = f"the `OR` alternatives (up to `{shown(term)}`) are in too many articles"
        hint = "use fewer alternatives, or rarer words"
    elif term.is_phrase:
        what = f"the words of `{shown(term)}` are in too many articles"
        hint = "use a shorter phrase, or rarer words in it"
    else:
        what = f"these words (up to `{shown(term)}`) are in too many articles"
        hint = "use fewer or rarer words"
    return budget.too_broad(what, hint)
