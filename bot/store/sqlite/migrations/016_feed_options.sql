-- A subscription's own way of posting and reading, and the channel webhooks it posts through.
-- `feed_options`: the name and avatar a subscription's posts carry (posted through the bot's
-- webhook in its channel; both '' post as the bot) and the CSS selector that picks its
-- articles' text on their pages ('' lets trafilatura choose). One row per subscription that
-- set any, gone with it.
CREATE TABLE feed_options (
    subscription_id  INTEGER PRIMARY KEY REFERENCES feed_subscriptions (id) ON DELETE CASCADE,
    identity_name    TEXT NOT NULL DEFAULT '',
    avatar_url       TEXT NOT NULL DEFAULT '',
    selector         TEXT NOT NULL DEFAULT ''
);

-- The webhook the bot made in a channel (its token is never stored: it is read back from
-- Discord, which shows it only to who may manage webhooks); `gone` once an admin deleted it,
-- so the bot posts as itself there until a subscription's identity is set again.
CREATE TABLE channel_webhooks (
    channel_id  INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    webhook_id  INTEGER,
    gone        INTEGER NOT NULL DEFAULT 0
);

-- Why the bot posted as itself instead of through a channel's webhook, each reason told once
-- (the row is the claim: inserted before the channel is told), cleared when it works again.
CREATE TABLE webhook_fallbacks (
    channel_id  INTEGER NOT NULL,
    kind        TEXT NOT NULL,                        -- missing permission | webhook deleted
    told_at     TEXT NOT NULL,
    PRIMARY KEY (channel_id, kind)
);

-- The webhook message that carried an announcement: written as soon as Discord answers, so
-- an interrupted delivery resumed later finds it without posting again.
CREATE TABLE webhook_posts (
    announcement_id  INTEGER PRIMARY KEY REFERENCES feed_announcements (id) ON DELETE CASCADE,
    channel_id       INTEGER NOT NULL,
    webhook_id       INTEGER NOT NULL,
    message_id       INTEGER NOT NULL
);
