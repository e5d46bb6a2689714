"""Discord faults during active command handling: 429 storms (per route and global), 5xx
bursts, gateway drops and invalid sessions. Every member gets exactly one answer (or a clear
error), and nothing is answered twice."""

from __future__ import annotations

from typing import Any

import pytest

from bot.sandbox.emulator.state import Interaction
from tests.adversarial.discord_records import callbacks_per_interaction
from tests.newsdesk import Newsdesk

CALLBACK = "POST /interactions/*/*/callback"
REPLY = "POST /channels/*/messages"


def answered_once(newsdesk: Newsdesk, *interactions: Interaction) -> None:
    """Each interaction has exactly one accepted initial response and one visible answer."""
    accepted = callbacks_per_interaction(newsdesk.discord)
    for interaction in interactions:
        assert accepted[str(interaction.id)] == 1, interaction.data.get("name")
        assert len(interaction.messages) == 1, interaction.messages


async def answer_in_flight(newsdesk: Newsdesk) -> Interaction:
    """Start /search without waiting: with the slow callback fault, the gateway fault that
    follows lands while the bot is handling it (or before it read the event: then the event is
    replayed). Either way it must be answered once."""
    return await newsdesk.discord.slash("search", query="Qatar", wait=False)


async def everyone_searches(newsdesk: Newsdesk) -> list[Interaction]:
    """Alice and Bob each run two commands at once; wait for all four answers."""
    discord = newsdesk.discord
    started = [
        await discord.slash("search", user=discord.alice, query="Qatar", wait=False),
        await discord.slash("search", user=discord.bob, query="truce", wait=False),
        await discord.slash("about", user=discord.alice, wait=False),
        await discord.slash("article", user=discord.bob, id=1, wait=False),
    ]
    await discord.wait_for(lambda: all(i.answered for i in started), what="every answer")
    return started


@pytest.mark.parametrize("is_global", [False, True], ids=["per-route", "global"])
async def test_a_429_storm_delays_answers_but_never_doubles_them(
    newsdesk: Newsdesk, is_global: bool
) -> None:
    newsdesk.discord.faults.rate_limit(CALLBACK, times=6, retry_after=0.02, is_global=is_global)

    started = await everyone_searches(newsdesk)

    answered_once(newsdesk, *started)
    limited = [r for r in newsdesk.discord.requests_to("POST", "/callback") if r.status == 429]
    assert len(limited) == 6
    assert started[0].message.embeds[0]["title"] == "Results for “Qatar”"


async def test_a_channel_reply_survives_a_global_429_storm(newsdesk: Newsdesk) -> None:
    discord = newsdesk.discord
    discord.faults.rate_limit(REPLY, times=4, retry_after=0.02, is_global=True)

    (reply,) = await discord.say(discord.channel("general"), "!news Qatar")

    assert reply.embeds[0]["title"] == "Results for “Qatar”"
    assert len(discord.bot_messages()) == 1


async def test_a_5xx_burst_gives_one_answer_or_one_clear_error(newsdesk: Newsdesk) -> None:
    discord = newsdesk.discord
    # 502 is retried by discord.py (after a real 1 s pause); 503 is not retried by the HTTP
    # client: the results or the error path's apology answer it, once.
    discord.faults.server_error(CALLBACK, status=502)
    retried = await discord.slash("search", query="Qatar")
    discord.faults.server_error(CALLBACK, status=503)
    failed = await discord.slash("search", user=discord.bob, query="Qatar")

    answered_once(newsdesk, retried, failed)
    assert retried.message.embeds[0]["title"] == "Results for “Qatar”"
    outcome = failed.message.embeds[0]
    assert outcome.get("title") == "Results for “Qatar”" or (
        failed.message.ephemeral and "Sorry, something went wrong" in outcome["description"]
    )


async def test_a_gateway_drop_mid_command_answers_each_command_once(newsdesk: Newsdesk) -> None:
    discord = newsdesk.discord
    discord.faults.slow(CALLBACK, delay=0.2)
    in_flight = await answer_in_flight(newsdesk)
    async with discord.gateway_held():
        await discord.drop_connection(4000)
        missed = await discord.slash("search", user=discord.bob, query="truce", wait=False)
    await discord.wait_for(
        lambda: missed.answered and in_flight.answered, what="both commands' answers"
    )

    answered_once(newsdesk, in_flight, missed)
    assert len(discord.frames_in(6)) == 1  # resumed, not re-identified
    assert missed.message.embeds[0]["title"] == "Results for “truce”"


async def test_an_invalid_session_mid_command_answers_each_command_once(
    newsdesk: Newsdesk,
) -> None:
    discord = newsdesk.discord

    async def identify_now(*_: Any, **__: Any) -> None:
        """discord.py waits 5 s before identifying again; the emulator needs no such pause."""

    newsdesk.bot.before_identify_hook = identify_now  # type: ignore[method-assign]
    discord.faults.slow(CALLBACK, delay=0.2)
    in_flight = await answer_in_flight(newsdesk)
    await discord.invalidate_session()
    after = await discord.slash("search", user=discord.bob, query="truce")
    await discord.wait_for(lambda: in_flight.answered, what="the first command's answer")

    answered_once(newsdesk, in_flight, after)
    assert len(discord.frames_in(2)) == 2  # a fresh IDENTIFY
    assert after.message.embeds[0]["title"] == "Results for “truce”"
