"""The web's story page flags where a story's outlets disagree on a figure, as feed cards and
digests do: two outlets giving different death tolls are lined up, in the page and its JSON."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.clock import FakeClock
from bot.ingest import ingest_drafts
from bot.models import ArticleDraft
from bot.nlp import NlpService
from bot.store import open_store
from tests.bot.web.newsroom import harbour_story, running_web
from tests.bot.web.test_pages import Text, get, get_json
from tests.cogs.test_story_updates import FIRST, HEADLINE, SECOND
from tests.newsdesk import nlp_enricher


async def test_the_story_page_lines_up_outlets_that_disagree(
    newsroom_copy: Path, clock: FakeClock
) -> None:
    drafts = [
        ArticleDraft(
            title=HEADLINE,
            body=body,
            origin=f"test:storm-{n}",
            source=source,
            published_at=(clock.now() + timedelta(hours=n)).isoformat(),
        )
        for n, (source, body) in enumerate((("Harbour Wire <b>", FIRST), ("Coastal Wire", SECOND)))
    ]
    async with await open_store(newsroom_copy) as store:
        service = NlpService("inline")
        try:
            enrich = nlp_enricher(store, service, clock)
            await ingest_drafts(store, drafts, clock=clock, enrich=enrich)
        finally:
            service.close()
        harbour = await harbour_story(store)
    async with running_web(newsroom_copy, clock, public=True) as web:
        hits = await get_json(web, "/api/v1/search?q=Greyhaven")
        first = min(hit["id"] for hit in hits["hits"])
        story = await get_json(web, f"/api/v1/stories/{first}")
        assert story["story"]["articles"] == 2
        [disagreement] = story["disagreements"]
        assert disagreement["line"] == "Harbour Wire <b>: Twelve · Coastal Wire: Fifteen (killed)"
        assert [(r["source"], r["figure"]) for r in disagreement["readings"]] == [
            ("Harbour Wire <b>", "Twelve"),
            ("Coastal Wire", "Fifteen"),
        ]
        assert story["corrections"] == []
        status, html = await get(web, f"/stories/{first}")
        assert status == 200
        assert "Outlets disagree ⚠️ Harbour Wire <b>: Twelve · Coastal Wire: Fifteen (killed)" in (
            Text.of(html).text
        )
        assert "Harbour Wire &lt;b&gt;" in html  # the outlet's name is text, not markup
        # The harbour story's three reports agree: its page lines nothing up.
        agreed = await get_json(web, f"/api/v1/stories/{harbour}")
        assert agreed["story"]["articles"] == 3 and agreed["disagreements"] == []
        assert "Outlets disagree" not in (await get(web, f"/stories/{harbour}"))[1]
