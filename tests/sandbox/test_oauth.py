"""The emulator's "Login with Discord": the consent page, codes exchanged once with PKCE and the
registered redirect URI, and bearer reads of the user and their servers' permissions."""

from __future__ import annotations

import base64
import re
from urllib.parse import parse_qs, urlsplit

import aiohttp

from bot.clock import FakeClock
from bot.sandbox import DiscordEmulator
from bot.sandbox.emulator.oauth import s256
from bot.sandbox.emulator.state import ADMINISTRATOR, ALL_PERMISSIONS, Role

REDIRECT = "http://127.0.0.1:9/auth/callback"
VERIFIER = "v" * 50


def authorize_query(emu: DiscordEmulator, **changes: str) -> dict[str, str]:
    query = {
        "client_id": str(emu.world.bot.id),
        "redirect_uri": REDIRECT,
        "response_type": "code",
        "scope": "identify guilds",
        "state": "state-123",
        "code_challenge": s256(VERIFIER),
        "code_challenge_method": "S256",
    }
    return {**query, **changes}


async def sign_in(
    emu: DiscordEmulator, http: aiohttp.ClientSession, username: str = "alice"
) -> dict[str, list[str]]:
    """Pick `username` on the consent page; return the query the browser is sent back with."""
    user = emu.world.user_named(username)
    async with http.post(
        f"{emu.emulator.base_url}/oauth2/authorize",
        data={**authorize_query(emu), "user": str(user.id)},
        allow_redirects=False,
    ) as answer:
        assert answer.status == 302
        location = urlsplit(answer.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    return parse_qs(location.query)


async def exchange(
    emu: DiscordEmulator, http: aiohttp.ClientSession, code: str, **changes: str
) -> tuple[int, dict[str, str]]:
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "code_verifier": VERIFIER,
        **changes,
    }
    form["client_id"] = str(emu.world.bot.id)
    form["client_secret"] = emu.emulator.oauth.client_secret
    async with http.post(f"{emu.emulator.base_url}/api/oauth2/token", data=form) as r:
        return r.status, await r.json()


async def test_the_consent_page_lists_people_and_refuses_unregistered_redirects() -> None:
    async with DiscordEmulator(clock=FakeClock()) as emu, aiohttp.ClientSession() as http:
        page = f"{emu.emulator.base_url}/oauth2/authorize"
        async with http.get(page, params=authorize_query(emu)) as answer:
            assert answer.status == 400
            assert "redirect_uri" in await answer.text()
        emu.emulator.oauth.redirect_uris.append(REDIRECT)
        async with http.get(page, params=authorize_query(emu)) as answer:
            text = await answer.text()
        assert answer.status == 200
        assert re.findall(r"Sign in as (\w+)", text) == ["alice", "bob"]
        async with http.get(page, params=authorize_query(emu, scope="identify email")) as bad:
            assert bad.status == 400


async def test_a_code_is_exchanged_once_with_its_verifier_and_redirect_uri() -> None:
    async with DiscordEmulator(clock=FakeClock()) as emu, aiohttp.ClientSession() as http:
        emu.emulator.oauth.redirect_uris.append(REDIRECT)
        back = await sign_in(emu, http)
        assert back["state"] == ["state-123"]
        code = back["code"][0]
        assert (await exchange(emu, http, code, code_verifier="w" * 50))[1]["error"] == (
            "invalid_grant"
        )
        # The failed attempt used the code up, as a replayed code must be.
        code = (await sign_in(emu, http))["code"][0]
        status, body = await exchange(emu, http, code, redirect_uri=REDIRECT + "x")
        assert (status, body["error"]) == (400, "invalid_grant")
        code = (await sign_in(emu, http))["code"][0]
        status, token = await exchange(emu, http, code)
        assert status == 200 and token["token_type"] == "Bearer"
        assert token["scope"] == "guilds identify"
        assert (await exchange(emu, http, code))[1]["error"] == "invalid_grant"


def basic(login: str, password: str) -> dict[str, str]:
    encoded = base64.b64encode(f"{login}:{password}".encode()).decode()
    return {"Authorization": f"Basic {encoded}"}


async def test_the_client_is_checked_by_form_or_basic_authentication() -> None:
    async with DiscordEmulator(clock=FakeClock()) as emu, aiohttp.ClientSession() as http:
        emu.emulator.oauth.redirect_uris.append(REDIRECT)
        client = str(emu.world.bot.id)
        url = f"{emu.emulator.base_url}/api/oauth2/token"
        for headers in (basic(client, "not-the-secret"), basic("123", "x"), {}):
            code = (await sign_in(emu, http))["code"][0]
            form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
            async with http.post(url, data=form, headers=headers) as answer:
                assert answer.status == 401
        code = (await sign_in(emu, http))["code"][0]
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "code_verifier": VERIFIER,
        }
        headers = basic(client, emu.emulator.oauth.client_secret)
        async with http.post(url, data=form, headers=headers) as answer:
            assert answer.status == 200


async def test_cancelling_sends_the_browser_back_with_access_denied() -> None:
    async with DiscordEmulator(clock=FakeClock()) as emu, aiohttp.ClientSession() as http:
        emu.emulator.oauth.redirect_uris.append(REDIRECT)
        async with http.post(
            f"{emu.emulator.base_url}/oauth2/authorize",
            data={**authorize_query(emu), "deny": "1"},
            allow_redirects=False,
        ) as answer:
            back = parse_qs(urlsplit(answer.headers["Location"]).query)
        assert back["error"] == ["access_denied"] and back["state"] == ["state-123"]
        assert "code" not in back


async def test_a_bearer_token_reads_the_user_and_their_servers_permissions() -> None:
    async with DiscordEmulator(clock=FakeClock()) as emu, aiohttp.ClientSession() as http:
        emu.emulator.oauth.redirect_uris.append(REDIRECT)
        guild = emu.world.guilds[0]
        # Members only see and send messages; bob also has a role that manages the server.
        guild.roles[0].permissions = (1 << 10) | (1 << 11)
        managers = Role(emu.world.ids.next(), "Managers", permissions=1 << 5, position=5)
        guild.roles.append(managers)
        guild.member(emu.world.user_named("bob").id).roles.append(managers.id)  # type: ignore[union-attr]
        api = emu.emulator.api_url
        found = {}
        for name in ("alice", "bob"):
            code = (await sign_in(emu, http, name))["code"][0]
            token = (await exchange(emu, http, code))[1]["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            async with http.get(f"{api}/users/@me", headers=headers) as me:
                assert (await me.json())["username"] == name
            async with http.get(f"{api}/users/@me/guilds", headers=headers) as guilds:
                found[name] = (await guilds.json())[0]
            # The token reads nothing else.
            async with http.get(f"{api}/guilds/{guild.id}", headers=headers) as other:
                assert other.status == 403
        # alice created the guild: its owner, with every permission.
        assert found["alice"]["owner"] is True
        assert found["alice"]["permissions"] == str(ALL_PERMISSIONS)
        assert found["bob"]["owner"] is False
        assert found["bob"]["permissions"] == str((1 << 10) | (1 << 11) | (1 << 5))
        async with http.get(f"{api}/users/@me", headers={"Authorization": "Bearer nope"}) as r:
            assert r.status == 401
        # The bot's own token still reads the bot.
        bot_auth = {"Authorization": f"Bot {emu.token}"}
        async with http.get(f"{api}/users/@me", headers=bot_auth) as me:
            assert (await me.json())["bot"] is True
        assert ADMINISTRATOR & int(found["alice"]["permissions"])
