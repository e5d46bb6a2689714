"""End-to-end flows: the real discord.py bot against the emulator."""

from __future__ import annotations

import io

import discord

from bot.sandbox import DiscordEmulator

from .bots import SandboxBot


async def test_login_sync_and_slash_command(discord_emu: DiscordEmulator, bot: SandboxBot) -> None:
    routes = [r.route for r in discord_emu.requests]
    assert "GET /users/@me" in routes
    synced = {c["name"] for c in discord_emu.commands[None]}
    assert {"search", "digest", "huge", "note", "summary"} <= synced

    reply = await discord_emu.slash("search", query="Qatar")

    assert reply.response_type == 4
    embed = reply.message.embeds[0]
    assert embed["title"] == "Results for Qatar"
    assert embed["description"] == "limit 3"
    assert embed["fields"][0] == {"name": "Top story", "value": "Qatar wins", "inline": True}
    assert reply.message.custom_ids == ["pager:next", "pager:details", "pager:topic"]
    assert not reply.message.ephemeral
    assert bot.handled == ["search:Qatar"]


async def test_deferred_answer_then_follow_ups(
    discord_emu: DiscordEmulator, bot: SandboxBot
) -> None:
    reply = await discord_emu.slash("digest", topic="energy")
    await discord_emu.wait_for(lambda: len(reply.messages) == 2, what="both follow-ups")

    assert reply.response_type == 5
    first, second = reply.messages
    # The first follow-up after a deferral fills the "thinking" message, as on Discord.
    assert first is reply.original
    assert first.content == "digest about energy"
    assert second.content == "attached"
    assert second.files == {"digest.csv": b"a,b\n1,2\n"}
    callbacks = discord_emu.requests_to("POST", "/callback")
    assert [r.json["type"] for r in callbacks] == [5]


async def test_button_click_updates_the_message(
    discord_emu: DiscordEmulator, bot: SandboxBot
) -> None:
    reply = await discord_emu.slash("search", query="Qatar")

    clicked = await discord_emu.click(reply.message, "pager:next", user=discord_emu.bob)

    assert clicked.response_type == 7
    assert reply.message.content == "page 2"
    assert clicked.message is reply.message


async def test_button_answers_ephemerally(discord_emu: DiscordEmulator, bot: SandboxBot) -> None:
    reply = await discord_emu.slash("search", query="Qatar")

    clicked = await discord_emu.click(reply.message, "pager:details")

    assert clicked.message.content == "details for you"
    assert clicked.message.ephemeral
    general = discord_emu.channel("general")
    assert clicked.message not in discord_emu.channel_messages(general)


async def test_select_menu(discord_emu: DiscordEmulator, bot: SandboxBot) -> None:
    reply = await discord_emu.slash("search", query="Qatar")

    await discord_emu.select(reply.message, "pager:topic", ["sport"])

    assert reply.message.content == "topic: sport"


async def test_modal_round_trip(discord_emu: DiscordEmulator, bot: SandboxBot) -> None:
    shown = await discord_emu.slash("note")
    assert shown.response_type == 9
    assert shown.modal is not None and shown.modal["title"] == "Add a note"

    submitted = await discord_emu.submit_modal(shown, {"note:text": "check the sources"})

    assert submitted.message.content == "noted: check the sources"


async def test_autocomplete_choices(discord_emu: DiscordEmulator, bot: SandboxBot) -> None:
    choices = await discord_emu.autocomplete("summary", "article", "Qat")

    assert [c["name"] for c in choices] == ["Qatar talks", "Qatar energy"]


async def test_prefix_command_in_channel(discord_emu: DiscordEmulator, bot: SandboxBot) -> None:
    news = discord_emu.channel("news")

    (reply,) = await discord_emu.say(news, "!news Qatar")

    assert reply.content == "news about Qatar"
    assert reply.channel_id == news.id
    assert reply.reference_id is not None
    assert [m.content for m in discord_emu.channel_messages(news)] == [
        "!news Qatar",
        "news about Qatar",
    ]


async def test_bot_can_post_fetch_edit_and_read_attachments(
    discord_emu: DiscordEmulator, bot: SandboxBot
) -> None:
    channel = bot.get_channel(discord_emu.channel("news").id)
    assert channel is not None
    sent = await channel.send("draft", file=discord.File(io.BytesIO(b"hello"), "a.txt"))
    await sent.edit(content="final")
    fetched = await channel.fetch_message(sent.id)

    assert fetched.content == "final"
    assert await fetched.attachments[0].read() == b"hello"
    assert discord_emu.channel_messages(discord_emu.channel("news"))[-1].content == "final"


async def test_forum_post_and_dm(discord_emu: DiscordEmulator, bot: SandboxBot) -> None:
    forum = bot.get_channel(discord_emu.channel("briefings").id)
    assert isinstance(forum, discord.ForumChannel)
    post = await forum.create_thread(name="Morning briefing", content="Today: Qatar")
    assert post.thread.name == "Morning briefing"
    assert discord_emu.channel_messages(post.thread.id)[0].content == "Today: Qatar"

    alice = await bot.fetch_user(discord_emu.alice.id)
    await alice.send("your digest")
    dm = discord_emu.bot_messages()[-1]
    assert dm.content == "your digest"
    assert discord_emu.world.channels[dm.channel_id].recipients == [discord_emu.alice]


async def test_console_style_input(discord_emu: DiscordEmulator, bot: SandboxBot) -> None:
    seen: list[tuple[str, str]] = []
    discord_emu.watch(lambda event, message: seen.append((event, message.content)))

    # Typed text is converted to the synced option type; buttons can be named by label.
    reply = await discord_emu.slash("search", query="Qatar", limit="5")
    await discord_emu.click(reply.message, "next")

    assert reply.message.content == "page 2"
    assert reply.message.embeds[0]["description"] == "limit 5"
    assert seen == [("create", ""), ("edit", "page 2")]


async def test_subcommands_and_silent_deferral(
    discord_emu: DiscordEmulator, bot: SandboxBot
) -> None:
    added = await discord_emu.slash("feed add", url="https://example.org/rss", hourly="true")
    touched = await discord_emu.slash("feed touch", until="ack")

    assert added.message.content == "following https://example.org/rss hourly=True"
    assert touched.response_type == 5
    assert touched.messages == []
