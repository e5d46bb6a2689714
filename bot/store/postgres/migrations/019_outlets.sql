-- Who broke a story, who skipped it: each article's outlet (bot.models.story.outlet: its
-- source, else its web host, else where it was read from) is kept with its place in its story,
-- so an outlet's coverage over a period reads one index range. Rows already here are given
-- theirs from their article's fields at the next start (outlet IS NULL marks them).
ALTER TABLE article_stories ADD COLUMN outlet text;
CREATE INDEX article_stories_outlet ON article_stories (outlet, hour);
