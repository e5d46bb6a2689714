"""The console driving the real bot through the emulator, as a person at a terminal would."""

import io

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
