-- State of the application itself, one value per key (e.g. the hash of the last synced
-- command tree, so the bot syncs slash commands only when they changed).
CREATE TABLE app_state (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
