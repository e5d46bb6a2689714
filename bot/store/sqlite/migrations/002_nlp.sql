-- What the NLP step found in each article: sentences and a summary ranking, canonical
-- entities shared across articles, their aliases, and every mention with its offsets.
-- Everything per article is replaced in one transaction when the article's text changes.

-- One row per analysed article. `content_hash` and `nlp_version` say what was analysed and
-- by which NLP code: a row whose hash or version differs from the article / the code is
-- outdated and is analysed again (at bot start, so a crash between ingest and NLP heals).
CREATE TABLE article_analysis (
    article_id    INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    content_hash  TEXT NOT NULL,
    nlp_version   TEXT NOT NULL,
    analysed_at   TEXT NOT NULL,
    sentences     TEXT NOT NULL,   -- JSON [[start, end], ...]: character offsets into the body
    ranking       TEXT NOT NULL,   -- JSON [sentence index, ...] best first (cut with summary.select)
    summarisable  TEXT NOT NULL,   -- JSON [bool, ...] per sentence (titles, captions, bylines: false)
    terms         TEXT NOT NULL    -- JSON [[term, ...], ...] per sentence: multi-article summaries
                                   -- need no model
);

-- A canonical entity across the whole corpus: one per normalised name and label.
-- Counts are kept by the triggers on article_entities below, so they can't drift.
CREATE TABLE entities (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL,     -- display form, e.g. "Herzi Halevi"
    label          TEXT NOT NULL,     -- spaCy-style: PERSON, ORG, GPE, LOC, NORP, EVENT, ...
    name_key       TEXT NOT NULL,     -- bot.nlp.text.normalise_name(name): "herzi halevi"
    mention_count  INTEGER NOT NULL DEFAULT 0,
    article_count  INTEGER NOT NULL DEFAULT 0,
    UNIQUE (name_key, label)
);

-- "Most mentioned" (all time, optionally per type) without a scan.
CREATE INDEX entities_by_mentions ON entities (mention_count DESC);
CREATE INDEX entities_by_label_mentions ON entities (label, mention_count DESC);

-- Type-ahead over names: every word of a name is a prefix target ("hal" finds Herzi Halevi).
CREATE VIRTUAL TABLE entities_fts USING fts5 (
    name,
    content = 'entities', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
);

CREATE TRIGGER entities_ai AFTER INSERT ON entities BEGIN
    INSERT INTO entities_fts (rowid, name) VALUES (new.id, new.name);
END;

CREATE TRIGGER entities_ad AFTER DELETE ON entities BEGIN
    INSERT INTO entities_fts (entities_fts, rowid, name) VALUES ('delete', old.id, old.name);
END;

CREATE TRIGGER entities_au AFTER UPDATE OF name ON entities BEGIN
    INSERT INTO entities_fts (entities_fts, rowid, name) VALUES ('delete', old.id, old.name);
    INSERT INTO entities_fts (rowid, name) VALUES (new.id, new.name);
END;

-- Which entities an article mentions and how often: the profile's "latest articles",
-- co-mentions (a self-join on article_id) and "most mentioned in the last N days".
-- `seen_at` is the article's date (published, else ingested), copied so that those
-- queries read one index instead of joining every article.
CREATE TABLE article_entities (
    article_id  INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    entity_id   INTEGER NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    mentions    INTEGER NOT NULL,
    seen_at     TEXT NOT NULL,
    PRIMARY KEY (article_id, entity_id)
) WITHOUT ROWID;

CREATE INDEX article_entities_entity ON article_entities (entity_id, seen_at);
CREATE INDEX article_entities_seen ON article_entities (seen_at, entity_id, mentions);

CREATE TRIGGER article_entities_ai AFTER INSERT ON article_entities BEGIN
    UPDATE entities
    SET mention_count = mention_count + new.mentions, article_count = article_count + 1
    WHERE id = new.entity_id;
END;

CREATE TRIGGER article_entities_ad AFTER DELETE ON article_entities BEGIN
    UPDATE entities
    SET mention_count = mention_count - old.mentions, article_count = article_count - 1
    WHERE id = old.entity_id;
END;

-- Surface forms other than the canonical name, per article so they disappear with it:
-- "NSC" -> National Security Council, "Halevi" -> Herzi Halevi, "Gaza Strip" -> Gaza.
CREATE TABLE entity_aliases (
    alias_key   TEXT NOT NULL,        -- normalise_name(alias)
    entity_id   INTEGER NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    article_id  INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    alias       TEXT NOT NULL,        -- as written
    PRIMARY KEY (alias_key, entity_id, article_id)
) WITHOUT ROWID;

CREATE INDEX entity_aliases_entity ON entity_aliases (entity_id, alias_key);
CREATE INDEX entity_aliases_article ON entity_aliases (article_id);

-- Every mention: offsets into the article's title, caption or body; `sentence` indexes the
-- body's sentences (-1 in the title and caption). entity_id has no foreign key on purpose:
-- an entity is only deleted once no article mentions it, and the check would need a second
-- index over the largest table.
CREATE TABLE mentions (
    article_id  INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    entity_id   INTEGER NOT NULL,
    section     TEXT NOT NULL CHECK (section IN ('title', 'caption', 'body')),
    char_start  INTEGER NOT NULL,
    char_end    INTEGER NOT NULL,
    sentence    INTEGER NOT NULL,
    PRIMARY KEY (article_id, entity_id, section, char_start)
) WITHOUT ROWID;
