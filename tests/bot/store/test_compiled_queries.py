"""Whatever is typed, each backend's compiled query holds only quoted words and its own
operators: no input reaches FTS5 or tsquery syntax."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from bot.errors import NewsdeskError
from bot.search.query import parse_query, prefix_query
from bot.store.postgres.tsquery import label_tsquery_text, to_tsquery_text
from bot.store.sqlite.search import fts_term, match_text
from tests.adversarial.hostile import hostile_text


def test_field_terms_compile_to_quoted_words_with_the_backends_own_scoping() -> None:
    query = parse_query('title:"Rock n" title:x* author:"O\'Neil" -category:"a\\b"')
    assert match_text(query) == '(title : "Rock n") AND (title : "x"*)'
    assert to_tsquery_text(query) == "(('Rock':A <-> 'n':A) & 'x':*A)"
    assert [fts_term(t) for t in query.label_groups[0]] == ['"O Neil"']
    assert [label_tsquery_text(t) for t in query.label_excluded] == ["('a' <-> 'b')"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=hostile_text)
def test_hostile_queries_compile_to_quoted_words_only(text: str) -> None:
    try:
        query = parse_query(text)
    except NewsdeskError:
        return
    # Outside the quoted words only the compilers' own operators and brackets remain, and
    # the headline's column filter (FTS5) or weight (tsquery) for `title:` terms.
    fts = "".join(match_text(query).split('"')[0::2]).replace("title :", "")
    assert set(fts.replace("AND", "").replace("NOT", "").replace("OR", "")) <= set("()* ")
    tsquery = "".join(to_tsquery_text(query).split("'")[0::2])
    assert set(tsquery.replace("<->", "").replace(":*", "").replace(":A", "")) <= set("()&|! ")
    for term in (*query.all_terms, *query.excluded):
        if term.is_label:  # each alone, for the byline's or the categories' own index
            assert set("".join(fts_term(term).split('"')[0::2])) <= set("*")
            label = "".join(label_tsquery_text(term).split("'")[0::2])
            assert set(label.replace("<->", "").replace(":*", "")) <= set("() ")
    typed_ahead = prefix_query(text)
    assert typed_ahead is None or match_text(typed_ahead).count('"') % 2 == 0
