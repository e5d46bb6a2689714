"""Relevance with recency: the ranking key, the early-stop bound and its helpers."""

import math

import pytest

from bot.store.ranking import (
    DAY_SPAN,
    RECENCY_HALF_LIFE_DAYS,
    TopArticles,
    ceiling_at,
    day_number,
    idf_ceiling,
    ranking_key,
)

DAY = 20_000  # 2024-10-03


def key(day: int, article_id: int = 1) -> int:
    return day * DAY_SPAN + article_id


def test_twice_as_relevant_equals_one_half_life_newer() -> None:
    older = key(DAY - int(RECENCY_HALF_LIFE_DAYS))
    assert ranking_key(2.1, older) > ranking_key(1.0, key(DAY))
    assert ranking_key(1.9, older) < ranking_key(1.0, key(DAY))
    assert math.isclose(ranking_key(2.0, older), ranking_key(1.0, key(DAY)))


def test_top_articles_keeps_the_best_and_prefers_newer_on_ties() -> None:
    top = TopArticles(2)
    for article_id, relevance in ((1, 1.0), (2, 3.0), (3, 1.0), (4, 0.5)):
        top.offer(key(DAY, article_id), relevance)
    assert [k & (DAY_SPAN - 1) for k, _ in top.best()] == [2, 3]


def test_settled_once_no_older_match_can_reach_the_top() -> None:
    top = TopArticles(1)
    top.offer(key(DAY), 1.0)
    idfs = [1.0]  # no match can score above 2.2
    assert not top.settled(ceiling_at(idfs, DAY))
    assert top.settled(ceiling_at(idfs, DAY - 40))  # 2^(40/30) > 2.2


def test_idf_ceiling_grows_with_rows_and_shrinks_with_hits() -> None:
    assert idf_ceiling(1000, 10) > idf_ceiling(1000, 100) > idf_ceiling(1000, 400)
    assert idf_ceiling(2000, 100) > idf_ceiling(1000, 100)
    assert idf_ceiling(1000, 900) == pytest.approx(1e-6)  # FTS5's floor for common words


def test_day_number_of_dates_and_datetimes() -> None:
    assert day_number("1970-01-02") == (1, True)
    assert day_number("2024-05-01T00:00:00+00:00")[1] is True
    assert day_number("2024-05-01T23:30:00-02:00") == (day_number("2024-05-02")[0], False)
