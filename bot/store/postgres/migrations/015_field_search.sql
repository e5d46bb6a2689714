-- Field-scoped search terms (as bot/store/sqlite/migrations/014_field_search.sql): `author:`
-- matches words of the byline, `category:` words of one of the article's categories, folded
-- like the article index. `title:` needs no schema: its words carry weight A in `search`.

-- The article's categories as a JSON list of names, in the order given (at most 32).
ALTER TABLE articles ADD COLUMN categories jsonb NOT NULL DEFAULT '[]';

-- JSON records ingested before this kept `category` / `categories` among their metadata.
UPDATE articles a SET categories = coalesce((
    SELECT jsonb_agg(c.name ORDER BY c.first) FROM (
        SELECT left(btrim(e.value #>> '{}'), 100) AS name, min(e.n) AS first
        FROM jsonb_array_elements(
                 CASE jsonb_typeof(a.metadata -> 'category')
                     WHEN 'array' THEN a.metadata -> 'category'
                     ELSE jsonb_build_array(a.metadata -> 'category') END
                 || CASE jsonb_typeof(a.metadata -> 'categories')
                     WHEN 'array' THEN a.metadata -> 'categories'
                     ELSE jsonb_build_array(a.metadata -> 'categories') END
             ) WITH ORDINALITY AS e(value, n)
        WHERE jsonb_typeof(e.value) = 'string' AND btrim(e.value #>> '{}') <> ''
        GROUP BY 1 ORDER BY 2 LIMIT 32
    ) c
), '[]'::jsonb)
WHERE a.metadata ? 'category' OR a.metadata ? 'categories';

-- The byline's words, stored and indexed like the headline's (migration 010).
ALTER TABLE articles ADD COLUMN author_search tsvector
    GENERATED ALWAYS AS (to_tsvector('newsdesk', newsdesk_words(author))) STORED;
CREATE INDEX articles_author_search ON articles USING gin (author_search)
    WITH (fastupdate = off);

-- One row per category, so a phrase never runs from one category into the next.
CREATE TABLE article_categories (
    article_id  bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    position    integer NOT NULL,
    name        text NOT NULL,
    words       tsvector GENERATED ALWAYS AS (to_tsvector('newsdesk', newsdesk_words(name)))
                STORED,
    PRIMARY KEY (article_id, position)
);

CREATE INDEX article_categories_words ON article_categories USING gin (words)
    WITH (fastupdate = off);

INSERT INTO article_categories (article_id, position, name)
SELECT a.id, c.n - 1, c.name
FROM articles a, jsonb_array_elements_text(a.categories) WITH ORDINALITY AS c(name, n)
WHERE c.n <= 64;

-- Kept in step with the article's `categories` (also when migrate-store COPYs articles in).
CREATE FUNCTION article_categories_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        DELETE FROM article_categories WHERE article_id = NEW.id;
    END IF;
    INSERT INTO article_categories (article_id, position, name)
    SELECT NEW.id, c.n - 1, c.name
    FROM jsonb_array_elements_text(NEW.categories) WITH ORDINALITY AS c(name, n)
    WHERE c.n <= 64;
    RETURN NULL;
END $$;

CREATE TRIGGER articles_categories AFTER INSERT OR UPDATE OF categories ON articles
    FOR EACH ROW EXECUTE FUNCTION article_categories_sync();
