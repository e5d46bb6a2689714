"""For operators: /healthz and /metrics inside the bot (gateway, commands answered) and in a web
process of its own; several web processes on one PostgreSQL share sessions through the store."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import re
import signal
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.cli.sandbox import sandbox_web
from bot.cli.web import serve_in_bot
from bot.clock import FakeClock, utc_iso
from bot.errors import ConfigError
from bot.feeds.adding import NewFeed, add_feed
from bot.feeds.fetcher import Fetcher
from bot.feeds.poller import FeedPoller
from bot.metrics import LoopLag, Metrics, exported
from bot.store import open_store
from bot.web import WebContext, WebServer
from bot.web.bot_link import BotLink
from tests.bot.feeds.conftest import TEST_POLICY
from tests.bot.feeds.newsroom import NewsSite
from tests.bot.nlp.test_worker_lifetime import DEADLINE
from tests.bot.web.newsroom import WebDesk, csrf_token, newsroom_world, running_web

ROOT = Path(__file__).resolve().parents[3]


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Prometheus text parsed: (sample name, sorted labels) -> value."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def test_inside_the_bot_healthz_sees_the_gateway_and_metrics_count_commands(
    newsdesk_factory: Callable[..., Any],
) -> None:
    async with newsdesk_factory() as desk:
        settings = dataclasses.replace(desk.bot.settings, web_port=0)
        async with (
            serve_in_bot(settings, desk.bot) as server,
            aiohttp.ClientSession() as http,
        ):
            assert server is not None
            async with http.get(server.base_url + "/healthz") as health:
                report = await health.json()
            assert health.status == 200 and report["status"] == "ok"
            assert report["gateway"] == {"connected": True}
            assert report["database"] == {"ok": True}
            await desk.discord.slash("search", query="Qatar truce")
            await desk.discord.slash("search", query="-nothing")  # an error: no words
            # The bot counts a failed command once its error reply is sent: a scrape may come
            # between the two (the wait is bounded, not a sleep).
            ok = (("command", "/search"), ("outcome", "ok"))
            failed = (("command", "/search"), ("outcome", "error"))
            found: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
            async with asyncio.timeout(DEADLINE):
                while ("newsdesk_commands_total", failed) not in found:
                    async with http.get(server.base_url + "/metrics") as scraped:
                        assert scraped.headers["Content-Type"].startswith("text/plain; version=")
                        found = samples(await scraped.text())
    assert found[("newsdesk_commands_total", ok)] == 1
    assert found[("newsdesk_commands_total", failed)] == 1
    assert found[("newsdesk_command_seconds_count", (("command", "/search"),))] == 2
    assert ("newsdesk_nlp_queue_length", ()) in found
    assert found[("newsdesk_web_request_seconds_count", (("route", "/healthz"), ("status", "2xx")))]


async def test_healthz_says_what_is_wrong_with_503(web: WebDesk) -> None:
    bot_metrics = Metrics()
    bot_metrics.watch_gateway(lambda: False)  # the bot's gateway is down
    with exported(bot_metrics) as url:
        down = WebContext(store=web.store, clock=web.clock, bot=BotLink(url))
        await _answers_503(down)


async def _answers_503(down: WebContext) -> None:
    async with WebServer(down) as server, aiohttp.ClientSession() as http:
        async with http.get(server.base_url + "/healthz") as health:
            assert health.status == 503
            assert (await health.json())["gateway"] == {"connected": False}
        await down.store.close()  # the database goes away
        async with http.get(server.base_url + "/healthz") as health:
            report = await health.json()
    assert health.status == 503 and report["database"]["ok"] is False
    assert report["status"] == "unhealthy"


async def test_healthz_gives_the_feeds_last_poll_times(web: WebDesk) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(web.url("/healthz")) as health:
            before = (await health.json())["feeds"]
        guild = web.discord.world.guilds[0]
        news = web.discord.world.channel_named("news", guild)
        alice = web.discord.world.user_named("alice")
        async with NewsSite() as site, Fetcher(TEST_POLICY, clock=web.clock) as fetcher:
            site.newsroom()
            wanted = NewFeed(guild.id, news.id, site.url("/harbour/rss.xml"), alice.id)
            await add_feed(web.store, fetcher, wanted, clock=web.clock, entities_available=True)
            web.clock.advance(minutes=30)
            await FeedPoller(web.store, fetcher, clock=web.clock).run_due()
        async with http.get(web.url("/healthz")) as health:
            after = await health.json()
    assert before == {"subscribed": 0, "last_poll": None, "last_success": None}
    polled = utc_iso(web.clock.now())
    assert health.status == 200 and after["status"] == "ok"
    assert after["feeds"] == {"subscribed": 1, "last_poll": polled, "last_success": polled}


async def test_loop_lag_is_measured_and_recorded() -> None:
    metrics = Metrics()
    lag = await LoopLag(metrics, interval=0.0).sample()
    assert lag >= 0.0
    assert metrics.registry.get_sample_value("newsdesk_event_loop_lag_seconds_count") == 1


async def test_python_m_bot_web_serves_the_archive_as_a_process_of_its_own(
    newsroom_copy: Path,
) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_PATH": str(newsroom_copy),
        "DATABASE_URL": "",
        "WEB_PUBLIC_ARCHIVE": "true",
        "DISCORD_CLIENT_ID": "",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "web", "--port", "0",
        cwd=str(newsroom_copy.parent),
        env=env,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        assert process.stderr is not None
        async with asyncio.timeout(60):
            line = ""
            while "Ctrl-C stops it" not in line:  # log lines may come first
                line = (await process.stderr.readline()).decode()
        url = re.search(r"web newsroom on (http://127\.0\.0\.1:\d+)", line)
        assert url, line
        assert "no sign-in" in line
        async with aiohttp.ClientSession() as http:
            async with http.get(url[1] + "/healthz") as health:
                report = await health.json()
            async with http.get(url[1] + "/api/v1/search?q=harbour") as found:
                assert (await found.json())["total"] == 3
        assert report["status"] == "ok" and "gateway" not in report
    finally:
        process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(30):
            assert await process.wait() == 0


async def test_two_web_processes_on_one_postgresql_share_sign_ins_and_sign_outs(
    postgres_url: str, clock: FakeClock, tmp_path: Path
) -> None:
    async with running_web(postgres_url, clock, world=newsroom_world()) as first:
        second_context = dataclasses.replace(
            first.server.context, store=await open_store(postgres_url, pool_size=2)
        )
        second_context.options = dataclasses.replace(second_context.options, base_url="")
        try:
            async with WebServer(second_context) as second, first.browser() as http:
                await first.sign_in(http, "bob")
                cookie = {"newsdesk_session": first.session_cookie(http)}
                async with http.get(second.base_url + "/api/v1/servers", cookies=cookie) as b:
                    assert [s["name"] for s in (await b.json())["servers"]] == ["Newsroom"]
                async with http.get(second.base_url + "/", cookies=cookie) as home:
                    token = csrf_token(await home.text())
                async with http.post(
                    second.base_url + "/logout", data={"csrf_token": token}, cookies=cookie
                ) as out:
                    assert out.status == 200
                async with http.get(first.url("/api/v1/servers"), cookies=cookie) as a:
                    assert a.status == 401
        finally:
            await second_context.store.close()


async def test_the_sandbox_serves_the_web_signing_in_through_the_emulator(
    newsdesk_factory: Callable[..., Any],
) -> None:
    async with newsdesk_factory() as desk:
        servers_cog = desk.bot.get_cog("Servers")
        async with asyncio.timeout(10):
            await servers_cog.wait_recorded(1)  # type: ignore[union-attr]
        settings = dataclasses.replace(desk.bot.settings, web_port=0)
        async with (
            sandbox_web(settings, desk.bot, desk.discord) as server,
            aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http,
        ):
            assert server is not None
            async with http.get(server.base_url + "/login/discord") as consent:
                query = dict(consent.url.query)
            alice = desk.discord.alice
            async with http.post(
                desk.discord.emulator.base_url + "/oauth2/authorize",
                data={**query, "user": str(alice.id)},
            ) as landed:
                assert str(landed.url) == server.base_url + "/"
            # The servers cog recorded the bot's server on ready; the web reads it from there.
            async with http.get(server.base_url + "/api/v1/servers") as mine:
                servers = (await mine.json())["servers"]
    assert servers == [{"id": str(desk.discord.guild.id), "name": "Newsroom", "manager": True}]


async def test_the_sandboxs_web_takes_a_free_port_when_its_own_is_taken(
    newsdesk_factory: Callable[..., Any],
) -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    busy = taken.getsockname()[1]
    try:
        async with newsdesk_factory() as desk:
            async with serve_in_bot(
                desk.bot.settings, desk.bot, sandbox=True, sandbox_port=busy
            ) as server:
                assert server is not None and server.port not in {0, busy}
            # A port asked for with WEB_PORT is not swapped for another: that is an error.
            asked = dataclasses.replace(desk.bot.settings, web_port=busy)
            with pytest.raises(ConfigError, match=f"cannot serve the web on 127.0.0.1:{busy}"):
                async with serve_in_bot(asked, desk.bot, sandbox=True):
                    pass
    finally:
        taken.close()
