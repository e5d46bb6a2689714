"""bot/render/digest.py: any digest splits into embeds within every Discord limit."""

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.digest import Digest, DigestItem, DominantEntity
from bot.render import limits
from bot.render.digest import Heading, digest_embeds, late_note, posted_parts, thread_name

SINCE = datetime(2026, 3, 8, 13, 0, tzinfo=UTC)
UNTIL = datetime(2026, 3, 9, 12, 0, tzinfo=UTC)
HEADING = Heading("Daily digest · Mon 9 Mar 2026", footer="Digest #3", run_id=17, when=UNTIL)


def item(n: int, title: str = "Harbour reopens", summary: str = "Ships docked.") -> DigestItem:
    return DigestItem(
        article_id=n,
        title=title,
        url=f"https://news.example/{n}",
        when="2026-03-09T10:00:00+00:00",
        summary=summary,
        sources=("Wire", "Post"),
    )


def within_limits(embed: dict) -> bool:
    size = len(embed.get("title", "")) + len(embed.get("description", ""))
    size += len(embed.get("footer", {}).get("text", ""))
    size += sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))
    return (
        size <= limits.EMBED_TOTAL
        and len(embed.get("description", "")) <= limits.EMBED_DESCRIPTION
        and len(embed.get("title", "")) <= limits.EMBED_TITLE
        and all(len(f["value"]) <= limits.EMBED_FIELD_VALUE for f in embed.get("fields", []))
    )


def test_one_part_with_entities_and_the_run_marker() -> None:
    digest = Digest(
        since=SINCE,
        until=UNTIL,
        items=(item(1), item(2, "Budget passes")),
        entities=(DominantEntity("Hamas", "ORG", 3), DominantEntity("Qatar", "GPE", 1)),
        articles=3,
        stories=2,
    )
    [embed] = [e.to_dict() for e in digest_embeds(digest, HEADING)]
    assert embed["title"] == "Daily digest · Mon 9 Mar 2026"
    assert embed["description"].startswith(
        "**1.** [Harbour reopens](https://news.example/1)\nWire, Post · <t:1773050400:R>\n"
        "Ships docked."
    )
    assert embed["fields"] == [
        {"name": "Who and what dominated", "value": "**Hamas** (3) · **Qatar**", "inline": False}
    ]
    assert embed["footer"]["text"] == "Digest #3 · run 17 · part 1/1 · 3 articles, 2 stories"
    assert posted_parts([embed["footer"]["text"]], 17) == {1}
    assert posted_parts([embed["footer"]["text"]], 7) == set()


def test_an_empty_digest_says_nothing_is_new() -> None:
    digest = Digest(since=SINCE, until=UNTIL, filter="harbour `x`")
    [embed] = digest_embeds(digest, HEADING)
    assert embed.description == "Nothing new matching `harbour x` since <t:1772974800:f>."


def test_late_note() -> None:
    assert late_note(UNTIL, SINCE, 2) == (
        "⏰ **Late digest**: this one was due <t:1773057600:f>, while Newsdesk was offline. "
        "It covers everything since <t:1772974800:f>; 2 earlier digests in that time are "
        "folded into it."
    )
    assert thread_name("x" * 300) == "x" * 99 + "…"


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.text(min_size=1, max_size=600), st.text(max_size=900)),
        min_size=0,
        max_size=20,
    ),
    st.text(max_size=300),
)
def test_any_digest_fits_every_limit(stories: list[tuple[str, str]], intro: str) -> None:
    digest = Digest(
        since=SINCE,
        until=UNTIL,
        items=tuple(item(n, t, s) for n, (t, s) in enumerate(stories)),
        entities=tuple(DominantEntity("@everyone " * 20, "ORG", 2) for _ in range(5)),
        articles=len(stories),
        stories=len(stories),
    )
    embeds = [e.to_dict() for e in digest_embeds(digest, HEADING, intro=intro)]
    assert embeds and all(within_limits(e) for e in embeds)
    assert posted_parts([e["footer"]["text"] for e in embeds], 17) == set(range(1, len(embeds) + 1))
    assert not any("@everyone" in e.get("description", "") for e in embeds)
