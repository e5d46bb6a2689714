"""Posting to Discord, one way for everything the bot posts unasked: digests, feed
announcements and alerts, follow notifications (DMs included).

    outlet = await bot.poster.open(Destination(channel_id=c))    # or Destination(user_id=u)
    if isinstance(outlet, Failure): ...                           # missing channel/permission
    already = await outlet.find(Recovery(marks=...)) if resumed else {}   # after a crash
    result = await outlet.send(parts, already=already)            # Part(key=part_key(...))
    result.posted[0].link, result.failure                         # bot.models.delivery
    # or in one step, without recovery: await bot.poster.deliver(Destination(...), parts)

A destination resolves to a text channel, a thread, a forum (each part, or the first part of a
one-post delivery, opens a post) or a member's DMs. Parts go out in order, each message with
its part's key as an enforced nonce, so a retried send returns the first message instead of
posting again; after a crash, `Outlet.find` recognises what an earlier attempt posted (the
database's claims and delivery records say when to look). Outcomes come back as plain data
(`bot/models/delivery.py`) that the core can keep: message ids and links, or a typed failure.

`digests.py`, `feeds.py` and `follows.py` adapt the core's delivery callbacks to it; cogs
hand those to the scheduler, the poller and the follows deliverer.
"""

from bot.client.delivery.outlet import Outlet
from bot.client.delivery.parts import Destination, ForumLayout, Part, Recovery, part_key
from bot.client.delivery.poster import Poster, missing_permissions

__all__ = [
    "Destination",
    "ForumLayout",
    "Outlet",
    "Part",
    "Poster",
    "Recovery",
    "missing_permissions",
    "part_key",
]
