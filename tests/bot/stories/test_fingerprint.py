"""Fingerprints worked out a batch at a time (ingest's) are exactly those worked out one
article at a time (start-up's catch-up, a single article): the same sketches, leads, keys."""

from bot.models import ArticleDraft
from bot.stories.fingerprint import BODY_CHARS, LEAD_WORDS, SKETCH, fingerprint, fingerprints_of

from .texts import FIRE, HARBOUR, VOTE, page_text

NOW = "2026-03-02T09:00:00+00:00"


def _drafts() -> list[ArticleDraft]:
    """Articles of every shape: pages, short reports, texts of none to three words, a lead of
    stop words, a body past what a fingerprint reads, repeated words, links and none."""
    pages = ["storm_harbour.html", "storm_wire.html", "budget.html", "cafe_levy.html"]
    texts = [page_text(name) for name in pages]
    texts += [("Harbour storm", HARBOUR), ("Fire", FIRE), ("Vote", VOTE)]
    texts += [("", ""), ("One", ""), ("Two words", ""), ("", "three words here"), ("A b", "c")]
    texts += [("The of and", " ".join(["the of and to in"] * 40) + " storm hits harbour")]
    texts += [("Long read", "word7 " * 10 + " ".join(f"w{n}" for n in range(30_000)))]
    texts += [("Same same same", "same " * (SKETCH * 3)), ("Many", "x y " * LEAD_WORDS)]
    return [
        ArticleDraft(
            title,
            body,
            f"origin:{n}",
            source=f"Outlet {n % 3}",
            url=f"https://example.org/{n}" if n % 2 else None,
            published_at=None if n % 4 == 0 else "2026-03-01T10:00:00+00:00",
        )
        for n, (title, body) in enumerate(texts)
    ]


def test_a_batch_gives_each_article_the_fingerprint_it_gets_alone() -> None:
    drafts = _drafts()
    assert any(len(d.body) > BODY_CHARS for d in drafts)
    alone = [fingerprint(draft, NOW) for draft in drafts]
    together = fingerprints_of(drafts, NOW)
    assert together == alone
    assert [p.keys for p in together] == [p.keys for p in alone]
    assert [p.packed_sketch for p in together] == [p.packed_sketch for p in alone]
    assert all(len(p.sketch) <= SKETCH for p in together)


def test_batches_without_a_lead_or_with_it_only_in_some_articles() -> None:
    """Articles with no lead to hash (a headline alone, a body of stop words or of two words)
    anywhere in a batch, last included, or making up the whole batch."""
    shapes = [("Storm hits the harbour", ""), ("Port", "the of and to"), ("Fire at mill", "a b")]
    drafts = [ArticleDraft(t, b, f"o:{n}", source="S") for n, (t, b) in enumerate(shapes)]
    full = _drafts()[:3]
    for batch in (drafts, full + drafts, drafts + full, drafts[:1], [full[0], drafts[0]]):
        assert fingerprints_of(batch, NOW) == [fingerprint(d, NOW) for d in batch]


def test_each_batch_split_gives_the_same_fingerprints() -> None:
    drafts = _drafts()
    whole = fingerprints_of(drafts, NOW)
    for size in (1, 2, 5):
        split = [
            p
            for n in range(0, len(drafts), size)
            for p in fingerprints_of(drafts[n : n + size], NOW)
        ]
        assert split == whole
    assert fingerprints_of([], NOW) == []
