-- Phrase search through an index. GIN on a tsvector keeps no word positions, so `"prime
-- minister"` rechecked the whole vector of every article holding both words: 1.0-1.3 s at
-- 100k articles. `pairs` lists each article's adjacent words ("prime minister") as they
-- stand in `search` (the same expression, so the same positions): a phrase's pairs, looked
-- up in this index, leave only the articles that may hold it, and only those are rechecked.
CREATE FUNCTION newsdesk_pairs(tsvector) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT ARRAY(
        SELECT DISTINCT a.lexeme || ' ' || b.lexeme
        FROM (SELECT lexeme, unnest(positions) AS pos FROM unnest($1)) a
        JOIN (SELECT lexeme, unnest(positions) AS pos FROM unnest($1)) b ON b.pos = a.pos + 1
    )
$$;

ALTER TABLE articles ADD COLUMN pairs text[] GENERATED ALWAYS AS (
    newsdesk_pairs(
        setweight(to_tsvector('newsdesk', newsdesk_words(title)), 'A')
        || setweight(to_tsvector('newsdesk', newsdesk_words(caption)), 'B')
        || setweight(to_tsvector('newsdesk', newsdesk_words(body)), 'C')
    )
) STORED;

CREATE INDEX articles_pairs ON articles USING gin (pairs) WITH (fastupdate = off);
