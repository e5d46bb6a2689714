"""The web newsroom: the archive, entities and stories as pages (and their JSON twins under
/api/v1), Login with Discord, and /healthz and /metrics for operators.

It sits at the top of the data flow beside cogs/ and cli/: it calls the same core functions as
the slash commands (bot/search, bot/nlp/lookup, bot/insights) under the same permission rules,
imports no discord.py and holds no SQL; nothing below it imports it. Everything that matters
lives in the store (sessions too), so any number of web processes can serve one database.

    async with WebServer(context, host="127.0.0.1", port=8080) as server:
        print(server.base_url)
"""

from bot.web.app import create_app
from bot.web.context import Discord, WebContext, WebOptions
from bot.web.server import WebServer

__all__ = ["Discord", "WebContext", "WebOptions", "WebServer", "create_app"]
