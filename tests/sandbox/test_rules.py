"""Discord's rules as the emulator enforces them: limits, deadlines, once-only, unknown routes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import discord
import pytest

from bot.sandbox import DiscordEmulator

from .bots import SandboxBot


@pytest.fixture
async def http(discord_emu: DiscordEmulator) -> AsyncIterator[aiohttp.ClientSession]:
    """A plain HTTP client authenticated as the bot, for rules tested without discord.py."""
    headers = {"Authorization": f"Bot {discord_emu.token}"}
    async with aiohttp.ClientSession(discord_emu.emulator.api_url + "/", headers=headers) as s:
        yield s


async def _post_message(
    http: aiohttp.ClientSession, emu: DiscordEmulator, body: dict[str, Any]
) -> tuple[int, Any]:
    channel = emu.channel("general")
    async with http.post(f"channels/{channel.id}/messages", json=body) as response:
        assert response.headers["Content-Type"] == "application/json"
        return response.status, await response.json()


def _leaf(body: dict[str, Any], *path: str) -> list[dict[str, str]]:
    node = body["errors"]
    for part in path:
        node = node[part]
    return node["_errors"]


async def test_over_limit_embed_raises_50035_in_the_bot(
    discord_emu: DiscordEmulator, bot: SandboxBot
) -> None:
    reply = await discord_emu.slash("huge")

    (error,) = bot.errors
    assert isinstance(error, discord.HTTPException)
    assert (error.status, error.code) == (400, 50035)
    assert error.text == (
        "Invalid Form Body\nIn data.embeds.0.description: Must be 4096 or fewer in length."
    )
    rejected = discord_emu.requests_to("POST", "/callback")[0]
    assert rejected.status == 400
    assert reply.message.content == "too big"  # the bot's fallback, sent after the rejection


async def test_over_limit_embed_from_channel_send(
    discord_emu: DiscordEmulator, bot: SandboxBot
) -> None:
    channel = bot.get_channel(discord_emu.channel("news").id)
    assert isinstance(channel, discord.TextChannel)
    embed = discord.Embed(title="t" * 257)

    with pytest.raises(discord.HTTPException) as caught:
        await channel.send(embed=embed)

    assert caught.value.code == 50035
    assert "In embeds.0.title: Must be 256 or fewer in length." in caught.value.text
    assert discord_emu.bot_messages() == []


@pytest.mark.parametrize(
    ("body", "path", "code", "message"),
    [
        ({"content": "x" * 2001}, ["content"], "BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer"),
        ({"embeds": [{"title": "t"}] * 11}, ["embeds"], "BASE_TYPE_MAX_LENGTH", "Must be 10 or"),
        (
            {"embeds": [{"description": "d" * 4097}]},
            ["embeds", "0", "description"],
            "BASE_TYPE_MAX_LENGTH",
            "Must be 4096 or fewer",
        ),
        (
            {"embeds": [{"fields": [{"name": "n", "value": "v"}] * 26}]},
            ["embeds", "0", "fields"],
            "BASE_TYPE_MAX_LENGTH",
            "Must be 25 or fewer",
        ),
        (
            {"embeds": [{"fields": [{"name": "n" * 257, "value": "v"}]}]},
            ["embeds", "0", "fields", "0", "name"],
            "BASE_TYPE_MAX_LENGTH",
            "Must be 256 or fewer",
        ),
        (
            {"embeds": [{"fields": [{"name": "n", "value": "v" * 1025}]}]},
            ["embeds", "0", "fields", "0", "value"],
            "BASE_TYPE_MAX_LENGTH",
            "Must be 1024 or fewer",
        ),
        (
            {"embeds": [{"footer": {"text": "f" * 2049}}]},
            ["embeds", "0", "footer", "text"],
            "BASE_TYPE_MAX_LENGTH",
            "Must be 2048 or fewer",
        ),
        (
            {"embeds": [{"author": {"name": "a" * 257}}]},
            ["embeds", "0", "author", "name"],
            "BASE_TYPE_MAX_LENGTH",
            "Must be 256 or fewer",
        ),
        (
            {
                "embeds": [
                    {"description": "d" * 4000, "title": "t" * 200},
                    {"description": "d" * 2000},
                ]
            },
            ["embeds"],
            "MAX_EMBED_SIZE_EXCEEDED",
            "Embed size exceeds maximum size of 6000",
        ),
    ],
)
async def test_message_limits(
    discord_emu: DiscordEmulator,
    http: aiohttp.ClientSession,
    body: dict[str, Any],
    path: list[str],
    code: str,
    message: str,
) -> None:
    status, answer = await _post_message(http, discord_emu, body)

    assert status == 400
    assert (answer["code"], answer["message"]) == (50035, "Invalid Form Body")
    (error,) = _leaf(answer, *path)
    assert error["code"] == code
    assert error["message"].startswith(message)


def _button(custom_id: str, label: str = "Go") -> dict[str, Any]:
    return {"type": 2, "style": 1, "label": label, "custom_id": custom_id}


def _select(custom_id: str, options: int = 2) -> dict[str, Any]:
    choices = [{"label": f"o{i}", "value": f"o{i}"} for i in range(options)]
    return {"type": 3, "custom_id": custom_id, "options": choices}


@pytest.mark.parametrize(
    ("components", "path", "code"),
    [
        ([{"type": 1, "components": [_button("b")]}] * 6, ["components"], "BASE_TYPE_MAX_LENGTH"),
        (
            [{"type": 1, "components": [_button(f"b{i}") for i in range(6)]}],
            ["components", "0", "components"],
            "BASE_TYPE_MAX_LENGTH",
        ),
        (
            [{"type": 1, "components": [_select("s"), _button("b")]}],
            ["components", "0", "components"],
            "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
        ),
        (
            [{"type": 1, "components": [_button("x" * 101)]}],
            ["components", "0", "components", "0", "custom_id"],
            "BASE_TYPE_MAX_LENGTH",
        ),
        (
            [{"type": 1, "components": [_button("b", label="l" * 81)]}],
            ["components", "0", "components", "0", "label"],
            "BASE_TYPE_MAX_LENGTH",
        ),
        (
            [{"type": 1, "components": [_select("s", options=26)]}],
            ["components", "0", "components", "0", "options"],
            "BASE_TYPE_MAX_LENGTH",
        ),
    ],
)
async def test_component_limits(
    discord_emu: DiscordEmulator,
    http: aiohttp.ClientSession,
    components: list[dict[str, Any]],
    path: list[str],
    code: str,
) -> None:
    status, answer = await _post_message(
        http, discord_emu, {"content": "c", "components": components}
    )

    assert (status, answer["code"]) == (400, 50035)
    assert _leaf(answer, *path)[0]["code"] == code


async def test_within_limits_is_accepted(
    discord_emu: DiscordEmulator, http: aiohttp.ClientSession
) -> None:
    rows = [{"type": 1, "components": [_button(f"r{r}b{i}") for i in range(5)]} for r in range(4)]
    rows.append({"type": 1, "components": [_select("s", options=25)]})
    embed = {"title": "t" * 256, "description": "d" * 4096, "footer": {"text": "f" * 100}}
    body = {"content": "c" * 2000, "embeds": [embed], "components": rows}

    status, answer = await _post_message(http, discord_emu, body)

    assert status == 200
    assert answer["content"] == "c" * 2000


async def test_empty_message_is_refused(
    discord_emu: DiscordEmulator, http: aiohttp.ClientSession
) -> None:
    status, answer = await _post_message(http, discord_emu, {"content": ""})

    assert (status, answer) == (400, {"message": "Cannot send an empty message", "code": 50006})


async def test_unknown_route_is_404_and_logged(
    discord_emu: DiscordEmulator, http: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        async with http.get("guilds/1/bans") as response:
            status, body = response.status, await response.json()

    assert (status, body) == (404, {"message": "404: Not Found", "code": 0})
    assert "UNKNOWN DISCORD ROUTE GET /guilds/1/bans" in caplog.text
    assert discord_emu.requests[-1].status == 404


async def test_wrong_token_is_unauthorized(discord_emu: DiscordEmulator) -> None:
    headers = {"Authorization": "Bot wrong"}
    async with (
        aiohttp.ClientSession(headers=headers) as http,
        http.get(discord_emu.emulator.api_url + "/users/@me") as response,
    ):
        assert response.status == 401


async def test_second_response_is_already_acknowledged(
    discord_emu: DiscordEmulator, bot: SandboxBot, http: aiohttp.ClientSession
) -> None:
    reply = await discord_emu.slash("search", query="Qatar")

    url = f"interactions/{reply.id}/{reply.token}/callback"
    async with http.post(url, json={"type": 4, "data": {"content": "again"}}) as response:
        status, body = response.status, await response.json()

    assert status == 400
    assert body == {"message": "Interaction has already been acknowledged.", "code": 40060}
    assert len(reply.messages) == 1


async def test_late_acknowledgement_is_unknown_interaction(
    discord_emu: DiscordEmulator, bot: SandboxBot
) -> None:
    pending = await discord_emu.slash("late", wait=False)
    discord_emu.clock.advance(seconds=3.01)
    bot.release.set()

    await asyncio.wait_for(bot.error_seen.wait(), 10)

    (error,) = bot.errors
    assert isinstance(error, discord.NotFound)
    assert error.code == 10062
    assert pending.response_type is None
    assert discord_emu.bot_messages() == []


async def test_follow_ups_expire_after_15_minutes(
    discord_emu: DiscordEmulator, bot: SandboxBot, http: aiohttp.ClientSession
) -> None:
    reply = await discord_emu.slash("search", query="Qatar")
    app_id = discord_emu.bot_user.id

    discord_emu.clock.advance(minutes=14)
    url = f"webhooks/{app_id}/{reply.token}?wait=1"
    async with http.post(url, json={"content": "still in time"}) as response:
        assert response.status == 200
    discord_emu.clock.advance(minutes=2)
    async with http.post(url, json={"content": "too late"}) as response:
        status, body = response.status, await response.json()

    assert (status, body) == (401, {"message": "Invalid Webhook Token", "code": 50027})
    assert [m.content for m in reply.followups] == ["still in time"]


async def test_autocomplete_over_25_choices_is_rejected(
    discord_emu: DiscordEmulator, http: aiohttp.ClientSession, bot: SandboxBot
) -> None:
    pending = await discord_emu.slash("late", wait=False)
    choices = [{"name": f"c{i}", "value": f"c{i}"} for i in range(26)]

    url = f"interactions/{pending.id}/{pending.token}/callback"
    async with http.post(url, json={"type": 8, "data": {"choices": choices}}) as response:
        status, body = response.status, await response.json()
    bot.release.set()

    assert (status, body["code"]) == (400, 50035)
    assert body["errors"]["data"]["choices"]["_errors"][0]["message"] == (
        "Must be 25 or fewer in length."
    )
