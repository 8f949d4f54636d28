-- Rate limits count the events of the window before now (a sliding window): counters per window
-- aligned to the clock let twice the limit through across the windows' boundary. One row per
-- counted event; rows leave once their window has passed. The old counters are an hour's worth
-- at most and are not carried over.
DROP TABLE rate_limits;
CREATE TABLE rate_events (
    key        TEXT NOT NULL,
    at         INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX rate_events_key ON rate_events (key, at);
CREATE INDEX rate_events_expiry ON rate_events (expires_at);
