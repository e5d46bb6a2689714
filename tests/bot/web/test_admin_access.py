"""Who may use a server's admin pages (digests, follows, mute list, settings, export and
import) and their forms: Manage Server, or for the digest pages the digest role, exactly as the
slash commands check; everyone else 403; forms without the CSRF token refused; another server's
id refused and logged. On both backends."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest

from bot.clock import FakeClock
from bot.digest.manage import set_digest_role
from tests import backends
from tests.bot.web.newsroom import WebDesk, csrf_token, running_web

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.fixture(params=backends.BACKENDS)
async def admin_web(request: pytest.FixtureRequest, newsroom_copy: Path) -> AsyncIterator[WebDesk]:
    """The web over the newsroom (SQLite) or a fresh PostgreSQL database, with a digest in
    the Newsroom (#1, so every digest form has a target)."""
    clock = FakeClock(NOW)
    if request.param == "sqlite":
        async with running_web(newsroom_copy, clock) as desk:
            yield await with_a_digest(desk)
        return
    server = request.getfixturevalue("postgres_server")
    template = request.getfixturevalue("postgres_template")
    async with backends.fresh_database(server, template) as url, running_web(url, clock) as desk:
        yield await with_a_digest(desk)


async def with_a_digest(web: WebDesk) -> WebDesk:
    guild = web.discord.world.guilds[0]
    async with web.browser() as http:
        await web.sign_in(http, "alice")
        async with http.get(web.url(f"/servers/{guild.id}/digests")) as page:
            token = csrf_token(await page.text())
        data = {
            "csrf_token": token,
            "channel": str(guild.channels[1].id),
            "time": "09:00",
            "action": "schedule",
        }
        async with http.post(web.url(f"/servers/{guild.id}/digests"), data=data) as made:
            assert made.status == 200
    return web


def digest_pages(guild_id: int, digest_id: int) -> list[str]:
    base = f"/servers/{guild_id}/digests"
    return [base, f"{base}/{digest_id}/preview", f"/api/v1{base}"]


def other_pages(guild_id: int) -> list[str]:
    base = f"/servers/{guild_id}"
    pages = [f"{base}/{name}" for name in ("follows", "mutes", "settings", "backup")]
    return [*pages, f"{base}/backup.json", *(f"/api/v1{page}" for page in pages)]


def digest_forms(guild_id: int, digest_id: int) -> list[tuple[str, dict[str, str]]]:
    base = f"/servers/{guild_id}/digests"
    return [
        (base, {"channel": "123456789012345678", "time": "10:00", "action": "schedule"}),
        *((f"{base}/{digest_id}/{action}", {}) for action in ("pause", "resume", "remove")),
    ]


def other_forms(guild_id: int) -> list[tuple[str, dict[str, str]]]:
    base = f"/servers/{guild_id}"
    return [
        (f"{base}/follows/1/remove", {}),
        (f"{base}/mutes", {"kind": "word", "value": "crypto"}),
        (f"{base}/mutes/1/remove", {}),
        (f"{base}/settings", {"setting": "prefix", "value": "?"}),
        (f"{base}/backup", {}),
    ]


async def visit(web: WebDesk, http: aiohttp.ClientSession, pages: list[str]) -> dict[str, int]:
    found = {}
    for path in pages:
        async with http.get(web.url(path), allow_redirects=False) as answer:
            found[path] = answer.status
    return found


async def post(
    web: WebDesk,
    http: aiohttp.ClientSession,
    forms: list[tuple[str, dict[str, str]]],
    token: str | None,
) -> dict[str, tuple[int, str]]:
    found = {}
    for path, fields in forms:
        data = fields if token is None else {**fields, "csrf_token": token}
        async with http.post(web.url(path), data=data, allow_redirects=False) as answer:
            found[path] = (answer.status, await answer.text())
    return found


async def token_of(web: WebDesk, http: aiohttp.ClientSession) -> str:
    async with http.get(web.url("/servers")) as page:
        return csrf_token(await page.text())


async def test_a_member_without_manage_server_gets_403_on_every_admin_page_and_form(
    admin_web: WebDesk,
) -> None:
    web = admin_web
    guild_id = web.discord.world.guilds[0].id
    [digest] = await web.store.digest_schedules(guild_id)
    async with web.browser() as http:
        await web.sign_in(http, "bob")
        pages = await visit(web, http, digest_pages(guild_id, digest.id) + other_pages(guild_id))
        assert set(pages.values()) == {403}, pages
        forms = digest_forms(guild_id, digest.id) + other_forms(guild_id)
        posted = await post(web, http, forms, await token_of(web, http))
    assert {path: status for path, (status, _) in posted.items()} == dict.fromkeys(
        [path for path, _ in forms], 403
    )
    digest_refusal = posted[f"/servers/{guild_id}/digests"][1]
    assert "Manage Server permission or the digest role" in digest_refusal
    assert "needs the Manage Server permission" in posted[f"/servers/{guild_id}/mutes"][1]
    # Nothing changed: the digest is there, unpaused; no rule, no prefix.
    [still] = await web.store.digest_schedules(guild_id)
    assert not still.paused
    assert await web.store.guild_mutes(guild_id) == []
    assert await web.store.guild_setting(guild_id, "prefix") is None


async def test_the_digest_role_opens_the_digest_pages_and_nothing_else(
    admin_web: WebDesk,
) -> None:
    web = admin_web
    guild = web.discord.world.guilds[0]
    editors = guild.roles[1]
    bob = web.discord.world.user_named("bob")
    member = guild.member(bob.id)
    assert member is not None
    member.roles.append(editors.id)
    [digest] = await web.store.digest_schedules(guild.id)
    # With the role but before it is the digest role: still refused.
    async with web.browser() as http:
        await web.sign_in(http, "bob")
        assert set((await visit(web, http, digest_pages(guild.id, digest.id))).values()) == {403}
    await set_digest_role(web.store, guild.id, editors.id)
    async with web.browser() as http:
        await web.sign_in(http, "bob")  # roles are read at sign-in
        pages = await visit(web, http, digest_pages(guild.id, digest.id))
        assert set(pages.values()) == {200}, pages
        token = await token_of(web, http)
        async with http.post(
            web.url(f"/servers/{guild.id}/digests/{digest.id}/pause"), data={"csrf_token": token}
        ) as paused:
            assert paused.status == 200 and "Paused (paused by bob)" in await paused.text()
        # The role is for digests only: the other admin pages and forms stay closed.
        assert set((await visit(web, http, other_pages(guild.id))).values()) == {403}
        posted = await post(web, http, other_forms(guild.id), token)
        assert {status for status, _ in posted.values()} == {403}


async def test_admin_forms_without_the_csrf_token_are_refused(admin_web: WebDesk) -> None:
    web = admin_web
    guild_id = web.discord.world.guilds[0].id
    [digest] = await web.store.digest_schedules(guild_id)
    forms = digest_forms(guild_id, digest.id) + other_forms(guild_id)
    async with web.browser() as http:
        await web.sign_in(http, "alice")  # the owner: allowed, but for the missing token
        without = await post(web, http, forms, None)
        forged = await post(web, http, forms, "not-the-token")
    for found in (without, forged):
        assert {status for status, _ in found.values()} == {403}
        assert all("did not come from this site" in text for _, text in found.values())
    [still] = await web.store.digest_schedules(guild_id)
    assert not still.paused and len(await web.store.digest_schedules(guild_id)) == 1
    assert await web.store.guild_mutes(guild_id) == []


async def test_another_servers_id_is_refused_on_every_admin_page_and_logged(
    admin_web: WebDesk, caplog: pytest.LogCaptureFixture
) -> None:
    web = admin_web
    newsroom, backroom, elsewhere = web.discord.world.guilds
    [digest] = await web.store.digest_schedules(newsroom.id)
    caplog.set_level(logging.WARNING, logger="bot.web")
    targets = [backroom.id, elsewhere.id]
    async with web.browser() as http:
        await web.sign_in(http, "alice")  # Newsroom's owner, in neither of the others
        token = await token_of(web, http)
        for target in targets:
            pages = await visit(web, http, digest_pages(target, digest.id) + other_pages(target))
            assert set(pages.values()) == {403}, pages
            forms = digest_forms(target, digest.id) + other_forms(target)
            posted = await post(web, http, forms, token)
            assert {status for status, _ in posted.values()} == {403}
    refused = [r.getMessage() for r in caplog.records if "refused server id" in r.getMessage()]
    alice = web.discord.world.user_named("alice").id
    per_server = len(digest_pages(0, 0) + other_pages(0) + digest_forms(0, 0) + other_forms(0))
    assert len(refused) == per_server * len(targets)
    assert all(f"to user {alice}" in line for line in refused)
    # Newsroom's digest was not touched through another server's address.
    [still] = await web.store.digest_schedules(newsroom.id)
    assert not still.paused
