"""Follow notifications on Discord: the follows deliverer's `send` callback, posting a batch
by DM (a member's follows) or in a channel (a channel's follows)."""

from __future__ import annotations

from bot.client.delivery.parts import Destination, Part, part_key
from bot.client.delivery.poster import Poster
from bot.insights.follows import Notification, NotificationUndeliverable
from bot.models.delivery import NotDelivered
from bot.render.insights import notification_embed


class FollowPoster:
    """Sends follow notifications."""

    def __init__(self, poster: Poster) -> None:
        self.poster = poster

    async def send(self, notification: Notification) -> None:
        """Post one notification; NotificationUndeliverable when retrying cannot help (DMs
        closed, channel deleted, bot removed), NotDelivered when it may."""
        if notification.channel_id is not None:
            to = Destination(channel_id=notification.channel_id)
        else:
            to = Destination(user_id=notification.user_id)
        # The key names every notification row in the batch: a batch that grew since an
        # interrupted attempt is a new message, never the old one returned for it.
        part = Part(
            part_key("follow", *notification.ids), embeds=[notification_embed(notification)]
        )
        result = await self.poster.deliver(to, [part])
        if result.failure is None:
            return
        if result.failure.lasting:
            raise NotificationUndeliverable(result.failure.describe())
        raise NotDelivered(result.failure)
