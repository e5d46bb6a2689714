"""Error messages: friendly text per failure, and user text quoted in them stays inert."""

from __future__ import annotations

from discord import app_commands
from discord.ext import commands

from bot.errors import QueryError
from bot.render.errors import APOLOGY, describe, inert


def test_code_spans_keep_their_look_and_the_rest_is_escaped() -> None:
    message = "`after:` needs a date like 2024-05-31, not '||@everyone <@1>||'"
    assert inert(message) == (
        "`after:` needs a date like 2024-05-31, not '\\|\\|@\u200beveryone <\u200b@1>\\|\\|'"
    )
    assert inert("`||<@1>||` is wrong") == "`|\u200b|<\u200b@1>|\u200b|` is wrong"


def test_each_failure_gets_its_own_message() -> None:
    cooldown = app_commands.CommandOnCooldown(app_commands.Cooldown(5, 30), 12.2)
    missing = app_commands.MissingPermissions(["manage_guild"])
    wrapped = commands.CommandInvokeError(QueryError("Type some words to search for."))

    assert describe(cooldown).message == "Slow down a little: try again in 13 seconds."
    assert describe(missing).message == "You need the Manage Server permission to do that."
    assert describe(wrapped).message == "Type some words to search for."
    assert not describe(wrapped).unexpected
    assert describe(KeyError("bug")) == describe(RuntimeError("bug"))
    assert describe(KeyError("bug")).message == APOLOGY and describe(KeyError()).unexpected
