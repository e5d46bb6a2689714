-- Rising names: follows gain a kind, 'pair' — two entities named together far more than their
-- baseline (bot/insights/rising.py). Its target_key holds both entities' label and name key;
-- entity_key and entity_label stay empty.
ALTER TABLE follows
    DROP CONSTRAINT follows_kind_check,
    ADD CONSTRAINT follows_kind_check CHECK (kind IN ('entity', 'query', 'quotes', 'pair'));
CREATE INDEX follows_pair ON follows (id) WHERE kind = 'pair';

-- A followed pair's rise under way: written when its follow is told the pair rose, removed when
-- a check finds it rising no more, so each rise is told once.
CREATE TABLE pair_rises (
    follow_id  bigint PRIMARY KEY REFERENCES follows (id) ON DELETE CASCADE,
    risen_at   text NOT NULL
);
