-- The work queue that `python -m bot worker` processes take from (ingest and NLP jobs).
-- A job is taken with FOR UPDATE SKIP LOCKED, so workers never wait on each other; a taken
-- job carries a lease that its worker extends while it runs (a heartbeat). A worker that dies
-- stops extending it, and once it runs out the job is taken again by another worker. Jobs are
-- idempotent (ingest dedupes by origin and text, NLP replaces an article's results), so a job
-- done twice after a crash still has its effect once. Times here are the server's, so leases
-- hold across machines whatever their clocks say.
CREATE TABLE jobs (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         text NOT NULL CHECK (kind IN ('ingest', 'nlp')),
    payload      jsonb NOT NULL,
    status       text NOT NULL DEFAULT 'queued'
                 CHECK (status IN ('queued', 'running', 'done', 'failed')),
    attempts     integer NOT NULL DEFAULT 0,
    owner        text,
    lease_until  timestamptz,
    run_after    timestamptz NOT NULL DEFAULT now(),
    created_at   timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz,
    error        text NOT NULL DEFAULT ''
);

-- What a worker looks for: queued jobs that are due, and running ones whose lease ran out.
CREATE INDEX jobs_waiting ON jobs (run_after, id) WHERE status = 'queued';
CREATE INDEX jobs_running ON jobs (lease_until) WHERE status = 'running';
