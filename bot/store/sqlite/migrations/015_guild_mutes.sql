-- A server's mute list: words, phrases, sources and entities its feeds, digests and follows
-- leave out. Every statement on this table is scoped by guild_id; the unique key also makes
-- adding the same rule twice find the first.
CREATE TABLE guild_mutes (
    id            INTEGER PRIMARY KEY,
    guild_id      INTEGER NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('word', 'phrase', 'source', 'entity')),
    value         TEXT NOT NULL,                 -- as shown: as typed, or the entity's name
    rule_key      TEXT NOT NULL,                 -- folded words, a source, label:entity key
    entity_key    TEXT,                          -- entity rules: entities.name_key
    entity_label  TEXT,                          -- entity rules: entities.label
    created_by    INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    UNIQUE (guild_id, kind, rule_key),
    CHECK ((kind = 'entity') = (entity_key IS NOT NULL AND entity_label IS NOT NULL))
);
