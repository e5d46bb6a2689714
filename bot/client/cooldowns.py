"""Per-user cooldowns on expensive commands, timed by the bot's injectable clock.

    @app_cooldown("search", 5, 30.0)        # slash command: 5 uses per 30 s per user
    @prefix_cooldown("search", 5, 30.0)     # its prefix twin shares the "search" bucket

discord.py's own cooldowns read the wall clock; these read `bot.clock`, so a test can hit a
cooldown and then `clock.advance(seconds=31)` past it without waiting.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import discord
from discord import app_commands
from discord.ext import commands

from bot.clock import Clock

T = TypeVar("T")


class Cooldowns:
    """Per-user fixed-window cooldowns timed by the bot's clock (so tests can control time)."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._windows: dict[tuple[str, int], tuple[float, int]] = {}

    def hit(self, bucket: str, user_id: int, rate: int, per: float) -> float:
        """Count one use of `bucket` by the user; return the seconds to wait (0.0 if allowed)."""
        now = self._clock.now().timestamp()
        start, used = self._windows.get((bucket, user_id), (now, 0))
        if now - start >= per:
            start, used = now, 0
        if used >= rate:
            return start + per - now
        self._windows[(bucket, user_id)] = (start, used + 1)
        return 0.0

    def enforce(self, bucket: str, user_id: int, rate: int, per: float) -> None:
        """Count one use; raise `commands.CommandOnCooldown` when the user must wait."""
        wait = self.hit(bucket, user_id, rate, per)
        if wait:
            cooldown = app_commands.Cooldown(rate, per)
            raise commands.CommandOnCooldown(cooldown, wait, commands.BucketType.user)


def app_cooldown(bucket: str, rate: int, per: float) -> Callable[[T], T]:
    """Allow each user `rate` uses of a slash command per `per` seconds (shared `bucket`)."""

    async def predicate(interaction: discord.Interaction) -> bool:
        wait = interaction.client.cooldowns.hit(bucket, interaction.user.id, rate, per)  # type: ignore[attr-defined]
        if wait:
            raise app_commands.CommandOnCooldown(app_commands.Cooldown(rate, per), wait)
        return True

    return app_commands.check(predicate)


def prefix_cooldown(bucket: str, rate: int, per: float) -> Callable[[T], T]:
    """The same cooldown for a prefix command (`!news`); share `bucket` with its slash twin."""

    async def predicate(ctx: commands.Context[Any]) -> bool:
        ctx.bot.cooldowns.enforce(bucket, ctx.author.id, rate, per)
        return True

    return commands.check(predicate)
