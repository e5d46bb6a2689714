"""The fetcher against a loopback site: caps, redirects, conditional GET, robots.txt, politeness."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp import web

from bot.clock import FakeClock
from bot.feeds.fetcher import Fetcher, FetchError, FetchPolicy, retry_after

from .conftest import TEST_POLICY
from .newsroom import RSS, NewsSite, Reply


async def test_sends_a_real_user_agent_and_reads_gzip(site: NewsSite, fetcher: Fetcher) -> None:
    body = site.fixture("wire.atom")
    site.serve("/gz.xml", Reply(body, content_type=RSS, gzip=True))
    fetched = await fetcher.get(site.url("/gz.xml"))
    assert fetched.body == body
    request = site.seen[-1]
    assert request.headers["User-Agent"].startswith("Newsdesk/")
    assert "gzip" in request.headers["Accept-Encoding"]


async def test_conditional_get_answers_304_with_the_validators(
    site: NewsSite, fetcher: Fetcher
) -> None:
    first = await fetcher.get(site.url("/harbour/rss.xml"))
    assert first.status == 200 and first.etag and first.last_modified
    second = await fetcher.get(
        site.url("/harbour/rss.xml"), etag=first.etag, last_modified=first.last_modified
    )
    assert second.not_modified and second.body == b""
    assert site.seen[-1].headers["If-None-Match"] == first.etag
    assert site.seen[-1].headers["If-Modified-Since"] == first.last_modified


async def test_a_30_mb_stream_is_cut_at_the_cap(site: NewsSite, fetcher: Fetcher) -> None:
    site.serve("/huge.xml", site.huge)
    with pytest.raises(FetchError, match="over the 2 MB cap") as caught:
        await fetcher.get(site.url("/huge.xml"))
    assert caught.value.kind == "too-large"
    # The site stopped streaming well short of 30 MB: the rest was never downloaded.
    assert site.streamed < 30 * 1024 * 1024


async def test_a_declared_oversized_body_is_refused_before_reading(
    site: NewsSite, fetcher: Fetcher
) -> None:
    site.serve("/big.xml", Reply(b"x" * (3 * 1024 * 1024), content_type=RSS))
    with pytest.raises(FetchError, match=r"3\.0 MB, over the 2 MB cap"):
        await fetcher.get(site.url("/big.xml"))


async def test_redirects_are_followed_and_loops_stopped(site: NewsSite, fetcher: Fetcher) -> None:
    site.serve("/old-feed", site.redirect_to("/harbour/rss.xml"))
    fetched = await fetcher.get(site.url("/old-feed"))
    assert fetched.url == site.url("/harbour/rss.xml") and fetched.status == 200
    site.serve("/loop/a", site.redirect_to("/loop/b"))
    site.serve("/loop/b", site.redirect_to("/loop/a"))
    with pytest.raises(FetchError, match="redirect loop") as caught:
        await fetcher.get(site.url("/loop/a"))
    assert caught.value.kind == "redirects"
    for n in range(8):
        site.serve(f"/hop/{n}", site.redirect_to(f"/hop/{n + 1}"))
    with pytest.raises(FetchError, match="more than 5 redirects"):
        await fetcher.get(site.url("/hop/0"))


async def test_a_silent_server_times_out(site: NewsSite, fetcher: Fetcher) -> None:
    site.serve("/slow.xml", site.hang)
    with pytest.raises(FetchError, match="timed out") as caught:
        await fetcher.get(site.url("/slow.xml"))
    assert caught.value.kind == "timeout" and caught.value.transient


async def test_429_pauses_the_whole_host_until_retry_after(
    site: NewsSite, fetcher: Fetcher, clock: FakeClock
) -> None:
    site.serve("/limited.xml", Reply(status=429, headers={"Retry-After": "120"}))
    with pytest.raises(FetchError) as caught:
        await fetcher.get(site.url("/limited.xml"))
    assert caught.value.status == 429 and caught.value.retry_after == timedelta(seconds=120)
    hits = sum(site.hits.values())
    with pytest.raises(FetchError, match="asked us to wait"):
        await fetcher.get(site.url("/harbour/rss.xml"))  # same host, no request made
    assert sum(site.hits.values()) == hits
    clock.advance(seconds=121)
    assert (await fetcher.get(site.url("/harbour/rss.xml"))).status == 200


def test_retry_after_reads_seconds_and_http_dates() -> None:
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert retry_after("30", now) == timedelta(seconds=30)
    assert retry_after("Mon, 02 Mar 2026 09:05:00 GMT", now) == timedelta(minutes=5)
    assert retry_after("999999", now) == timedelta(days=1)  # capped
    assert retry_after("soon", now) is None


async def test_robots_txt_is_respected_for_article_pages(site: NewsSite, fetcher: Fetcher) -> None:
    site.serve(
        "/robots.txt",
        Reply(b"User-agent: Newsdesk\nDisallow: /wire/\n\nUser-agent: *\nAllow: /\n"),
    )
    with pytest.raises(FetchError, match=r"robots\.txt") as caught:
        await fetcher.fetch_page(site.url("/wire/stories/port-closures"))
    assert caught.value.kind == "robots"
    assert site.hits["/wire/stories/port-closures"] == 0
    assert (await fetcher.fetch_page(site.url("/shared/budget-vote"))).status == 200
    await fetcher.fetch_page(site.url("/harbour/news/cafe-levy"))
    assert site.hits["/robots.txt"] == 1  # cached per site


async def test_missing_robots_txt_allows_everything(site: NewsSite, fetcher: Fetcher) -> None:
    assert await fetcher.allowed(site.url("/wire/stories/port-closures"))


async def test_at_most_two_requests_per_host_at_once(site: NewsSite, clock: FakeClock) -> None:
    gate, two_in = asyncio.Event(), asyncio.Event()

    async def held(request: web.Request) -> web.StreamResponse:
        if site.active >= 2:
            two_in.set()
        await gate.wait()
        return web.Response(text="ok")

    for n in range(6):
        site.serve(f"/page/{n}", held)
    async with Fetcher(TEST_POLICY, clock=clock) as fetcher:
        tasks = [asyncio.create_task(fetcher.get(site.url(f"/page/{n}"))) for n in range(6)]
        await two_in.wait()
        gate.set()
        pages = await asyncio.gather(*tasks)
    assert [p.body for p in pages] == [b"ok"] * 6
    assert site.max_active == 2


async def test_private_addresses_are_refused_by_default(site: NewsSite, clock: FakeClock) -> None:
    async with Fetcher(FetchPolicy(), clock=clock) as fetcher:
        with pytest.raises(FetchError, match="private and loopback") as caught:
            await fetcher.get(site.url("/harbour/rss.xml"))
        assert caught.value.kind == "blocked"
        with pytest.raises(FetchError) as caught:
            await fetcher.get(f"http://localhost:{site.base.rsplit(':', 1)[1]}/harbour/rss.xml")
        assert caught.value.kind == "blocked"
        with pytest.raises(FetchError, match="not a web address"):
            await fetcher.get("file:///etc/passwd")
    assert site.hits["/harbour/rss.xml"] == 0
