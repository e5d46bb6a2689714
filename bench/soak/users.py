"""Who uses the bot during the soak. Well-behaved readers think a few seconds between
commands and use a realistic mix (search, paging, type-ahead, summary, entity, article);
hostile ones send, without pause, the worst input known for each command (issue 16's classes
and more), far past every cooldown."""

from __future__ import annotations

import asyncio
import random
import string
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from bench.soak.crowd import Crowd, Trip
from bot.sandbox.emulator.state import Message, User

# Seconds a well-behaved reader thinks between commands.
THINK = (2.0, 6.0)
# Seconds between a hostile user's commands.
HOSTILE_PAUSE = (0.05, 0.3)

_FLOODS = (
    " OR ".join(f"{c}*" for c in string.ascii_lowercase * 3)[:300],
    " OR ".join(["the", "of", "to", "and", "a", "in", "that", "for", "on", "is"] * 3)[:300],
    '"' + " ".join(["the", "of", "and", "a", "to", "in"] * 3) + '" OR "of the" OR "in the"',
    " ".join(["the", "of", "to", "and", "a", "in", "that", "for", "on", "is", "said"] * 2),
    "th* OR go* OR pr* OR mi* OR se* OR co*",
    "\x1b[2J\x1b]8;;http://evil\x07click\x1b]8;;\x07 @everyone <@&1> " + "a" * 200,
    "Qatar:Hamas:Egypt:" * 15,
)
_WALL = " ".join(
    f"government minister president security election talks budget report {w}"
    for w in string.ascii_lowercase * 2
)


@dataclass
class Archive:
    """What users know of the archive: article ids, titles' words, entity names, queries."""

    ids: Sequence[int]
    title_words: Sequence[str]
    entities: Sequence[str]
    queries: Sequence[str]
    huge_ids: list[int]


Action = Callable[[Crowd, User, Archive, random.Random, dict[str, Message]], Awaitable[Trip]]


async def _search(
    crowd: Crowd, user: User, archive: Archive, rng: random.Random, last: dict[str, Message]
) -> Trip:
    trip = await crowd.slash(user, "search", hostile=False, query=rng.choice(archive.queries))
    if trip.interaction is not None and trip.interaction.messages:
        last["search"] = trip.interaction.message
    return trip


async def _page(
    crowd: Crowd, user: User, archive: Archive, rng: random.Random, last: dict[str, Message]
) -> Trip:
    for key in ("search", "article"):
        message = last.get(key)
        if message is not None and _enabled(message, "Next"):
            return await crowd.click(user, message, "Next", hostile=False)
    return await _search(crowd, user, archive, rng, last)


async def _typeahead(
    crowd: Crowd, user: User, archive: Archive, rng: random.Random, last: dict[str, Message]
) -> Trip:
    if rng.random() < 0.5:
        word = rng.choice(archive.title_words)
        return await crowd.autocomplete(
            user, "summary", "article", word[: rng.randint(2, len(word))], hostile=False
        )
    name = rng.choice(archive.entities)
    return await crowd.autocomplete(
        user, "entity", "name", name[: rng.randint(1, len(name))], hostile=False
    )


async def _summary(
    crowd: Crowd, user: User, archive: Archive, rng: random.Random, last: dict[str, Message]
) -> Trip:
    return await crowd.slash(user, "summary", hostile=False, article=str(rng.choice(archive.ids)))


async def _entity(
    crowd: Crowd, user: User, archive: Archive, rng: random.Random, last: dict[str, Message]
) -> Trip:
    return await crowd.slash(user, "entity", hostile=False, name=rng.choice(archive.entities))


async def _article(
    crowd: Crowd, user: User, archive: Archive, rng: random.Random, last: dict[str, Message]
) -> Trip:
    trip = await crowd.slash(user, "article", hostile=False, id=rng.choice(archive.ids))
    if trip.interaction is not None and trip.interaction.messages:
        last["article"] = trip.interaction.message
    return trip


# The well-behaved mix: what readers do most.
READER_MIX: Sequence[tuple[Action, int]] = (
    (_search, 30),
    (_page, 15),
    (_typeahead, 20),
    (_summary, 12),
    (_entity, 12),
    (_article, 11),
)


def _enabled(message: Message, label: str) -> bool:
    for row in message.components:
        for item in row.get("components", []):
            if item.get("label") == label:
                return not item.get("disabled", False)
    return False


async def reader(crowd: Crowd, user: User, archive: Archive, seed: int, until: float) -> None:
    """A well-behaved reader: think, then one command of the mix, until `until`."""
    rng = random.Random(seed)
    last: dict[str, Message] = {}
    actions, weights = zip(*READER_MIX, strict=True)
    loop = asyncio.get_running_loop()
    await asyncio.sleep(rng.uniform(0, THINK[1]))
    while loop.time() < until:
        action = rng.choices(actions, weights)[0]
        await action(crowd, user, archive, rng, last)
        await asyncio.sleep(rng.uniform(*THINK))


async def hostile(crowd: Crowd, user: User, archive: Archive, seed: int, until: float) -> None:
    """A hostile user: the worst inputs known, one after another, past every cooldown."""
    rng = random.Random(seed)
    loop = asyncio.get_running_loop()
    news = crowd.discord.channel("news")
    wall = crowd.post(user, news, _WALL)
    bot = crowd.world.bot.id
    huge_pager: Message | None = None
    while loop.time() < until:
        flood = rng.choice(_FLOODS)
        attack = rng.randrange(16)
        if attack <= 2:
            await crowd.slash(user, "search", hostile=True, query=flood[:300])
        elif attack == 3:
            await crowd.say(user, news, f"!news {flood}", hostile=True)
        elif attack == 4:
            await crowd.say(user, news, f"<@{bot}> {flood}", hostile=True)
        elif attack == 5:
            ids = archive.huge_ids or [max(archive.ids)]
            trip = await crowd.slash(user, "article", hostile=True, id=rng.choice(ids))
            if trip.interaction is not None and trip.interaction.messages:
                huge_pager = trip.interaction.message
        elif attack == 6 and huge_pager is not None and _enabled(huge_pager, "Next"):
            await crowd.click(user, huge_pager, "Next", hostile=True)
        elif attack == 7:
            ref = rng.choice([flood[:200], "#99999999999999999", "#" + "9" * 18, "a"])
            await crowd.slash(user, "summary", hostile=True, article=ref)
        elif attack == 8:
            name = rng.choice([flood[:100], archive.entities[0], "#1", "a" * 100])
            await crowd.slash(user, "entity", hostile=True, name=name)
        elif attack == 9:
            await crowd.slash(user, "entities", hostile=True, days=rng.choice([3650, 365, 30]))
        elif attack == 10:
            names = ", ".join(archive.entities[: rng.choice([3, 40])])[:300]
            await crowd.slash(
                user, "entity-trend", hostile=True, name=archive.entities[0], days=90, compare=names
            )
        elif attack == 11:
            await crowd.slash(
                user, "entity-network", hostile=True, name=archive.entities[0], days=365
            )
        elif attack == 12:
            await crowd.slash(user, "catchup", hostile=True, since="31d")
        elif attack == 13:
            await crowd.related(user, wall, hostile=True)
        elif attack == 14:
            command, option = rng.choice([("summary", "article"), ("entity", "name")])
            await crowd.autocomplete(user, command, option, flood[:100], hostile=True)
        else:
            await crowd.slash(user, "follow query", hostile=True, text=flood[:200])
        await asyncio.sleep(rng.uniform(*HOSTILE_PAUSE))
