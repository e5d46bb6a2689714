"""The feeds admin pages over HTTP, on SQLite and PostgreSQL: an admin lists, adds (with a test
fetch of a loopback feed), edits, pauses, resumes and removes feeds, edits a template with its
preview and pages through a delivery log; a member without Manage Server gets 403 on every
page and form, a form without its CSRF token is refused, and another server's ids (its guild
id, its feed numbers, its channels) are refused and logged with nothing changed."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from html import unescape
from pathlib import Path

import aiohttp
import pytest

from bot.clock import FakeClock, utc_iso
from bot.feeds import manage
from bot.feeds.fetcher import Fetcher
from bot.feeds.poller import FeedPoller
from bot.sandbox.emulator.state import Guild
from bot.servers import KnownPlaces, Place, known_places, record_places
from bot.store import DeliveryOutcome, NewLogEntry
from tests.backends import fresh_database
from tests.bot.feeds.conftest import TEST_POLICY
from tests.bot.feeds.newsroom import NewsSite, Reply
from tests.bot.web.newsroom import WebDesk, csrf_token, running_web

HARBOUR = "Harbour Times – Coast & Port"  # the loopback RSS feed's own title


@pytest.fixture
async def site() -> AsyncIterator[NewsSite]:
    """Harbour Times and Coastal Wire on 127.0.0.1."""
    async with NewsSite() as news:
        news.newsroom()
        yield news


@pytest.fixture(params=["sqlite", "postgres"])
async def desk(
    request: pytest.FixtureRequest, newsroom_copy: Path, clock: FakeClock
) -> AsyncIterator[WebDesk]:
    """The web on either backend, its feed test fetches allowed to reach the loopback site,
    and the channels and roles of its servers recorded as the bot records them (running_web)."""
    async with AsyncExitStack() as stack:
        where = str(newsroom_copy)
        if request.param == "postgres":
            server = request.getfixturevalue("postgres_server")
            template = request.getfixturevalue("postgres_template")
            where = await stack.enter_async_context(fresh_database(server, template))
        running = await stack.enter_async_context(running_web(where, clock))
        running.server.context.fetch_policy = TEST_POLICY
        yield running


def guild(desk: WebDesk, name: str) -> Guild:
    return next(g for g in desk.discord.world.guilds if g.name == name)


def channel_id(desk: WebDesk, server: str, name: str) -> int:
    return desk.discord.world.channel_named(name, guild(desk, server)).id


async def signed_in(desk: WebDesk, http: aiohttp.ClientSession, who: str) -> str:
    """Sign in; return the session's form token."""
    await desk.sign_in(http, who)
    async with http.get(desk.url("/")) as home:
        return csrf_token(await home.text())


async def add_feed(
    desk: WebDesk, http: aiohttp.ClientSession, token: str, server: str, url: str, **form: str
) -> aiohttp.ClientResponse:
    """Post the add form of a server's feeds page (to #news unless told)."""
    data = {"csrf_token": token, "url": url, "channel": str(channel_id(desk, server, "news"))}
    async with http.post(
        desk.url(f"/servers/{guild(desk, server).id}/feeds"),
        data={**data, **form},
        allow_redirects=False,
    ) as answer:
        await answer.read()
        return answer


def texts(html: str) -> str:
    """A page's text without its tags, whitespace collapsed (what a reader sees)."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


async def test_an_admin_adds_a_feed_after_a_test_fetch_and_sees_it_listed(
    desk: WebDesk, site: NewsSite
) -> None:
    newsroom = guild(desk, "Newsroom")
    async with desk.browser() as http:
        token = await signed_in(desk, http, "alice")
        async with http.get(desk.url(f"/servers/{newsroom.id}/feeds")) as empty:
            shown = texts(await empty.text())
        assert empty.status == 200 and "No feeds yet" in shown
        assert "#general" in shown and "#news" in shown and "@Editors" in shown
        added = await add_feed(desk, http, token, "Newsroom", site.url("/harbour/rss.xml"))
        assert added.status == 303
        [(subscription, _)] = await desk.store.guild_subscriptions(newsroom.id)
        assert (
            added.headers["Location"] == f"/servers/{newsroom.id}/feeds/{subscription.id}?added=new"
        )
        assert subscription.channel_id == channel_id(desk, "Newsroom", "news")
        async with http.get(desk.url(added.headers["Location"])) as page:
            shown = texts(await page.text())
        assert "Added: the feed was read" in shown and "#news" in shown
        assert f"#{subscription.id} {HARBOUR}" in shown
        async with http.get(desk.url(f"/servers/{newsroom.id}/feeds")) as listed:
            shown = texts(await listed.text())
        assert HARBOUR in shown and "New" in shown and "1 of at most" in shown
        async with http.get(desk.url(f"/api/v1/servers/{newsroom.id}/feeds")) as api:
            found = (await api.json())["feeds"]
        assert [(f["id"], f["feed"], f["channel"]) for f in found] == [
            (subscription.id, HARBOUR, "#news")
        ]


async def test_what_cannot_be_followed_is_refused_saying_why_and_nothing_is_added(
    desk: WebDesk, site: NewsSite
) -> None:
    newsroom = guild(desk, "Newsroom")
    async with desk.browser() as http:
        token = await signed_in(desk, http, "alice")
        missing = await add_feed(desk, http, token, "Newsroom", site.url("/nothing.xml"))
        assert missing.status == 400
        not_a_feed = await add_feed(desk, http, token, "Newsroom", "ftp://example.org/feed")
        assert not_a_feed.status == 400
        # Another server's channel, and @everyone as the role, are not this server's choices.
        elsewhere = str(channel_id(desk, "Backroom", "news"))
        async with http.post(
            desk.url(f"/servers/{newsroom.id}/feeds"),
            data={"csrf_token": token, "url": site.url("/harbour/rss.xml"), "channel": elsewhere},
        ) as foreign:
            assert foreign.status == 400
            assert "Choose one of this server's channels" in texts(await foreign.text())
        everyone = await add_feed(
            desk, http, token, "Newsroom", site.url("/harbour/rss.xml"), role=str(newsroom.id)
        )
        assert everyone.status == 400
        async with http.post(
            desk.url(f"/servers/{newsroom.id}/feeds"),
            data={
                "csrf_token": token,
                "url": site.url("/nothing.xml"),
                "channel": str(channel_id(desk, "Newsroom", "news")),
            },
        ) as page:
            shown = texts(await page.text())
        assert "Couldn't read that feed" in shown and site.url("/nothing.xml") in await page.text()
    assert await desk.store.guild_subscriptions(newsroom.id) == []


async def test_an_admin_edits_pauses_resumes_and_removes_a_feed(
    desk: WebDesk, site: NewsSite
) -> None:
    newsroom = guild(desk, "Newsroom")
    editors = next(r for r in newsroom.roles if r.name == "Editors")
    async with desk.browser() as http:
        token = await signed_in(desk, http, "alice")
        await add_feed(desk, http, token, "Newsroom", site.url("/harbour/rss.xml"))
        [(subscription, _)] = await desk.store.guild_subscriptions(newsroom.id)
        one = desk.url(f"/servers/{newsroom.id}/feeds/{subscription.id}")
        general = str(channel_id(desk, "Newsroom", "general"))
        form = {"csrf_token": token, "channel": general, "filter": "storm OR flood"}
        async with http.post(
            one, data={**form, "role": str(editors.id), "max_age": "48"}
        ) as edited:
            shown = texts(await edited.text())
        assert edited.status == 200 and str(edited.url) == one
        assert 'value="storm OR flood"' in await edited.text()
        assert "#general" in shown
        after = await desk.store.subscription(newsroom.id, subscription.id)
        assert after is not None
        assert (after.channel_id, after.filter, after.role_id, after.max_age_hours) == (
            int(general),
            "storm OR flood",
            editors.id,
            48,
        )
        async with http.post(one, data={"csrf_token": token, "filter": "-storm"}) as bad:
            assert bad.status == 400 and "at least one word" in texts(await bad.text())
        cleared = {"csrf_token": token, "clear_filter": "1", "clear_role": "1"}
        async with http.post(one, data=cleared) as answer:
            assert answer.status == 200
        after = await desk.store.subscription(newsroom.id, subscription.id)
        assert after is not None and (after.filter, after.role_id) == ("", None)

        async with http.post(one + "/pause", data={"csrf_token": token}) as paused:
            assert "Resume" in texts(await paused.text())
        assert (await desk.store.subscription(newsroom.id, subscription.id)).paused  # type: ignore[union-attr]
        async with http.post(one + "/pause", data={"csrf_token": token}) as again:
            assert again.status == 400 and "already paused" in await again.text()
        async with http.post(one + "/resume", data={"csrf_token": token}) as resumed:
            assert "Pause" in texts(await resumed.text())
        assert not (await desk.store.subscription(newsroom.id, subscription.id)).paused  # type: ignore[union-attr]

        async with http.post(one + "/remove", data={"csrf_token": token}) as removed:
            assert str(removed.url).endswith(f"/feeds?removed={subscription.id}")
            assert "No feeds yet" in texts(await removed.text())
    assert await desk.store.guild_subscriptions(newsroom.id) == []


async def poll_once(desk: WebDesk) -> None:
    """The bot's poller reads every due feed once (what brings a feed's items)."""
    async with Fetcher(TEST_POLICY, clock=desk.clock) as fetcher:
        await FeedPoller(desk.store, fetcher, clock=desk.clock).run_due()


async def test_the_template_editor_previews_the_post_and_saves_it(
    desk: WebDesk, site: NewsSite
) -> None:
    newsroom = guild(desk, "Newsroom")
    async with desk.browser() as http:
        token = await signed_in(desk, http, "alice")
        await add_feed(desk, http, token, "Newsroom", site.url("/harbour/rss.xml"))
        [(subscription, feed)] = await desk.store.guild_subscriptions(newsroom.id)
        editor = desk.url(f"/servers/{newsroom.id}/feeds/{subscription.id}/template")
        async with http.get(editor) as page:
            shown = texts(await page.text())
        assert "Now: Newsdesk's default template" in shown
        assert "The preview appears once the feed has brought its first item" in shown
        await poll_once(desk)
        newest = await manage.latest_article(desk.store, feed)
        assert newest is not None
        typed = {
            "csrf_token": token,
            "content": "",
            "title": "Breaking: {title:200}",
            "description": "{summary}",
            "footer": "{feed} · {source}",
            "style": "#e67e22 no-thumbnail",
        }
        async with http.post(editor, data={**typed, "action": "preview"}) as previewed:
            html = await previewed.text()
        assert f"Breaking: {newest.title}" in texts(html)
        assert 'fill="#e67e22"' in html
        assert f"{HARBOUR} · Harbour Times" in texts(html)
        saved_before, _ = await manage.template_of(desk.store, newsroom.id, subscription.id)
        assert saved_before.title == "{title}"  # a preview saves nothing

        async with http.post(editor + "/preview", data={**typed, "title": "{nope}"}) as live:
            assert live.status == 200
            assert "The embed title can't be used" in texts(await live.text())
        async with http.post(editor, data={**typed, "action": "save"}) as saved:
            shown = texts(await saved.text())
        assert "Saved: the next post uses this template" in shown and "Now: its own" in shown
        mine, whose = await manage.template_of(desk.store, newsroom.id, subscription.id)
        assert (mine.title, mine.colour, mine.thumbnail, whose) == (
            "Breaking: {title:200}",
            0xE67E22,
            False,
            "its own",
        )
        async with http.get(
            desk.url(f"/api/v1/servers/{newsroom.id}/feeds/{subscription.id}/template")
        ) as api:
            raw = (await api.json())["preview"]["card"]["raw"]
        assert raw["title"] == f"Breaking: {newest.title}" and raw["colour"] == 0xE67E22
        async with http.post(editor, data={**typed, "title": "{title", "action": "save"}) as bad:
            assert bad.status == 400 and "can't be used" in texts(await bad.text())
        async with http.post(editor, data={"csrf_token": token, "action": "reset"}) as reset:
            assert "Now: Newsdesk's default template" in texts(await reset.text())


async def test_a_feeds_own_name_and_selector_are_set_tried_and_cleared(
    desk: WebDesk, site: NewsSite
) -> None:
    newsroom = guild(desk, "Newsroom")
    async with desk.browser() as http:
        token = await signed_in(desk, http, "alice")
        await add_feed(desk, http, token, "Newsroom", site.url("/harbour/rss.xml"))
        [(subscription, _)] = await desk.store.guild_subscriptions(newsroom.id)
        await poll_once(desk)
        one = desk.url(f"/servers/{newsroom.id}/feeds/{subscription.id}/options")
        form = {"csrf_token": token, "name": "Harbour desk", "selector": "article p"}
        async with http.post(one, data=form) as saved:
            shown = texts(await saved.text())
        assert saved.status == 200
        assert re.search(r"Saved\. On the latest article it picks \d+ words", shown), shown[-600:]
        options = await desk.store.feed_options(subscription.id)
        assert (options.identity_name, options.selector) == ("Harbour desk", "article p")
        async with http.post(one, data={"csrf_token": token, "selector": "p:has(("}) as bad:
            assert bad.status == 400
        assert (await desk.store.feed_options(subscription.id)).selector == "article p"
        async with http.post(one, data={"csrf_token": token, "clear": "identity"}) as cleared:
            assert 'id="own-name" name="name" type="text" maxlength="80" value=""' in (
                await cleared.text()
            )
        assert (await desk.store.feed_options(subscription.id)).identity_name == ""


async def test_the_feeds_list_shows_each_feeds_health_as_it_changes(
    desk: WebDesk, site: NewsSite
) -> None:
    newsroom = guild(desk, "Newsroom")
    listed = desk.url(f"/servers/{newsroom.id}/feeds")
    async with desk.browser() as http:
        token = await signed_in(desk, http, "alice")
        await add_feed(desk, http, token, "Newsroom", site.url("/harbour/rss.xml"))

        async def health() -> tuple[str, str]:
            async with http.get(listed) as page:
                cell = re.search(r'<span class="health (\w+)">', await page.text())
            async with http.get(desk.url(f"/api/v1/servers/{newsroom.id}/feeds")) as api:
                [feed] = (await api.json())["feeds"]
            assert cell is not None and cell[1] == feed["health"]["state"]
            return feed["health"]["state"], feed["health"]["error"] or ""

        assert await health() == ("new", "")
        await poll_once(desk)
        assert (await health())[0] == "ok"
        # The site breaks: a day of failed polls later the feed is failing, saying why.
        site.serve("/harbour/rss.xml", Reply(b"down", status=500))
        for _ in range(3):  # failing since the first failed poll, 26 hours before the last
            desk.clock.advance(hours=13)
            await poll_once(desk)
        state, error = await health()
        async with http.get(listed) as page:
            shown = texts(await page.text())
    assert state == "failing" and "500" in error
    assert re.search(rf"failing read .+ {re.escape(error)}", shown)  # and when it last read


async def test_the_delivery_log_pages_newest_first(desk: WebDesk, site: NewsSite) -> None:
    newsroom = guild(desk, "Newsroom")
    async with desk.browser() as http:
        token = await signed_in(desk, http, "alice")
        await add_feed(desk, http, token, "Newsroom", site.url("/harbour/rss.xml"))
        [(subscription, _)] = await desk.store.guild_subscriptions(newsroom.id)
        for n in range(manage.LOG_PAGE + 2):
            desk.later(minutes=1)
            line = NewLogEntry(
                subscription.id, f"Item {n}", None, DeliveryOutcome.FILTERED, "filter: storm"
            )
            async with desk.store.transaction():
                await desk.store.log_deliveries([line], utc_iso(desk.clock.now()))
        log_page = desk.url(f"/servers/{newsroom.id}/feeds/{subscription.id}/log")
        async with http.get(log_page) as first:
            shown = texts(await first.text())
        assert "Page 1 of 2" in shown and "Older →" in shown
        assert shown.index(f"Item {manage.LOG_PAGE + 1}") < shown.index("Item 3")
        assert "Item 1 " not in shown and "filter: storm" in shown
        async with http.get(log_page + "?page=2") as second:
            shown = texts(await second.text())
        assert "Page 2 of 2" in shown and "Item 0" in shown and "← Newer" in shown


# Every admin page and form of Newsroom's feed number `{feed}`.
ADMIN_PAGES = [
    "/servers/{guild}/feeds",
    "/servers/{guild}/feeds/{feed}",
    "/servers/{guild}/feeds/{feed}/template",
    "/servers/{guild}/feeds/{feed}/log",
]
ADMIN_FORMS = [
    "/servers/{guild}/feeds",
    "/servers/{guild}/feeds/{feed}",
    "/servers/{guild}/feeds/{feed}/options",
    "/servers/{guild}/feeds/{feed}/pause",
    "/servers/{guild}/feeds/{feed}/resume",
    "/servers/{guild}/feeds/{feed}/remove",
    "/servers/{guild}/feeds/{feed}/template",
    "/servers/{guild}/feeds/{feed}/template/preview",
]


async def newsroom_feed(desk: WebDesk, site: NewsSite) -> tuple[int, int]:
    """Newsroom's id and a feed it follows (added by alice on the web)."""
    async with desk.browser() as http:
        token = await signed_in(desk, http, "alice")
        await add_feed(desk, http, token, "Newsroom", site.url("/harbour/rss.xml"))
    newsroom = guild(desk, "Newsroom")
    [(subscription, _)] = await desk.store.guild_subscriptions(newsroom.id)
    return newsroom.id, subscription.id


async def test_a_member_without_manage_server_gets_403_on_every_page_and_form(
    desk: WebDesk, site: NewsSite, caplog: pytest.LogCaptureFixture
) -> None:
    guild_id, feed_id = await newsroom_feed(desk, site)
    before = await desk.store.guild_subscriptions(guild_id)
    async with desk.browser() as http:
        token = await signed_in(desk, http, "bob")  # a member of Newsroom, not a manager
        with caplog.at_level(logging.WARNING, logger="bot.web.access"):
            for path in ADMIN_PAGES:
                for where in (path, "/api/v1" + path):
                    url = desk.url(where.format(guild=guild_id, feed=feed_id))
                    async with http.get(url) as answer:
                        assert answer.status == 403, where
                        said = await answer.text()
                        assert "needs the Manage Server permission" in said, where
            for path in ADMIN_FORMS:
                url = desk.url(path.format(guild=guild_id, feed=feed_id))
                form = {"csrf_token": token, "url": site.url("/wire/atom.xml"), "title": "x"}
                async with http.post(url, data=form) as answer:
                    assert answer.status == 403, path
        refusals = [r for r in caplog.records if "cannot manage it" in r.getMessage()]
        assert len(refusals) == 2 * len(ADMIN_PAGES) + len(ADMIN_FORMS)
    assert await desk.store.guild_subscriptions(guild_id) == before


async def test_forms_without_their_csrf_token_are_refused(desk: WebDesk, site: NewsSite) -> None:
    guild_id, feed_id = await newsroom_feed(desk, site)
    before = await desk.store.guild_subscriptions(guild_id)
    async with desk.browser() as http:
        await signed_in(desk, http, "alice")
        for path in ADMIN_FORMS:
            url = desk.url(path.format(guild=guild_id, feed=feed_id))
            for token in ("", "forged-token"):
                async with http.post(url, data={"csrf_token": token, "title": "x"}) as answer:
                    assert answer.status == 403, path
                    assert "did not come from this site" in await answer.text()
    assert await desk.store.guild_subscriptions(guild_id) == before


async def test_another_servers_ids_are_refused_logged_and_change_nothing(
    desk: WebDesk, site: NewsSite, caplog: pytest.LogCaptureFixture
) -> None:
    newsroom_id, newsroom_feed_id = await newsroom_feed(desk, site)
    backroom = guild(desk, "Backroom")
    async with desk.browser() as http:
        token = await signed_in(desk, http, "carol")  # manages Backroom only
        await add_feed(desk, http, token, "Backroom", site.url("/wire/atom.xml"))
        [(mine, _)] = await desk.store.guild_subscriptions(backroom.id)
        before = await desk.store.guild_subscriptions(newsroom_id)
        with caplog.at_level(logging.WARNING):
            # Newsroom's id in the URL: not one of carol's servers.
            for path in ADMIN_PAGES:
                url = desk.url(path.format(guild=newsroom_id, feed=newsroom_feed_id))
                async with http.get(url) as answer:
                    assert answer.status == 403, path
            for path in ADMIN_FORMS:
                url = desk.url(path.format(guild=newsroom_id, feed=newsroom_feed_id))
                async with http.post(url, data={"csrf_token": token}) as answer:
                    assert answer.status == 403, path
            # Her own server's id with Newsroom's feed number: no such feed here.
            for path in ADMIN_PAGES[1:]:
                url = desk.url(path.format(guild=backroom.id, feed=newsroom_feed_id))
                async with http.get(url) as answer:
                    assert answer.status == 404, path
            for path in ADMIN_FORMS[1:]:
                url = desk.url(path.format(guild=backroom.id, feed=newsroom_feed_id))
                async with http.post(url, data={"csrf_token": token, "title": "x"}) as answer:
                    assert answer.status == 404, path
            # Her own feed, moved to Newsroom's channel: not one of Backroom's channels.
            url = desk.url(f"/servers/{backroom.id}/feeds/{mine.id}")
            moved = {"csrf_token": token, "channel": str(channel_id(desk, "Newsroom", "news"))}
            async with http.post(url, data=moved) as answer:
                assert answer.status == 400
        forged = [r.getMessage() for r in caplog.records]
        assert sum("refused server id" in m for m in forged) == len(ADMIN_PAGES) + len(ADMIN_FORMS)
        assert (
            sum("not one of its feeds" in m for m in forged)
            == len(ADMIN_PAGES) - 1 + len(ADMIN_FORMS) - 1
        )
    assert await desk.store.guild_subscriptions(newsroom_id) == before
    assert (await desk.store.subscription(backroom.id, mine.id)) == mine


async def test_the_channels_offered_are_the_ones_the_bot_recorded(desk: WebDesk) -> None:
    newsroom = guild(desk, "Newsroom")
    await record_places(desk.store, newsroom.id, KnownPlaces((Place(7, "alerts"),), ()))
    assert await known_places(desk.store, newsroom.id) == KnownPlaces((Place(7, "alerts"),), ())
    async with desk.browser() as http:
        await signed_in(desk, http, "alice")
        async with http.get(desk.url(f"/servers/{newsroom.id}/feeds")) as page:
            shown = texts(await page.text())
    assert "#alerts" in shown and "#news" not in shown
