"""Unexpected failures: a generic ephemeral apology for the user, a traceback in the log."""

from __future__ import annotations

import logging

import pytest

from bot.render.errors import APOLOGY
from tests.newsdesk import Newsdesk


@pytest.mark.parametrize(
    ("command", "options", "logged"),
    [
        ("search", {"query": "Qatar"}, "/search failed for user"),  # a slash command
        ("about", {}, "/about failed in guild"),  # a hybrid command
    ],
)
async def test_an_unexpected_failure_apologises_and_logs_the_traceback(
    newsdesk: Newsdesk,
    caplog: pytest.LogCaptureFixture,
    command: str,
    options: dict[str, str],
    logged: str,
) -> None:
    await newsdesk.store.close()  # every query now fails: a bug, as far as users can tell

    with caplog.at_level(logging.ERROR):
        reply = await newsdesk.discord.slash(command, **options)

    assert reply.message.ephemeral
    assert reply.message.embeds[0]["description"] == APOLOGY
    record = next(r for r in caplog.records if logged in r.getMessage())
    assert str(newsdesk.discord.guild.id) in record.getMessage()
    assert record.exc_info is not None
