"""The console driving the real bot through the emulator, as a person at a terminal would."""

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

from rich.console import Console

from bot.models import ArticleDraft
from bot.sandbox.console import ConsoleSession, run_once
from tests.newsdesk import Newsdesk


async def transcript(newsdesk: Newsdesk, *lines: str) -> tuple[int, str]:
    """Run `lines` in one-shot mode; return the status and everything printed."""
    buffer = io.StringIO()
    status = await run_once(
        ConsoleSession(newsdesk.discord), list(lines), Console(file=buffer, width=100)
    )
    return status, buffer.getvalue()


async def test_search_then_open_from_the_menu(newsdesk: Newsdesk) -> None:
    status, text = await transcript(newsdesk, "/search query:Qatar truce", ":select 1")
    assert status == 0
    assert "Results for “Qatar truce”" in text
    assert "Senior Israeli Security Officials In Qatar To Discuss Truce With Hamas" in text
    assert "**Qatar**" in text  # the highlighted snippet
    # The select opened the article: its body is in the second reply.
    assert "Maj. Gen. Herzi Halevi" in text.split("Page 1 of 1")[-1]
    assert "<t:" not in text  # Discord timestamps shown as dates


async def test_channel_message_and_button_click(newsdesk: Newsdesk) -> None:
    drafts = [
        (f"Harbour story {n}", "The harbour ceasefire talks continue. " * 5) for n in range(8)
    ]
    await newsdesk.ingest(
        [ArticleDraft(title=t, body=b, origin=f"test:{n}") for n, (t, b) in enumerate(drafts)]
    )
    status, text = await transcript(newsdesk, "!news harbour", ":click Next")
    assert status == 0
    assert "Page 1 of 2" in text and "Page 2 of 2" in text


async def test_errors_give_status_one_and_say_why(newsdesk: Newsdesk) -> None:
    status, text = await transcript(newsdesk, "/nosuchcommand")
    assert status == 1
    assert "no command /nosuchcommand" in text
    status, text = await transcript(newsdesk, "/search query:x", ":click Next")
    assert status == 1


async def test_summary_and_entity(newsdesk: Newsdesk) -> None:
    status, text = await transcript(
        newsdesk, "/summary article:Qatar truce sentences:2", "/entity name:Herzi Halevi"
    )
    assert status == 0
    summary, entity = text.split("Herzi Halevi\nPerson", 1)
    assert "• A delegation of senior Israeli security officials" in summary
    assert "Organisations: Hamas, IDF" in summary
    assert "Halevi was already in Doha earlier this year" in entity


async def test_digest_schedule_and_post_now(newsdesk: Newsdesk) -> None:
    status, text = await transcript(
        newsdesk,
        "/digest schedule channel:#news time:08:00 timezone:UTC",
        "/digest now 1",
    )
    assert status == 0, text
    posted = newsdesk.discord.channel_messages(newsdesk.discord.channel("news"))
    assert posted, "the digest was posted in #news"
    assert any("Senior Israeli Security Officials" in str(m.embeds) for m in posted)


def test_one_shot_command_line(tmp_path: Path, seeded_database: Path) -> None:
    database = tmp_path / "newsdesk.db"
    shutil.copy(seeded_database, database)
    env = {**os.environ, "DATABASE_PATH": str(database), "DISCORD_TOKEN": ""}
    command = [sys.executable, "-m", "bot", "console", "--exec"]
    done = subprocess.run(
        [*command, "/search query:Qatar truce"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Senior Israeli Security Officials In Qatar" in done.stdout
    failed = subprocess.run(
        [*command, "/nosuch"], env=env, capture_output=True, text=True, timeout=120
    )
    assert failed.returncode == 1
    assert "no command /nosuch" in failed.stdout


async def test_a_form_the_bot_opens_is_shown_and_filled_in(newsdesk: Newsdesk) -> None:
    store, discord = newsdesk.store, newsdesk.discord
    async with store.transaction():
        feed = await store.add_feed(
            "https://news.example/rss.xml", "2026-03-02T09:00:00+00:00", 900
        )
        await store.add_subscription(
            guild_id=discord.guild.id,
            channel_id=discord.channel("news").id,
            feed_id=feed.id,
            filter_text="",
            role_id=None,
            created_by=discord.alice.id,
            now="2026-03-02T09:00:00+00:00",
        )
    status, text = await transcript(
        newsdesk, "/feeds template id:1", ':fill title="📰 {title:200}" style=#e67e22'
    )
    assert status == 0, text
    assert "▤ Template of feed #1 (Newsdesk's default)" in text
    assert "  footer       Embed footer: {source|feed} · {also_in}" in text
    assert "Saved the template of feed #1" in text
    [(subscription, _)] = await store.guild_subscriptions(discord.guild.id)
    assert '"title": "📰 {title:200}"' in subscription.template
    assert '"footer": "{source|feed} · {also_in}"' in subscription.template  # kept as shown
    status, text = await transcript(newsdesk, "/feeds template id:1", ":fill headline=x")
    assert status == 1 and "this form has content, title, description, footer, style" in text
    status, text = await transcript(newsdesk, ":fill title=x")
    assert status == 1 and "no form is open" in text


def test_a_cog_that_fails_to_load_is_one_loud_line_in_the_console(
    tmp_path: Path, seeded_database: Path
) -> None:
    database = tmp_path / "newsdesk.db"
    shutil.copy(seeded_database, database)
    # `cogs` is a namespace package: a folder earlier on the path adds a module to it.
    extra = tmp_path / "extra" / "cogs"
    extra.mkdir(parents=True)
    (extra / "zz_broken.py").write_text("async def setup(bot):\n    raise RuntimeError('boom')\n")
    path = os.pathsep.join([str(tmp_path / "extra"), os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "DATABASE_PATH": str(database), "DISCORD_TOKEN": "", "PYTHONPATH": path}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "console", "--exec", "/search query:Qatar truce"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Senior Israeli Security Officials In Qatar" in done.stdout  # the others loaded
    assert done.stderr.splitlines() == [
        "error: cog cogs.zz_broken did not load: RuntimeError: boom "
        f"(traceback in {tmp_path / 'sandbox.log'})"
    ]
    log = (tmp_path / "sandbox.log").read_text()
    assert "ERROR   bot.client.newsbot: cog cogs.zz_broken failed to load" in log
