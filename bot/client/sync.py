"""Slash command sync only when the commands changed: a hash of what a sync would send is kept
in the store per application and scope, and a start with the same commands sends nothing
(Discord rate-limits syncs hard; a restart must not spend one)."""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

import discord
from discord import app_commands

from bot.clock import Clock, utc_iso
from bot.store import Store

log = logging.getLogger(__name__)


def command_tree_hash(
    tree: app_commands.CommandTree[Any], guild: discord.abc.Snowflake | None = None
) -> str:
    """A hash of the commands a sync would send (to `guild`, or globally)."""
    payload = [c.to_dict(tree) for c in tree.get_commands(guild=guild)]
    payload.sort(key=lambda c: (c.get("type", 1), c["name"]))
    blob = json.dumps(payload, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()


async def sync_commands(
    tree: app_commands.CommandTree[Any],
    store: Store,
    clock: Clock,
    *,
    application_id: int | None,
    dev_guild_id: int | None,
    force: bool = False,
) -> int | None:
    """Sync slash commands if the tree changed since the last sync (or `force`); return how
    many were synced, or None when nothing needed syncing. A dev guild gets them all."""
    guild = None
    if dev_guild_id is not None:
        guild = discord.Object(dev_guild_id)
        tree.copy_global_to(guild=guild)
    scope = f"guild:{guild.id}" if guild else "global"
    key = f"command_tree_hash:{application_id}:{scope}"
    digest = command_tree_hash(tree, guild)
    if not force and await store.app_value(key) == digest:
        log.info("slash commands unchanged since the last sync (%s); not syncing", scope)
        return None
    synced = await tree.sync(guild=guild)
    async with store.transaction():
        await store.set_app_value(key, digest, utc_iso(clock.now()))
    log.info("synced %d slash commands (%s)", len(synced), scope)
    return len(synced)
