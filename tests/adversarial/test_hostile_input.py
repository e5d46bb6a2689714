"""Bad input never crashes and never corrupts: every parser and renderer either succeeds within
Discord's limits or raises the domain's friendly error (a `NewsdeskError`), never anything else.

Inputs: arbitrary Unicode with control characters, zero-width and right-to-left overrides, NUL
bytes, lone surrogates in JSON escapes, random bytes, and a 1 MB title.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.errors import NewsdeskError
from bot.ingest import ingest_drafts, ingest_paths, parse_text
from bot.ingest.files import read_file
from bot.ingest.records import parse_json, parse_jsonl
from bot.ingest.urls import canonical_url
from bot.models import Article, ArticleDraft, SearchHit, SearchPage
from bot.render import errors, limits
from bot.render.article import article_pages
from bot.render.help import about_embed
from bot.render.search import no_results_embed, results_page
from bot.search import parse_query, search, suggestions, title_choices
from bot.search.query import parse_date, prefix_query
from bot.store import Store
from tests.adversarial.hostile import (
    ATTACKS,
    discord_rejects,
    embed_text,
    embeds_payload,
    hostile_text,
    live_markup,
    sendable_text,
)

MEGABYTE = 1_000_000
EXAMPLES = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def storable(draft: ArticleDraft) -> bool:
    """A parsed draft holds only text SQLite and Discord can take (no lone surrogates)."""
    fields = (draft.title, draft.body, draft.caption, draft.source, draft.author, draft.origin)
    try:
        for value in (*fields, draft.url or "", json.dumps(draft.metadata, ensure_ascii=False)):
            value.encode("utf-8")
        if draft.url:
            canonical_url(draft.url)  # raises ValueError on an unreadable address
    except (UnicodeEncodeError, ValueError):
        return False
    return True


# -- ingest parsers ---------------------------------------------------------------------------


@EXAMPLES
@given(text=hostile_text)
def test_the_text_article_parser_reads_or_refuses_politely(text: str) -> None:
    try:
        parsed = parse_text(text)
    except NewsdeskError as exc:
        assert str(exc)
    else:
        assert any(ch.isalnum() for ch in parsed.title)


def _record_values() -> st.SearchStrategy[object]:
    scalars = st.one_of(hostile_text, st.integers(), st.floats(), st.booleans(), st.none())
    return st.one_of(scalars, st.lists(scalars, max_size=3), st.dictionaries(st.text(), scalars))


@EXAMPLES
@given(
    record=st.fixed_dictionaries(
        {"title": hostile_text, "body": hostile_text},
        optional={k: _record_values() for k in ("text", "url", "source", "published_at", "x")},
    ),
    surrogate=st.sampled_from(["\\ud800", "\\udfff", "\\udbff\\u0041", "\\u0000"]),
)
def test_json_and_jsonl_records_become_storable_drafts_or_reasons(
    record: dict[str, object], surrogate: str
) -> None:
    # A lone surrogate escape is valid JSON text but not valid Unicode.
    text = json.dumps(record).replace('"title": "', '"title": "' + surrogate, 1)
    for where, item in [*parse_json(text, "file:x.json"), *parse_jsonl(text, "file:x.jsonl")]:
        assert where.startswith("file:x.json")
        if isinstance(item, str):
            assert item  # a reason to show the operator
        else:
            assert item.title and item.body
            assert storable(item), f"{item!r} cannot be stored"


async def test_lone_surrogates_bad_urls_and_nul_bytes_in_json_do_not_stop_an_ingest(
    store: Store, tmp_path: Path
) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a_surrogate.json").write_text(
        '{"title": "Truce \\ud800 talks", "body": "Talks \\udfff resumed.", "tag": "\\ud83d"}'
    )
    (folder / "b_bad_urls.jsonl").write_text(
        '{"title": "IPv6", "body": "One.", "url": "http://[::1"}\n'
        '{"title": "Port", "body": "Two.", "url": "https://news.example:99999/a"}\n'
        '{"title": "NUL \\u0000 title", "body": "Three \\u0000."}\n'
    )
    (folder / "c_binary.txt").write_bytes(b"\x00\xff\xfe" * 100)
    (folder / "d_ok.txt").write_text("Ceasefire holds\n\nThe ceasefire held overnight.\n")

    report = await ingest_paths(store, [folder])

    assert len(report.added) == 5, report.skipped
    assert [s.where.rsplit("/", 1)[-1] for s in report.skipped] == ["c_binary.txt"]
    assert await store.check_integrity() == []
    stored = await store.articles(report.added)
    assert "Truce \ufffd talks" in [a.title for a in stored]
    assert (await search(store, "ceasefire")).total == 1


@settings(max_examples=80, deadline=None)
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".txt", ".json", ".jsonl"]))
def test_random_bytes_in_an_article_file_are_read_or_skipped(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, suffix: str
) -> None:
    path = tmp_path_factory.mktemp("bytes") / f"random{suffix}"
    path.write_bytes(data)
    for _, item in read_file(path):
        assert isinstance(item, str) or storable(item)


async def test_a_one_megabyte_title_is_stored_searched_and_rendered_within_limits(
    store: Store,
) -> None:
    title = "Ceasefire " + "@everyone <@&1> [x](https://evil.example) " * (MEGABYTE // 42 + 1)
    assert len(title) >= MEGABYTE
    draft = ArticleDraft(title=title, body="The truce held. " * 50, origin="test:huge")
    report = await ingest_drafts(store, [draft])
    (article,) = await store.articles(report.added)

    page = await search(store, "ceasefire")
    shown = results_page(page, title)
    pages = article_pages(article)

    assert page.total == 1
    assert discord_rejects(embeds_payload(shown.embed)) == {}
    assert all(len(c.label) <= limits.SELECT_OPTION_LABEL for c in shown.choices)
    assert all(discord_rejects(embeds_payload(p)) == {} for p in pages)
    assert live_markup(embed_text(shown.embed.to_dict())) == []
    assert live_markup(pages[0].title or "") == []


# -- search --------------------------------------------------------------------------------


@EXAMPLES
@given(text=hostile_text)
def test_the_query_parser_makes_only_words_or_a_friendly_error(text: str) -> None:
    try:
        query = parse_query(text)
    except NewsdeskError as exc:
        assert str(exc)
        return
    # Only runs of letters and digits reach a backend, which quotes each one
    # (tests/bot/store/test_compiled_queries.py); nothing of the typed syntax survives.
    words = [word for term in (*query.terms, *query.excluded) for word in term.words]
    assert words and all(word.isalnum() for word in words)
    typed_ahead = prefix_query(text)
    assert typed_ahead is None or all(word.isalnum() for word in typed_ahead.highlight_words())


@EXAMPLES
@given(text=hostile_text, name=st.sampled_from(["after", "before"]))
def test_dates_are_read_or_refused_politely(text: str, name: str) -> None:
    try:
        parse_date(text, name)
    except NewsdeskError as exc:
        assert name in str(exc)


@pytest.fixture
async def archive(store: Store) -> Store:
    """A store holding a few articles, some with hostile text of their own."""
    drafts = [
        ArticleDraft(
            title=f"Ceasefire talks {n} {attack}", body=f"Body {attack} truce", origin=f"t:{n}"
        )
        for n, attack in enumerate(ATTACKS)
    ]
    await ingest_drafts(store, drafts)
    return store


@EXAMPLES
@given(text=hostile_text)
async def test_real_search_on_a_real_database_answers_or_explains(
    archive: Store, text: str
) -> None:
    try:
        page = await search(archive, text, page=3, per_page=5)
    except NewsdeskError as exc:
        assert str(exc)
    else:
        assert page.total >= len(page.hits)
        rendered = results_page(page, text) if page.hits else None
        if rendered is not None:
            assert discord_rejects(embeds_payload(rendered.embed)) == {}
    close = await suggestions(archive, text)
    assert discord_rejects(embeds_payload(no_results_embed(text, close))) == {}
    assert len(await title_choices(archive, text)) <= 25


# -- renderers ---------------------------------------------------------------------------------


@EXAMPLES
@given(
    title=sendable_text,
    body=sendable_text,
    caption=sendable_text,
    source=sendable_text,
    url=st.one_of(st.none(), sendable_text, st.just("javascript:alert(1)")),
    when=st.one_of(st.none(), sendable_text, st.just("9999-12-31T23:59:59+00:00")),
)
def test_article_pages_fit_discord_and_are_inert(
    title: str, body: str, caption: str, source: str, url: str | None, when: str | None
) -> None:
    article = Article(
        id=1,
        title=title,
        body=body,
        origin="x",
        caption=caption,
        source=source,
        desk=source,
        url=url,
        published_at=when,
        author=source,
    )
    for page in article_pages(article):
        data = page.to_dict()
        assert discord_rejects(embeds_payload(page)) == {}
        assert live_markup(embed_text(data)) == []
        assert "url" not in data or data["url"].startswith(("http://", "https://"))


@EXAMPLES
@given(
    hits=st.lists(st.tuples(sendable_text, sendable_text, sendable_text), max_size=5),
    label=sendable_text,
)
def test_search_pages_fit_discord_and_are_inert(
    hits: list[tuple[str, str, str]], label: str
) -> None:
    found = [
        SearchHit(id=n, title=t, source=s, url=None, when="", snippet=f"\x02{snip}\x03", score=1.0)
        for n, (t, s, snip) in enumerate(hits, start=1)
    ]
    page = SearchPage(label, found, total=len(found), page=1, per_page=5)
    shown = results_page(page, label)
    payload = {
        **embeds_payload(shown.embed),
        "components": [
            {
                "type": 1,
                "components": [
                    {
                        "type": 3,
                        "custom_id": "pager:search:pick",
                        "options": [c.to_dict() for c in shown.choices],
                    }
                ],
            }
        ],
    }
    assert discord_rejects(payload) == {}
    assert live_markup(embed_text(payload["embeds"][0])) == []


@EXAMPLES
@given(message=sendable_text)
def test_error_replies_echoing_user_text_fit_and_are_inert(message: str) -> None:
    # Domain errors quote what the user typed, often inside a code span.
    embed = errors.error_embed(
        errors.describe(NewsdeskError(f"`{message}` is not valid: {message}"))
    )
    assert discord_rejects(embeds_payload(embed)) == {}
    assert live_markup(embed.description or "") == []


@EXAMPLES
@given(version=sendable_text, first=sendable_text, count=st.integers(0, 10**12))
def test_about_fits_whatever_the_corpus_says(version: str, first: str, count: int) -> None:
    stats = {"articles": count, "sources": count, "first": first, "last": first, "bytes": count}
    embed = about_embed(stats, version=version, guilds=count)
    assert discord_rejects(embeds_payload(embed)) == {}
