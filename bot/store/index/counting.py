"""A search's cost check, counted in the search index for both backends: how many articles
hold a word is one count in the index's snapshot (exact, on a worker thread, remembered in
records/postings.py while the archive grows by less than its drift), where it was a walk of
the database's full-text list (FTS5's or tsvector's) on a read connection. A word first seen
cost about 3 ms of the database's time at 100k ("the": 100,000 rows) and held a read
connection a burst's searches were queueing for; the index counts the same words in about a
seventh of that, off the database, with the GIL released. A common word is not walked at all:
its fields' document counts, read from the index's term dictionary, bound it (below). A
prefix's expansions are still counted by the backend (`terms_starting`, the vocabulary with
its caps). A phrase weighs its rarest word's articles, or, when that would refuse it, its rarest
common gram's (the articles its compiled query walks, grams.py)."""

from __future__ import annotations

from collections.abc import Sequence

from bot import work
from bot.models.query import Reach, Term
from bot.models.text import fold
from bot.store.index.grams import GRAM_FIELDS, phrase_grams
from bot.store.index.keeping import SearchIndex
from bot.store.index.schema import FIELD_WEIGHTS, match_count
from bot.store.records.postings import PostingsCache


class IndexedCounts:
    """`term_reach` through the search index; mixed into each backend's store beside
    IndexedSearch, which gives the index and the archive's size."""

    search_index: SearchIndex

    def searchable_articles(self) -> int:
        # From the index's snapshot, no read of the database: a remembered word count
        # (records/postings.py) stands while this grows less than its drift, so a search's
        # cost check reads nothing for known words; the budget scales with it too.
        return self.search_index.snapshot.articles

    async def terms_starting(
        self, stem: str, limit: int = 200, *, max_postings: int | None = None
    ) -> list[tuple[str, int]]:
        raise NotImplementedError

    async def term_reach(self, term: Term, *, max_lists: int, max_postings: int) -> Reach:
        # A word's articles as the search finds them (title, caption or body), counted until
        # the cap; a prefix's expansions through the vocabulary, a few words at a time.
        lists = postings = 0
        words = term.words[:-1] if term.prefix else term.words
        counts = await self._word_counts([fold(word) for word in words])
        if term.is_phrase and not term.prefix:
            # tantivy's phrase walks its rarest word's articles and looks each up in the other
            # words' lists: "government's" costs what "government" does, not what "s" does.
            walked = min(counts)
            if walked * len(counts) > max_postings:
                # Over budget by its words: with grams it walks its rarest gram's articles.
                walked = min(walked, await work.to_thread(_gram_bound, self.search_index, term))
            return Reach(len(counts), min(walked * len(counts), max_postings + 1))
        for count in counts:
            lists += 1
            postings += min(count, max_postings - postings + 1)
            if postings > max_postings:
                return Reach(lists, postings)
        if term.prefix and lists <= max_lists:
            expansions = await self.terms_starting(
                term.words[-1], limit=max_lists - lists + 1, max_postings=max_postings - postings
            )
            lists += len(expansions)
            postings += sum(docs for _, docs in expansions)
        return Reach(lists, postings)

    async def _word_counts(self, words: Sequence[str]) -> list[int]:
        """How many articles hold each word: remembered ones as they are, the others counted
        together in one trip to a worker thread."""
        known: PostingsCache = self.__dict__.setdefault("_postings", PostingsCache())
        size = self.searchable_articles()
        counts = {word: known.get(word, size, None) for word in words}
        missing = [word for word, count in counts.items() if count is None]
        if missing:
            index = self.search_index
            counted, size = await work.to_thread(_count_words, index, missing)
            for word, count in zip(missing, counted, strict=True):
                counts[word] = known.put(word, size, None, count)
        return [int(counts[word] or 0) for word in words]


# A word whose fields' document counts add up to more than this is not walked: the sum, at
# most the archive, stands for its articles. Walking "the" for its exact count took 1-80 ms at
# 100k (every posting of three lists; the bench times every search with counts forgotten, and
# a new word's first search pays it), the term dictionary's counts take microseconds. The sum
# is an upper bound (an article with the word in its title and body counts twice; deleted
# documents count until their segment is merged), so a budget errs on the side of refusing;
# for common words it is within a few per cent ("the" at 100k: 100,000 for 99,983). Below
# it the walk is cheap and the count exact, as rare words' rankings (cogs/related.py) want.
WALK_UP_TO = 2_000


def _gram_bound(index: SearchIndex, term: Term) -> int:
    """The articles a phrase's compiled query walks when it has common grams (grams.py): its
    rarest gram's, bounded by the gram fields' document counts (deleted documents count until
    merged, so a bound); the archive's size when it has none."""
    snapshot = index.snapshot
    # A label's phrase (not costed by searches today) is matched in its own field, gramless.
    grammed = index.compiler.grams and not term.is_label
    grams = phrase_grams(index.compiler.tokens(term)) if grammed else []
    searcher = snapshot.searcher
    bounds = [
        sum(searcher.doc_freq(field, gram) for field in GRAM_FIELDS.values()) for gram in grams
    ]
    return min([*bounds, snapshot.articles])


def _count_words(index: SearchIndex, words: Sequence[str]) -> tuple[list[int], int]:
    """Each word's articles in the index's snapshot (exact up to WALK_UP_TO, bounded past
    it), and that snapshot's archive size."""
    snapshot = index.snapshot
    searcher = snapshot.searcher
    counts = []
    for word in words:
        tokens = index.compiler.tokens(Term((word,)))
        # A word the analyzer splits is a phrase: at most its rarest token's documents.
        bound = sum(
            min((searcher.doc_freq(field, token) for token in tokens), default=0)
            for field in FIELD_WEIGHTS
        )
        if bound == 0:
            counts.append(0)
        elif bound > WALK_UP_TO:
            counts.append(min(bound, snapshot.articles))
        else:
            query = index.compiler.term_query(Term((word,)))
            found = None if query is None else searcher.search(query, 1, count=True)
            counts.append(0 if found is None else match_count(found))
    return counts, snapshot.articles
