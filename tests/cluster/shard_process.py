"""One shard process of a test cluster: `python -m tests.cluster.shard_process API GATEWAY CLOCK`.

The real NewsBot (ShardedNewsBot with SHARD_COUNT/SHARD_IDS from the environment, the store
from DATABASE_URL), pointed at the emulator through the sandbox seam, timed by a FileClock.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from pathlib import Path

from bot.client.shards import newsbot_for
from bot.config import configure_logging, settings_from
from bot.sandbox.seam import pointed_at
from tests.cluster.harness import FileClock


async def main(api_url: str, gateway_url: str, clock_path: str) -> None:
    """Run the shard bot until it is terminated."""
    settings = settings_from(os.environ)
    configure_logging(settings)
    bot = newsbot_for(
        settings,
        clock=FileClock(Path(clock_path)),
        nlp_mode="thread",
        guild_ready_timeout=0.05,
        chunk_guilds_at_startup=False,
    )
    with pointed_at(api_url, gateway_url):
        async with bot:
            bot.install_signal_handlers()
            await bot.start("sandbox-token")
    logging.getLogger(__name__).info("shard process stopped")


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
