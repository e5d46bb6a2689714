"""A process using the real NLP service as the bot and `ingest` do: it starts the worker
process, prints "ready" once the worker has answered, then waits for stdin to close. The test
kills it with -9 (tests/bot/nlp/test_worker_lifetime.py).

With `thread`, the worker is started from a thread that then ends (asyncio.to_thread does
this): the worker must outlive that thread, and still die with the process.
"""

import asyncio
import sys
import threading

from bot.nlp.service import NlpService

TEXT = ["Hamas leaders met in Doha on Monday."]


async def main(from_thread: bool) -> None:
    service = NlpService("process")
    if from_thread:
        starter = threading.Thread(target=lambda: asyncio.run(service.analyze(TEXT)))
        starter.start()
        starter.join()
    await service.analyze(TEXT)
    print("ready", flush=True)
    await asyncio.to_thread(sys.stdin.read)


if __name__ == "__main__":
    asyncio.run(main(from_thread="thread" in sys.argv[1:]))


def busy_until_stopped(started: str) -> None:
    """A job that says it has started (writes to the pipe `started`), then never ends."""
    import pathlib
    import time

    pathlib.Path(started).write_text("started")
    time.sleep(3_600)
