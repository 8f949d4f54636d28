-- Login failures are counted per account and source (a digest of the address, never the
-- address itself), so that someone else's failures do not lock the office's own network out.
ALTER TABLE login_failures ADD COLUMN source TEXT NOT NULL DEFAULT '';
CREATE INDEX login_failures_source ON login_failures (source, at);
