-- Feed poll claims (as bot/store/migrations/009_feed_poll_claims.sql): a process claims a
-- feed's due poll with one conditional UPDATE, which PostgreSQL re-checks on the locked row,
-- so of several processes that all saw the feed due exactly one wins; the lease is renewed
-- while the poll runs, only the owner saves the result, and a dead owner's claim is taken
-- over once poll_lease_until has passed.
ALTER TABLE feeds ADD COLUMN poll_owner text;
ALTER TABLE feeds ADD COLUMN poll_lease_until text;
