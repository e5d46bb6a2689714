"""Message menu "Find related news": search with the key terms of any message."""

from __future__ import annotations

import re

import discord
from discord import app_commands
from discord.ext import commands

from bot import budget, work
from bot.client import NewsBot, app_cooldown
from bot.errors import QueryError
from bot.models.query import Term
from bot.search import any_word_query, unidecode_fold
from bot.store import Store
from cogs.search import show_results

KEY_TERMS = 5
# Words looked up per message: enough for a long post, bounded so a wall of text stays fast.
CANDIDATES = 60
_WORD = re.compile(r"[^\W\d_]{3,}")
# Words too common in English news to say what a message is about.
# fmt: off
_COMMON = frozenset({
    "about", "after", "again", "also", "because", "been", "before", "being", "between", "both",
    "but", "could", "did", "does", "during", "each", "every", "first", "from", "had", "has",
    "have", "having", "here", "into", "its", "just", "last", "like", "made", "many", "more",
    "most", "much", "must", "new", "news", "now", "only", "other", "our", "over", "said", "says",
    "same", "should", "since", "some", "still", "such", "than", "that", "the", "their", "them",
    "then", "there", "these", "they", "this", "those", "through", "today", "under", "until",
    "very", "was", "were", "what", "when", "where", "which", "while", "who", "will", "with",
    "would", "year", "years", "you", "your", "people", "told", "report", "reported", "according",
})
# fmt: on


async def key_terms(
    store: Store, text: str, limit: int = KEY_TERMS, *, cap: int = budget.RELATED_WORD_POSTINGS
) -> list[str]:
    """The message's most specific words that the archive knows: indexed words, rarest first
    (fewest articles, counted up to `cap`), longer first on ties. Needs no NLP: the index
    decides."""
    candidates: dict[str, None] = {}
    for word in _WORD.findall(text[:4000]):
        folded = unidecode_fold(word)
        if folded not in _COMMON:
            candidates.setdefault(folded)
    ranked: list[tuple[int, int, str]] = []
    for word in list(candidates)[:CANDIDATES]:
        # Counted only up to the cap: past it a word says little about the message, and
        # counting "government" in full reads 65k postings (60 such words took a second).
        reach = await store.term_reach(Term((word,)), max_lists=1, max_postings=cap)
        work.spend("related_postings", reach.postings)
        if reach.postings:
            ranked.append((reach.postings, -len(word), word))
    return [word for _, _, word in sorted(ranked)[:limit]]


def message_text(message: discord.Message) -> str:
    """The words of a message: its content and the titles and text of its embeds."""
    parts = [message.content]
    for embed in message.embeds:
        parts.extend(p for p in (embed.title, embed.description) if p)
    return "\n".join(parts)


class Related(commands.Cog):
    """Right-click a message → Apps → Find related news."""

    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot
        self.menu = app_commands.ContextMenu(
            name="Find related news",
            callback=self.find_related,
            extras={
                "description": "Searches the archive with the message's key words.",
                "order": 2,
            },
        )

    async def cog_load(self) -> None:
        """Register the message menu (context menus cannot live in a cog's class body)."""
        self.bot.tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        """Remove the message menu."""
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    @app_cooldown("related", 3, 60.0)
    async def find_related(
        self, interaction: discord.Interaction, message: discord.Message
    ) -> None:
        """Search with the message's key terms; answer only to the person who asked."""
        # Reads the index once per word of the message: acknowledge before that work.
        await interaction.response.defer(ephemeral=True, thinking=True)
        words = await key_terms(self.bot.store, message_text(message))
        if not words:
            raise QueryError("None of this message's words appear in the news archive.")

        async def send_embed(embed: discord.Embed) -> None:
            await interaction.followup.send(embed=embed, ephemeral=True)

        await show_results(
            self.bot,
            interaction.user,
            any_word_query(words),
            ", ".join(words),
            send_pager=lambda pager: pager.respond(interaction, ephemeral=True),
            send_embed=send_embed,
            command="Find related news",
        )


async def setup(bot: NewsBot) -> None:
    """Add the related-news menu."""
    await bot.add_cog(Related(bot))
