"""`settings export --guild` and `settings import FILE --guild` on both backends: the same
server's ids kept, another server's mapped with --channel OLD=NEW (what is unmapped is not
restored, with the reason), a file that is not a backup refused with one error line."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from bot.servers import KnownPlaces, Place, record_joined, record_places
from bot.store import open_store
from tests.bot.cli.test_commands import cli, database, default_db

__all__ = ["database", "default_db"]  # fixtures this module uses

NOW = "2026-03-02T09:00:00+00:00"


async def test_settings_export_and_import_through_the_command_line(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async with await open_store(database) as store:
        async with store.transaction():
            for url, channel in (("https://a.example/rss", 11), ("https://b.example/rss", 12)):
                feed = await store.add_feed(url, NOW, 900)
                await store.add_subscription(
                    guild_id=101,
                    channel_id=channel,
                    feed_id=feed.id,
                    filter_text="",
                    role_id=None,
                    created_by=7,
                    now=NOW,
                )
        await store.set_guild_setting(101, "prefix", "?")
        # What the running bot recorded of the server: its name, channel 11 (#news); channel 12
        # was deleted since.
        await record_joined(store, 101, "Newsroom", datetime.fromisoformat(NOW))
        await record_places(store, 101, KnownPlaces((Place(11, "news"),)))
    backup = tmp_path / "backup.json"
    code, out, err = await cli(
        capsys, "--db", database, "settings", "export", "--guild", "101", "-o", str(backup)
    )
    assert (code, err) == (0, "") and out.startswith(f"wrote {backup}")
    exported = json.loads(backup.read_bytes())
    assert exported["settings"]["prefix"] == "?"
    assert exported["server"] == {"id": "101", "name": "Newsroom"}
    assert exported["channels"] == {"11": "news", "12": ""}

    code, out, err = await cli(
        capsys, "--db", database, "settings", "import", str(backup), "--guild", "101"
    )
    assert (code, err) == (0, "")
    assert "feeds: 0 restored, 2 already there" in out  # the same server: ids kept

    code, out, err = await cli(
        capsys,
        "--db",
        database,
        "settings",
        "import",
        str(backup),
        "--guild",
        "202",
        "--channel",
        "11=21",
    )
    assert (code, err) == (0, "")
    assert "feeds: 1 restored" in out
    assert "not restored feed https://b.example/rss: no channel 12 in this server" in out
    async with await open_store(database) as store:
        [(subscription, feed)] = await store.guild_subscriptions(202)
        assert (subscription.channel_id, feed.url) == (21, "https://a.example/rss")
        assert await store.guild_setting(202, "prefix") == "?"

    bad = tmp_path / "bad.json"
    bad.write_text('{"newsdesk_backup": 9}')
    code, out, err = await cli(
        capsys, "--db", database, "settings", "import", str(bad), "--guild", "1"
    )
    assert code == 2 and err.startswith(f"error: {bad} was refused: it is a version 9 backup")
