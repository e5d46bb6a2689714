-- Entity lookups that stay fast at 100k articles (measured on a synthetic 100k-article,
-- 3.4M-mention database): 002 kept aliases only per article, so a popular surname was read
-- once per article on every keystroke (90 ms); the "most mentioned" indexes did not cover
-- their tie-breaks (a sort of every entity, 180 ms); and the period index on article_entities
-- cost a tenth of the database while the articles' own date index serves periods as well.

-- Surface forms other than the canonical name, per article so they leave with it ("NSC" ->
-- National Security Council, "Halevi" -> Herzi Halevi, "Gaza Strip" -> Gaza). No foreign key
-- on entity_id: an entity is only deleted once no article names it.
CREATE TABLE article_aliases (
    article_id  INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    entity_id   INTEGER NOT NULL,
    alias_key   TEXT NOT NULL,        -- normalise_name(alias)
    alias       TEXT NOT NULL,        -- as written
    PRIMARY KEY (article_id, entity_id, alias_key)
) WITHOUT ROWID;

INSERT INTO article_aliases (article_id, entity_id, alias_key, alias)
SELECT article_id, entity_id, alias_key, alias FROM entity_aliases;

DROP TABLE entity_aliases;

-- The lookup table: one row per form and entity, counted by the triggers below.
CREATE TABLE entity_aliases (
    alias_key  TEXT NOT NULL,
    entity_id  INTEGER NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    alias      TEXT NOT NULL,         -- as first written
    articles   INTEGER NOT NULL,      -- how many articles use this form for this entity
    PRIMARY KEY (alias_key, entity_id)
) WITHOUT ROWID;

INSERT INTO entity_aliases (alias_key, entity_id, alias, articles)
SELECT alias_key, entity_id, min(alias), count(*) FROM article_aliases
GROUP BY alias_key, entity_id;

CREATE INDEX entity_aliases_entity ON entity_aliases (entity_id, articles DESC);

CREATE TRIGGER article_aliases_ai AFTER INSERT ON article_aliases BEGIN
    INSERT INTO entity_aliases (alias_key, entity_id, alias, articles)
    VALUES (new.alias_key, new.entity_id, new.alias, 1)
    ON CONFLICT (alias_key, entity_id) DO UPDATE SET articles = articles + 1;
END;

CREATE TRIGGER article_aliases_ad AFTER DELETE ON article_aliases BEGIN
    UPDATE entity_aliases SET articles = articles - 1
    WHERE alias_key = old.alias_key AND entity_id = old.entity_id;
    DELETE FROM entity_aliases
    WHERE alias_key = old.alias_key AND entity_id = old.entity_id AND articles <= 0;
END;

-- "Most mentioned" (all time, optionally per type) read in index order, ties included.
DROP INDEX entities_by_mentions;
DROP INDEX entities_by_label_mentions;
CREATE INDEX entities_by_mentions ON entities (mention_count DESC, article_count DESC, name);
CREATE INDEX entities_by_label_mentions
    ON entities (label, mention_count DESC, article_count DESC, name);

-- Periods read the articles' date index, then article_entities by primary key.
DROP INDEX article_entities_seen;
