-- Field-scoped search terms: `author:` matches words of the byline, `category:` words of one
-- of the categories a feed item or a JSON record filed the article under (`title:` needs no
-- schema: it is a column filter on articles_fts). Both are full-text indexes of their own,
-- folded like the article index (case, accents), so a term matches as a search word does.

-- The article's categories as a JSON list of names, in the order given (at most 32).
ALTER TABLE articles ADD COLUMN categories TEXT NOT NULL DEFAULT '[]';

-- JSON records ingested before this kept `category` / `categories` among their metadata.
UPDATE articles SET categories = (
    SELECT json_group_array(name) FROM (
        SELECT DISTINCT substr(trim(value), 1, 100) AS name FROM (
            SELECT value, type FROM json_each(articles.metadata, '$.category')
            UNION ALL
            SELECT value, type FROM json_each(articles.metadata, '$.categories')
        )
        WHERE type = 'text' AND trim(value) <> ''
        LIMIT 32
    )
)
WHERE json_type(metadata, '$.category') IS NOT NULL
   OR json_type(metadata, '$.categories') IS NOT NULL;

-- Bylines, keyed like articles_fts (rowid = search_key), so an author term joins the text
-- index on its rowid.
CREATE VIRTUAL TABLE articles_authors USING fts5 (
    author,
    content = 'articles', content_rowid = 'search_key',
    tokenize = 'unicode61 remove_diacritics 2'
);

INSERT INTO articles_authors (articles_authors) VALUES ('rebuild');

-- One row per category, rowid = article id * 64 + its position: a phrase never runs from one
-- category into the next, and an article's rows are one rowid range.
CREATE VIRTUAL TABLE article_categories USING fts5 (
    name,
    tokenize = 'unicode61 remove_diacritics 2'
);

INSERT INTO article_categories (rowid, name)
SELECT a.id * 64 + c.key, c.value FROM articles a, json_each(a.categories) c
WHERE c.key < 64 AND c.type = 'text';

-- Kept in step with the article (the text index's own triggers are untouched).
CREATE TRIGGER articles_labels_ai AFTER INSERT ON articles BEGIN
    INSERT INTO articles_authors (rowid, author) VALUES (new.search_key, new.author);
    INSERT INTO article_categories (rowid, name)
    SELECT new.id * 64 + key, value FROM json_each(new.categories)
    WHERE key < 64 AND type = 'text';
END;

CREATE TRIGGER articles_labels_ad AFTER DELETE ON articles BEGIN
    INSERT INTO articles_authors (articles_authors, rowid, author)
    VALUES ('delete', old.search_key, old.author);
    DELETE FROM article_categories WHERE rowid BETWEEN old.id * 64 AND old.id * 64 + 63;
END;

-- A new date moves the byline with the article's search key.
CREATE TRIGGER articles_labels_au
AFTER UPDATE OF author, categories, published_at, ingested_at ON articles BEGIN
    INSERT INTO articles_authors (articles_authors, rowid, author)
    VALUES ('delete', old.search_key, old.author);
    INSERT INTO articles_authors (rowid, author) VALUES (new.search_key, new.author);
    DELETE FROM article_categories WHERE rowid BETWEEN old.id * 64 AND old.id * 64 + 63;
    INSERT INTO article_categories (rowid, name)
    SELECT new.id * 64 + key, value FROM json_each(new.categories)
    WHERE key < 64 AND type = 'text';
END;
