-- Feed poll claims: several bots on one database poll each due feed once. A bot claims a
-- feed's due poll with one conditional UPDATE (no live claim, and next_poll_at still the due
-- time it read) before fetching, renews the lease while the poll runs, and only the owner
-- saves the result (which clears the claim). A dead owner's claim is taken over once
-- poll_lease_until has passed.
ALTER TABLE feeds ADD COLUMN poll_owner TEXT;
ALTER TABLE feeds ADD COLUMN poll_lease_until TEXT;  -- ISO-8601 UTC; NULL when unclaimed
