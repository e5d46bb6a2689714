"""The web's export is `/settings export`: the same core function over the same database gives
the same file, channels and roles named, so an admin reading it (or a restore into another
server) sees #news and @Editors beside their ids, wherever the file was taken."""

from __future__ import annotations

import json
from typing import cast

from cogs.servers import Servers
from tests.bot.feeds.conftest import TEST_POLICY
from tests.bot.web.newsroom import web_beside
from tests.cogs.test_backup import set_up
from tests.newsdesk import Newsdesk


async def test_the_web_export_names_channels_and_roles_as_the_slash_export(
    newsdesk: Newsdesk,
) -> None:
    discord = newsdesk.discord
    await set_up(newsdesk)  # feeds in #news (pinging @Editors) and #briefings, a digest, …
    await cast(Servers, newsdesk.bot.get_cog("Servers")).wait_recorded(1)
    slashed = await discord.slash("settings export")
    [(name, from_discord)] = slashed.message.files.items()
    path = f"/servers/{discord.guild.id}/backup.json"
    async with (
        web_beside(discord, newsdesk.bot.store_url, newsdesk.clock, TEST_POLICY) as web,
        web.browser() as http,
    ):
        await web.sign_in(http, "alice")
        async with http.get(web.url(path)) as answer:
            assert answer.status == 200
            assert answer.headers["Content-Disposition"] == f'attachment; filename="{name}"'
            from_web = json.loads(await answer.read())
    news, briefings = discord.channel("news"), discord.channel("briefings")
    assert from_web["channels"] == {str(news.id): "news", str(briefings.id): "briefings"}
    assert from_web["roles"] == {str(discord.guild.roles[1].id): "Editors"}
    assert from_web == json.loads(from_discord)
