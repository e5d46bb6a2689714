-- A subscription's own way of posting and reading, and the channel webhooks it posts through
-- (as bot/store/sqlite/migrations/016_feed_options.sql). A webhook's token is never stored.
CREATE TABLE feed_options (
    subscription_id  bigint PRIMARY KEY REFERENCES feed_subscriptions (id) ON DELETE CASCADE,
    identity_name    text NOT NULL DEFAULT '',
    avatar_url       text NOT NULL DEFAULT '',
    selector         text NOT NULL DEFAULT ''
);

CREATE TABLE channel_webhooks (
    channel_id  bigint PRIMARY KEY,
    guild_id    bigint NOT NULL,
    webhook_id  bigint,
    gone        integer NOT NULL DEFAULT 0
);

-- Each fallback reason is told once per channel: the INSERT that creates the row is the claim,
-- so of several processes only one tells.
CREATE TABLE webhook_fallbacks (
    channel_id  bigint NOT NULL,
    kind        text NOT NULL,
    told_at     text NOT NULL,
    PRIMARY KEY (channel_id, kind)
);

CREATE TABLE webhook_posts (
    announcement_id  bigint PRIMARY KEY REFERENCES feed_announcements (id) ON DELETE CASCADE,
    channel_id       bigint NOT NULL,
    webhook_id       bigint NOT NULL,
    message_id       bigint NOT NULL
);
