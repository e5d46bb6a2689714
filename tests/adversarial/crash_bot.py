"""A NewsBot in its own process, for kill -9 tests: `python -m tests.adversarial.crash_bot`.

    python -m tests.adversarial.crash_bot DB API_URL GATEWAY_URL TOKEN 2026-03-02T09:00:00+00:00

It connects to the test's emulator on 127.0.0.1 with a `FakeClock` stopped at the given time
(so a restart can be placed past a lease without waiting), may fetch feeds from the test's
loopback news site, and runs until it is killed.
"""

from __future__ import annotations

import asyncio
import dataclasses
import sys
from datetime import datetime
from pathlib import Path

from bot.clock import FakeClock
from bot.config import Settings
from bot.sandbox.seam import pointed_at
from tests.bot.feeds.conftest import TEST_POLICY
from tests.newsdesk import make_bot

# The feed tests' policy with a fetch timeout the machine's load cannot reach: the bot's clock
# is stopped, so a poll that timed out (0.5 s of real time while the starting bot was busy on
# a loaded machine) backed the feed off past that clock, and the bot never polled again (the
# [posting] kill test's "timed out waiting for a post": last_status 'timeout', next poll
# 09:35, clock 09:20).
PATIENT = dataclasses.replace(TEST_POLICY, timeout_seconds=10.0)


async def main(db: str, api_url: str, gateway_url: str, token: str, at: str) -> None:
    """Run the bot until the process is killed."""
    bot = make_bot(Settings(), Path(db), FakeClock(datetime.fromisoformat(at)))
    bot.feed_fetch_policy = PATIENT  # type: ignore[attr-defined]
    with pointed_at(api_url, gateway_url):
        async with bot:
            await bot.start(token)


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:6]))
