"""Rising pairs through the emulator: `/follow pair` told once by DM when its pair begins to
rise, a digest's Rising field naming the pair, and the mute list keeping a muted name out of
both."""

from __future__ import annotations

from datetime import date, timedelta

from bot.sandbox.emulator.state import Message
from tests.bot.insights.corpus import add_article
from tests.cogs.digests import FIRST_SLOT, at, posts, schedule
from tests.cogs.test_follows import direct_messages
from tests.newsdesk import Newsdesk

HAMAS, QATAR, ISRAEL, EGYPT, GAZA = (
    ("Hamas", "ORG"),
    ("Qatar", "GPE"),
    ("Israel", "GPE"),
    ("Egypt", "GPE"),
    ("Gaza", "GPE"),
)
TODAY = date(2026, 3, 2)


async def baseline_month(desk: Newsdesk) -> None:
    """Thirty days before today of Hamas with Israel and Egypt with Gaza, never Qatar with
    Hamas, two articles a day."""
    n = 100
    for back in range(1, 31):
        day = (TODAY - timedelta(days=back)).isoformat()
        for names in ([HAMAS, ISRAEL], [EGYPT, GAZA]):
            n += 1
            await add_article(desk.store, n, names, day, title=f"Baseline {n}")


async def burst(desk: Newsdesk, first: int, count: int = 4) -> list[int]:
    """Articles today naming Hamas and Qatar together."""
    return [
        await add_article(
            desk.store, n, [HAMAS, QATAR], TODAY.isoformat(), title=f"Talks in Doha {n}"
        )
        for n in range(first, first + count)
    ]


def rising_field(message: Message) -> str | None:
    """The Rising field of a digest post's last embed, if it has one."""
    fields = message.embeds[-1].get("fields", [])
    return next((f["value"] for f in fields if f["name"] == "Rising"), None)


async def test_a_followed_pair_is_messaged_once_when_it_rises(newsdesk: Newsdesk) -> None:
    discord = newsdesk.discord
    await baseline_month(newsdesk)
    reply = await discord.slash("follow pair", a="qatar", b="Hamas")
    assert reply.message.ephemeral
    assert reply.message.embeds[0]["description"].startswith(
        "Following **Hamas × Qatar** (#1). When they are named together far more than usual"
    )
    same = await discord.slash("follow pair", a="Hamas", b="Qatar")
    assert same.message.embeds[0]["description"].startswith("Already following")
    alone = await discord.slash("follow pair", a="Hamas", b="hamas")
    assert alone.message.embeds[0]["description"] == "Pick two different names: Hamas is both."

    # One article naming both is no rise: nothing told.
    [single] = await burst(newsdesk, 1, count=1)
    await newsdesk.bot.articles_added([single])
    assert direct_messages(discord, discord.alice) == []

    added = await burst(newsdesk, 2, count=3)
    await newsdesk.bot.articles_added(added)
    [dm] = direct_messages(discord, discord.alice)
    embed = dm.embeds[0]
    assert embed["title"] == "1 new article on what you follow"
    assert "Talks in Doha 4" in embed["description"]
    assert embed["description"].endswith(f"#{max(added)} · for Hamas × Qatar rising")

    # Still the same rise: a further article tells nothing more.
    more = await burst(newsdesk, 9, count=1)
    await newsdesk.bot.articles_added(more)
    assert len(direct_messages(discord, discord.alice)) == 1
    assert direct_messages(discord, discord.bob) == []


async def test_a_digest_names_the_rising_pair(newsdesk: Newsdesk) -> None:
    await baseline_month(newsdesk)
    await burst(newsdesk, 1)
    await schedule(newsdesk)
    await at(newsdesk, FIRST_SLOT)
    [digest] = posts(newsdesk)
    rising = rising_field(digest)
    assert rising is not None
    assert rising.startswith("**Hamas × Qatar** · together in ")
    assert rising.endswith(", never before")
    # Only the pair that rose: Hamas and Israel are as usual.
    assert "Israel" not in rising and rising.count("\n") == 0


async def test_a_muted_name_never_rises_in_digests_or_follows(newsdesk: Newsdesk) -> None:
    discord = newsdesk.discord
    await baseline_month(newsdesk)
    await discord.slash("follow pair", a="Hamas", b="Qatar")
    muted = await discord.slash("mute add", entity="Qatar")
    assert "Muted: #1 entity" in muted.message.embeds[0]["description"]

    added = await burst(newsdesk, 1)
    await newsdesk.bot.articles_added(added)
    assert direct_messages(discord, discord.alice) == []
    assert [risen for _, risen in await newsdesk.store.pair_follows()] == [None]

    await schedule(newsdesk)
    await at(newsdesk, FIRST_SLOT)
    for message in posts(newsdesk):
        assert rising_field(message) is None
        assert "Qatar" not in str(message.embeds)
