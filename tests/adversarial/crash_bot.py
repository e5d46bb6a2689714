"""A NewsBot in its own process, for kill -9 tests: `python -m tests.adversarial.crash_bot`.

    python -m tests.adversarial.crash_bot DB API_URL GATEWAY_URL TOKEN 2026-03-02T09:00:00+00:00

It connects to the test's emulator on 127.0.0.1 with a `FakeClock` stopped at the given time
(so a restart can be placed past a lease without waiting), may fetch feeds from the test's
loopback news site, and runs until it is killed.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime
from pathlib import Path

from bot.clock import FakeClock
from bot.config import Settings
from bot.sandbox.seam import pointed_at
from tests.bot.feeds.conftest import TEST_POLICY
from tests.newsdesk import make_bot


async def main(db: str, api_url: str, gateway_url: str, token: str, at: str) -> None:
    """Run the bot until the process is killed."""
    bot = make_bot(Settings(), Path(db), FakeClock(datetime.fromisoformat(at)))
    bot.feed_fetch_policy = TEST_POLICY  # type: ignore[attr-defined]
    with pointed_at(api_url, gateway_url):
        async with bot:
            await bot.start(token)


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:6]))
