-- What the running bot plans by, counted (as bot/store/sqlite/migrations/020_store_changes.sql)
-- and announced: every write to the digest schedules, feeds, subscriptions or server settings bumps its
-- topic's version and NOTIFYs newsdesk_changes, so every bot process LISTENing replans at once
-- (and one that missed a notification sees the version when it next looks).
CREATE TABLE store_changes (
    topic    text PRIMARY KEY,
    version  bigint NOT NULL DEFAULT 0
);
INSERT INTO store_changes (topic) VALUES ('digests'), ('feeds'), ('settings');

CREATE FUNCTION store_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE store_changes SET version = version + 1 WHERE topic = TG_ARGV[0];
    PERFORM pg_notify('newsdesk_changes', TG_ARGV[0]);
    RETURN NULL;
END $$;

CREATE TRIGGER digest_schedules_changes AFTER INSERT OR DELETE ON digest_schedules
    FOR EACH STATEMENT EXECUTE FUNCTION store_changed('digests');
CREATE TRIGGER digest_schedules_edits AFTER UPDATE OF
    channel_id, target, local_time, timezone, every, weekday, cron, filter, max_items,
    nothing_new, paused, active_from ON digest_schedules
    FOR EACH STATEMENT EXECUTE FUNCTION store_changed('digests');
CREATE TRIGGER feeds_changes AFTER INSERT OR DELETE ON feeds
    FOR EACH STATEMENT EXECUTE FUNCTION store_changed('feeds');
CREATE TRIGGER feeds_interval_edits AFTER UPDATE OF interval_seconds ON feeds
    FOR EACH STATEMENT EXECUTE FUNCTION store_changed('feeds');
CREATE TRIGGER feed_subscriptions_changes AFTER INSERT OR DELETE OR UPDATE ON feed_subscriptions
    FOR EACH STATEMENT EXECUTE FUNCTION store_changed('feeds');
CREATE TRIGGER guild_settings_changes AFTER INSERT OR DELETE OR UPDATE ON guild_settings
    FOR EACH STATEMENT EXECUTE FUNCTION store_changed('settings');
