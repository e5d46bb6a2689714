"""Channel webhooks in the emulator: created, listed, executed (also in threads and forums),
their messages read, edited and deleted, and deleted themselves — through the real discord.py
client — with Discord's rules: names, 15 per channel, Manage Webhooks, payload limits, forum
posts, unknown webhooks and the per-webhook rate limit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import discord
import pytest

from bot.sandbox import DiscordEmulator
from bot.sandbox.emulator.hooks import EXECUTE_LIMIT, Bucket, name_problem

from .bots import SandboxBot

VIEW_SEND_EMBED = (1 << 10) | (1 << 11) | (1 << 14)  # no Administrator, no Manage Webhooks


@pytest.fixture
async def http(discord_emu: DiscordEmulator) -> AsyncIterator[aiohttp.ClientSession]:
    """A plain HTTP client authenticated as the bot."""
    headers = {"Authorization": f"Bot {discord_emu.token}"}
    async with aiohttp.ClientSession(discord_emu.emulator.api_url + "/", headers=headers) as s:
        yield s


async def text_channel(bot: SandboxBot, emu: DiscordEmulator, name: str) -> Any:
    channel = bot.get_channel(emu.channel(name).id)
    assert channel is not None
    return channel


async def test_the_bot_creates_lists_and_posts_through_a_webhook_with_a_name_and_avatar(
    discord_emu: DiscordEmulator, bot: SandboxBot
) -> None:
    news = await text_channel(bot, discord_emu, "news")
    created = await news.create_webhook(name="Newsdesk")
    [listed] = await news.webhooks()
    assert (listed.id, listed.name, listed.token) == (created.id, "Newsdesk", created.token)
    assert listed.user is not None and listed.user.id == discord_emu.bot_user.id

    sent = await listed.send(
        "Storm closes ports",
        username="Harbour Times",
        avatar_url="https://harbour.example/logo.png",
        embed=discord.Embed(title="Storm"),
        wait=True,
    )
    [stored] = discord_emu.channel_messages(discord_emu.channel("news"))
    assert (sent.id, sent.webhook_id, sent.author.name) == (stored.id, created.id, "Harbour Times")
    assert stored.kind == "webhook" and stored.avatar_url == "https://harbour.example/logo.png"
    assert [e["title"] for e in stored.embeds] == ["Storm"]
    assert stored.author.id == created.id  # the webhook, not the bot, is the author
    execute = discord_emu.requests_to("POST", f"/webhooks/{created.id}/")[-1]
    assert execute.query["wait"] == "1" and execute.status == 200

    edited = await listed.edit_message(sent.id, content="Storm closes three ports")
    assert edited.content == "Storm closes three ports" == stored.content
    fetched = await listed.fetch_message(sent.id)
    assert fetched.content == "Storm closes three ports"
    await listed.delete_message(sent.id)
    assert discord_emu.channel_messages(discord_emu.channel("news")) == []


async def test_a_webhook_posts_in_a_thread_of_its_channel_and_opens_forum_posts(
    discord_emu: DiscordEmulator, bot: SandboxBot
) -> None:
    news = await text_channel(bot, discord_emu, "news")
    webhook = await news.create_webhook(name="Newsdesk")
    thread = discord_emu.world.add_thread(discord_emu.channel("news"), "storm", discord_emu.alice)
    sent = await webhook.send("in the thread", thread=discord.Object(thread.id), wait=True)
    assert sent.channel.id == thread.id
    assert [m.content for m in discord_emu.channel_messages(thread)] == ["in the thread"]
    assert discord_emu.channel_messages(discord_emu.channel("news")) == []
    edited = await webhook.edit_message(sent.id, content="edited", thread=discord.Object(thread.id))
    assert edited.content == "edited"

    forum = bot.get_channel(discord_emu.channel("briefings").id)
    assert isinstance(forum, discord.ForumChannel)
    posts = await forum.create_webhook(name="Newsdesk")
    with pytest.raises(discord.HTTPException) as refused:
        await posts.send("no post named", wait=True)
    assert (refused.value.status, refused.value.code) == (400, 220001)
    opened = await posts.send("Harbour reopens", thread_name="Harbour reopens", wait=True)
    [post] = [t for t in discord_emu.guild.threads if t.name == "Harbour reopens"]
    assert opened.id == opened.channel.id == post.id  # the starter shares the post's id
    assert post.owner_id == posts.id


async def test_deleted_webhooks_and_wrong_tokens_are_unknown(
    discord_emu: DiscordEmulator, bot: SandboxBot, http: aiohttp.ClientSession
) -> None:
    news = await text_channel(bot, discord_emu, "news")
    webhook = await news.create_webhook(name="Newsdesk")
    async with http.post(f"webhooks/{webhook.id}/not-the-token", json={"content": "x"}) as r:
        assert (r.status, (await r.json())["code"]) == (404, 10015)
    [held] = discord_emu.webhooks(discord_emu.channel("news"))
    await discord_emu.delete_webhook(held)
    with pytest.raises(discord.NotFound) as gone:
        await webhook.send("after deletion", wait=True)
    assert gone.value.code == 10015
    again = await news.create_webhook(name="Newsdesk")
    await again.delete()
    assert discord_emu.webhooks(discord_emu.channel("news")) == []
    # An interaction follow-up on the same path shape still reaches the interaction routes.
    async with http.post(f"webhooks/{discord_emu.bot_user.id}/no-such-token", json={}) as r:
        assert (r.status, (await r.json())["code"]) == (404, 10015)


async def test_discords_rules_for_names_numbers_permissions_and_payloads(
    discord_emu: DiscordEmulator, bot: SandboxBot, http: aiohttp.ClientSession
) -> None:
    news = discord_emu.channel("news")
    for bad in ("", "x" * 81, "My Discord news", "clyde", "everyone"):
        async with http.post(f"channels/{news.id}/webhooks", json={"name": bad}) as r:
            body = await r.json()
        assert r.status == 400 and body["code"] == 50035 and "name" in body["errors"], bad
    for n in range(15):
        async with http.post(f"channels/{news.id}/webhooks", json={"name": f"hook {n}"}) as r:
            assert r.status == 200
    async with http.post(f"channels/{news.id}/webhooks", json={"name": "one too many"}) as r:
        assert (r.status, (await r.json())["code"]) == (400, 30007)
    hook = discord_emu.webhooks(news)[0]
    url = f"webhooks/{hook.id}/{hook.token}?wait=true"
    for body, field in (
        ({"content": "x", "username": "discord bot"}, "username"),
        ({"content": "x", "avatar_url": "javascript:alert(1)"}, "avatar_url"),
        ({"content": "x" * 2001}, "content"),
        ({"embeds": [{"title": "t" * 257}]}, "embeds"),
    ):
        async with http.post(url, json=body) as r:
            answer = await r.json()
        assert r.status == 400 and field in answer["errors"], body
    async with http.post(url, json={}) as r:
        assert (r.status, (await r.json())["code"]) == (400, 50006)

    # Without Manage Webhooks (no Administrator either) creating and listing are refused.
    everyone = discord_emu.guild.roles[0]
    everyone.permissions = VIEW_SEND_EMBED
    async with http.post(f"channels/{news.id}/webhooks", json={"name": "Newsdesk"}) as r:
        assert (r.status, (await r.json())["code"]) == (403, 50013)
    async with http.get(f"channels/{news.id}/webhooks") as r:
        assert (r.status, (await r.json())["code"]) == (403, 50013)


async def test_executing_past_the_rate_limit_is_answered_429_with_discords_headers(
    discord_emu: DiscordEmulator, http: aiohttp.ClientSession
) -> None:
    news = discord_emu.channel("news")
    hook = discord_emu.world.add_webhook(news, "Newsdesk", discord_emu.bot_user)
    url = f"webhooks/{hook.id}/{hook.token}?wait=true"
    remaining = []
    for n in range(EXECUTE_LIMIT):
        async with http.post(url, json={"content": f"post {n}"}) as r:
            assert r.status == 200
            remaining.append(r.headers["X-RateLimit-Remaining"])
    assert remaining == [str(EXECUTE_LIMIT - n) for n in range(1, EXECUTE_LIMIT + 1)]
    async with http.post(url, json={"content": "one too many"}) as r:
        body = await r.json()
        assert r.status == 429 and r.headers["Via"] and 0 < body["retry_after"] <= 2.0
    assert len(discord_emu.channel_messages(news)) == EXECUTE_LIMIT


async def test_discord_py_waits_out_the_webhook_bucket_instead_of_failing(
    discord_emu: DiscordEmulator, bot: SandboxBot
) -> None:
    news = await text_channel(bot, discord_emu, "news")
    webhook = await news.create_webhook(name="Newsdesk")
    [held] = discord_emu.webhooks(discord_emu.channel("news"))
    held.bucket = Bucket(limit=2, window=0.2)  # a short window keeps the real wait short
    for n in range(5):
        await webhook.send(f"post {n}", wait=True)
    executes = discord_emu.requests_to("POST", f"/webhooks/{webhook.id}/")
    assert [m.content for m in discord_emu.channel_messages(discord_emu.channel("news"))] == [
        f"post {n}" for n in range(5)
    ]
    assert {r.status for r in executes} <= {200, 429}


def test_webhook_names_follow_discords_rules() -> None:
    assert name_problem("Harbour Times") is None
    assert name_problem(" ") is not None and name_problem("x" * 81) is not None
    assert name_problem("DISCORD fans") is not None and name_problem("Clyde") is not None
    assert name_problem("here") is not None and name_problem("Here and now") is None
