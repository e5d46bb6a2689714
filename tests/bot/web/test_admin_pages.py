"""A server's admin pages beside feeds, on both backends: digests, follows, mute list,
settings, export and import. What an admin sees and changes, and that the same core functions
as the slash commands did it (the rows the store holds afterwards)."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest

from bot.clock import FakeClock
from bot.config import PREFIX_KEY
from bot.digest.manage import ROLE_KEY
from bot.feeds.pacing import TIMEZONE_KEY
from bot.feeds.templates import SERVER_TEMPLATE_KEY, make_template
from bot.servers import KnownPlaces, record_places
from tests import backends
from tests.bot.web.newsroom import WebDesk, csrf_token, places_of, running_web

# 08:00 UTC on Monday 2 March 2026: New York is on EST (UTC-5) until Sunday 8 March.
MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.fixture(params=backends.BACKENDS)
async def admin_web(request: pytest.FixtureRequest, newsroom_copy: Path) -> AsyncIterator[WebDesk]:
    """The web over the newsroom (SQLite) or a fresh PostgreSQL database, at MONDAY."""
    clock = FakeClock(MONDAY)
    if request.param == "sqlite":
        async with running_web(newsroom_copy, clock) as desk:
            yield desk
        return
    server = request.getfixturevalue("postgres_server")
    template = request.getfixturevalue("postgres_template")
    async with backends.fresh_database(server, template) as url, running_web(url, clock) as desk:
        yield desk


async def signed_in(web: WebDesk, http: aiohttp.ClientSession, who: str) -> None:
    landed = await web.sign_in(http, who)
    assert landed.status == 200


async def form_token(web: WebDesk, http: aiohttp.ClientSession, path: str) -> str:
    async with http.get(web.url(path)) as answer:
        assert answer.status == 200, await answer.text()
        return csrf_token(await answer.text())


def newsroom(web: WebDesk) -> tuple[int, int]:
    """The Newsroom's id and its #news channel's id."""
    guild = web.discord.world.guilds[0]
    return guild.id, guild.channels[1].id


def listed_times(html: str) -> list[str]:
    return re.findall(r'<time datetime="([^"]+)">', html)


async def test_a_digest_scheduled_on_the_web_shows_its_next_five_times_in_its_zone(
    admin_web: WebDesk,
) -> None:
    web = admin_web
    guild_id, channel_id = newsroom(web)
    page = f"/servers/{guild_id}/digests"
    async with web.browser() as http:
        await signed_in(web, http, "alice")
        token = await form_token(web, http, page)
        form = {
            "csrf_token": token,
            "channel": f"<#{channel_id}>",
            "target": "text",
            "every": "weekdays",
            "time": "7am",
            "timezone": "america/new_york",
            "filter": "Qatar",
            "max_items": "3",
            "nothing_new": "skip",
        }
        # Checking first stores nothing and shows when it would post.
        async with http.post(web.url(page), data={**form, "action": "check"}) as checked:
            text = await checked.text()
            assert checked.status == 200
        assert listed_times(text) == [
            "2026-03-02T07:00:00-05:00",
            "2026-03-03T07:00:00-05:00",
            "2026-03-04T07:00:00-05:00",
            "2026-03-05T07:00:00-05:00",
            "2026-03-06T07:00:00-05:00",
        ]
        assert "Mon 02 Mar 2026, 07:00 EST" in text
        assert await web.store.digest_schedules(guild_id) == []
        async with http.post(web.url(page), data={**form, "action": "schedule"}) as scheduled:
            text = await scheduled.text()
            assert scheduled.status == 200 and scheduled.url.path == page
    [stored] = await web.store.digest_schedules(guild_id)
    assert (stored.channel_id, stored.every, stored.local_time, stored.timezone) == (
        channel_id,
        "weekdays",
        "07:00",
        "America/New_York",
    )
    assert (stored.filter, stored.max_items, stored.created_by) == (
        "Qatar",
        3,
        web.discord.world.user_named("alice").id,
    )
    assert f"Digest #{stored.id}: weekdays at 07:00 (America/New_York)" in text
    assert listed_times(text)[:5] == [
        "2026-03-02T07:00:00-05:00",
        "2026-03-03T07:00:00-05:00",
        "2026-03-04T07:00:00-05:00",
        "2026-03-05T07:00:00-05:00",
        "2026-03-06T07:00:00-05:00",
    ]
    # After the clocks change on 8 March, 07:00 in New York is 11:00 UTC, not 12:00.
    web.later(days=5)
    async with web.browser() as http:
        await signed_in(web, http, "alice")
        async with http.get(web.url(f"/api/v1{page}")) as api:
            [shown] = (await api.json())["schedules"]
    assert [t["at"] for t in shown["next"]][:2] == [
        "2026-03-09T07:00:00-04:00",
        "2026-03-10T07:00:00-04:00",
    ]


async def test_a_schedule_that_cannot_be_is_explained_and_nothing_stored(
    admin_web: WebDesk,
) -> None:
    web = admin_web
    guild_id, channel_id = newsroom(web)
    page = f"/servers/{guild_id}/digests"
    async with web.browser() as http:
        await signed_in(web, http, "alice")
        token = await form_token(web, http, page)
        base = {"csrf_token": token, "channel": str(channel_id), "action": "schedule"}
        backroom_channel = web.discord.world.guilds[1].channels[0].id
        refusals = {
            "Mars/Olympus": {"timezone": "Mars/Olympus", "time": "08:00"},
            "cron": {"timezone": "UTC", "every": "cron * * * * *", "time": "08:00"},
            "channel": {"timezone": "UTC", "time": "08:00", "channel": "general"},
            # A channel of another server (Backroom's), forged into the form.
            "foreign": {"timezone": "UTC", "time": "08:00", "channel": str(backroom_channel)},
        }
        for name, fields in refusals.items():
            async with http.post(web.url(page), data={**base, **fields}) as refused:
                text = await refused.text()
                assert refused.status == 400, name
                assert 'role="alert"' in text, name
                if name == "foreign":
                    assert "Choose one of this server&#39;s channels" in text
    assert await web.store.digest_schedules(guild_id) == []


async def test_pause_resume_preview_and_remove_a_digest(admin_web: WebDesk) -> None:
    web = admin_web
    guild_id, channel_id = newsroom(web)
    page = f"/servers/{guild_id}/digests"
    async with web.browser() as http:
        await signed_in(web, http, "alice")
        token = await form_token(web, http, page)
        form = {"csrf_token": token, "channel": str(channel_id), "time": "09:30"}
        async with http.post(web.url(page), data={**form, "action": "schedule"}) as answer:
            assert answer.status == 200
        [digest] = await web.store.digest_schedules(guild_id)
        async with http.post(web.url(f"{page}/{digest.id}/pause"), data=form) as paused:
            text = await paused.text()
        assert "Paused (paused by alice)" in text and "Resume" in text
        assert (await web.store.digest_schedules(guild_id))[0].paused
        async with http.post(web.url(f"{page}/{digest.id}/resume"), data=form) as resumed:
            text = await resumed.text()
        assert "Mon 02 Mar 2026, 09:30 UTC" in text
        assert not (await web.store.digest_schedules(guild_id))[0].paused
        async with http.get(web.url(f"{page}/{digest.id}/preview")) as preview:
            text = await preview.text()
        assert preview.status == 200 and "nothing was posted" in text
        async with http.post(web.url(f"{page}/{digest.id}/remove"), data=form) as removed:
            assert "No digests yet." in await removed.text()
        assert await web.store.digest_schedules(guild_id) == []
        # Another server's digest number is unknown here.
        async with http.post(web.url(f"{page}/{digest.id}/pause"), data=form) as gone:
            assert gone.status == 400
            assert f"There is no digest #{digest.id} in this server." in await gone.text()


async def test_the_mute_list_adds_lists_and_removes_rules(admin_web: WebDesk) -> None:
    web = admin_web
    guild_id, _ = newsroom(web)
    page = f"/servers/{guild_id}/mutes"
    async with web.browser() as http:
        await signed_in(web, http, "alice")
        token = await form_token(web, http, page)
        for kind, value in (("word", "Crypto"), ("phrase", "transfer window")):
            data = {"csrf_token": token, "kind": kind, "value": value}
            async with http.post(web.url(page), data=data) as added:
                assert added.status == 200
        async with http.post(
            web.url(page), data={"csrf_token": token, "kind": "word", "value": "two words"}
        ) as refused:
            assert refused.status == 400
            assert "two words" in await refused.text()  # the form keeps what was typed
        async with http.get(web.url(f"/api/v1{page}")) as api:
            mutes = (await api.json())["mutes"]
        assert [(m["kind"], m["value"]) for m in mutes] == [
            ("word", "Crypto"),
            ("phrase", "transfer window"),
        ]
        first = mutes[0]["id"]
        async with http.post(
            web.url(f"{page}/{first}/remove"), data={"csrf_token": token}
        ) as removed:
            text = await removed.text()
        assert "transfer window" in text and "Crypto" not in text
    assert [m.value for m in await web.store.guild_mutes(guild_id)] == ["transfer window"]


async def follow_query(web: WebDesk, guild_id: int, channel_id: int, text: str) -> None:
    """A channel follow of a search, as `/follow query channel:` stores it."""
    async with web.store.transaction():
        await web.store.add_follow(
            guild_id=guild_id,
            user_id=None,
            channel_id=channel_id,
            kind="query",
            target=text,
            target_key=text,
            entity_key=None,
            entity_label=None,
            created_by=1,
            now="2026-03-01T10:00:00+00:00",
        )


def table_rows(html: str) -> list[list[str]]:
    """The cells' text of each row of a page's table body (tags dropped)."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


async def test_channel_follows_are_listed_by_channel_name_and_removed(admin_web: WebDesk) -> None:
    web = admin_web
    guild = web.discord.world.guilds[0]
    general, news = guild.channels
    await follow_query(web, guild.id, news.id, "harbour reopens")
    await follow_query(web, guild.id, general.id, "ceasefire")
    # #general is deleted: the bot records the server's channels again without it.
    known = places_of(guild)
    await record_places(web.store, guild.id, KnownPlaces((known.channel(news.id),), known.roles))
    page = f"/servers/{guild.id}/follows"
    async with web.browser() as http:
        await signed_in(web, http, "alice")
        async with http.get(web.url(page)) as listed:
            text = await listed.text()
        # Listed by channel (#general was made first).
        assert [row[1:3] for row in table_rows(text)] == [
            [
                f"unknown channel {general.id} (deleted, or Newsdesk cannot post there)",
                "query: ceasefire",
            ],
            ["#news", "query: harbour reopens"],
        ]
        assert f">{news.id}<" not in text  # never a bare id
        token = csrf_token(text)
        for follow in await web.store.channel_follows(guild.id):
            async with http.post(
                web.url(f"{page}/{follow.id}/remove"), data={"csrf_token": token}
            ) as removed:
                shown = await removed.text()
        assert "No channel follows yet" in shown
    assert await web.store.channel_follows(guild.id) == []


async def test_settings_change_as_the_slash_commands_change_them(admin_web: WebDesk) -> None:
    web = admin_web
    guild_id, _ = newsroom(web)
    editors = web.discord.world.guilds[0].roles[1]
    page = f"/servers/{guild_id}/settings"
    async with web.browser() as http:
        await signed_in(web, http, "alice")
        token = await form_token(web, http, page)
        for setting, value in (
            ("prefix", "?"),
            ("timezone", "europe/london"),
            ("digest_role", f"<@&{editors.id}>"),
        ):
            data = {"csrf_token": token, "setting": setting, "value": value}
            async with http.post(web.url(page), data=data) as saved:
                assert saved.status == 200
        async with http.post(
            web.url(page), data={"csrf_token": token, "setting": "prefix", "value": "a b"}
        ) as refused:
            assert refused.status == 400
            assert "1-5 characters without spaces" in await refused.text()
        # Another server's role (Backroom's Editors) is not one of Newsroom's: refused.
        foreign = web.discord.world.guilds[1].roles[1]
        async with http.post(
            web.url(page),
            data={"csrf_token": token, "setting": "digest_role", "value": str(foreign.id)},
        ) as forged:
            assert forged.status == 400
            assert "Choose one of this server&#39;s roles." in await forged.text()
        async with http.get(web.url(f"/api/v1{page}")) as api:
            shown = (await api.json())["settings"]
    assert shown == {"prefix": "?", "timezone": "Europe/London", "digest_role": str(editors.id)}
    assert await web.store.guild_setting(guild_id, PREFIX_KEY) == "?"
    assert await web.store.guild_setting(guild_id, TIMEZONE_KEY) == "Europe/London"
    assert await web.store.guild_setting(guild_id, ROLE_KEY) == str(editors.id)


async def schedule_as_alice(
    web: WebDesk, http: aiohttp.ClientSession, guild_id: int, channel_id: int
) -> str:
    """Sign in as alice and schedule a 09:30 digest in the channel; return the CSRF token."""
    await signed_in(web, http, "alice")
    token = await form_token(web, http, f"/servers/{guild_id}/digests")
    form = {"csrf_token": token, "channel": str(channel_id), "time": "09:30"}
    async with http.post(
        web.url(f"/servers/{guild_id}/digests"), data={**form, "action": "schedule"}
    ):
        pass
    return token


async def test_export_then_import_reports_what_was_added_and_refused(
    admin_web: WebDesk,
) -> None:
    web = admin_web
    guild_id, channel_id = newsroom(web)
    backroom = web.discord.world.guilds[1]
    async with web.browser() as http:
        token = await schedule_as_alice(web, http, guild_id, channel_id)
        async with http.post(
            web.url(f"/servers/{guild_id}/mutes"),
            data={"csrf_token": token, "kind": "word", "value": "crypto"},
        ):
            pass
        async with http.get(web.url(f"/servers/{guild_id}/backup.json")) as exported:
            assert exported.status == 200
            assert "attachment" in exported.headers["Content-Disposition"]
            backup = await exported.read()
    document = json.loads(backup)
    assert document["server"]["id"] == str(guild_id)
    assert [d["channel"] for d in document["digests"]] == [str(channel_id)]
    assert [m["value"] for m in document["mutes"]] == ["crypto"]

    async def upload(who: str, target: int, body: bytes) -> tuple[int, str]:
        return await upload_backup(web, who, target, body)

    # Into the server it came from: all of it is there already.
    status, text = await upload("alice", guild_id, backup)
    assert status == 200 and "Digests: 0 added, 1 already here" in text
    # Into another server (carol's): the mute rule comes, and the digest goes to the channel
    # of the same name there (the export named it, as `/settings export` does).
    assert document["channels"] == {str(channel_id): "news"}
    status, text = await upload("carol", backroom.id, backup)
    assert status == 200
    assert "Mutes: 1 added" in text and "Digests: 1 added" in text
    assert "Not restored" not in text
    assert [m.value for m in await web.store.guild_mutes(backroom.id)] == ["crypto"]
    [digest] = await web.store.digest_schedules(backroom.id)
    assert digest.channel_id == web.discord.world.channel_named("news", backroom).id
    # Not a backup at all: refused, nothing restored.
    status, text = await upload("carol", backroom.id, b'{"hello": 1}')
    assert status == 400 and "That file was refused" in text


async def upload_backup(web: WebDesk, who: str, target: int, body: bytes) -> tuple[int, str]:
    """Upload `body` as a backup into server `target`, signed in as `who`."""
    async with web.browser() as http:
        await signed_in(web, http, who)
        token = await form_token(web, http, f"/servers/{target}/backup")
        data = aiohttp.FormData()
        data.add_field("csrf_token", token)
        data.add_field("file", body, filename="backup.json", content_type="application/json")
        async with http.post(web.url(f"/servers/{target}/backup"), data=data) as answer:
            return answer.status, await answer.text()


async def test_an_import_checks_templates_and_maps_channels_by_name_as_settings_import(
    admin_web: WebDesk,
) -> None:
    web = admin_web
    guild_id, channel_id = newsroom(web)
    backroom = web.discord.world.guilds[1]
    async with web.browser() as http:
        await schedule_as_alice(web, http, guild_id, channel_id)
        async with http.get(web.url(f"/servers/{guild_id}/backup.json")) as exported:
            document = json.loads(await exported.read())
    # A server template whose title can run past Discord's 256 characters, as `/settings
    # import` refuses it.
    document["settings"]["feed_template"] = make_template(title="{summary}").to_json()
    status, text = await upload_backup(web, "carol", backroom.id, json.dumps(document).encode())
    assert status == 200
    assert "over Discord&#39;s limit of 256" in text
    assert await web.store.guild_setting(backroom.id, SERVER_TEMPLATE_KEY) is None
    # Backroom's own #news, found by the name the bot recorded for it.
    [digest] = await web.store.digest_schedules(backroom.id)
    assert digest.channel_id == web.discord.world.channel_named("news", backroom).id
