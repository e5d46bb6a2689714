"""The web newsroom at scale: server time of the search, entity and story pages on the benchmark
databases, and the bot's /search p99 under bench/bot.py's 50-user load alone vs with the web
(served for the bot by its child process, as WEB_PORT does) answering 50 readers of search pages.

Server time is the web's own timing middleware (bot/web/security.py `timing`, what /metrics
records): from the request reaching the application through the error and CSRF middlewares,
the viewer's session, the page's data and its template, to the response built; not the HTTP
parsing before it nor writing the body after. The readers sign in as a session opened through
the store's session API (what the OAuth2 callback stores), as a member of a server the bot is in.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from bench import bot as bot_bench
from bench.corpus import REPO, console, label, scratch
from bench.database import bench_db, copy_db
from bench.entities import entity_db
from bench.probe import bench_bot
from bench.report import Figure, Goal
from bench.search import workload
from bench.timing import Stopwatch, percentile
from bot.clock import FakeClock, utc_iso
from bot.config import Settings
from bot.metrics import Metrics
from bot.nlp.lookup import top_entities
from bot.search import search
from bot.servers import record_joined, record_present
from bot.store import MemberGuild, Store, WebSession, open_store
from bot.web import WebContext, WebServer
from bot.web.sessions import COOKIE, digest, new_secret

PAGE_GOAL = Goal("≤ 100 ms", max_value=100.0)
SHARED_GOAL = Goal("≤ 1.5× alone", max_ratio=1.5)
# The server the bench's readers are members of (pages need a server the bot is in).
GUILD = (1_000_000_000_000_001, "Newsroom")
VIEW_CHANNEL = 1 << 10
ENTITY_PAGES = 40  # the most mentioned entities: the heaviest profiles, trends and networks
STORY_PAGES = 100  # stories of the workload's top results: where readers go from search


class ServerTimes(Metrics):
    """Metrics that also keep each web request's server time and status (the bench's view of
    what the timing middleware measures)."""

    def __init__(self) -> None:
        super().__init__()
        self.times: list[tuple[str, int, float]] = []

    def web_request(self, route: str, status: int, seconds: float) -> None:
        """Record it for /metrics and keep (route, status, ms)."""
        super().web_request(route, status, seconds)
        self.times.append((route, status, seconds * 1000))

    def ok_ms(self, route: str) -> list[float]:
        """Milliseconds of the successful requests to one route."""
        return [ms for r, status, ms in self.times if r == route and status == 200]


async def reader_session(store: Store, guild: tuple[int, str], now: datetime) -> str:
    """Open a plain member's session (no admin rights) in `guild`; return the cookie's secret."""
    secret = new_secret()
    session = WebSession(
        key=digest(secret),
        user_id=4_200_000_000_000_001,
        username="bench-reader",
        guilds=(MemberGuild(guild[0], guild[1], owner=False, permissions=VIEW_CHANNEL),),
        csrf_token=new_secret(),
        created_at=utc_iso(now),
        expires_at=utc_iso(now + timedelta(days=1)),
    )
    async with store.transaction():
        await store.open_web_session(session)
    return secret


async def newest(store: Store) -> datetime:
    """When the newest article was reported: the pages' 'now' (trends end there)."""
    [article] = await store.latest_articles(1)
    return datetime.fromisoformat(article.when)


@dataclass
class PageTimes:
    """Each page's best server time (ms) and the CPU its visit took (ms), by kind of page;
    and every timed visit's server time (the best-of hides the machine's queueing, and also
    any visit that was slow for reasons of its own)."""

    server: dict[str, list[float]] = field(default_factory=dict)
    cpu: dict[str, list[float]] = field(default_factory=dict)
    visits: dict[str, list[float]] = field(default_factory=dict)


async def time_pages(store: Store, pages: dict[str, list[str]], repeats: int) -> PageTimes:
    """Serve `store` and open each page (one untimed visit, then `repeats` timed ones, in
    turn); each page keeps its best server time and its least CPU (the whole process: server
    and client threads): the shared machine's queueing is noise, not the page's cost."""
    clock = FakeClock(await newest(store))
    await record_present(store, [GUILD], clock.now())
    cookie = await reader_session(store, GUILD, clock.now())
    metrics = ServerTimes()
    found = PageTimes()
    async with (
        WebServer(WebContext(store=store, clock=clock, metrics=metrics)) as server,
        aiohttp.ClientSession(server.base_url, cookies={COOKIE: cookie}) as http,
    ):
        for kind, paths in pages.items():
            for path in paths:
                spent: list[tuple[float, float]] = []
                for visit in range(repeats + 1):
                    with Stopwatch() as watch:
                        async with http.get(path) as response:
                            await response.read()
                    if response.status != 200:
                        raise RuntimeError(f"{path} answered {response.status}")
                    if visit:
                        spent.append((metrics.times[-1][2], watch.cpu_ms))
                found.server.setdefault(kind, []).append(min(ms for ms, _ in spent))
                found.visits.setdefault(kind, []).extend(ms for ms, _ in spent)
                found.cpu.setdefault(kind, []).append(min(cpu for _, cpu in spent))
    return found


async def story_pages(store: Store, queries: Sequence[str]) -> list[str]:
    """The stories of the workload's top three results, those with the most reports first
    (at most STORY_PAGES): a page's cost grows with its reports, and most stories have one."""
    ids: dict[int, None] = {}
    for text in queries:
        page = await search(store, text, per_page=3)
        stories = await store.stories_of([hit.id for hit in page.hits])
        ids.update(dict.fromkeys(stories.values()))
    sizes = {}
    for story_id in ids:
        story = await store.story(story_id)
        sizes[story_id] = len(story.reports) if story else 0
    largest = sorted(sizes, key=lambda story_id: -sizes[story_id])[:STORY_PAGES]
    return [f"/stories/{story_id}" for story_id in largest]


async def news_pages(db: Path, queries: Sequence[str], repeats: int) -> PageTimes:
    """Search and story pages on the news database."""
    async with await open_store(db) as store:
        pages = {
            "search": ["/search?" + urlencode({"q": text}) for text in queries],
            "story": await story_pages(store, queries),
        }
        return await time_pages(store, pages, repeats)


async def entity_pages(db: Path, repeats: int) -> PageTimes:
    """Pages of the most mentioned entities on the entity database."""
    async with await open_store(db) as store:
        top = await top_entities(store, limit=ENTITY_PAGES)
        pages = {"entity": [f"/entities/{tally.entity.id}" for tally in top]}
        return await time_pages(store, pages, repeats)


@dataclass
class SharedLoad:
    """What the web's readers saw while the bot answered its own 50 users, and the web's
    search pages by server time (from its /metrics: the histogram's cumulative buckets)."""

    client_ms: list[float] = field(default_factory=list)
    failed: int = 0
    buckets: dict[float, float] = field(default_factory=dict)  # upper bound (s) -> pages

    def add_buckets(self, exposition: str) -> None:
        """Add the /search pages' buckets of one /metrics scrape."""
        for family in text_string_to_metric_families(exposition):
            for sample in family.samples:
                labels = sample.labels
                if (
                    sample.name == "newsdesk_web_request_seconds_bucket"
                    and labels.get("route") == "/search"
                    and labels.get("status") == "2xx"
                ):
                    bound = float(labels["le"])
                    self.buckets[bound] = self.buckets.get(bound, 0.0) + sample.value

    @property
    def pages(self) -> int:
        """Search pages served."""
        return int(self.buckets.get(float("inf"), 0.0))

    def server_p99_bound_ms(self) -> float:
        """The bucket bound under which 99% of the search pages were served (ms)."""
        for bound in sorted(self.buckets):
            if self.buckets[bound] >= 0.99 * self.pages:
                return bound * 1000
        return float("nan")


def web_beside(queries: Sequence[str], found: SharedLoad) -> bot_bench.Beside:
    """Serve the web for the bot (WEB_PORT=0: its child process) while bench.webload's readers,
    a process of their own, open search pages; collect their times into `found`."""

    @asynccontextmanager
    async def beside(client: Any, emulator: Any) -> AsyncIterator[None]:
        from bot.cli.web import serve_in_bot

        async with serve_in_bot(Settings(web_port=0), client) as server:
            assert server is not None  # WEB_PORT=0 always serves
            # A member of the emulator's server, which the bot recorded when it was ready.
            guild = emulator.world.guilds[0]
            await record_joined(client.store, guild.id, guild.name, client.clock.now())
            cookie = await reader_session(client.store, (guild.id, guild.name), client.clock.now())
            readers = await asyncio.create_subprocess_exec(
                *(sys.executable, "-m", "bench.webload", server.base_url),
                cwd=REPO,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
            )
            assert readers.stdin is not None and readers.stdout is not None
            orders = {"cookie": cookie, "queries": list(queries), "users": bot_bench.USERS}
            readers.stdin.write(json.dumps(orders).encode() + b"\n")
            await readers.stdin.drain()
            if (await readers.stdout.readline()).strip() != b"ready":
                raise RuntimeError("bench.webload did not start")
            try:
                yield
            finally:
                out, _ = await readers.communicate(b"stop\n")
            seen = json.loads(out.decode().strip().splitlines()[-1])
            found.client_ms += seen["ms"]
            found.failed += seen["failed"]
            async with aiohttp.ClientSession() as http, http.get(server.base_url + "/metrics") as m:
                found.add_buckets(await m.text())

    return beside


def shared_load(
    db: Path, queries: list[str], per_user: int, rounds: int
) -> tuple[list[float], list[float], SharedLoad]:
    """The bot's /search round trips alone and with the web's readers, alternately."""
    alone: list[float] = []
    together: list[float] = []
    web = SharedLoad()
    for _ in range(rounds):
        alone += asyncio.run(bot_bench.round_trips(bench_bot(db), queries, per_user, paced=True))
        together += asyncio.run(
            bot_bench.round_trips(
                bench_bot(db), queries, per_user, paced=True, beside=web_beside(queries, web)
            )
        )
    return alone, together, web


def page_figures(kind: str, at: str, times: PageTimes, note: str) -> list[Figure]:
    """p50 (info) and p99 (goal) server time of one kind of page, and its CPU p99 (info)."""
    samples = times.server[kind]
    return [
        Figure(f"web {kind} page p50 server time @{at}", percentile(samples, 50), "ms"),
        Figure(
            f"web {kind} page p99 server time @{at}",
            percentile(samples, 99),
            "ms",
            goal=PAGE_GOAL,
            note=f"{len(samples)} {note}",
        ),
        Figure(
            f"web {kind} page p99 server time, every visit @{at}",
            percentile(times.visits[kind], 99),
            "ms",
            note=f"{len(times.visits[kind])} visits, not only each page's best; info",
        ),
        Figure(
            f"web {kind} page CPU p99 @{at}",
            percentile(times.cpu[kind], 99),
            "ms",
            note="CPU of the whole visit, client included: the cost without the queueing; info",
        ),
    ]


def measure(
    size: int, entity_articles: int, *, per_user: int = 4, repeats: int = 3, rounds: int = 2
) -> list[Figure]:
    """Page server times on the `size` news database (search, stories) and the
    `entity_articles` entity database (entities); the bot's p99 with and without the web."""
    queries = [q.text for q in workload(size)]
    at = label(size)
    users = bot_bench.USERS
    with tempfile.TemporaryDirectory(dir=scratch()) as tmp:
        db = copy_db(bench_db(size), Path(tmp) / "web.db")
        with console.status(f"web pages: search and story pages @{at}"):
            news = asyncio.run(news_pages(db, queries, repeats))
        stored = entity_db(entity_articles)
        if stored is None:
            # The entity page is one of the three goals: never a run without its row.
            raise RuntimeError("the entity pages' database needs the NLP storage (bench.entities)")
        entities_db = copy_db(stored, Path(tmp) / "entities.db")
        with console.status(f"web pages: entity pages @{label(entity_articles)}"):
            entities = asyncio.run(entity_pages(entities_db, repeats))
        with console.status(f"bot /search, {users} users, alone and with {users} web readers"):
            alone, together, web = shared_load(db, queries, per_user, rounds)
    best = f"best of {repeats} each"
    figures = page_figures("search", at, news, f"queries, {best}")
    figures += page_figures("story", at, news, f"stories, {best}")
    figures += page_figures(
        "entity", label(entity_articles), entities, f"most mentioned entities, {best}"
    )
    return figures + shared_figures(at, alone, together, web)


def shared_figures(
    at: str, alone: list[float], together: list[float], web: SharedLoad
) -> list[Figure]:
    """The bot's p50/p99 with the web's readers vs alone, and what the readers saw."""
    users = bot_bench.USERS
    if not web.pages or web.failed > web.pages // 10:
        # Refused readers put (almost) no load on the web: the ratio would flatter it.
        raise RuntimeError(
            f"the web's readers were served {web.pages} search pages, {web.failed} refused: "
            "the shared-load figure would not measure the web's load"
        )
    return [
        Figure(
            f"/search round trip p50, {users} users, web serving {users} readers @{at}",
            percentile(together, 50),
            "ms",
            percentile(alone, 50),
            note="vs the bot alone",
        ),
        Figure(
            f"/search round trip p99, {users} users, web serving {users} readers @{at}",
            percentile(together, 99),
            "ms",
            percentile(alone, 99),
            SHARED_GOAL,
            note=f"vs the bot alone; {len(together)} and {len(alone)} answers",
        ),
        Figure(
            f"/search answers later than 3 s, web serving {users} readers @{at}",
            sum(ms > bot_bench.DEADLINE_MS for ms in together),
            "",
            sum(ms > bot_bench.DEADLINE_MS for ms in alone),
            bot_bench.MISSED_GOAL,
            note="vs the bot alone: with late answers on both sides the p99 ratio means little",
        ),
        Figure(
            f"web search page p99 server time beside the bot @{at}",
            web.server_p99_bound_ms(),
            "ms",
            note=f"at most, by /metrics' buckets; {web.pages} pages, {web.failed} failed; info",
        ),
        Figure(
            f"web search page p99 at the reader beside the bot @{at}",
            percentile(web.client_ms, 99),
            "ms",
            note="HTTP round trip; info",
        ),
    ]
