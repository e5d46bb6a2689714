"""Server backups on both backends: everything a server set up exported as one JSON file and
restored into another server (ids mapped by name, parts checked as if typed, one transaction),
again into the same one (all already there), and refused whole when the file is not a backup
this Newsdesk reads; the exporting server is never touched."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot.backup.export import export_backup
from bot.backup.restore import restore_backup, same_ids
from bot.backup.schema import BackupRefused, read_backup, write_backup
from bot.clock import FakeClock
from bot.digest.manage import draft_schedule
from bot.feeds.templates import make_template
from bot.insights.rising import pair_key
from bot.store import ChannelPacing, Store, entity_key

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NEWSROOM, RIVAL = 101, 202
NEWS, BRIEFS, EDITORS = 11, 12, 51  # Newsroom's #news, #briefings and @Editors
RIVAL_NEWS, RIVAL_BRIEFS, RIVAL_EDITORS = 21, 22, 61
NAMES = {NEWS: "news", BRIEFS: "briefings"}
TEMPLATE = make_template(title="{title}", description="{summary:200}").to_json()
RIVAL_NAMES = {"news": RIVAL_NEWS, "briefings": RIVAL_BRIEFS}


async def set_up_newsroom(store: Store) -> None:
    """Two feeds (one with its own identity, selector, template and age limit, one paused), two
    digests (one paused, weekly), an entity and a search followed by channels, a member's own
    follow, #news's pacing, a word and an entity muted, the prefix, digest role, timezone and
    default template."""
    at = NOW.isoformat()
    async with store.transaction():
        for url, channel, role in (
            ("https://harbour.example/rss.xml", NEWS, EDITORS),
            ("https://wire.example/atom.xml", BRIEFS, None),
        ):
            feed = await store.add_feed(url, at, 900)
            subscription, _ = await store.add_subscription(
                guild_id=NEWSROOM,
                channel_id=channel,
                feed_id=feed.id,
                filter_text="storm OR flood" if role else "",
                role_id=role,
                created_by=7,
                now=at,
            )
            if role:
                await store.set_feed_options(
                    NEWSROOM,
                    subscription.id,
                    identity_name="Harbour Times",
                    avatar_url="https://harbour.example/logo.png",
                    selector="article .body",
                )
                await store.update_subscription(
                    NEWSROOM, subscription.id, template=TEMPLATE, max_age_hours=48, updates="thread"
                )
            else:
                await store.update_subscription(NEWSROOM, subscription.id, paused=True)
        for every, paused in (("weekdays", False), ("weekly friday", True)):
            draft = draft_schedule(
                guild_id=NEWSROOM,
                channel_id=NEWS,
                target="text",
                time="08:00",
                timezone="Europe/London",
                every=every,
                filter="source:Reuters",
                created_by=7,
                now=NOW,
            )
            schedule = await store.add_digest_schedule(draft, NOW)
            if paused:
                await store.pause_digest_schedule(NEWSROOM, schedule.id, "holiday", NOW)
        key = entity_key("Hamas", "ORG")
        await add_follows(
            store,
            (NEWS, None, "entity", "Hamas", f"ORG:{key}", key),
            (BRIEFS, None, "query", "ceasefire -Egypt", "ceasefire -egypt", None),
            (None, 7, "query", "my own search", "my own search", None),
        )
        await store.set_guild_setting(NEWSROOM, "prefix", "?")
        await store.set_guild_setting(NEWSROOM, "digest_role", str(EDITORS))
        await store.set_guild_setting(NEWSROOM, "timezone", "Europe/London")
        await store.set_guild_setting(NEWSROOM, "feed_template", TEMPLATE)
        await store.set_channel_pacing(ChannelPacing(NEWS, NEWSROOM, 5, 30, "22:00", "07:00"))
        for kind, value, rule_key, ekey in (
            ("word", "Ferry", "ferry", None),
            ("entity", "Hamas", f"ORG:{key}", key),
        ):
            await store.add_mute(
                guild_id=NEWSROOM,
                kind=kind,  # type: ignore[typeddict-item]
                value=value,
                rule_key=rule_key,
                entity_key=ekey,
                entity_label="ORG" if ekey else None,
                created_by=7,
                now=at,
            )


async def add_follows(store: Store, *rows: tuple) -> None:
    """Newsroom's follows: (channel, member, kind, target, target key, entity key); an entity
    key makes it an ORG's."""
    for channel, user, kind, target, target_key, ekey in rows:
        await store.add_follow(
            guild_id=NEWSROOM,
            user_id=user,
            channel_id=channel,
            kind=kind,
            target=target,
            target_key=target_key,
            entity_key=ekey,
            entity_label="ORG" if ekey else None,
            created_by=7,
            now=NOW.isoformat(),
        )


async def backup_of(store: Store, guild: int, names: dict[int, str]) -> bytes:
    return write_backup(
        await export_backup(
            store,
            guild,
            guild_name="Newsroom",
            channels=names,
            roles={EDITORS: "Editors"},
            clock=FakeClock(NOW),
        )
    )


def by_name(channels: dict[str, int], roles: dict[str, int]) -> tuple[object, object]:
    """Mappers as the bot builds them: the same name in the other server."""
    return (lambda old, name: channels.get(name)), (lambda old, name: roles.get(name))


async def test_a_backup_restored_into_another_server_sets_up_the_same(store: Store) -> None:
    await set_up_newsroom(store)
    data = await backup_of(store, NEWSROOM, NAMES)
    raw = json.loads(data)
    assert raw["newsdesk_backup"] == 2 and raw["server"] == {
        "id": str(NEWSROOM),
        "name": "Newsroom",
    }
    assert raw["channels"] == {str(NEWS): "news", str(BRIEFS): "briefings"}
    assert len(raw["follows"]) == 2  # channel follows only: members' own follows are theirs
    before = await backup_of(store, NEWSROOM, NAMES)

    channel, role = by_name(RIVAL_NAMES, {"Editors": RIVAL_EDITORS})
    report = await restore_backup(
        store,
        read_backup(data),
        guild_id=RIVAL,
        created_by=9,
        channel=channel,  # type: ignore[arg-type]
        role=role,  # type: ignore[arg-type]
        clock=FakeClock(NOW),
    )
    assert report.refused == []
    restored_counts = {
        "settings": 4,
        "feeds": 2,
        "digests": 2,
        "follows": 2,
        "pacing": 1,
        "mutes": 2,
    }
    assert report.restored == restored_counts

    rival = {RIVAL_NEWS: "news", RIVAL_BRIEFS: "briefings"}
    restored = json.loads(await backup_of(store, RIVAL, rival))
    original = json.loads(data)
    for part in ("feeds", "digests", "follows", "pacing"):
        for item in original[part]:
            item["channel"] = str(RIVAL_NAMES[NAMES[int(item["channel"])]])
            if item.get("role"):
                item["role"] = str(RIVAL_EDITORS)
        assert restored[part] == original[part], part
    assert restored["settings"] == {
        "prefix": "?",
        "digest_role": str(RIVAL_EDITORS),
        "timezone": "Europe/London",
        "feed_template": TEMPLATE,
    }
    assert [f["paused"] for f in restored["feeds"]] == [False, True]
    assert [f["updates"] for f in restored["feeds"]] == ["thread", "off"]
    assert sorted(s.updates for s, _ in await store.guild_subscriptions(RIVAL)) == [
        "off",
        "thread",
    ]
    assert (
        restored["mutes"]
        == original["mutes"]
        == [
            {"kind": "word", "value": "Ferry", "entity_label": None},
            {"kind": "entity", "value": "Hamas", "entity_label": "ORG"},
        ]
    )
    [paused] = [s for s in await store.digest_schedules(RIVAL) if s.paused]
    assert paused.every == "weekly" and paused.weekday == 4
    assert await backup_of(store, NEWSROOM, NAMES) == before  # the source server is untouched

    again = await restore_backup(
        store,
        read_backup(data),
        guild_id=RIVAL,
        created_by=9,
        channel=channel,  # type: ignore[arg-type]
        role=role,  # type: ignore[arg-type]
        clock=FakeClock(NOW),
    )
    assert again.already == {"feeds": 2, "digests": 2, "follows": 2, "mutes": 2}
    assert (again.restored["feeds"], again.restored["digests"], again.restored["follows"]) == (
        0,
        0,
        0,
    )


async def test_quote_and_pair_follows_are_backed_up_and_restored(store: Store) -> None:
    hamas, qatar = entity_key("Hamas", "ORG"), entity_key("Qatar", "GPE")
    pair = pair_key(("ORG", hamas), ("GPE", qatar))
    async with store.transaction():
        await add_follows(
            store,
            (NEWS, None, "quotes", "Hamas", f"ORG:{hamas}", hamas),
            (BRIEFS, None, "pair", "Hamas × Qatar", pair, None),
        )
    raw = json.loads(await backup_of(store, NEWSROOM, NAMES))
    assert raw["follows"] == [
        {
            "channel": str(NEWS),
            "kind": "quotes",
            "target": "Hamas",
            "entity_label": "ORG",
            "pair": None,
        },
        {
            "channel": str(BRIEFS),
            "kind": "pair",
            "target": "Hamas × Qatar",
            "entity_label": None,
            "pair": [{"name": "Hamas", "label": "ORG"}, {"name": "Qatar", "label": "GPE"}],
        },
    ]
    # A forged target is rebuilt from the pair; one entity twice is no pair.
    raw["follows"][1]["target"] = "anything at all"
    raw["follows"].append(
        {
            "channel": str(NEWS),
            "kind": "pair",
            "target": "Hamas × Hamas",
            "pair": [{"name": "Hamas", "label": "ORG"}, {"name": "HAMAS", "label": "ORG"}],
        }
    )
    channel, role = by_name(RIVAL_NAMES, {})
    report = await restore_backup(
        store,
        read_backup(json.dumps(raw).encode()),
        guild_id=RIVAL,
        created_by=9,
        channel=channel,  # type: ignore[arg-type]
        role=role,  # type: ignore[arg-type]
        clock=FakeClock(NOW),
    )
    assert report.refused == [
        ("follow of Hamas × Hamas", "a pair follow needs two different entities")
    ]
    assert report.restored["follows"] == 2
    restored = {
        (f.channel_id, f.kind, f.target, f.target_key, f.entity_key, f.entity_label)
        for f in await store.channel_follows(RIVAL)
    }
    assert restored == {
        (RIVAL_NEWS, "quotes", "Hamas", f"ORG:{hamas}", hamas, "ORG"),
        (RIVAL_BRIEFS, "pair", "Hamas × Qatar", pair, None, None),
    }


async def test_parts_that_cannot_be_restored_are_refused_with_the_reason(store: Store) -> None:
    await set_up_newsroom(store)
    raw = json.loads(await backup_of(store, NEWSROOM, NAMES))
    raw["feeds"][0]["avatar_url"] = "javascript:alert(1)"
    raw["feeds"].append({"url": "http://10.0.0.5/admin", "channel": str(NEWS)})
    raw["digests"][0]["timezone"] = "Mars/Olympus"
    raw["follows"].append({"channel": str(NEWS), "kind": "query", "target": "-only"})
    raw["settings"]["prefix"] = "@@"
    raw["settings"]["feed_template"] = '{"title": "{nope}"}'
    raw["mutes"].append({"kind": "phrase", "value": "!!"})
    only_news = same_ids(NEWSROOM, RIVAL, {NEWS: RIVAL_NEWS})  # #briefings is not mapped
    report = await restore_backup(
        store,
        read_backup(json.dumps(raw).encode()),
        guild_id=RIVAL,
        created_by=9,
        channel=only_news,
        role=same_ids(NEWSROOM, RIVAL, {}),
    )
    reasons = dict(report.refused)
    assert "without spaces" in reasons["the prefix"]
    assert reasons["the digest role"] == "no such role in this server"
    harbour = reasons["feed https://harbour.example/rss.xml"]
    assert harbour == "The avatar is the https:// address of an image."
    assert reasons["feed http://10.0.0.5/admin"] == "private and loopback addresses are not fetched"
    assert reasons["feed https://wire.example/atom.xml"] == "no channel #briefings in this server"
    assert any("Mars/Olympus" in why for what, why in report.refused if what.startswith("digest"))
    assert "follow of -only" in reasons and "follow of ceasefire -Egypt" in reasons
    assert "unknown placeholder {nope}" in reasons["the server's feed template"]
    assert reasons["mute of phrase “!!”"] == "A muted phrase needs letters or digits."
    assert report.restored == {
        "settings": 1,  # the timezone
        "feeds": 0,
        "digests": 1,
        "follows": 1,
        "pacing": 1,
        "mutes": 2,  # the word and the entity (the bad phrase refused)
    }
    rows = await store.digest_schedules(RIVAL)
    assert [(s.channel_id, s.every, s.paused) for s in rows] == [(RIVAL_NEWS, "weekly", True)]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\xff\xfe", "it is not JSON"),
        (b"[1, 2]", "not a Newsdesk backup"),
        (b'{"newsdesk_backup": 3}', "version 3 backup; this Newsdesk reads versions 1 to 2"),
        (
            b'{"newsdesk_backup": 1, "exported_at": "x", "server": {"id": "1"}, "extra": 1}',
            "extra: Extra inputs are not permitted",
        ),
        (
            b'{"newsdesk_backup": 1, "exported_at": "x", "server": {"id": "1; DROP"}}',
            "server.id: String should match pattern",
        ),
        (b"[" * 100_000 + b"]" * 100_000, "it is not JSON"),
        (b" " * (2 * 1024 * 1024 + 1), "over the 2048 kB"),
    ],
)
async def test_a_file_that_is_not_a_backup_is_refused_whole_and_nothing_restored(
    store: Store, data: bytes, reason: str
) -> None:
    with pytest.raises(BackupRefused, match=reason):
        read_backup(data)
    assert await store.guild_subscriptions(RIVAL) == []
