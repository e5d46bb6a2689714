"""The reader pages and their JSON twins: search (the same language, ranking, highlighting and
paging as /search), type-ahead, articles, entities with their charts, stories, Atom feeds; hostile
article text escaped everywhere."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import feedparser

from bot.ingest import ingest_drafts
from bot.insights.charts import png_size
from bot.insights.network import entity_network
from bot.models import COUNT_CAP, ArticleDraft
from bot.search import search
from bot.web.entity_pages import network_text
from tests.bot.web.newsroom import HOSTILE_TITLE, QATAR_PAGES, QUOTE, STORY_SOURCES, WebDesk

ATOM = "{http://www.w3.org/2005/Atom}"


class Text(HTMLParser):
    """The visible text of a page, and the text of each <mark>."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.marks: list[str] = []
        self._in_mark = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_mark = self._in_mark or tag == "mark"

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark":
            self._in_mark = False

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        if self._in_mark:
            self.marks.append(data)

    @classmethod
    def of(cls, html: str) -> Text:
        parser = cls()
        parser.feed(html)
        return parser

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())


async def get(web: WebDesk, path: str) -> tuple[int, str]:
    async with web.browser() as http, http.get(web.url(path)) as answer:
        return answer.status, await answer.text()


async def get_json(web: WebDesk, path: str) -> dict:  # type: ignore[type-arg]
    async with web.browser() as http, http.get(web.url(path)) as answer:
        assert answer.content_type == "application/json", path
        return await answer.json()  # type: ignore[no-any-return]


async def test_search_pages_through_ranked_highlighted_results_like_the_slash_command(
    public_web: WebDesk,
) -> None:
    first = await get_json(public_web, "/api/v1/search?q=Qatar")
    total = QATAR_PAGES + 2  # the day-by-day talks, the seed article and the hostile one
    assert (first["total"], first["pages"], first["page"]) == (total, 3, 1)
    # The same core, the same ranking: the first page is what /search's core returns.
    core = await search(public_web.store, "Qatar", page=1, per_page=10)
    assert [hit["id"] for hit in first["hits"]] == [hit.id for hit in core.hits]
    assert all(
        any(part["match"] and part["text"].casefold() == "qatar" for part in hit["snippet"])
        for hit in first["hits"]
    )
    status, html = await get(public_web, "/search?q=Qatar&page=3")
    page = Text.of(html)
    assert status == 200 and "page 3 of 3" in page.text
    assert len(re.findall(r'<li>\s*<h2><a href="/articles/\d+">', html)) == total - 20
    assert page.marks and {m.casefold() for m in page.marks} == {"qatar"}
    assert 'rel="prev" href="/search?q=Qatar&amp;page=2"' in html and 'rel="next"' not in html
    # Past the last page: said in one line, with the way back; unreadable numbers are page 1.
    status, html = await get(public_web, "/search?q=Qatar&page=5")
    said = f"No results on page 5: {total} articles match, on pages 1 to 3. Go to page 3"
    assert status == 200 and said in Text.of(html).text and "page 5 of" not in html
    assert 'href="/search?q=Qatar&amp;page=3">Go to page 3' in html
    past = await get_json(public_web, "/api/v1/search?q=Qatar&page=5")
    assert (past["hits"], past["past_the_end"]) == ([], said.removesuffix(" Go to page 3"))
    assert (await get_json(public_web, "/api/v1/search?q=Qatar&page=x"))["page"] == 1


async def test_a_total_counted_to_the_cap_pages_to_its_last_counted_page(
    public_web: WebDesk,
) -> None:
    """A search counts to COUNT_CAP (1,000: "1,000+ articles") and the web shows 10 a page,
    yet pages went on to 200: `?page=150` showed hits as "page 150 of 100". Now the pages
    read "of 100+" and a page past the hundredth is refused in one line."""
    drafts = [
        ArticleDraft(f"Harbour day {n}", "Ships return to the harbour.", f"harbour:{n}")
        for n in range(COUNT_CAP + 5)
    ]
    await ingest_drafts(public_web.store, drafts)

    status, html = await get(public_web, "/search?q=harbour&page=3")
    shown = Text.of(html).text
    assert status == 200 and "1,000+ articles · page 3 of 100+" in shown
    assert "Page 3 of 100+" in shown
    status, html = await get(public_web, "/search?q=harbour&page=100")
    assert status == 200 and "page 100 of 100+" in Text.of(html).text
    assert 'rel="prev"' in html and 'rel="next"' not in html
    refused = "Pages go from 1 to 100: a search shows its first 1,000 articles, 10 a page."
    for page in ("101", "150", "99999999999999999999"):
        status, html = await get(public_web, f"/search?q=harbour&page={page}")
        assert status == 200 and refused in Text.of(html).text, page
        assert "Harbour day" not in html and f"page {page} of" not in html
    async with (
        public_web.browser() as http,
        http.get(public_web.url("/api/v1/search?q=harbour&page=150")) as api,
    ):
        assert (api.status, (await api.json())["error"]) == (400, refused)
    capped = await get_json(public_web, "/api/v1/search?q=harbour")
    assert (capped["total"], capped["total_at_least"], capped["pages"]) == (1000, True, 100)
    assert capped["pages_at_least"] and capped["count"] == "1,000+ articles"


async def test_a_query_that_cannot_search_explains_itself(public_web: WebDesk) -> None:
    status, html = await get(public_web, "/search?q=-Qatar")
    assert status == 200 and "`-word` only excludes" in Text.of(html).text
    async with (
        public_web.browser() as http,
        http.get(public_web.url("/api/v1/search?q=-Qatar")) as api,
    ):
        assert api.status == 400
        assert (await api.json())["error"].startswith("Add at least one word")
    assert (await get_json(public_web, "/api/v1/search?q=Qatr"))["suggestions"] == ["qatar"]
    filtered = await get_json(public_web, '/api/v1/search?q=truce+source:"Gulf Daily"')
    assert filtered["total"] == QATAR_PAGES


async def test_type_ahead_offers_the_newest_matching_titles(public_web: WebDesk) -> None:
    found = await get_json(public_web, "/api/v1/titles?q=qatar%20talks%20day%202")
    titles = [t["title"] for t in found["titles"]]
    assert titles[0] == "Qatar talks, day 24" and "Qatar talks, day 2" in titles
    assert len(titles) <= 8
    assert (await get_json(public_web, "/api/v1/titles?q=%20"))["titles"] == []


async def test_an_article_shows_its_summary_entities_as_links_source_and_related(
    public_web: WebDesk,
) -> None:
    data = await get_json(public_web, "/api/v1/articles/1")
    assert data["article"]["source"] == "YWN"
    assert data["summary"] and all(
        s in " ".join(data["article"]["paragraphs"]) for s in data["summary"]
    )
    names = {e["name"]: e["id"] for e in data["entities"]}
    assert "Herzi Halevi" in names and "Hamas" in names
    status, html = await get(public_web, "/articles/1")
    assert status == 200
    assert f'href="/entities/{names["Herzi Halevi"]}"' in html
    # Related: other articles naming its main entities (the Qatar talks), never itself.
    assert data["related"] and all(r["id"] != 1 for r in data["related"])
    assert any("Qatar" in r["title"] for r in data["related"])


async def test_an_entity_page_has_its_profile_charts_with_text_alternatives_and_a_feed(
    public_web: WebDesk,
) -> None:
    article = await get_json(public_web, "/api/v1/articles/1")
    hamas = next(e["id"] for e in article["entities"] if e["name"] == "Hamas")
    data = await get_json(public_web, f"/api/v1/entities/{hamas}")
    assert data["entity"]["name"] == "Hamas" and data["entity"]["kind"] == "organisation"
    assert data["sentences"][0]["article_id"] == 1 and "Hamas" in data["sentences"][0]["text"]
    assert data["named_with"] and data["network"]["drawn"] is True
    assert data["trend"]["days"] == 30 and len(data["trend"]["per_day"]) == 30
    status, html = await get(public_web, f"/entities/{hamas}")
    assert status == 200
    alts = re.findall(r'<img src="/entities/\d+/(\w+)\.png" alt="([^"]+)"', html)
    assert [kind for kind, _ in alts] == ["trend", "network"]
    assert alts[0][1].startswith("Line chart of mentions of Hamas per day")
    assert "Diagram of Hamas in the middle" in alts[1][1]
    # The text names exactly the companions the picture draws (the chart counts them itself).
    drawn = await entity_network(public_web.store, f"#{hamas}")
    assert data["network"]["alt"] == network_text(drawn.center, drawn.neighbours)
    assert [n["name"] for n in data["named_with"][: len(drawn.neighbours)]] == [
        n.entity.name for n in drawn.neighbours
    ]
    async with public_web.browser() as http:
        for chart in ("trend", "network"):
            async with http.get(public_web.url(f"/entities/{hamas}/{chart}.png")) as png:
                assert png.content_type == "image/png"
                assert png_size(await png.read())[0] == 960
    assert (await get(public_web, "/entities/999999"))[0] == 404
    assert (await get(public_web, "/entities/abc"))[0] == 404


async def test_an_entity_page_lists_what_it_was_quoted_as_saying(public_web: WebDesk) -> None:
    async with (
        public_web.browser() as http,
        http.get(public_web.url("/entities?name=Tom+Reilly")) as found,
    ):
        html = await found.text()
        entity_id = str(found.url).rsplit("/", 1)[1]
    assert "What Tom Reilly said" in html and QUOTE.rstrip(",") in html
    data = await get_json(public_web, f"/api/v1/entities/{entity_id}")
    [said] = data["quotes"]
    assert said["quote"].startswith("The quay is open again") and said["source"] == "Coast Herald"


async def test_looking_up_a_name_opens_its_entity(public_web: WebDesk) -> None:
    async with public_web.browser() as http:
        async with http.get(public_web.url("/entities?name=Halevi")) as found:
            assert found.status == 200 and re.search(r"/entities/\d+$", str(found.url))
            assert "<h1>Herzi Halevi</h1>" in await found.text()
        async with http.get(public_web.url("/entities?name=Nobody+Known")) as missing:
            assert missing.status == 404 and "No entity called" in await missing.text()


async def test_a_story_shows_who_reported_first_and_every_outlet_in_order(
    public_web: WebDesk,
) -> None:
    article_ids = (await get_json(public_web, "/api/v1/search?q=harbour"))["hits"]
    first_report = min(hit["id"] for hit in article_ids)
    story = await get_json(public_web, f"/api/v1/stories/{first_report}")
    assert story["story"]["first_reported"]["source"] == "Wire One"
    assert [o["source"] for o in story["outlets"]] == list(STORY_SOURCES)
    assert [o["after"] for o in story["outlets"]] == ["first", "60 min later", "2 h later"]
    assert [a["after"] for a in story["articles"]] == ["first", "60 min later", "2 h later"]
    status, html = await get(public_web, f"/stories/{first_report}")
    assert status == 200 and "First reported by" in html and "Wire One" in html
    article = await get_json(public_web, f"/api/v1/articles/{first_report + 2}")
    assert article["story"] == {"id": first_report, "articles": 3, "sources": list(STORY_SOURCES)}
    # The seed article is a story of its own; an id that names no story is not found.
    alone = await get_json(public_web, "/api/v1/stories/1")
    assert alone["story"]["articles"] == 1 and alone["outlets"][0]["source"] == "YWN"
    assert (await get_json(public_web, "/api/v1/articles/1"))["story"] is None
    assert (await get(public_web, "/stories/999999"))[0] == 404


async def test_atom_feeds_of_searches_and_entities_are_valid_and_escaped(
    public_web: WebDesk,
) -> None:
    async with public_web.browser() as http:
        async with http.get(public_web.url("/search/atom?q=Qatar")) as answer:
            assert answer.content_type == "application/atom+xml"
            body = await answer.read()
        hamas = next(
            e["id"]
            for e in (await get_json(public_web, "/api/v1/articles/1"))["entities"]
            if e["name"] == "Hamas"
        )
        async with http.get(public_web.url(f"/entities/{hamas}/atom")) as answer:
            entity_body = await answer.read()
    for feed_bytes in (body, entity_body):
        parsed = feedparser.parse(feed_bytes)
        assert parsed.bozo == 0 and parsed.version == "atom10"
        root = ET.fromstring(feed_bytes)
        assert root.tag == f"{ATOM}feed"
        for entry in root.findall(f"{ATOM}entry"):
            for child in ("id", "title", "updated", "link"):
                assert entry.find(f"{ATOM}{child}") is not None
    titles = [e.title for e in feedparser.parse(body).entries]
    assert len(titles) == 20 and HOSTILE_TITLE.replace("\u202e", "") in titles
    assert b"<script>" not in body and b"&lt;script&gt;" in body
    assert [e.title for e in feedparser.parse(entity_body).entries] == [
        "Senior Israeli Security Officials In Qatar To Discuss Truce With Hamas"
    ]


async def test_hostile_article_text_is_escaped_on_every_page(public_web: WebDesk) -> None:
    hostile = next(
        hit["id"]
        for hit in (await get_json(public_web, "/api/v1/search?q=evil"))["hits"]
        if hit["title"] == HOSTILE_TITLE
    )
    for path in (f"/articles/{hostile}", "/search?q=evil", "/", "/search?q=onerror"):
        status, html = await get(public_web, path)
        assert status == 200, path
        assert "<script>alert" not in html and "<b>" not in html and "<img src=x" not in html
    _, html = await get(public_web, f"/articles/{hostile}")
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    # The right-to-left override that would make "evil" read "live" is dropped.
    assert "\u202e" not in html and "&#34;quoted&#34; evil" in html
    assert 'href="https://example.org/a?b=1&amp;c=&lt;2&gt;"' in html
