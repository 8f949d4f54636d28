-- Version 5: a deadline counted without a year's holidays (the calendar lacked the year) is
-- marked as such, and the store remembers which calendar its deadlines were computed with, so
-- that they are recomputed when the calendar changes (see `deadlines.rs`).
ALTER TABLE complaints ADD COLUMN deadline_provisional INTEGER NOT NULL DEFAULT 0;
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
