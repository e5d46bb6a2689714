"""The Story model: reports in order, outlets with their delays, the article shown."""

from datetime import timedelta

from bot.models import Article
from bot.models.story import Report, Story, group_articles, outlet


def report(article_id: int, outlet_name: str, when: str, url: str | None = None) -> Report:
    return Report(article_id, outlet_name, when, url, f"title {article_id}")


def test_outlets_in_order_of_first_report_with_their_delay() -> None:
    story = Story.of(
        4,
        [
            report(9, "Wire", "2026-03-02T11:30:00+00:00"),
            report(4, "Harbour Times", "2026-03-02T09:00:00+00:00", "https://h.example/a"),
            report(7, "Wire", "2026-03-02T10:00:00+00:00"),
            report(8, "Daily Post", "2026-03-02T12:00:00+00:00"),
        ],
    )
    assert story.article_ids == (4, 7, 9, 8)
    assert story.first.article_id == 4
    assert story.first_reported_at == "2026-03-02T09:00:00+00:00"
    assert [(o.outlet, o.article_id, o.delay) for o in story.outlets] == [
        ("Harbour Times", 4, timedelta(0)),
        ("Wire", 7, timedelta(hours=1)),
        ("Daily Post", 8, timedelta(hours=3)),
    ]
    assert story.sources == ("Harbour Times", "Wire", "Daily Post")
    # The article shown is the newest with a link.
    assert story.lead.article_id == 4


def test_the_newest_is_shown_when_none_has_a_link_and_unreadable_times_go_last() -> None:
    story = Story.of(1, [report(1, "A", "2026-03-02"), report(2, "B", "someday")])
    assert story.article_ids == (1, 2)
    assert story.lead.article_id == 2
    assert story.outlets[1].delay is None


def test_an_outlet_is_the_source_else_the_web_host_else_the_origin() -> None:
    assert outlet(" Wire ", "https://www.post.example/x", "file.txt") == "Wire"
    assert outlet("", "https://www.post.example/x", "file.txt") == "post.example"
    assert outlet("", None, "seeds/file.txt") == "seeds/file.txt"


def test_articles_group_by_story_id_and_one_without_is_its_own_story() -> None:
    articles = [
        Article(
            title=f"t{n}", body="", origin=f"x:{n}", source=s, id=n, ingested_at=f"2026-03-0{n}"
        )
        for n, s in [(3, "C"), (1, "A"), (2, "B")]
    ]
    stories = group_articles(articles, {1: 1, 3: 1})
    assert [(s.id, s.article_ids) for s in stories] == [(1, (1, 3)), (2, (2,))]
    assert stories[0].sources == ("A", "C")
