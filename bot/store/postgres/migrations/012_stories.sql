-- One story model for every article (bot/stories/): each article's story row keeps what later
-- articles are matched against, and story_keys finds the candidates. Rows already here keep
-- their story ids; their matching data is filled in from the article's text at the next start
-- (hour IS NULL marks them), and articles in no story yet are placed then too.
ALTER TABLE article_stories
    DROP COLUMN signature,
    ADD COLUMN hour integer,       -- report time, hours since 1970
    ADD COLUMN sketch bytea,       -- lowest hashes of the text's 3-grams
    ADD COLUMN lead bytea,         -- hashes of the lead's 3-grams
    ADD COLUMN headline text;      -- the headline's content words
DROP INDEX article_stories_added;
CREATE INDEX article_stories_hour ON article_stories (hour);

-- Where to look for an article's earlier reports: a few keys per article (hashes of its
-- headline words, its link, and samples of its text's and lead's 3-grams) and its report hour.
CREATE TABLE story_keys (
    key         bigint NOT NULL,
    hour        integer NOT NULL,
    article_id  bigint NOT NULL,
    PRIMARY KEY (key, hour, article_id)
);
