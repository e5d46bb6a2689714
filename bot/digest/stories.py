"""Grouping articles into stories: near-duplicates (wire copy, re-posts, the same headline
from several outlets) collapse into one story that knows every source that carried it."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot import work
from bot.models import Article, normalise_text

# Two articles are one story when this share of their opening word triples is shared...
SHINGLE_SAME = 0.5
# ...or this share of their headline's content words (headlines of 3+ such words only).
TITLE_SAME = 0.6
# How much of the body is compared: the lead is where rewrites of one report agree. Only its
# first LEAD_CHARS characters are read (80 content words fit in about 900), so a 9 MB
# article costs what a short one does.
LEAD_WORDS = 80
LEAD_CHARS = 1_500

_WORD = re.compile(r"[^\W_]+")
_STOP_WORDS = """a an the of in on at to for and or but with from by as is are was were be been
being it its this that these those after before over under says said say new into about than
has have had will would could not no"""
_STOP = frozenset(_STOP_WORDS.split())


@dataclass(frozen=True)
class Story:
    """Articles that report the same thing; `lead` is the one shown."""

    lead: Article
    articles: tuple[Article, ...]

    @property
    def sources(self) -> tuple[str, ...]:
        """Every outlet that carried the story, in the order their articles were stored."""
        return tuple(dict.fromkeys(outlet(a) for a in sorted(self.articles, key=lambda a: a.id)))


def outlet(article: Article) -> str:
    """Who published an article: its source, else its web host, else where it was read from."""
    if article.source.strip():
        return article.source.strip()
    host = urlsplit(article.url or "").hostname
    return host.removeprefix("www.") if host else article.origin


def _content_words(text: str) -> list[str]:
    return [w for w in _WORD.findall(normalise_text(text)) if w not in _STOP]


def _fingerprint(article: Article) -> tuple[frozenset[str], frozenset[tuple[str, ...]]]:
    title = frozenset(w for w in _content_words(article.title) if len(w) > 2)
    opening = article.body[:LEAD_CHARS]
    work.spend("story_chars", len(opening))
    lead = _content_words(opening)[:LEAD_WORDS]
    shingles = frozenset(tuple(lead[i : i + 3]) for i in range(max(len(lead) - 2, 0)))
    return title, shingles


def _jaccard(a: frozenset[object], b: frozenset[object]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def group_stories(articles: Sequence[Article]) -> list[Story]:
    """Group near-duplicate articles (CPU work: call off the event loop for big windows).

    Stories come back in the order of their first article; each story's lead is its
    member with a link, else its newest.
    """
    prints = [_fingerprint(a) for a in articles]
    parent = list(range(len(articles)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # Only pairs that share a headline word or a lead triple can be alike: index those, and
    # count what each pair shares. Jaccard(A, B) >= t needs |A & B| >= t * max(|A|, |B|), so
    # only pairs sharing that much are compared (a window of 500 had 19k candidate pairs).
    titles: dict[str, list[int]] = defaultdict(list)
    leads: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, (title, shingles) in enumerate(prints):
        for word in title:
            titles[word].append(i)
        for shingle in shingles:
            leads[shingle].append(i)
    sizes = [(len(title), len(shingles)) for title, shingles in prints]
    for i, article in enumerate(articles):
        title, shingles = prints[i]
        shared_title = Counter(j for word in title for j in titles[word] if j > i)
        shared_lead = Counter(j for shingle in shingles for j in leads[shingle] if j > i)
        for j in sorted(shared_title.keys() | shared_lead.keys()):
            title_words, lead_triples = sizes[j]
            alike_titles = (
                min(len(title), title_words) >= 3
                and shared_title[j] >= TITLE_SAME * max(len(title), title_words)
                and _jaccard(title, prints[j][0]) >= TITLE_SAME
            )
            alike_leads = (
                shared_lead[j] >= SHINGLE_SAME * max(len(shingles), lead_triples)
                and _jaccard(shingles, prints[j][1]) >= SHINGLE_SAME
            )
            same_link = bool(article.url) and article.url == articles[j].url
            if (same_link or alike_titles or alike_leads) and find(i) != find(j):
                parent[find(j)] = find(i)

    groups: dict[int, list[Article]] = {}
    for i, article in enumerate(articles):
        groups.setdefault(find(i), []).append(article)
    return [
        Story(lead=max(members, key=lambda a: (bool(a.url), a.when, a.id)), articles=tuple(members))
        for members in groups.values()
    ]
