-- Background jobs kept in the database (scheduled publishing now;
-- renditions, newsletters and feed pings later). A node claims a due job by
-- setting a lease (`locked_until`); a job whose node died is claimed again
-- when its lease runs out, so none is lost across restarts.

CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    kind         TEXT    NOT NULL,
    payload      TEXT    NOT NULL,
    run_at       TEXT    NOT NULL,
    locked_until TEXT,
    locked_by    TEXT,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    done_at      TEXT,
    created_at   TEXT    NOT NULL
);
CREATE INDEX jobs_due ON jobs (run_at) WHERE done_at IS NULL;
