-- Articles the NLP step could not analyse, and why: one row per article, for the text
-- (content_hash) and the NLP code (nlp_version) that failed. While both still match, the
-- article is left out of what needs analysis, so a start does not try it again forever;
-- changed text or newer NLP code tries again, and a saved analysis removes the row.
CREATE TABLE analysis_failures (
    article_id    INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    content_hash  TEXT NOT NULL,
    nlp_version   TEXT NOT NULL,
    failed_at     TEXT NOT NULL,
    reason        TEXT NOT NULL    -- one line: what a reader is told
);
