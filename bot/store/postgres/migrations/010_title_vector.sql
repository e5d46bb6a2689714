-- The headline's words as a stored column instead of an expression index (migration 006).
-- The search shortlist reads the newest headlines holding the query; computing each
-- headline's vector as it went (and reading the article's whole vector before it) cost 16 ms
-- a search at 10k articles. A stored vector is read in place and checked first.
ALTER TABLE articles ADD COLUMN title_search tsvector
    GENERATED ALWAYS AS (to_tsvector('newsdesk', newsdesk_words(title))) STORED;
DROP INDEX articles_title_search;
CREATE INDEX articles_title_search ON articles USING gin (title_search) WITH (fastupdate = off);
