"""A bot serving its web as `run` does with WEB_PORT: the bot on the Discord emulator, its web
a child process on the bot's database. It prints one JSON line (the web's URL and process id)
once the web serves, then runs until it is killed (tests/bot/web/test_web_process.py kills it
with -9). Arguments: the database file and the port."""

import asyncio
import dataclasses
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.cli.web import serve_in_bot
from bot.clock import FakeClock
from bot.config import Settings
from tests.newsdesk import running_newsdesk


async def main(db: Path, port: int) -> None:
    clock = FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    async with running_newsdesk(db, clock) as desk:
        settings = dataclasses.replace(Settings(), web_port=port, web_public_archive=True)
        async with serve_in_bot(settings, desk.bot) as web:
            assert web is not None
            print(json.dumps({"url": web.base_url, "pid": web.pid}), flush=True)
            await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), int(sys.argv[2])))
