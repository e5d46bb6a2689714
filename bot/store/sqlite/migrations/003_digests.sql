-- Scheduled digests: what a guild subscribed to, and one row per due slot that was claimed.

-- A channel's digest subscription. Times are local wall times in `timezone` (IANA); the
-- recurrence is daily / weekdays / weekly (on `weekday`) at `local_time`, or a cron
-- expression over local time. Every statement on this table is scoped by guild_id.
CREATE TABLE digest_schedules (
    id               INTEGER PRIMARY KEY,
    guild_id         INTEGER NOT NULL,
    channel_id       INTEGER NOT NULL,      -- text channel, thread or forum channel
    target           TEXT NOT NULL DEFAULT 'text' CHECK (target IN ('text', 'thread', 'forum')),
    local_time       TEXT NOT NULL,         -- HH:MM (cron schedules: the fields decide)
    timezone         TEXT NOT NULL,         -- e.g. America/New_York
    every            TEXT NOT NULL CHECK (every IN ('daily', 'weekdays', 'weekly', 'cron')),
    weekday          INTEGER CHECK (weekday BETWEEN 0 AND 6),   -- weekly: 0 = Monday
    cron             TEXT,                  -- five fields, over local wall time
    filter           TEXT NOT NULL DEFAULT '',                 -- search query or entity:NAME
    max_items        INTEGER NOT NULL DEFAULT 5 CHECK (max_items BETWEEN 1 AND 20),
    nothing_new      TEXT NOT NULL DEFAULT 'skip' CHECK (nothing_new IN ('skip', 'note')),
    paused           INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
    paused_reason    TEXT NOT NULL DEFAULT '',
    created_by       INTEGER NOT NULL,      -- the admin who scheduled it (told about problems)
    created_at       TEXT NOT NULL,
    active_from      TEXT NOT NULL,         -- no slot before this is owed (creation, resume)
    last_success_at  TEXT,                  -- end of the last digest's window (posted or empty)
    CHECK ((every = 'cron') = (cron IS NOT NULL)),
    CHECK ((every = 'weekly') = (weekday IS NOT NULL))
);

CREATE INDEX digest_schedules_guild ON digest_schedules (guild_id, id);

-- One row per slot a bot claimed. UNIQUE (schedule_id, slot) is the claim: the row is
-- inserted before anything is posted, so a slot is posted at most once across restarts and
-- concurrent bots; `owner` + `lease_until` say who may work on it, so a crashed bot's claim
-- is taken over (and checked against the channel) once its lease runs out.
CREATE TABLE digest_runs (
    id               INTEGER PRIMARY KEY,
    schedule_id      INTEGER NOT NULL REFERENCES digest_schedules (id) ON DELETE CASCADE,
    guild_id         INTEGER NOT NULL,
    slot             TEXT NOT NULL,         -- ISO UTC instant the digest was due
    manual           INTEGER NOT NULL DEFAULT 0 CHECK (manual IN (0, 1)),   -- /digest now
    late             INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1)),
    missed           INTEGER NOT NULL DEFAULT 0,   -- earlier slots not posted (downtime)
    status           TEXT NOT NULL DEFAULT 'claimed'
                     CHECK (status IN ('claimed', 'posted', 'skipped', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 1,
    owner            TEXT NOT NULL,
    lease_until      TEXT NOT NULL,
    next_attempt_at  TEXT NOT NULL,
    claimed_at       TEXT NOT NULL,
    finished_at      TEXT,
    window_start     TEXT,
    window_end       TEXT,
    message_ids      TEXT NOT NULL DEFAULT '[]',   -- JSON list of posted message ids
    error            TEXT NOT NULL DEFAULT '',
    UNIQUE (schedule_id, slot)
);

CREATE INDEX digest_runs_open ON digest_runs (schedule_id) WHERE status = 'claimed';
CREATE INDEX digest_runs_guild ON digest_runs (guild_id, schedule_id, slot);

-- A digest covers what was stored or changed since the last one.
CREATE INDEX articles_updated ON articles (updated_at);
