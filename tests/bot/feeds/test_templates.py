"""Templates: the grammar parses into literal text and placeholders (never evaluated), says
what it refuses and where, and the render fills placeholders escaped, cut and within limits."""

from __future__ import annotations

import pytest

from bot.feeds.announcements import NewArticle
from bot.feeds.templates import (
    DEFAULT_TEMPLATE,
    Placeholder,
    TemplateError,
    Text,
    make_template,
    parse_pattern,
    template_from_json,
)
from bot.models import Article
from bot.render import feed_posts
from bot.store import Feed, Subscription
from tests.bot.feeds.test_render import FEED


def item(title: str = "Ports reopen", **fields: object) -> NewArticle:
    article = Article(
        id=1,
        title=title,
        body="Body.",
        origin="https://harbour.test/1",
        url="https://harbour.test/1",
        source=str(fields.pop("source", "Harbour Times")),
        author=str(fields.pop("author", "")),
        published_at="2026-03-02T08:00:00+00:00",
        ingested_at="2026-03-02T09:00:00+00:00",
    )
    summary = str(fields.pop("summary", "Ships berth again at noon."))
    others = tuple(fields.pop("others", ()))  # type: ignore[call-overload]
    return NewArticle(1, article, 1, others, summary, ("Greyhaven", "Kelby Point"))


SUBSCRIPTION = Subscription(1, 10, 20, 1, "", 99, 7, "2026-03-02T09:00:00+00:00", 0)


def test_the_grammar_is_text_and_placeholders_only() -> None:
    pattern = parse_pattern("{{x}} {summary|title:200} at {published:R}", "description")
    assert pattern.nodes == (
        Text("{x} "),
        Placeholder(("summary", "title"), cut=200),
        Text(" at "),
        Placeholder(("published",), style="R"),
    )
    # Attribute access, indexing and format specs are not placeholders: refused, never run.
    for typed, problem in (
        ("{title.__class__}", "is not a placeholder"),
        ("{title[0]}", "is not a placeholder"),
        ("{0}", "is not a placeholder"),
        ("{title!r}", "is not a placeholder"),
        ("{title:>20}", "neither a length"),
        ("{headline}", "unknown placeholder {headline}"),
        ("{link:20}", "{link} can't be cut"),
        ("{title:R}", "is for {published} alone"),
        ("{summary:0}", "a cut is 1 to 4096"),
        ("open { brace", "never closed"),
        ("close } brace", "a lone `}`"),
    ):
        with pytest.raises(TemplateError, match=problem.replace("{", r"\{").replace("[", r"\[")):
            parse_pattern(typed, "description")


def test_a_template_round_trips_through_its_stored_form() -> None:
    made = make_template(title="{title}", footer="{feed}", style="#E67E22 no-thumbnail")
    again = template_from_json(made.to_json())
    assert again == made and again.colour == 0xE67E22 and not again.thumbnail
    with pytest.raises(TemplateError, match="not understood"):
        make_template(title="{title}", style="sparkles")


def test_article_text_is_escaped_but_the_admins_markdown_is_kept() -> None:
    template = make_template(content="**{title}** <@&{feed}>", title="{title}")
    content, card = feed_posts.item_post(
        template, item("@everyone [win](https://evil.test) *now*"), FEED, SUBSCRIPTION
    )
    assert content is not None and content.startswith("**@\u200beveryone \\[win\\]")
    assert "\\*now\\***" in content
    assert card is not None and "\\[win\\]" in card.title


def test_cuts_defaults_separators_and_timestamps() -> None:
    template = make_template(
        content="{role}",
        title="{title:12}",
        description="{author|source}: {summary}\nNames: {entities}",
        footer="{author} · {source} · {also_in} · {published}",
    )
    content, card = feed_posts.item_post(template, item("Ports reopen after the storm"), FEED,
                                         SUBSCRIPTION)  # fmt: skip
    assert content == "<@&99>"
    assert card is not None
    assert card.title == "Ports reope…"  # within 12 (a word boundary only if it keeps 2/3)
    assert (
        card.description
        == "Harbour Times: Ships berth again at noon.\nNames: Greyhaven, Kelby Point"
    )
    assert card.footer.text == "Harbour Times · 2026-03-02 08:00 UTC"  # plain text: no <t:…>
    styled = make_template(title="{title}", description="{published:R}")
    _, card = feed_posts.item_post(styled, item(), FEED, SUBSCRIPTION)
    assert card is not None and card.description == "<t:1772438400:R>"


def test_a_plain_text_template_posts_no_embed() -> None:
    template = make_template(content="{title} — {link}")
    content, card = feed_posts.item_post(template, item(), FEED, SUBSCRIPTION)
    assert (content, card) == ("Ports reopen — https://harbour.test/1", None)


def test_the_default_template_is_the_card_newsdesk_always_posted() -> None:
    _, card = feed_posts.item_post(DEFAULT_TEMPLATE, item(others=("Coastal Wire",)), FEED,
                                   SUBSCRIPTION)  # fmt: skip
    assert card is not None
    assert (card.title, card.url) == ("Ports reopen", "https://harbour.test/1")
    assert card.footer.text == "Harbour Times · also in 1 source: Coastal Wire"
    feed_posts.check_template(DEFAULT_TEMPLATE)


def test_limits_are_checked_on_the_longest_each_part_can_render() -> None:
    feed_posts.check_template(make_template(title="Breaking: {title:240}"))
    with pytest.raises(TemplateError, match="The embed title can reach 266 characters"):
        feed_posts.check_template(make_template(title="Breaking: {title}"))
    with pytest.raises(TemplateError, match="together, over Discord's limit of 6,000"):
        feed_posts.check_template(
            make_template(title="{title}", description="{summary:4000}", footer="{summary:2000}")
        )
    huge: Feed = FEED
    long_item = item("x" * 5000, summary="y " * 3000, source="z" * 500)
    for template in (
        make_template(title="{title}", description="{summary:4000}", footer="{source}"),
        make_template(content="{title} {summary:1700}"),
    ):
        feed_posts.check_template(template)
        content, card = feed_posts.item_post(template, long_item, huge, SUBSCRIPTION)
        assert len(content or "") <= 2000
        if card is not None:
            assert len(card) <= 6000 and len(card.title or "") <= 256
