-- Who said what (as bot/store/sqlite/migrations/013_quotes.sql): the quotations the NLP step
-- found in each article, their speakers linked to entities, and follows of an entity's quotes.
CREATE TABLE quotes (
    article_id     bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    char_start     integer NOT NULL,
    char_end       integer NOT NULL,
    quote          text NOT NULL,
    quote_key      text COLLATE "C" NOT NULL,
    speaker        text,
    speaker_label  text,
    entity_id      bigint,
    seen_at        text NOT NULL,
    PRIMARY KEY (article_id, char_start)
);

CREATE INDEX quotes_by_speaker ON quotes (entity_id, seen_at) WHERE entity_id IS NOT NULL;
CREATE INDEX quotes_said ON quotes (entity_id, quote_key, article_id) WHERE entity_id IS NOT NULL;

ALTER TABLE follows
    DROP CONSTRAINT follows_kind_check,
    DROP CONSTRAINT follows_check1,
    ADD CONSTRAINT follows_kind_check CHECK (kind IN ('entity', 'query', 'quotes')),
    ADD CONSTRAINT follows_entity_check
        CHECK ((kind IN ('entity', 'quotes')) = (entity_key IS NOT NULL AND entity_label IS NOT NULL));
CREATE INDEX follows_quotes ON follows (entity_key, entity_label) WHERE kind = 'quotes';
