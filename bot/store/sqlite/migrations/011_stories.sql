-- One story model for every article (bot/stories/): each article's story row keeps what later
-- articles are matched against, and story_keys finds the candidates. Rows already here keep
-- their story ids; their matching data is filled in from the article's text at the next start
-- (hour IS NULL marks them), and articles in no story yet are placed then too.
ALTER TABLE article_stories DROP COLUMN signature;
ALTER TABLE article_stories ADD COLUMN hour INTEGER;     -- report time, hours since 1970
ALTER TABLE article_stories ADD COLUMN sketch BLOB;      -- lowest hashes of the text's 3-grams
ALTER TABLE article_stories ADD COLUMN lead BLOB;        -- hashes of the lead's 3-grams
ALTER TABLE article_stories ADD COLUMN headline TEXT;    -- the headline's content words
DROP INDEX article_stories_added;
CREATE INDEX article_stories_hour ON article_stories (hour);

-- Where to look for an article's earlier reports: a few keys per article (hashes of its
-- headline words, its link, and samples of its text's and lead's 3-grams) and its report hour.
CREATE TABLE story_keys (
    key         INTEGER NOT NULL,
    hour        INTEGER NOT NULL,
    article_id  INTEGER NOT NULL,
    PRIMARY KEY (key, hour, article_id)
) WITHOUT ROWID;
