-- Search ranks a shortlist instead of every match (bot/store/postgres/articles.py): the
-- newest matches overall, and the newest with a wanted word in the headline. This index
-- finds the latter without reading any article's whole search vector (ts_rank_cd, and any
-- weight-restricted match on `search`, detoast it: the cost that grew with a word's
-- frequency). The expression must stay exactly as the query writes it.
CREATE INDEX articles_title_search ON articles
    USING gin (to_tsvector('newsdesk'::regconfig, newsdesk_words(title)));
