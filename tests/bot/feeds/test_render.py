"""bot/render/feed_posts: cards escape outlet text, bursts are packed within Discord's limits."""

import re

import discord

from bot.feeds.announcements import Announcement, NewArticle, lead
from bot.feeds.templates import DEFAULT_TEMPLATE
from bot.models import Article
from bot.render import feed_posts as render
from bot.render import limits
from bot.store import Feed, Subscription

FEED = Feed(
    id=1, url="https://harbour.test/rss", title="Harbour Times", site_url=None, etag=None,
    last_modified=None, interval_seconds=900, next_poll_at="2026-03-02T09:00:00+00:00",
    last_polled_at=None, last_status="ok", last_http_status=200, last_error=None,
    last_success_at=None, last_new_item_at=None, failures=0, failing_since=None,
    pages_extracted=0, pages_failed=0, rhythm_seconds=None, rhythm_samples=0, alert=None,
    created_at="2026-03-02T09:00:00+00:00",
)  # fmt: skip


def subscription(role_id: int | None = None) -> Subscription:
    return Subscription(1, 10, 20, 1, "", role_id, 7, "2026-03-02T09:00:00+00:00", 0)


def article_card(item: NewArticle, feed: Feed) -> discord.Embed:
    """The default template's card for one article."""
    _, card = render.item_post(DEFAULT_TEMPLATE, item, feed, subscription())
    assert card is not None
    return card


def item(n: int, title: str = "", body: str = "", others: tuple[str, ...] = ()) -> NewArticle:
    article = Article(
        id=n,
        title=title or f"Story {n} " + "word " * 30,
        body=body or "A sentence about the news. " * 40,
        origin=f"https://harbour.test/{n}",
        url=f"https://harbour.test/{n}",
        source="Harbour Times",
        ingested_at="2026-03-02T09:00:00+00:00",
    )
    return NewArticle(n, article, n, others, lead(article))


def test_outlet_text_cannot_ping_or_spoof() -> None:
    nasty = item(1, title="@everyone [click](https://evil.test) **now**", body="<@&1> hi. More.")
    card = article_card(nasty, FEED).to_dict()
    assert "@everyone" not in card["title"] and "\\[click\\]" in card["title"]
    assert not re.search(r"(?<!\\)<@&1>", card["description"])  # escaped: shown, never a ping
    assert card["url"] == "https://harbour.test/1"


def test_also_in_names_the_other_outlets() -> None:
    card = article_card(item(1, others=("Coastal Wire", "Reuters")), FEED).to_dict()
    assert card["footer"]["text"] == "Harbour Times · also in 2 sources: Coastal Wire, Reuters"


def test_a_burst_is_packed_within_limits_and_ends_with_a_list() -> None:
    burst = Announcement(subscription(role_id=99), FEED, tuple(item(n) for n in range(1, 31)))
    posts = render.announcement_posts(burst)
    for post in posts:
        assert len(post.embeds) <= limits.EMBEDS_PER_MESSAGE
        assert sum(len(e) for e in post.embeds) <= limits.EMBED_TOTAL
    assert [p.content for p in posts] == ["<@&99>"] + [None] * (len(posts) - 1)
    carried = [i for p in posts for i in p.announcement_ids]
    assert carried == list(range(1, 31))  # every article accounted for, once, in order
    last = posts[-1].embeds[-1].to_dict()
    assert last["title"] == "…and 11 more from Harbour Times"  # 19 cards, then the rest
    assert last["description"].count("• ") == 11


def test_in_a_forum_each_article_is_its_own_post_with_the_ping() -> None:
    posts = render.announcement_posts(
        Announcement(subscription(role_id=5), FEED, (item(1, title="Ports reopen"), item(2))),
        forum=True,
    )
    assert [len(p.embeds) for p in posts] == [1, 1]
    assert [p.content for p in posts] == ["<@&5>", "<@&5>"]
    assert posts[0].thread_name == "Ports reopen"


def test_lead_is_one_or_two_sentences_from_the_standfirst() -> None:
    article = Article(
        id=1,
        title="Ports reopen",
        body="Body first. Body second.",
        origin="x",
        metadata={"summary": "Mr. Reilly said ports reopen today. Ships berth at noon. More."},
    )
    assert lead(article) == "Mr. Reilly said ports reopen today. Ships berth at noon."
    bare = Article(id=2, title="Ports reopen", body="Ports reopen", origin="y")
    assert lead(bare) == ""
