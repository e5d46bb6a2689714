-- The web (as bot/store/sqlite/migrations/017_web_sessions.sql): the servers the bot is in,
-- sign-ins under way and signed-in sessions, shared by every bot and web process on this
-- database (a member signed in through one web process is signed in on all of them).
CREATE TABLE bot_guilds (
    guild_id    bigint PRIMARY KEY,
    name        text NOT NULL,
    updated_at  text NOT NULL
);

CREATE TABLE web_sign_ins (
    state_key   text PRIMARY KEY,
    verifier    text NOT NULL,
    next_path   text NOT NULL,
    created_at  text NOT NULL,
    expires_at  text NOT NULL
);
CREATE INDEX web_sign_ins_expiry ON web_sign_ins (expires_at);

CREATE TABLE web_sessions (
    session_key text PRIMARY KEY,
    user_id     bigint NOT NULL,
    username    text NOT NULL,
    guilds      text NOT NULL,
    csrf_token  text NOT NULL,
    created_at  text NOT NULL,
    expires_at  text NOT NULL
);
CREATE INDEX web_sessions_expiry ON web_sessions (expires_at);
