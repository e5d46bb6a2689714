"""Digest errors: expected failures a server admin or reader can be told about in one line."""

from __future__ import annotations

from bot.errors import NewsdeskError


class ScheduleError(NewsdeskError):
    """A digest schedule's time, timezone, recurrence or filter cannot be used."""


class SinceError(NewsdeskError):
    """A `/catchup since:` value cannot be read as a moment in the recent past."""


class NotDigestEditor(NewsdeskError):
    """The member may not manage this server's digests (the message says who may)."""


class DeliveryGone(NewsdeskError):
    """The digest's target cannot take posts any more (deleted channel, missing permission).

    Raised by the Discord-side `post` callback; the scheduler pauses that schedule and reports.
    """
