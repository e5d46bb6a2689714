"""An outlet's coverage on the web, over real HTTP: the server's outlets to pick from, one
outlet's figures (the harbour story three wires reported an hour apart), the page and its JSON
twin alike, and only for members of the server named in the URL."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

import pytest

from tests.bot.web.newsroom import STORY_SOURCES, WebDesk


async def get(web: WebDesk, who: str, path: str) -> tuple[int, Any]:
    """GET `path` signed in as `who`: the status and the JSON (API) or the text (page)."""
    async with web.browser() as http:
        await web.sign_in(http, who)
        async with http.get(web.url(path), allow_redirects=False) as answer:
            body = await answer.json() if path.startswith("/api/") else await answer.text()
            return answer.status, body


async def test_a_member_picks_an_outlet_and_reads_its_coverage(web: WebDesk) -> None:
    newsroom = web.discord.world.guilds[0]
    base = f"/api/v1/servers/{newsroom.id}/outlets"
    status, listed = await get(web, "bob", base)
    assert status == 200 and listed["coverage"] is None
    # No feeds in this server: its outlets are the archive's, most articles first.
    names = [o["name"] for o in listed["outlets"]]
    assert names[0] == "Gulf Daily" and listed["outlets"][0]["articles"] == 24
    assert set(STORY_SOURCES) <= set(names)

    status, first = await get(web, "bob", f"{base}?name=wire%20one&days=30")
    assert status == 200
    assert first["coverage"]["outlet"] == "Wire One"
    assert {k: first["coverage"][k] for k in ("stories", "shared", "first", "days", "peers")} == {
        "stories": 1,
        "shared": 1,
        "first": 1,
        "days": 30,
        "peers": "the whole archive",
    }
    _, third = await get(web, "bob", f"{base}?name=Wire%20Three")
    assert (third["coverage"]["first"], third["coverage"]["median_delay"]) == (0, "2 h later")

    status, page = await get(web, "bob", f"/servers/{newsroom.id}/outlets?name=Wire+Two")
    assert status == 200
    assert "<h2>Wire Two</h2>" in page and "60 min later" in page
    assert "0 of 1 shared story" in page


async def test_unknown_outlets_and_bad_periods_are_explained(web: WebDesk) -> None:
    newsroom = web.discord.world.guilds[0]
    base = f"/api/v1/servers/{newsroom.id}/outlets"
    status, answer = await get(web, "alice", f"{base}?name=Wire")
    assert status == 400
    assert answer["error"].startswith("“Wire” could be Wire One, Wire Three, Wire Two")
    status, answer = await get(web, "alice", f"{base}?name=Nobody%20Times")
    assert status == 400 and answer["error"].startswith("No outlet called “Nobody Times”")
    for days in ("0", "91", "ten"):
        status, answer = await get(web, "alice", f"{base}?name=Wire%20One&days={days}")
        assert (status, answer["error"]) == (400, "Choose between 1 and 90 days."), days
    status, page = await get(web, "alice", f"/servers/{newsroom.id}/outlets?name=<b>x</b>")
    assert status == 200 and "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page


@pytest.mark.parametrize("api", [False, True])
async def test_another_servers_outlets_are_refused_and_logged(
    web: WebDesk, api: bool, caplog: pytest.LogCaptureFixture
) -> None:
    backroom = web.discord.world.guilds[1]  # the bot is there, bob is not
    caplog.set_level(logging.WARNING, logger="bot.web")
    prefix = "/api/v1/servers/" if api else "/servers/"
    for forged in (str(backroom.id), "123", "not-a-number"):
        status, _ = await get(web, "bob", f"{prefix}{quote(forged)}/outlets?name=Wire%20One")
        assert status == 403, forged
    refused = [r.getMessage() for r in caplog.records if "refused server id" in r.getMessage()]
    assert len(refused) == 3
