"""End-to-end flows: the real discord.py bot against the emulator."""

from __future__ import annotations

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
