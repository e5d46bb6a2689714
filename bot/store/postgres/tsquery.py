"""The search language's prepared expressions, rewritten as PostgreSQL `to_tsquery` text.

The store interface takes what `bot.search.query` prepares (`Query.match_expression()`,
`prefix_expression()`): quoted FTS5 strings joined by AND / OR / NOT and parentheses. This
module reads exactly that small grammar back into the query's groups, exclusions, phrases and
prefixes and writes the same thing in tsquery syntax:

    ("truce" OR "ceasefire") AND ("qatar") NOT "egypt"
        ->  ((('truce' | 'ceasefire') & 'qatar') & !'egypt')
    "shin bet"  ->  ('shin' <-> 'bet')            "halev"*  ->  'halev':*

Every word becomes a quoted tsquery literal (quotes and backslashes escaped), and the result
is bound as a parameter of `to_tsquery('newsdesk', $1)`, never put into SQL text. Anything
outside the grammar raises QueryError instead of reaching PostgreSQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.errors import QueryError

_TOKEN = re.compile(r'\s*(?:(\()|(\))|"((?:[^"]|"")*)"(\*)?|(AND|OR|NOT)\b)')


@dataclass(frozen=True)
class _Phrase:
    words: tuple[str, ...]
    prefix: bool


@dataclass(frozen=True)
class _Op:
    name: str  # "&", "|", "!"
    left: object
    right: object


def _tokens(expression: str) -> list[tuple[str, object]]:
    found: list[tuple[str, object]] = []
    position = 0
    text = expression.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise QueryError("That search could not be understood; try plain words.")
        opening, closing, quoted, star, operator = match.groups()
        if opening:
            found.append(("(", None))
        elif closing:
            found.append((")", None))
        elif operator:
            found.append((operator, None))
        else:
            words = tuple(quoted.replace('""', '"').split())
            found.append(("phrase", _Phrase(words, bool(star))))
        position = match.end()
    return found


class _Parser:
    """FTS5 precedence: NOT binds tighter than AND, which binds tighter than OR."""

    def __init__(self, tokens: list[tuple[str, object]]) -> None:
        self.tokens = tokens
        self.at = 0

    def peek(self) -> str | None:
        return self.tokens[self.at][0] if self.at < len(self.tokens) else None

    def take(self, kind: str) -> object:
        if self.peek() != kind:
            raise QueryError("That search could not be understood; try plain words.")
        self.at += 1
        return self.tokens[self.at - 1][1]

    def parse(self) -> object:
        tree = self.either()
        if self.peek() is not None:
            raise QueryError("That search could not be understood; try plain words.")
        return tree

    def either(self) -> object:
        tree = self.both()
        while self.peek() == "OR":
            self.take("OR")
            tree = _Op("|", tree, self.both())
        return tree

    def both(self) -> object:
        tree = self.unless()
        while self.peek() == "AND":
            self.take("AND")
            tree = _Op("&", tree, self.unless())
        return tree

    def unless(self) -> object:
        tree = self.primary()
        while self.peek() == "NOT":
            self.take("NOT")
            tree = _Op("!", tree, self.primary())
        return tree

    def primary(self) -> object:
        if self.peek() == "(":
            self.take("(")
            tree = self.either()
            self.take(")")
            return tree
        return self.take("phrase")


def _literal(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def _render(tree: object) -> str:
    if isinstance(tree, _Phrase):
        if not tree.words:
            raise QueryError("Type some words to search for, e.g. `ceasefire Qatar`.")
        parts = [_literal(w) for w in tree.words]
        if tree.prefix:
            parts[-1] = _literal(tree.words[-1]) + ":*"
        return parts[0] if len(parts) == 1 else "(" + " <-> ".join(parts) + ")"
    assert isinstance(tree, _Op)
    left, right = _render(tree.left), _render(tree.right)
    if tree.name == "!":
        return f"({left} & !{right})"
    return f"({left} {tree.name} {right})"


def to_tsquery_text(expression: str) -> str:
    """The tsquery text for a prepared search expression."""
    return _render(_Parser(_tokens(expression)).parse())


def _positive(tree: object, negated: bool = False) -> list[_Phrase]:
    if isinstance(tree, _Phrase):
        return [] if negated else [tree]
    assert isinstance(tree, _Op)
    return _positive(tree.left, negated) + _positive(tree.right, negated or tree.name == "!")


def highlight_tsquery_text(expression: str) -> str:
    """Every wanted word or phrase of the expression ORed: what a snippet marks. (The search
    itself may need all of them, but the body alone may hold only some: the headline still
    marks those, as FTS5's snippet does.)"""
    phrases = _positive(_Parser(_tokens(expression)).parse())
    return " | ".join(_render(p) for p in phrases if p.words)


def _required(tree: object) -> list[_Phrase]:
    if isinstance(tree, _Phrase):
        return [tree]
    assert isinstance(tree, _Op)
    if tree.name == "&":
        return _required(tree.left) + _required(tree.right)
    if tree.name == "!":  # a NOT b: a is required, b is excluded
        return _required(tree.left)
    return []  # a OR b: neither is required on its own


def required_phrase_texts(expression: str) -> list[str]:
    """The phrases of two or more plain words that every match must contain, as text: their
    adjacent-word pairs narrow a search through the `pairs` index (migration 009). Words with
    anything but letters and digits are left out, so the phrase splits into the same words
    here as in the article."""
    return [
        " ".join(phrase.words)
        for phrase in _required(_Parser(_tokens(expression)).parse())
        if len(phrase.words) > 1
        and not phrase.prefix
        and all(word.isalnum() for word in phrase.words)
    ]


def has_phrase(expression: str) -> bool:
    """Whether any phrase of the expression has two or more words: matching it reads each
    candidate article's vector for word positions, which GIN does not keep."""
    return any(
        isinstance(phrase, _Phrase) and len(phrase.words) > 1 for _, phrase in _tokens(expression)
    )
