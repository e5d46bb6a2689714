-- Search indexes without GIN's pending list. With fastupdate on, new entries wait in an
-- unsorted list until (auto)vacuum merges them, and every search reads that whole list: after
-- migrate-store copied 10k articles it held 344 pages, and the planner, pricing a bitmap scan
-- by that list, chose a seq scan that detoasts every vector (p50 38 ms against 3.4 ms after a
-- VACUUM). A news bot writes a few thousand articles a day and searches far more often, so
-- each insert pays to update the index in place instead.
ALTER INDEX articles_search SET (fastupdate = off);
ALTER INDEX articles_title_search SET (fastupdate = off);
ALTER INDEX entities_name_search SET (fastupdate = off);
-- Turning the option off keeps what is already pending; merge it now.
SELECT gin_clean_pending_list('articles_search'::regclass);
SELECT gin_clean_pending_list('articles_title_search'::regclass);
SELECT gin_clean_pending_list('entities_name_search'::regclass);
