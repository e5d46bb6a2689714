"""Who may see what on the web, page by page and in the JSON API: the same rules as in Discord,
and a server id that is not one of the member's refused with 403 and logged."""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from tests.bot.web.newsroom import WebDesk

READER_PAGES = [
    "/search?q=Qatar",
    "/articles/1",
    "/entities/1",
    "/entities/1/trend.png",
    "/search/atom?q=Qatar",
    "/entities/1/atom",
]
READER_API = ["/api/v1/search?q=Qatar", "/api/v1/articles/1", "/api/v1/entities/1"]


async def statuses(web: WebDesk, who: str | None, paths: list[str]) -> dict[str, int]:
    async with web.browser() as http:
        if who:
            await web.sign_in(http, who)
        found = {}
        for path in paths:
            async with http.get(web.url(path), allow_redirects=False) as answer:
                found[path] = answer.status
        return found


async def test_anyone_is_asked_to_sign_in_pages_redirect_and_the_api_says_401(
    web: WebDesk,
) -> None:
    found = await statuses(web, None, READER_PAGES + READER_API + ["/servers"])
    assert {p: s for p, s in found.items() if not p.startswith("/api/")} == dict.fromkeys(
        [*READER_PAGES, "/servers"], 303
    )
    assert {p: s for p, s in found.items() if p.startswith("/api/")} == dict.fromkeys(
        READER_API, 401
    )
    async with web.browser() as http:
        async with http.get(web.url("/search?q=Qatar"), allow_redirects=False) as answer:
            location = urlsplit(answer.headers["Location"])
            assert (location.path, parse_qs(location.query)) == (
                "/login",
                {"next": ["/search?q=Qatar"]},
            )
        async with http.get(web.url("/")) as home:
            assert "Sign in with Discord" in await home.text()
        for open_path in ("/healthz", "/metrics", "/login"):
            async with http.get(web.url(open_path)) as answer:
                assert answer.status == 200, open_path


async def test_members_of_a_server_with_the_bot_read_the_archive(web: WebDesk) -> None:
    for who in ("alice", "bob", "carol"):
        assert set((await statuses(web, who, READER_PAGES + READER_API)).values()) == {200}, who


async def test_people_in_no_server_with_the_bot_are_refused_and_told_why(web: WebDesk) -> None:
    for who in ("dave", "erin"):  # dave's only server does not have the bot; erin has none
        found = await statuses(web, who, READER_PAGES + READER_API)
        assert set(found.values()) == {403}, who
    async with web.browser() as http:
        await web.sign_in(http, "dave")
        async with http.get(web.url("/search?q=Qatar")) as page:
            assert "none of your servers has it" in await page.text()
        async with http.get(web.url("/api/v1/search?q=Qatar")) as api:
            assert "none of your servers has it" in (await api.json())["error"]


async def test_the_public_archive_is_open_to_anyone_but_servers_are_not(
    public_web: WebDesk,
) -> None:
    assert set((await statuses(public_web, None, READER_PAGES + READER_API)).values()) == {200}
    assert await statuses(public_web, None, ["/servers", "/api/v1/servers"]) == {
        "/servers": 303,
        "/api/v1/servers": 401,
    }
    assert set((await statuses(public_web, "erin", READER_PAGES)).values()) == {200}


async def test_a_server_page_shows_managers_its_feeds_and_members_only_its_name(
    web: WebDesk,
) -> None:
    newsroom = web.discord.world.guilds[0]
    async with web.store.transaction():
        feed = await web.store.add_feed("https://example.org/feed.xml", "2026-03-02", 900)
        await web.store.add_subscription(
            guild_id=newsroom.id,
            channel_id=newsroom.channels[1].id,
            feed_id=feed.id,
            filter_text="Qatar",
            role_id=None,
            created_by=1,
            now="2026-03-02T09:00:00+00:00",
        )
    seen = {}
    for who in ("alice", "bob"):
        async with web.browser() as http:
            await web.sign_in(http, who)
            async with http.get(web.url(f"/api/v1/servers/{newsroom.id}")) as answer:
                seen[who] = await answer.json()
    assert seen["alice"]["server"]["manager"] is True  # the owner
    assert [f["url"] for f in seen["alice"]["feeds"]] == ["https://example.org/feed.xml"]
    assert seen["bob"]["server"] == {"id": str(newsroom.id), "name": "Newsroom", "manager": False}
    assert seen["bob"]["feeds"] == [] and seen["bob"]["digests"] == []


@pytest.mark.parametrize("api", [False, True])
async def test_forged_and_foreign_server_ids_are_refused_and_logged(
    web: WebDesk, api: bool, caplog: pytest.LogCaptureFixture
) -> None:
    backroom = web.discord.world.guilds[1]  # the bot is there, bob is not
    elsewhere = web.discord.world.guilds[2]  # neither is the bot
    forged = [str(backroom.id), str(elsewhere.id), "123", "not-a-number", "1e3", "-1"]
    prefix = "/api/v1/servers/" if api else "/servers/"
    caplog.set_level(logging.WARNING, logger="bot.web")
    found = await statuses(web, "bob", [prefix + quote(g) for g in forged])
    assert set(found.values()) == {403}
    refused = [r.getMessage() for r in caplog.records if "refused server id" in r.getMessage()]
    bob = web.discord.world.user_named("bob").id
    assert len(refused) == len(forged) and all(f"to user {bob}" in line for line in refused)


async def test_the_owner_of_a_server_is_its_manager_and_sees_it_listed(web: WebDesk) -> None:
    async with web.browser() as http:
        await web.sign_in(http, "carol")
        async with http.get(web.url("/servers")) as page:
            text = await page.text()
    assert "Backroom" in text and "you manage it" in text and "Newsroom" not in text
