"""Speakers of quotations: rule-based attribution over the sentence around each quotation,
the entity mentions the NLP step resolved, and a list of verbs of saying.

The shapes handled: `"…," said X` and `"…," X said` (X a name, a pronoun, "the company", "a
Vodafone spokesman"); `X said: "…"` and `X said the plan was "…"`; `according to X`;
`Reuters quoted X as saying`; a pronoun or role ("he", "she", "it", "the chancellor")
resolved to the person or organisation it most likely refers to (a role in a story's
opening line to the person the next sentence names; "the prime minister's office" to the
prime minister); `X, said Y, was "…"`; quotations continued without a new attribution (the
next paragraph of the same speech, a quote right after another) inherit the speaker before
them, and an "I …" quotation standing alone is the words of the person the passage is
about; an unnamed source stays unnamed whatever place or body follows it ("a senior source
at the club", "a spokesman for the supporters' club"), and so does "he" after one; the MPs of
a committee's report speak for the committee; "by X" names a speaker only after a verb of
calling ("branded "…" by X"). No dependency parse: the project's pipeline excludes it.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from bot.models.analysis import Analysis
from bot.nlp.quotes_candidates import HIDDEN, NOBODY, Who
from bot.nlp.quotes_names import TOKEN, Names
from bot.nlp.quotes_phrases import (
    AGENT,
    ENDS_SENTENCE,
    FIRST_PERSON,
    NP_END,
    PASSIVE,
    PERCENT,
    PROGRESSIVE,
    QUOTED_AS,
    THOUGHT,
    VERB,
    VERDICT,
    only_joins,
    unnamed_source,
)
from bot.nlp.quotes_references import reference
from bot.nlp.quotes_words import (
    AGENT_VERBS,
    CONJUNCTIONS,
    INVERTIBLE,
    POST_NOMINALS,
    PREPOSITIONS,
    SKIPPABLE,
)

_PRONOUNS = frozenset({"he", "she", "it", "they"})
_MAX_SUBJECT_WORDS = 30


@dataclass(frozen=True, slots=True)
class Piece:
    """Text between quote marks: `start`/`end` of the words, the opening `mark`, the closing
    mark (`close`, -1 when the quotation runs on) and the `chain` of pieces it belongs to."""

    start: int
    end: int
    mark: int
    close: int
    chain: int

    @property
    def region_end(self) -> int:
        """First offset after the quoted region (after its closing mark, if any)."""
        return self.close + 1 if self.close >= 0 else self.end


@dataclass(frozen=True, slots=True)
class Attribution:
    """Who a piece is attributed to, and the evidence: a verb of saying in its sentence,
    or membership of a multi-piece quotation."""

    speaker: str | None
    label: str | None
    has_verb: bool
    chained: bool = False


def attribute(text: str, pieces: list[Piece], analysis: Analysis) -> list[Attribution]:
    """Attribute each piece (in text order) to a speaker found around it in `text`."""
    return _Attributor(text, pieces, analysis).run()


class _Attributor:
    """One article's attribution state: masked text, sentence bounds, candidate speakers."""

    def __init__(self, text: str, pieces: list[Piece], analysis: Analysis) -> None:
        self.text = text
        self.pieces = pieces
        parts, pos = [], 0
        for p in pieces:
            parts += [text[pos : p.mark], HIDDEN * (p.region_end - p.mark)]
            pos = p.region_end
        parts.append(text[pos:])
        self.masked = masked = "".join(parts)
        self.paragraphs = [0, *(m.end() for m in re.finditer(r"\n[ \t]*\n\s*", text))]
        starts = {s.start for s in analysis.sentences if s.start < len(text)}
        # A sentence start inside a quotation is no start of the text around quotations.
        self.bounds = sorted(
            b
            for b in starts | set(self.paragraphs)
            if not (0 < b < len(masked) and masked[b] == HIDDEN == masked[b - 1])
        )
        self.names = Names(text, masked, self.bounds, analysis)

    # --- the pass over pieces ------------------------------------------------------------

    def run(self) -> list[Attribution]:
        """Attribute every piece, then share speakers along chains and runs of quotes."""
        own = [self._attribute(p) for p in self.pieces]
        chain_speaker: dict[int, Who] = {}
        chain_sizes: dict[int, int] = {}
        for piece, (who, _) in zip(self.pieces, own, strict=True):
            chain_sizes[piece.chain] = chain_sizes.get(piece.chain, 0) + 1
            if who is not None:
                chain_speaker.setdefault(piece.chain, who)
        out: list[Attribution] = []
        previous: Who | None = None
        for i, (piece, (who, has_verb)) in enumerate(zip(self.pieces, own, strict=True)):
            if who is None:
                who = chain_speaker.get(piece.chain)
            if who is None and not has_verb and self._stands_alone(piece):
                who = previous if self._follows_quote(i) else self._previous_subject(piece)
                if who is None and FIRST_PERSON.search(self.text, piece.start, piece.end):
                    # "I …" standing alone: the words of the person the passage is about.
                    who = self.names.salient_person(piece.mark)
            if who is not None:
                previous = who
            real = who if who is not None and who.canonical else None  # unnamed: no one
            out.append(
                Attribution(
                    speaker=real.canonical if real else None,
                    label=real.label if real else None,
                    has_verb=has_verb,
                    chained=chain_sizes[piece.chain] > 1,
                )
            )
        return out

    def _frame(self, piece: Piece) -> tuple[int, int]:
        """The sentence(s) around a piece: from the sentence start before its opening mark
        to the sentence end after its quoted region."""
        lo = self.bounds[max(bisect_right(self.bounds, piece.mark) - 1, 0)]
        i = bisect_right(self.bounds, piece.region_end)
        hi = self.bounds[i] if i < len(self.bounds) else len(self.text)
        return lo, hi

    def _attribute(self, piece: Piece) -> tuple[Who | None, bool]:
        """The speaker named in a piece's own sentence (None if none) and whether that
        sentence has a verb of saying outside the quotations."""
        lo, hi = self._frame(piece)
        has_verb = VERB.search(self.masked, lo, hi) is not None
        # `"Whole sentence," X said` looks after the quote first; a fragment inside a
        # sentence (`X said it was "a disgrace" and left`) belongs to the verb before it.
        whole = ENDS_SENTENCE.search(self.text, piece.start, piece.end) or re.match(
            r"\s*[,—–-]", self.masked[piece.region_end : hi]
        )
        steps = (self._after, self._before) if whole else (self._before, self._after)
        found = [step(piece, lo, hi, bool(whole)) for step in steps]
        # A name from either side beats "someone unnamed" from the other: `Hamas said it
        # would "never …", according to a statement`.
        named = next((w for w in found if w is not None and w.canonical), None)
        if named is not None or any(w is not None for w in found):
            return named or NOBODY, has_verb
        if not has_verb:
            opening = re.match(r"\s*(his|her)\b", self.masked[lo : piece.mark], re.IGNORECASE)
            if opening:  # "His advice was to "…""
                return self.names.person(lo + opening.start(1), opening[1].lower()), False
        return None, has_verb

    def _after(self, piece: Piece, lo: int, hi: int, whole: bool) -> Who | None:
        """`"…," said X`, `"…," X said`, `"…" and "…", X said`, `"…," Reuters quoted X as
        saying`, `"…" was X's verdict`."""
        pos = piece.region_end
        if whole:  # a whole quoted sentence's attribution comes before the next quotation
            stop = self.masked.find(HIDDEN, pos, hi)
            hi = hi if stop < 0 else stop
        judged = VERDICT.match(self.masked, pos, hi)
        if judged is not None:
            named = self.names.between(judged.start("who"), judged.end("who"))
            return named[-1] if named else NOBODY
        lead = re.match(r"[\s,;:—–-]*", self.masked[pos:hi])
        pos += lead.end() if lead else 0
        verb = VERB.search(self.masked, pos, hi)
        if verb is None or len(self.masked[pos : verb.start()].split()) > _MAX_SUBJECT_WORDS:
            return None
        quoted = QUOTED_AS.search(self.masked, pos, hi)
        if quoted is not None:
            return self._noun_phrase(quoted.start("who"), quoted.end("who")) or NOBODY
        word = verb.group().lower()
        if verb.start() == pos:
            if word.endswith("ing"):  # "…", saying …: the clause's subject speaks
                return self._clause_subject(lo, piece.mark)
            return self._noun_phrase(verb.end(), hi) or NOBODY  # inverted: said X
        zone = self.masked.rfind(HIDDEN, pos, verb.start())
        zone = pos if zone < 0 else zone + 1
        between = self.masked[zone : verb.start()].strip()
        if (
            word in INVERTIBLE
            and between.endswith(",")
            and between.split()[0].lower() in PREPOSITIONS
        ):
            # `"…" with its product range, said X`: a phrase, then the inverted verb.
            return self._noun_phrase(verb.end(), hi) or NOBODY
        if only_joins(self.masked[zone : verb.start()]):
            # "… "a fragment" and warned that …": the verb shares the clause's subject.
            return self._clause_subject(lo, piece.mark)
        return self._subject(zone, verb.start())

    def _before(self, piece: Piece, lo: int, hi: int, whole: bool) -> Who | None:
        """`X said: "…"`, `X said the plan was "…"`, `according to X, "…"`."""
        verbs = list(VERB.finditer(self.masked, lo, piece.mark))
        if not verbs:
            if self.masked[lo : piece.mark].rstrip().endswith(":"):
                return self._clause_subject(lo, piece.mark)  # "X on the plan: "…""
            return None
        verb = verbs[-1]
        word = verb.group().lower()
        if word.startswith("according"):
            end = self.masked.find(",", verb.end(), piece.mark)
            return self._noun_phrase(verb.end(), piece.mark if end < 0 else end) or NOBODY
        if word in {"asked", "told"} and PASSIVE.search(self.masked, lo, verb.start()):
            return NOBODY  # "X was asked: …" — the one asked is not the speaker
        quoted = QUOTED_AS.search(self.masked, lo, piece.mark)
        if quoted is not None:
            return self._noun_phrase(quoted.start("who"), quoted.end("who")) or NOBODY
        agent = AGENT.match(self.masked, piece.region_end, hi)
        if agent is not None and word in AGENT_VERBS:  # branded "a retreat" by the Tories
            return self._noun_phrase(agent.end(), hi) or NOBODY
        zone = self.masked.rfind(HIDDEN, lo, verb.start())
        zone = lo if zone < 0 else zone + 1
        inserted = self.masked[zone : verb.start()].rstrip().endswith(",") and re.match(
            r"[^,;:.]+,", self.masked[verb.end() : piece.mark]
        )  # "The ministers' comments, said X, were "…""
        if word in INVERTIBLE and (
            inserted or not re.search(r"\w", self.masked[zone : verb.start()])
        ):
            # `"…," said X, "…"`: the second piece's speaker stands after the verb.
            named = self._noun_phrase(verb.end(), piece.mark)
            if named is not None:
                return named
        if re.search(r"\bto\s+$", self.masked[zone : verb.start()]):
            return self._clause_subject(lo, verb.start())  # "X went on to suggest …"
        if word.endswith("ing") and not PROGRESSIVE.search(self.masked, zone, verb.start()):
            # "…, saying it was "…"": the clause's subject speaks, unless a name is right
            # before the verb ("a letter from Lee Scott saying …").
            return self.names.at(verb.start() - 2) or self._clause_subject(lo, verb.start())
        if only_joins(self.masked[zone : verb.start()]):
            return self._clause_subject(lo, verb.start())
        return self._subject(zone, verb.start())

    # --- subjects -------------------------------------------------------------------------

    def _subject(self, lo: int, verb: int) -> Who | None:
        """The speaker ending right before a verb: a name, pronoun or role, skipping
        auxiliaries, adverbs and appositives ("X, chief executive of Y, said")."""
        tokens = [(m.group(), m.start()) for m in TOKEN.finditer(self.masked, lo, verb)]
        i = len(tokens) - 1
        while i >= 0:
            word, at = tokens[i]
            lower = word.lower()
            if lower.isdigit() and PERCENT.match(self.masked, at + len(word)):
                return NOBODY  # "92% said": a share of those asked
            if lower in SKIPPABLE or lower.isdigit() or (lower.endswith("ly") and word.islower()):
                i -= 1
            elif word in {",", "—", "–", "-", ")"}:
                i = self._skip_appositive(tokens, i)
            elif word in POST_NOMINALS and i > 0 and self.names.at(tokens[i - 1][1]):
                i -= 1  # "Peter Ainsworth MP said"
            elif lower == "who" and i > 0:
                return self.names.at(tokens[i - 1][1])  # "… Tessa Jowell who said"
            elif lower in CONJUNCTIONS and i > 0:
                # "X backed the plan but said …": the verb shares the clause's subject.
                return self._clause_subject(self._sentence_start(at), at)
            elif (named := self.names.at(at)) is not None and named.spokesperson:
                return named  # "a spokesman for the Department for Transport said"
            elif unnamed_source(tokens, i):
                return NOBODY  # "a senior source at the club told the BBC"
            else:
                return self.names.at(at) or reference(self.names, tokens, i)
        return None

    def _sentence_start(self, pos: int) -> int:
        """The start of the sentence holding pos."""
        return self.bounds[max(bisect_right(self.bounds, pos) - 1, 0)]

    def _skip_appositive(self, tokens: list[tuple[str, int]], i: int) -> int:
        """Index of the name before the appositive that ends at tokens[i]; without one, the
        token before the punctuation."""
        closer = tokens[i][0]
        for j in range(i - 1, 0, -1):
            word = tokens[j][0]
            opens = (closer == ")" and word == "(") or (closer != ")" and word == closer)
            if opens and self.names.at(tokens[j - 1][1]) is not None:
                return j - 1
        return i - 1

    def _clause_subject(self, lo: int, hi: int) -> Who | None:
        """The first name or pronoun of a clause outside prepositional phrases ("For the
        Lib Dems, Vince Cable said …" -> Vince Cable)."""
        tokens = [(m.group(), m.start()) for m in TOKEN.finditer(self.masked, lo, hi)]
        for i, word, at in self.names.unguarded(lo, hi):
            who = self.names.at(at)
            if who is not None and who.start not in self.names.modifiers:
                return who
            if who is not None and who.end <= at + len(word):
                head = self._head_of(tokens, who)
                if head is not None:
                    return head
            if word.lower() in _PRONOUNS:
                return reference(self.names, tokens, i)
        return None

    def _head_of(self, tokens: list[tuple[str, int]], owner: Who) -> Who | None:
        """The speaker a modifying name's phrase stands for when no name follows its head
        ("the Tory leader will argue …" -> the leader; "G7 ministers" -> G7)."""
        j = next((k for k, (_, p) in enumerate(tokens) if p >= owner.end), len(tokens))
        if j + 1 < len(tokens) and self.names.at(tokens[j + 1][1]) is not None:
            return None  # "Lib Dem leader Charles Kennedy said": the name is the subject
        return reference(self.names, tokens, j) if j < len(tokens) else None

    def _noun_phrase(self, lo: int, hi: int) -> Who | None:
        """The speaker named in the noun phrase after an inverted verb: its last name
        ("said Diageo North America president Ivan Menezes, …" -> Ivan Menezes)."""
        end = NP_END.search(self.masked, lo + 1, hi)
        hi = end.start() if end else hi
        inside = self.names.between(lo, hi)
        if inside:
            # "said Mark Longden of the Supporters' Association": the person, else the last
            # name ("said Diageo North America's Ivan Menezes").
            heads = (w for w in inside if w.person and w.start not in self.names.modifiers)
            return next(heads, inside[-1])
        tokens = [(m.group(), m.start()) for m in TOKEN.finditer(self.masked, lo, hi)]
        return reference(self.names, tokens, len(tokens) - 1) if tokens else None

    # --- quotations with no attribution of their own ------------------------------------

    def _stands_alone(self, piece: Piece) -> bool:
        """True when the piece's sentence holds nothing but quotations."""
        lo, hi = self._frame(piece)
        return not re.search(r"\w", self.masked[lo:hi])

    def _follows_quote(self, i: int) -> bool:
        """True when piece i comes right after the previous piece's sentence."""
        if i == 0:
            return False
        _, prev_hi = self._frame(self.pieces[i - 1])
        lo, _ = self._frame(self.pieces[i])
        return not re.search(r"\w", self.masked[min(prev_hi, lo) : lo])

    def _previous_subject(self, piece: Piece) -> Who | None:
        """Who a stand-alone quote is by: the speaker or thinker of the sentence before it
        (across a paragraph break only a speaker), else, in the same paragraph, that
        sentence's subject when it is a person ("Morris appears almost evangelical.")."""
        lo, _ = self._frame(piece)
        j = bisect_left(self.bounds, lo) - 1
        if j < 0:
            return None
        start = self.bounds[j]
        new_paragraph = lo in self.paragraphs
        if new_paragraph and self.masked[start:lo].rstrip().endswith(":"):
            return self._clause_subject(start, lo)  # the last paragraph ended "X said:"
        verbs = list(VERB.finditer(self.masked, start, lo))
        if not new_paragraph:
            verbs += list(THOUGHT.finditer(self.masked, start, lo))
        for verb in sorted(verbs, key=lambda m: m.start()):
            who = self._subject(start, verb.start())
            if who is not None and who is not NOBODY:
                return who
        if new_paragraph:
            return None
        first = self._clause_subject(start, lo)
        return first if first is not None and first.person else None
