"""Whatever is typed, each backend's compiled query holds only quoted words and its own
operators: no input reaches FTS5 or tsquery syntax."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from bot.errors import NewsdeskError
from bot.search.query import parse_query, prefix_query
from bot.store.postgres.tsquery import to_tsquery_text
from bot.store.sqlite.search import match_text
from tests.adversarial.hostile import hostile_text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=hostile_text)
def test_hostile_queries_compile_to_quoted_words_only(text: str) -> None:
    try:
        query = parse_query(text)
    except NewsdeskError:
        return
    # Outside the quoted words only the compilers' own operators and brackets remain.
    fts = "".join(match_text(query).split('"')[0::2])
    assert set(fts.replace("AND", "").replace("NOT", "").replace("OR", "")) <= set("()* ")
    tsquery = "".join(to_tsquery_text(query).split("'")[0::2])
    assert set(tsquery.replace("<->", "").replace(":*", "")) <= set("()&|! ")
    typed_ahead = prefix_query(text)
    assert typed_ahead is None or match_text(typed_ahead).count('"') % 2 == 0
