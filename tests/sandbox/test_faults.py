"""Faults on demand: the real bot survives rate limits, server errors and gateway drops."""

from __future__ import annotations

import asyncio
import contextlib

import discord
import pytest

from bot.sandbox import DiscordEmulator

from .bots import SandboxBot

CALLBACK = "POST /interactions/*/*/callback"


def _statuses(emu: DiscordEmulator, method: str, part: str) -> list[int]:
    return [r.status for r in emu.requests_to(method, part)]


async def test_route_rate_limit_is_retried_after_retry_after(
    discord_emu: DiscordEmulator, bot: SandboxBot
) -> None:
    discord_emu.faults.rate_limit(CALLBACK, retry_after=0.05)

    reply = await discord_emu.slash("search", query="Qatar")

    limited, accepted = discord_emu.requests_to("POST", "/callback")
    assert (limited.status, accepted.status) == (429, 200)
    assert accepted.at - limited.at >= 0.05
    assert len(reply.messages) == 1
    assert bot.handled == ["search:Qatar"]


async def test_global_rate_limit_is_retried(discord_emu: DiscordEmulator, bot: SandboxBot) -> None:
    discord_emu.faults.rate_limit("POST /channels/*/messages", retry_after=0.08, is_global=True)

    replies = await discord_emu.say(discord_emu.channel("news"), "!news Qatar")

    limited, accepted = discord_emu.requests_to("POST", "/messages")
    assert (limited.status, accepted.status) == (429, 200)
    assert accepted.at - limited.at >= 0.08
    assert [m.content for m in replies] == ["news about Qatar"]
    assert len(discord_emu.bot_messages()) == 1


async def test_server_error_is_retried_once(discord_emu: DiscordEmulator, bot: SandboxBot) -> None:
    # discord.py really sleeps 1 s before retrying a 500: the one slow test of the suite.
    discord_emu.faults.server_error("POST /channels/*/messages", status=500)

    replies = await discord_emu.say(discord_emu.channel("news"), "!news Qatar")

    assert _statuses(discord_emu, "POST", "/messages") == [500, 200]
    assert [m.content for m in replies] == ["news about Qatar"]
    assert len(discord_emu.bot_messages()) == 1


async def test_unretried_503_reaches_the_bot(discord_emu: DiscordEmulator, bot: SandboxBot) -> None:
    discord_emu.faults.server_error("POST /channels/*/messages", status=503)
    channel = bot.get_channel(discord_emu.channel("news").id)
    assert isinstance(channel, discord.TextChannel)

    with pytest.raises(discord.DiscordServerError) as caught:
        await channel.send("hello")

    assert caught.value.status == 503
    assert discord_emu.bot_messages() == []


async def test_a_refusal_reaches_the_bot_with_discords_code(
    discord_emu: DiscordEmulator, bot: SandboxBot
) -> None:
    discord_emu.faults.refuse("POST /channels/*/messages", message="Missing Permissions")
    channel = bot.get_channel(discord_emu.channel("news").id)
    assert isinstance(channel, discord.TextChannel)

    with pytest.raises(discord.Forbidden) as caught:
        await channel.send("hello")
    again = await channel.send("hello")  # the fault was for one request

    assert (caught.value.status, caught.value.code) == (403, 50013)
    assert caught.value.text == "Missing Permissions"
    assert [m.id for m in discord_emu.bot_messages()] == [again.id]
    with pytest.raises(ValueError, match="4xx"):
        discord_emu.faults.refuse("POST /channels/*/messages", status=500)


async def test_slow_response_still_answers(discord_emu: DiscordEmulator, bot: SandboxBot) -> None:
    discord_emu.faults.slow(CALLBACK, delay=0.2)

    reply = await discord_emu.slash("search", query="Qatar")

    callback = discord_emu.requests_to("POST", "/callback")
    assert [r.status for r in callback] == [200]
    assert reply.message.embeds[0]["title"] == "Results for Qatar"


async def test_a_request_being_answered_slowly_is_seen_before_its_answer(
    discord_emu: DiscordEmulator, bot: SandboxBot
) -> None:
    # A test that kills the bot "once its post has reached Discord" must see the post while
    # the answer is still held back, not when it is sent (the crash tests raced on this).
    discord_emu.faults.slow("POST /channels/*/messages", delay=5.0)
    channel = bot.get_channel(discord_emu.channel("news").id)
    assert isinstance(channel, discord.TextChannel)
    sending = asyncio.create_task(channel.send("hello"))
    try:
        (seen,) = await discord_emu.wait_for(
            lambda: discord_emu.requests_to("POST", "/messages"),
            wait_seconds=2.0,
            what="the post to reach the emulator",
        )
        assert seen.status == 0  # still being answered (no status recorded yet)
        assert discord_emu.bot_messages() == []
    finally:
        sending.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sending


@pytest.mark.parametrize("fault", ["close 4000", "abort 1006", "op 7 reconnect"])
async def test_dropped_gateway_resumes_and_replays_missed_events(
    discord_emu: DiscordEmulator, bot: SandboxBot, fault: str
) -> None:
    await discord_emu.slash("search", query="before")
    async with discord_emu.gateway_held():
        if fault == "close 4000":
            await discord_emu.drop_connection(4000)
        elif fault == "abort 1006":
            discord_emu.abort_connection()
        else:
            await discord_emu.request_reconnect()
        # Dispatched while the bot is away: held, then replayed after RESUME.
        reply = await discord_emu.slash("search", query="during", wait=False)
    await discord_emu.wait_for(lambda: reply.answered, what="the replayed command's answer")

    held = [f for f in discord_emu.frames if f.direction == "held"]
    assert [f.event for f in held] == ["INTERACTION_CREATE"]
    assert len(discord_emu.frames_in(6)) == 1  # one RESUME
    assert len(discord_emu.frames_in(2)) == 1  # no second IDENTIFY
    assert reply.message.embeds[0]["title"] == "Results for during"
    # Events seen before the drop are not replayed: each command ran exactly once.
    assert bot.handled == ["search:before", "search:during"]
    assert _statuses(discord_emu, "POST", "/callback") == [200, 200]


async def test_invalid_session_makes_the_bot_identify_again(
    discord_emu: DiscordEmulator, bot: SandboxBot
) -> None:
    await discord_emu.slash("search", query="before")

    await discord_emu.invalidate_session()
    reply = await discord_emu.slash("search", query="after")

    assert len(discord_emu.frames_in(2)) == 2  # a fresh IDENTIFY
    assert discord_emu.frames_in(6) == []  # and no RESUME
    assert reply.message.embeds[0]["title"] == "Results for after"
    assert bot.handled == ["search:before", "search:after"]
