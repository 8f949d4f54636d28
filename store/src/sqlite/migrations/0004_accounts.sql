-- Version 4: staff identities for the console (see `accounts/`), an audit trail that refuses
-- updates and deletes like the history, and an index for the inbox of open complaints.
-- Timestamps are written with nine fractional digits, so their text order is time order.
CREATE TABLE accounts (
    username        TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    role            TEXT NOT NULL,
    active          INTEGER NOT NULL,
    password_hash   TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    password_set_at TEXT NOT NULL
);
CREATE TABLE sessions (
    id_digest  TEXT PRIMARY KEY,
    username   TEXT NOT NULL,
    role       TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen  TEXT NOT NULL
);
CREATE INDEX sessions_username ON sessions (username);
CREATE TABLE login_failures (
    username TEXT NOT NULL,
    at       TEXT NOT NULL
);
CREATE INDEX login_failures_username ON login_failures (username, at);
CREATE TABLE audit (
    at       TEXT NOT NULL,
    username TEXT NOT NULL,
    role     TEXT,
    action   TEXT NOT NULL,
    nomor    TEXT,
    detail   TEXT NOT NULL
);
CREATE INDEX audit_at ON audit (at);
CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
-- The inbox's query repeats this condition word for word, so the planner uses the index.
CREATE INDEX complaints_open ON complaints (year, seq) WHERE status <> 'selesai';
