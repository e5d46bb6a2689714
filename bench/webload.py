"""The web's readers as a process of their own: USERS signed-in readers who each think 0.5-1.5 s
and open a search page, until told to stop (bench/web.py's shared-load figure runs it, so the
readers' own HTTP work is not charged to the bot's event loop it measures). "ready" once every
reader has had a first page: as the bot is warmed by one search before its users are timed, the
web is warmed by its readers' first pages (templates compiled, index and connections open), so
the bot's users (about 4 s of them) are timed beside the web at its steady pace, not beside the
first seconds of a process just started.

    python -m bench.webload BASE_URL     stdin: {"cookie", "queries", "users"} as one JSON
                                         line, then any line (or EOF) to stop; stdout: "ready"
                                         (every reader served once), then {"ms": [...],
                                         "failed": N} as one JSON line
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import random
import sys
import time
from urllib.parse import urlencode

import aiohttp

from bot.web.sessions import COOKIE


async def readers(base_url: str) -> dict[str, object]:
    """Run the readers until the parent says stop; their milliseconds and failures."""
    loop = asyncio.get_running_loop()
    stdin = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stdin), sys.stdin)
    orders = json.loads(await stdin.readline())
    queries: list[str] = orders["queries"]
    stop = asyncio.Event()
    timings: list[float] = []
    failed = 0
    users = int(orders["users"])
    # Readers who have had their first page: the web is warm (its templates compiled, its
    # index open, its connections made) once each has, as the bot is by its warm-up search.
    first_pages = 0
    warm = asyncio.Event()
    rng = random.Random(29)
    connector = aiohttp.TCPConnector(limit=0)
    jar = aiohttp.CookieJar(unsafe=True)
    jar.update_cookies({COOKIE: orders["cookie"]})
    async with aiohttp.ClientSession(base_url, cookie_jar=jar, connector=connector) as http:

        def served_once(turn: int) -> None:
            nonlocal first_pages
            if turn == 0:
                first_pages += 1
                if first_pages == users:
                    warm.set()

        async def reader(number: int) -> None:
            nonlocal failed
            for turn in itertools.count():
                try:
                    await asyncio.wait_for(stop.wait(), rng.uniform(0.5, 1.5))
                    if turn:  # every reader opens at least one page, however short the run
                        return
                except TimeoutError:
                    pass
                text = queries[(number * 7 + turn) % len(queries)]
                started = time.perf_counter()
                # A refused session is redirected to /login, which answers 200: not followed,
                # so it counts as failed instead of as a (much lighter) page read.
                query = "/search?" + urlencode({"q": text})
                status = 0  # no answer at all (a dropped connection) fails as a refusal does
                with contextlib.suppress(aiohttp.ClientError):
                    async with http.get(query, allow_redirects=False) as page:
                        await page.read()
                        status = page.status
                served_once(turn)
                if status != 200:
                    failed += 1
                    continue
                timings.append((time.perf_counter() - started) * 1000)

        tasks = [asyncio.create_task(reader(n)) for n in range(users)]
        await warm.wait()  # then the bot's users start, beside readers at their pace
        print("ready", flush=True)
        await stdin.readline()
        stop.set()
        await asyncio.gather(*tasks)
    return {"ms": timings, "failed": failed}


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m bench.webload BASE_URL`."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    print(json.dumps(asyncio.run(readers(args[0]))), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
