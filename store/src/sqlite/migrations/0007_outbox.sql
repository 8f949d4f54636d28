-- Version 7: the outbox of messages to complainants (see `outbox/`), written in the same
-- transaction as the change that causes each, and the addresses mail bounces from. Times to
-- compare (`due_at`, `leased_until`) are seconds since the epoch.
CREATE TABLE outbox (
    id           TEXT PRIMARY KEY,
    nomor        TEXT NOT NULL,
    message      TEXT,
    state        TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL,
    due_at       INTEGER NOT NULL,
    leased_until INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    sent_at      TEXT
);
CREATE INDEX outbox_due ON outbox (due_at) WHERE state = 'tertunda';
CREATE INDEX outbox_nomor ON outbox (nomor);
CREATE TABLE undeliverable (
    address TEXT PRIMARY KEY,
    reason  TEXT NOT NULL,
    at      TEXT NOT NULL
);
