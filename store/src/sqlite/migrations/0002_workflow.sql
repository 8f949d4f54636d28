-- Version 2: the workflow. The register row gains its state and a version for optimistic
-- concurrency; the history is a table that refuses updates and deletes; complaints stored
-- before get their intake entry (appended, nothing rewritten).
ALTER TABLE complaints ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE complaints ADD COLUMN procedure_id TEXT;
ALTER TABLE complaints ADD COLUMN step_index INTEGER;
ALTER TABLE complaints ADD COLUMN files_complete_on TEXT;
ALTER TABLE complaints ADD COLUMN clock_events TEXT NOT NULL DEFAULT '';
ALTER TABLE complaints ADD COLUMN ba_number TEXT;
ALTER TABLE complaints ADD COLUMN deadline TEXT;
ALTER TABLE complaints ADD COLUMN finished_on TEXT;
ALTER TABLE complaints ADD COLUMN next_step TEXT;
ALTER TABLE complaints ADD COLUMN erased_at TEXT;
CREATE UNIQUE INDEX complaints_ba_number ON complaints (ba_number) WHERE ba_number IS NOT NULL;
CREATE INDEX complaints_status ON complaints (status);
CREATE TABLE history (
    nomor        TEXT NOT NULL REFERENCES complaints (nomor),
    seq          INTEGER NOT NULL,
    at           TEXT NOT NULL,
    by_name      TEXT NOT NULL,
    action       TEXT NOT NULL,
    from_status  TEXT,
    to_status    TEXT NOT NULL,
    procedure_id TEXT,
    step_index   INTEGER,
    on_date      TEXT,
    note         TEXT NOT NULL,
    ba_number    TEXT,
    change_id    TEXT,
    PRIMARY KEY (nomor, seq)
);
CREATE TRIGGER history_append_only_update BEFORE UPDATE ON history
BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
CREATE TRIGGER history_append_only_delete BEFORE DELETE ON history
BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
INSERT INTO history (nomor, seq, at, by_name, action, from_status, to_status, note)
    SELECT nomor, 1, received_at,
           CASE channel WHEN 'web' THEN 'Front Office (daring)' ELSE 'sistem' END,
           CASE channel WHEN 'web' THEN 'diterima' ELSE 'dicatat' END,
           NULL, status, ''
    FROM complaints;
