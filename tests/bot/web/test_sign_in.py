"""Signing in with Discord through the emulator's OAuth2, sessions in the store, signing out,
and the CSRF token every form post needs."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from aiohttp import web as aioweb

from bot.store import MemberGuild
from bot.web import WebContext, WebOptions
from bot.web.auth import safe_next
from bot.web.sessions import digest, open_session
from tests.bot.web.newsroom import WebDesk, csrf_token


async def test_signing_in_lands_on_the_page_asked_for_with_an_httponly_lax_cookie(
    web: WebDesk,
) -> None:
    async with web.browser() as http:
        landed = await web.sign_in(http, "bob", next_path="/search?q=Qatar")
        assert landed.status == 200
        assert str(landed.url) == web.url("/search?q=Qatar")
        cookie = landed.history[-1].headers.getall("Set-Cookie")
        session = next(c for c in cookie if c.startswith("newsdesk_session="))
        assert "HttpOnly" in session and "SameSite=Lax" in session and "Path=/" in session
        assert "Secure" not in session  # served over http here
        async with http.get(web.url("/api/v1/servers")) as mine:
            assert (await mine.json())["servers"] == [
                {"id": str(web.discord.world.guilds[0].id), "name": "Newsroom", "manager": False}
            ]
        stored = await web.store.web_session(digest(web.session_cookie(http)), "2026-03-02")
        assert stored is not None and stored.username == "bob"
        # The store keeps a hash of the cookie, never the cookie itself.
        assert stored.key != web.session_cookie(http)


async def test_a_callback_from_another_browser_or_a_replay_is_refused(web: WebDesk) -> None:
    async with web.browser() as victim, web.browser() as attacker:
        async with victim.get(web.url("/login/discord")) as consent:
            query = dict(consent.url.query)
        user = web.discord.world.user_named("bob")
        async with victim.post(
            f"{web.discord.emulator.base_url}/oauth2/authorize",
            data={**query, "user": str(user.id)},
            allow_redirects=False,
        ) as decided:
            callback = decided.headers["Location"]
        # The attacker's browser did not start this sign-in: its state cookie is missing.
        async with attacker.get(callback) as stolen:
            assert stolen.status == 403
        async with victim.get(callback) as good:
            assert good.status == 200 and "Sign out" in await good.text()
        async with victim.get(callback) as replayed:
            assert replayed.status == 403


async def test_cancelling_on_discord_leaves_you_signed_out(web: WebDesk) -> None:
    async with web.browser() as http:
        async with http.get(web.url("/login/discord")) as consent:
            query = dict(consent.url.query)
        async with http.post(
            f"{web.discord.emulator.base_url}/oauth2/authorize", data={**query, "deny": "1"}
        ) as landed:
            text = await landed.text()
        assert "Signing in was cancelled" in text
        async with http.get(web.url("/api/v1/servers")) as servers:
            assert servers.status == 401


@pytest.mark.parametrize(
    ("asked", "kept"),
    [
        ("/search?q=x", "/search?q=x"),
        ("//evil.example/x", "/"),
        ("https://evil.example/", "/"),
        ("javascript:alert(1)", "/"),
        ("", "/"),
    ],
)
def test_only_paths_on_this_site_are_followed_after_signing_in(asked: str, kept: str) -> None:
    assert safe_next(asked) == kept


async def test_a_session_ends_when_its_lifetime_is_over(web: WebDesk) -> None:
    async with web.browser() as http:
        await web.sign_in(http, "bob")
        async with http.get(web.url("/api/v1/search?q=Qatar")) as fresh:
            assert fresh.status == 200
        web.later(days=7, seconds=1)
        async with http.get(web.url("/api/v1/search?q=Qatar")) as stale:
            assert stale.status == 401


async def test_signing_out_ends_the_session_for_the_old_cookie_too(web: WebDesk) -> None:
    async with web.browser() as http:
        await web.sign_in(http, "bob")
        old_cookie = web.session_cookie(http)
        async with http.get(web.url("/")) as home:
            token = csrf_token(await home.text())
        async with http.post(web.url("/logout"), data={"csrf_token": token}) as out:
            assert out.status == 200 and "Sign in with Discord" in await out.text()
    async with web.browser() as replay:
        cookies = {"newsdesk_session": old_cookie}
        async with replay.get(web.url("/api/v1/servers"), cookies=cookies) as refused:
            assert refused.status == 401


async def test_a_form_posted_without_or_with_a_wrong_csrf_token_is_refused(
    web: WebDesk, caplog: pytest.LogCaptureFixture
) -> None:
    async with web.browser() as http:
        await web.sign_in(http, "bob")
        caplog.set_level(logging.WARNING, logger="bot.web")
        for form in ({}, {"csrf_token": "forged"}):
            async with http.post(web.url("/logout"), data=form) as refused:
                assert refused.status == 403
                assert "did not come from this site" in await refused.text()
        async with http.get(web.url("/")) as home:
            token = csrf_token(await home.text())
        evil = {"Origin": "http://evil.example"}
        async with http.post(web.url("/logout"), data={"csrf_token": token}, headers=evil) as cross:
            assert cross.status == 403
        # Still signed in: none of the refused posts did anything.
        async with http.get(web.url("/api/v1/servers")) as still:
            assert still.status == 200
    assert sum("no valid CSRF token" in r.getMessage() for r in caplog.records) == 2


async def test_a_post_without_a_session_is_refused(web: WebDesk) -> None:
    async with web.browser() as http, http.post(web.url("/logout")) as refused:
        assert refused.status == 403


async def test_over_https_the_cookie_is_secure_and_host_only(web: WebDesk) -> None:
    options = WebOptions(base_url="https://news.example.org", session_lifetime=timedelta(days=2))
    context = WebContext(store=web.store, options=options, clock=web.clock)
    response = aioweb.Response()
    guilds = (MemberGuild(1, "Newsroom", False, 0),)
    await open_session(context, response, 7, "bob", guilds)
    morsel = response.cookies["__Host-newsdesk_session"]
    assert morsel["secure"] and morsel["httponly"] and morsel["samesite"] == "Lax"
    assert morsel["path"] == "/" and not morsel["domain"]
    assert morsel["max-age"] == str(2 * 24 * 3600)
