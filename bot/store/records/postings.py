"""How many articles hold a word, remembered for search budgets by both backends: counts are
reused while the archive grows by less than DRIFT (a budget needs the size of a word's list,
not its last article; counting "the" reads every article), and a count stopped at a cap only
answers questions about caps up to it."""

from __future__ import annotations

from collections import OrderedDict

SIZE = 4_096
DRIFT = 0.01


class PostingsCache:
    """Word → (articles holding it, archive size when counted, whether the count is exact)."""

    def __init__(self) -> None:
        self._known: OrderedDict[str, tuple[int, int, bool]] = OrderedDict()

    def get(self, word: str, rows: int, cap: int | None) -> int | None:
        """The remembered count for `word` (up to `cap`) while the archive has `rows`, or None
        when it must be counted again."""
        found = self._known.get(word)
        if found is None or not found[1] <= rows <= found[1] * (1 + DRIFT):
            return None
        count, _, exact = found
        if not exact and (cap is None or count < cap):
            return None
        self._known.move_to_end(word)
        return count if cap is None else min(count, cap)

    def put(self, word: str, rows: int, cap: int | None, count: int) -> int:
        """Remember a count made up to `cap` (None: exact); return it."""
        self._known[word] = (count, rows, cap is None or count < cap)
        if len(self._known) > SIZE:
            self._known.popitem(last=False)
        return count
