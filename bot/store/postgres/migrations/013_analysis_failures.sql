-- Articles the NLP step could not analyse, and why (as bot/store/sqlite/migrations/
-- 012_analysis_failures.sql): left out of what needs analysis while their text and the NLP
-- code are those that failed.
CREATE TABLE analysis_failures (
    article_id    bigint PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    content_hash  text NOT NULL,
    nlp_version   text NOT NULL,
    failed_at     text NOT NULL,
    reason        text NOT NULL
);
