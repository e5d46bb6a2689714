-- The web (bot/web/): the servers the bot is in, recorded by the bot so a web process of its
-- own knows them; sign-ins under way (the PKCE verifier, keyed by a hash of the OAuth2
-- state, used once); and signed-in sessions, keyed by a hash of the cookie's secret, with
-- the member's servers and permissions as Discord reported them at sign-in.
CREATE TABLE bot_guilds (
    guild_id    INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE web_sign_ins (
    state_key   TEXT PRIMARY KEY,
    verifier    TEXT NOT NULL,
    next_path   TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX web_sign_ins_expiry ON web_sign_ins (expires_at);

CREATE TABLE web_sessions (
    session_key TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL,
    username    TEXT NOT NULL,
    guilds      TEXT NOT NULL,
    csrf_token  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX web_sessions_expiry ON web_sessions (expires_at);
