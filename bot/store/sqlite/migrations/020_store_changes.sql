-- What the running bot plans by, counted: the digest scheduler by the digest schedules, the
-- feed poller by the feeds and their subscriptions, its prefix cache by the server settings. Triggers bump a topic's version on every
-- write to its tables from any connection (the web, the CLI, another process), so the bot
-- notices a change by reading two integers now and then, without a restart.
-- (Not the poller's own bookkeeping: a feed's next poll time changes on every poll.)
CREATE TABLE store_changes (
    topic    TEXT PRIMARY KEY,
    version  INTEGER NOT NULL DEFAULT 0
);
INSERT INTO store_changes (topic) VALUES ('digests'), ('feeds'), ('settings');

CREATE TRIGGER digest_schedules_added AFTER INSERT ON digest_schedules BEGIN
    UPDATE store_changes SET version = version + 1 WHERE topic = 'digests';
END;
CREATE TRIGGER digest_schedules_removed AFTER DELETE ON digest_schedules BEGIN
    UPDATE store_changes SET version = version + 1 WHERE topic = 'digests';
END;
CREATE TRIGGER digest_schedules_changed AFTER UPDATE OF
    channel_id, target, local_time, timezone, every, weekday, cron, filter, max_items,
    nothing_new, paused, active_from ON digest_schedules BEGIN
    UPDATE store_changes SET version = version + 1 WHERE topic = 'digests';
END;

CREATE TRIGGER feeds_added AFTER INSERT ON feeds BEGIN
    UPDATE store_changes SET version = version + 1 WHERE topic = 'feeds';
END;
CREATE TRIGGER feeds_removed AFTER DELETE ON feeds BEGIN
    UPDATE store_changes SET version = version + 1 WHERE topic = 'feeds';
END;
CREATE TRIGGER feeds_interval_changed AFTER UPDATE OF interval_seconds ON feeds BEGIN
    UPDATE store_changes SET version = version + 1 WHERE topic = 'feeds';
END;
CREATE TRIGGER feed_subscriptions_added AFTER INSERT ON feed_subscriptions BEGIN
    UPDATE store_changes SET version = version + 1 WHERE topic = 'feeds';
END;
CREATE TRIGGER feed_subscriptions_removed AFTER DELETE ON feed_subscriptions BEGIN
    UPDATE store_changes SET version = version + 1 WHERE topic = 'feeds';
END;
CREATE TRIGGER feed_subscriptions_changed AFTER UPDATE ON feed_subscriptions BEGIN
    UPDATE store_changes SET version = version + 1 WHERE topic = 'feeds';
END;

CREATE TRIGGER guild_settings_added AFTER INSERT ON guild_settings BEGIN
    UPDATE store_changes SET version = version + 1 WHERE topic = 'settings';
END;
CREATE TRIGGER guild_settings_removed AFTER DELETE ON guild_settings BEGIN
    UPDATE store_changes SET version = version + 1 WHERE topic = 'settings';
END;
CREATE TRIGGER guild_settings_changed AFTER UPDATE ON guild_settings BEGIN
    UPDATE store_changes SET version = version + 1 WHERE topic = 'settings';
END;
