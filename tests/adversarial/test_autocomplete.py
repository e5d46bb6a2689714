"""Autocomplete under hostile typing: whatever is typed, and whatever titles the archive holds
(a 1 MB one included), every option offered fits Discord's limits (≤ 25 choices, names and
values ≤ 100 characters, checked by the emulator) without hidden or bidi characters."""

from __future__ import annotations

from bot.models import ArticleDraft
from tests.adversarial.hostile import ATTACKS
from tests.newsdesk import Newsdesk

OPTIONS = (
    ("search", "entity"),
    ("summary", "article"),
    ("entity", "name"),
    ("digest schedule", "timezone"),
    ("digest schedule", "every"),
    ("catchup", "timezone"),
    ("feeds remove", "id"),
    ("unfollow", "follow"),
    ("follow entity", "name"),
    ("quotes", "name"),
    ("follow quotes", "name"),
)
TYPED = ("", "a", "\u202e\u200b", "@everyone", "<@&1>", '"NEAR(', "x" * 100, *ATTACKS[:10])


async def test_every_autocomplete_fits_discord_whatever_is_typed(newsdesk: Newsdesk) -> None:
    discord = newsdesk.discord
    huge = "Ceasefire @everyone [x](https://evil.example) " * 25_000
    await newsdesk.ingest(
        [ArticleDraft(title=huge, body="Truce talks resumed.", origin="test:huge")], nlp=False
    )
    tried = 0
    for command, option in OPTIONS:
        if discord.world.command_named(command.split()[0], discord.guild.id) is None:
            continue
        for typed in TYPED:
            choices = await discord.autocomplete(command, option, typed)
            tried += 1
            assert len(choices) <= 25
            for choice in choices:
                assert 1 <= len(choice["name"]) <= 100, (command, option, typed)
                # Choice names are shown as typed (no markdown, no pings): only hidden or
                # reordering characters from the archive could mislead there (echoing back
                # what this member typed shows them nothing new).
                if choice["name"] != typed.strip():
                    hidden = set(choice["name"]) & set("\u202e\u2066\u200b\x00\n")
                    assert not hidden, (command, option, choice)
    assert tried >= 2 * len(TYPED)
