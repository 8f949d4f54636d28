-- Version 3: hardening. An erased complaint keeps the count of the files erased with it; an
-- idempotency record keeps a digest of the body its key came with (a key reused for another
-- body is refused, not answered); a complaint names its uploads still to commit, in the same
-- transaction that stores it, until they are committed.
ALTER TABLE complaints ADD COLUMN attachments_erased INTEGER;
ALTER TABLE idempotency ADD COLUMN body TEXT;
CREATE TABLE pending_uploads (
    nomor   TEXT PRIMARY KEY REFERENCES complaints (nomor),
    uploads TEXT NOT NULL
);
