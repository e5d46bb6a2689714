"""`feeds import FILE --guild --channel` and `feeds export --guild` on both backends: each feed
added, already there or refused on its own line; a malformed file refused with one error line
and nothing imported; the export is OPML 2.0 listing the server's feeds."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.feeds.opml import OpmlFeed, read_opml, write_opml
from bot.store import open_store
from tests.bot.cli.test_commands import cli, database, default_db

__all__ = ["database", "default_db"]  # fixtures this module uses


async def test_feeds_import_and_export_through_the_command_line(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    listed = [
        OpmlFeed("https://harbour.example/rss.xml", "Harbour Times"),
        OpmlFeed("https://wire.example/atom.xml", "Coastal Wire"),
        OpmlFeed("ftp://old.example/feed", "Old"),
    ]
    opml = tmp_path / "reader.opml"
    opml.write_bytes(write_opml("Reader", listed, datetime(2026, 3, 1, tzinfo=UTC)))
    where = ["--guild", "101", "--channel", "11"]

    code, out, err = await cli(capsys, "--db", database, "feeds", "import", str(opml), *where)
    assert (code, err) == (0, "")
    assert "added Harbour Times — https://harbour.example/rss.xml" in out
    assert "refused Old: not an http:// or https:// feed address" in out
    assert out.endswith("2 added, 0 already there, 1 refused")
    code, out, _ = await cli(capsys, "--db", database, "feeds", "import", str(opml), *where)
    assert "already there Coastal Wire" in out and "0 added, 2 already there" in out

    broken = tmp_path / "broken.opml"
    broken.write_bytes(opml.read_bytes()[:100])
    elsewhere = ["--guild", "202", "--channel", "22"]
    code, out, err = await cli(capsys, "--db", database, "feeds", "import", str(broken), *elsewhere)
    assert code == 2 and err.startswith(f"error: {broken} was refused: it is not well-formed XML")
    assert "nothing was imported" in err
    async with await open_store(database) as store:
        assert await store.guild_subscriptions(202) == []

    code, out, err = await cli(capsys, "--db", database, "feeds", "export", "--guild", "101")
    assert code == 0 and err == "" and '<opml version="2.0">' in out
    written = tmp_path / "out.opml"
    code, out, _ = await cli(
        capsys, "--db", database, "feeds", "export", "--guild", "101", "-o", str(written)
    )
    assert code == 0 and out.startswith(f"wrote {written}")
    document = read_opml(written.read_bytes())
    assert {f.url for f in document.feeds} == {f.url for f in listed[:2]}
