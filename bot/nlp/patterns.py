"""Regular expressions for news text read case by case: Python's `re` tries every
alternative of an IGNORECASE pattern at every position, while a case-sensitive one first
checks the letter each alternative starts with. Lowercased ASCII text keeps every offset, so
a lowercased pattern on it finds what the IGNORECASE pattern finds on the text."""

from __future__ import annotations

import re

# Escapes whose meaning lowercasing would change (\D is not \d).
_UPPER_ESCAPE = re.compile(r"\\[A-Z]")


def lowered(pattern: str) -> str:
    """An IGNORECASE pattern for lowercased ASCII text, matched without IGNORECASE."""
    if _UPPER_ESCAPE.search(pattern):
        raise ValueError(f"an uppercase escape would change meaning: {pattern!r}")
    # Named groups keep their syntax ("(?P<name>"); their names are lowercase already.
    return re.sub(r"\(\?p([<=])", r"(?P\1", pattern.lower())
