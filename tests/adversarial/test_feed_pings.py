"""A hostile feed cannot ping or spoof: item titles, summaries and the feed's own name full of
mentions, masked links and markdown are announced inert, and the subscription's opt-in role is
the only mention the bot ever allows."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

import pytest

from bot.clock import FakeClock
from bot.sandbox import DiscordEmulator
from bot.sandbox.emulator.state import ALL_PERMISSIONS
from tests.adversarial.discord_records import message_bodies
from tests.adversarial.hostile import embed_text, live_markup
from tests.adversarial.test_no_pings import PAYLOAD

feeds_cog = pytest.importorskip("tests.cogs.test_feeds", reason="the feeds cog has not landed")
newsroom = pytest.importorskip("tests.bot.feeds.newsroom")


STORIES = (
    ("Storm closes northern ports", "Ferries stayed in harbour as gales hit the coast."),
    ("Council passes harbour budget", "Councillors voted late into the night on dredging."),
    ("Café owners protest new levy", "Traders say the two-euro charge drives tourists away."),
)


def hostile_rss(count: int) -> bytes:
    """An RSS feed whose name, titles and summaries all try to ping and spoof."""
    items = "".join(
        f"<item><title>{xml_escape(f'{title} {PAYLOAD}')}</title>"
        f"<link>/hostile/{n}</link><guid>hostile-{n}</guid>"
        f"<description>{xml_escape(f'<p>{lead} {PAYLOAD}</p>')}</description></item>"
        for n, (title, lead) in enumerate(STORIES[:count])
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{xml_escape('Wire @everyone <@&1> [x](https://evil.example)')}</title>"
        f"<link>/</link><description>d</description>{items}</channel></rss>"
    ).encode()


async def test_a_hostile_feed_pings_only_the_opt_in_role(tmp_path: Path, clock: FakeClock) -> None:
    async with newsroom.NewsSite() as site, DiscordEmulator(clock=clock) as discord:
        site.serve("/hostile.xml", newsroom.Reply(hostile_rss(0), content_type=newsroom.RSS))
        editors = next(r for r in discord.guild.roles if r.name == "Editors")
        async with feeds_cog.newsdesk_on(discord, tmp_path / "newsdesk.db", clock) as desk:
            await desk.slash_as(
                discord.alice,
                "feeds add",
                permissions=ALL_PERMISSIONS,
                url=site.url("/hostile.xml"),
                channel=discord.channel("news"),
                role=editors,
            )
            await feeds_cog.settled(desk)
            site.serve("/hostile.xml", newsroom.Reply(hostile_rss(3), content_type=newsroom.RSS))
            clock.advance(minutes=20)
            await feeds_cog.settled(desk)

    posts = [
        (request, body)
        for request, body in message_bodies(discord)
        if request.path.endswith("/messages") and request.method == "POST"
    ]
    cards = [embed for _, body in posts for embed in body.get("embeds") or []]
    assert len(cards) == 3
    for _, body in posts:
        allowed = body["allowed_mentions"]
        assert allowed.get("parse") == []
        assert allowed.get("roles", []) in ([], [editors.id], [str(editors.id)])
        assert body.get("content") in (None, "", f"<@&{editors.id}>")
    for card in cards:  # footers are plain text on Discord: only the markdown parts matter
        assert live_markup(embed_text(card)) == [], embed_text(card)[:300]
        assert "evil.example" not in card.get("url", "")
