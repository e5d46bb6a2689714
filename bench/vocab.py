"""Words and names for the synthetic corpus: real news word ranks when available, a fallback."""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
# The shared news text the vocabulary is ranked from (NEWSDESK_SHARED_DATA overrides: a git
# worktree elsewhere would otherwise fall back to the small built-in list, a different
# vocabulary, and rebuild every cached corpus and archive).
SHARED_DATA = Path(os.environ.get("NEWSDESK_SHARED_DATA") or REPO.parent / "shared" / "data")
VOCAB_SIZE = 60_000
# Zipf–Mandelbrot: p(rank) ∝ 1 / (rank + Q) ** S fits English news word counts well.
ZIPF_S = 1.1
ZIPF_Q = 2.7


def _listed(text: str, sep: str | None = None) -> list[str]:
    """Long literal lists stay readable as one string."""
    return text.split(sep)


FIRST = _listed(
    "James Maria David Sarah Ahmed Fatima Wei Olga Carlos Amira John Anna Michael Yusuf Elena "
    "Daniel Leila Peter Sofia Omar Grace Ivan Hannah Mohammed Chloe Luis Noa Thomas Aisha Pierre "
    "Ruth Kenji Laura Samuel Nadia Paul Ingrid Tariq Julia Andrew Mei Robert Zainab Hugo Clara "
    "Benjamin Priya Viktor Emma Yosef Lucia Martin Amara George Ines Dmitri Rachel Kwame Alice "
    "Herzi Miriam Rafael Ayelet Stefan Naomi Arjun Helen Joseph Tamar"
)
LAST = _listed(
    "Smith Cohen Garcia Haddad Chen Ivanova Mendes Rahman Johnson Levi Okafor Novak Schmidt "
    "Rossi Tanaka Khan Dubois Silva Kowalski Nakamura Mizrahi Brown Hassan Petrov Fischer Moreau "
    "Andersen Castillo Yilmaz Nguyen Friedman Osei Romano Weber Kaplan Halevi Barzani Morales "
    "Abbas Lindqvist Santos Mbeki Park Wright Peretz Adeyemi Ortiz Sokolov Katz Bianchi Hughes "
    "Farouk Jensen Ramirez Stein Mensah Costa Gallagher Amini Herrera Vogel Ben-David Duarte "
    "Lehmann Suzuki Murphy Bakr Eriksen Navarro Shapiro Owusu Ferreira Klein Ward Darwish"
)
PLACES = _listed(
    "Qatar|Doha|Gaza|Israel|Jerusalem|Egypt|Cairo|London|Paris|Berlin|Moscow|Kyiv|Washington|"
    "New York|Beijing|Tokyo|Delhi|Brussels|Geneva|Tehran|Beirut|Damascus|Ankara|Istanbul|Rome|"
    "Madrid|Lagos|Nairobi|Johannesburg|Sydney|Toronto|Mexico City|Brazil|Argentina|Canada|"
    "Germany|France|Japan|China|India|Iran|Iraq|Syria|Lebanon|Jordan|Saudi Arabia|Yemen|Ukraine|"
    "Russia|Poland|Sweden|Norway|Spain|Italy|Greece|Turkey|Nigeria|Kenya|Ethiopia|Sudan|"
    "South Africa|Pakistan|Afghanistan|Indonesia|Vietnam|Korea|Taiwan|Chile|Peru|Colombia|"
    "Venezuela|Cuba|Haiti|Scotland|Wales|Ireland|Brussels|Vienna|Oslo|Stockholm|Warsaw|Athens",
    "|",
)
ORG_HEADS = _listed(
    "Ministry of Finance|Ministry of Defence|Central Bank|National Security Council|"
    "Supreme Court|Labour Party|Liberal Party|Green Party|Health Service|Red Cross|"
    "United Nations|World Bank|European Commission|Football Association|Stock Exchange|"
    "Energy Agency|Electoral Commission|Border Police|Harbour Authority|Teachers Union",
    "|",
)
SOURCES = _listed(
    "Reuters AP AFP BBC YWN Guardian Bloomberg Haaretz Al-Monitor DW Kyodo NPR Times Post"
)
# Small built-in list used only when no real news text is available (e.g. a clean CI box).
FALLBACK_WORDS = _listed(
    "the of to and a in that for on is said was with he it as at by from his be have has but "
    "are not they were had an its who their been this will would after government which more "
    "also one year new people two there about over last minister police city state first "
    "report officials could years when president told security where against talks country "
    "week some military forces since plan than into while attack other monday tuesday "
    "wednesday thursday friday saturday sunday according million percent including during "
    "agreement ceasefire election court market prices bank economy company workers union "
    "health hospital school water energy oil gas border truce delegation leaders capital "
    "financial aid families support announced expected public national international"
)

_WORD = re.compile(r"[A-Za-z][a-z]*(?:'[a-z]+)?")
_SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in ("a", "e", "i", "o", "u", "ai", "ou")]


@dataclass(frozen=True)
class Vocabulary:
    """Words ranked by frequency, their Zipfian probabilities, and where the ranks came from."""

    words: list[str]
    probabilities: np.ndarray
    source: str

    @property
    def fingerprint(self) -> str:
        """A short hash of the word list, so corpora from different vocabularies never mix."""
        return hashlib.sha256("\n".join(self.words).encode()).hexdigest()[:10]


def _real_news_counts(folder: Path) -> Counter[str]:
    """Lower-case word counts from the shared BBC and Lee news text; proper nouns left out."""
    texts: list[str] = []
    bbc = folder / "bbc-news-summary" / "dev.jsonl"
    if bbc.is_file():
        for line in bbc.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            texts.append(record.get("title", "") + "\n" + record.get("body", ""))
    lee = folder / "lee" / "lee_background.cor"
    if lee.is_file():
        texts.append(lee.read_text(encoding="utf-8", errors="replace"))
    lower: Counter[str] = Counter()
    capital: Counter[str] = Counter()
    for text in texts:
        for word in _WORD.findall(text):
            folded = word.lower()
            lower[folded] += 1
            if word[0].isupper():
                capital[folded] += 1
    # A word capitalised most of the time is a name; names come from the name pools instead.
    return Counter({w: n for w, n in lower.items() if capital[w] * 2 < n or n > 500})


def _pseudo_words(count: int, taken: set[str], seed: int) -> list[str]:
    """Pronounceable made-up words for the long tail a large corpus has and a small sample lacks."""
    rng = np.random.default_rng(seed)
    out: list[str] = []
    while len(out) < count:
        size = int(rng.integers(2, 5))
        word = "".join(_SYLLABLES[i] for i in rng.integers(0, len(_SYLLABLES), size))
        if word not in taken:
            taken.add(word)
            out.append(word)
    return out


def vocabulary(folder: Path | None = None, size: int = VOCAB_SIZE) -> Vocabulary:
    """Real news words by frequency (from ../shared/data when present), padded to `size`."""
    folder = folder or SHARED_DATA
    counts = _real_news_counts(folder) if folder.is_dir() else Counter()
    if counts:
        ranked = [w for w, n in sorted(counts.items(), key=lambda x: (-x[1], x[0]))]
        source = "real news word ranks (BBC + Lee) + made-up tail"
    else:
        ranked = list(dict.fromkeys(FALLBACK_WORDS))
        source = "built-in word list + made-up tail"
    ranked = ranked[:size]
    ranked += _pseudo_words(size - len(ranked), set(ranked), seed=7)
    ranks = np.arange(1, len(ranked) + 1, dtype=np.float64)
    weights = 1.0 / (ranks + ZIPF_Q) ** ZIPF_S
    return Vocabulary(ranked, weights / weights.sum(), source)


def people(count: int, seed: int) -> list[str]:
    """`count` distinct "First Last" names, the same for the same seed."""
    rng = np.random.default_rng(seed)
    names: dict[str, None] = {}
    while len(names) < min(count, len(FIRST) * len(LAST)):
        names[f"{FIRST[rng.integers(len(FIRST))]} {LAST[rng.integers(len(LAST))]}"] = None
    return list(names)


def organisations() -> list[str]:
    """Organisation names: the bundled gazetteer's plus "<place> <institution>" ones."""
    gazetteer = REPO / "bot" / "nlp" / "data" / "gazetteer.jsonl"
    found = []
    if gazetteer.is_file():
        for line in gazetteer.read_text(encoding="utf-8").splitlines():
            if line.strip():
                found.append(json.loads(line)["name"])
    found += [f"{place} {head}" for place in PLACES[:12] for head in ORG_HEADS]
    return list(dict.fromkeys(found))
