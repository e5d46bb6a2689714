"""The web under test: a real web server on 127.0.0.1 over a copy of a seeded newsroom database,
signing in through the Discord emulator's real OAuth2 endpoints.

    async with running_web(db_path, clock) as desk:
        async with desk.browser() as http:            # an HTTP client with its own cookies
            await desk.sign_in(http, "bob")            # consent page → code → session cookie
            async with http.get(desk.url("/search?q=Qatar")) as page: ...

The world: Newsroom (alice owns it, bob is a plain member) and Backroom (carol) have the bot;
Elsewhere (dave) does not; erin is in no server.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
from yarl import URL

from bot.clock import FakeClock
from bot.config import Secret
from bot.feeds.fetcher import FetchPolicy
from bot.ingest import ingest_drafts
from bot.models import ArticleDraft
from bot.nlp import NlpService
from bot.sandbox import DiscordEmulator
from bot.sandbox.emulator.state import Guild
from bot.sandbox.emulator.world import World
from bot.search import search
from bot.servers import KnownPlaces, Place, record_places, record_present
from bot.store import Store, open_store
from bot.web import Discord, WebContext, WebOptions, WebServer
from tests.newsdesk import nlp_enricher

VIEW_AND_SEND = (1 << 10) | (1 << 11)
# Titles of the articles the newsroom adds to the seed: enough Qatar news for three pages.
QATAR_PAGES = 24
HOSTILE_TITLE = '<script>alert("x")</script> & <b>Qatar</b> "quoted" \u202eevil'
STORY_SOURCES = ("Wire One", "Wire Two", "Wire Three")


def newsroom_world() -> World:
    """The emulated Discord of the web tests (see the module docstring)."""
    world = World()
    alice, bob, carol, dave = (world.add_user(n) for n in ("alice", "bob", "carol", "dave"))
    world.add_user("erin")
    newsroom = world.add_guild("Newsroom", members=(alice, bob))
    newsroom.roles[0].permissions = VIEW_AND_SEND  # @everyone: no admin rights
    world.add_guild("Backroom", members=(carol,)).roles[0].permissions = VIEW_AND_SEND
    world.add_guild("Elsewhere", members=(dave,)).roles[0].permissions = VIEW_AND_SEND
    return world


def newsroom_drafts(*, hostile: bool = True) -> list[ArticleDraft]:
    """Articles beside the seed: Qatar news for paging, one story from three outlets, and
    (unless `hostile` is False) an article whose title is hostile HTML."""
    drafts = [
        ArticleDraft(
            title=f"Qatar talks, day {n}",
            body=f"Mediators in Qatar met again on day {n} of the talks about a truce.",
            origin=f"test:qatar-{n}",
            source="Gulf Daily",
            published_at=f"2026-02-{n + 1:02d}T10:00:00+00:00",
        )
        for n in range(1, QATAR_PAGES + 1)
    ]
    story_text = (
        "The harbour authority reopened the northern quay on Friday after repairs to the "
        "breakwater, and the first container ships were expected within hours, officials said."
    )
    drafts += [
        ArticleDraft(
            title=f"Harbour reopens ({source})",
            body=story_text,
            origin=f"test:harbour-{n}",
            source=source,
            published_at=f"2026-03-01T0{7 + n}:15:00+00:00",
        )
        for n, source in enumerate(STORY_SOURCES)
    ]
    if not hostile:
        return drafts
    drafts.append(
        ArticleDraft(
            title=HOSTILE_TITLE,
            body="Qatar <img src=x onerror=alert(1)> javascript:alert(2) </p><script>x</script>",
            origin="test:hostile",
            source="<b>Evil</b> source",
            url="https://example.org/a?b=1&c=<2>",
            published_at="2026-03-01T06:00:00+00:00",
        )
    )
    return drafts


# An article whose quotation the NLP step attributes to a person (the entity page lists it).
QUOTED = ArticleDraft(
    title="Port chief thanks the repair crews",
    body=(
        '"The quay is open again and the first ships are already on their way," said port '
        "chief Tom Reilly on Friday.\n\nReilly thanked the crews who worked through the night."
    ),
    origin="test:quoted",
    source="Coast Herald",
    published_at="2026-03-01T12:00:00+00:00",
)
QUOTE = "The quay is open again and the first ships are already on their way,"


async def build_newsroom(path: Path, clock: FakeClock, *, hostile: bool = True) -> None:
    """Add the newsroom's articles to the seeded database at `path` (without NLP, but for one
    quoted article: the seed article carries the entities); ingest places the harbour reports
    in one story."""
    async with await open_store(path) as store:
        await ingest_drafts(store, newsroom_drafts(hostile=hostile), clock=clock)
        service = NlpService("inline")
        try:
            enrich = nlp_enricher(store, service, clock)
            await ingest_drafts(store, [QUOTED], clock=clock, enrich=enrich)
        finally:
            service.close()


async def harbour_story(store: Store) -> int:
    """The id of the story the three harbour reports make."""
    found = await search(store, "harbour reopens", per_page=10)
    stories = await store.stories_of([hit.id for hit in found.hits])
    [story] = set(stories.values())
    return story


@dataclass
class WebDesk:
    """A running web and the emulated Discord it signs people in with."""

    discord: DiscordEmulator
    server: WebServer
    store: Store
    clock: FakeClock

    def url(self, path: str) -> str:
        """An absolute URL on the web server."""
        return self.server.base_url + path

    @asynccontextmanager
    async def browser(self) -> AsyncIterator[aiohttp.ClientSession]:
        """An HTTP client with a cookie jar of its own (IP hosts allowed, as browsers do)."""
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            yield http

    async def sign_in(
        self, http: aiohttp.ClientSession, username: str, next_path: str = "/"
    ) -> aiohttp.ClientResponse:
        """Sign in as `username` through the emulator's consent page; return the last answer."""
        async with http.get(self.url(f"/login/discord?next={next_path}")) as consent:
            assert consent.status == 200, await consent.text()
            assert str(consent.url).startswith(self.discord.emulator.base_url)
            query = dict(consent.url.query)
        user = self.discord.world.user_named(username)
        async with http.post(
            f"{self.discord.emulator.base_url}/oauth2/authorize",
            data={**query, "user": str(user.id)},
        ) as landed:
            await landed.read()
            return landed

    def session_cookie(self, http: aiohttp.ClientSession) -> str:
        """The session cookie's value in this client's jar."""
        cookies = http.cookie_jar.filter_cookies(URL(self.server.base_url))
        return cookies["newsdesk_session"].value

    def later(self, **delta: Any) -> None:
        """Let time pass for the web (sessions expire) and the emulator alike."""
        self.clock.advance(**delta)


def csrf_token(html: str) -> str:
    """The CSRF token a page's forms carry."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no form with a CSRF token"
    return match[1]


def places_of(guild: Guild) -> KnownPlaces:
    """A server's channels and roles, as the bot's servers cog records them on ready."""
    return KnownPlaces(
        tuple(Place(c.id, c.name) for c in guild.channels),
        tuple(Place(r.id, r.name) for r in guild.roles if r.id != guild.id),
    )


@asynccontextmanager
async def running_web(
    db_path: Path | str,
    clock: FakeClock,
    *,
    public: bool = False,
    session_days: int = 7,
    world: World | None = None,
) -> AsyncIterator[WebDesk]:
    """A web server on `db_path` (or a database URL) signing in through a fresh emulator; the
    bot's servers (Newsroom and Backroom), their channels and roles are recorded as the bot
    records them on ready."""
    async with DiscordEmulator(world or newsroom_world(), clock=clock) as discord:
        oauth = discord.emulator.oauth
        async with await open_store(db_path) as store:
            with_bot = [g for g in discord.world.guilds if g.name != "Elsewhere"]
            await record_present(store, [(g.id, g.name) for g in with_bot], clock.now())
            for guild in with_bot:
                await record_places(store, guild.id, places_of(guild))
            context = WebContext(
                store=store,
                options=WebOptions(
                    public_archive=public, session_lifetime=timedelta(days=session_days)
                ),
                discord=Discord(
                    oauth.client_id, Secret(oauth.client_secret), discord.emulator.base_url
                ),
                clock=clock,
                nlp=NlpService("inline"),
            )
            async with WebServer(context) as server:
                oauth.redirect_uris.append(context.options.redirect_uri)
                yield WebDesk(discord, server, store, clock)


@asynccontextmanager
async def web_beside(
    discord: DiscordEmulator, store_url: str, clock: FakeClock, fetch_policy: FetchPolicy
) -> AsyncIterator[WebDesk]:
    """The web on its own connection to a running bot's database (as the bot's web process
    has), in this process so that it keeps the test's clock: a web process of its own cannot
    (bot/cli/web_process.py; tests/bot/web/test_web_process.py tests that one)."""
    oauth = discord.emulator.oauth
    async with await open_store(store_url) as store:
        context = WebContext(
            store=store,
            discord=Discord(
                oauth.client_id, Secret(oauth.client_secret), discord.emulator.base_url
            ),
            clock=clock,
            nlp=NlpService("inline"),
            fetch_policy=fetch_policy,
        )
        async with WebServer(context) as server:
            oauth.redirect_uris.append(context.options.redirect_uri)
            yield WebDesk(discord, server, store, clock)
