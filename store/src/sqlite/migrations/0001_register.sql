-- Version 1: the register, personal data kept apart, idempotency records and rate limits.
CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
-- The register: what stays when personal data is erased.
CREATE TABLE complaints (
    nomor            TEXT PRIMARY KEY,
    prefix           TEXT NOT NULL,
    year             INTEGER NOT NULL,
    seq              INTEGER NOT NULL,
    kode_hash        TEXT NOT NULL,
    channel          TEXT NOT NULL,
    jenis            TEXT NOT NULL,
    judul            TEXT NOT NULL,
    status           TEXT NOT NULL,
    received_at      TEXT NOT NULL,
    anonim           INTEGER NOT NULL,
    rahasia          INTEGER NOT NULL,
    layanan          TEXT,
    isi              TEXT NOT NULL,
    lokasi           TEXT,
    tanggal_kejadian TEXT,
    UNIQUE (prefix, year, seq)
);
-- Personal data, kept apart so it can be erased on request without touching the register.
CREATE TABLE personal_data (
    nomor   TEXT PRIMARY KEY REFERENCES complaints (nomor),
    nama    TEXT,
    email   TEXT,
    telepon TEXT,
    nik     TEXT,
    alamat  TEXT
);
CREATE TABLE idempotency (
    key        TEXT PRIMARY KEY,
    receipt    TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE TABLE rate_limits (
    key        TEXT PRIMARY KEY,
    count      INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
