-- Version 12 (after the answer's 0012): what a complainant adds online to files returned to be
-- completed: the text and the names of the documents sent with it, one row per addition,
-- numbered by the history entry that recorded it. Kept apart from the history (which is
-- append-only) so that an erasure of personal data can blank the text and the names, as it
-- blanks the complaint's own text.
CREATE TABLE additions (
    nomor TEXT NOT NULL REFERENCES complaints (nomor),
    seq   INTEGER NOT NULL,
    at    TEXT NOT NULL,
    text  TEXT NOT NULL,
    files TEXT NOT NULL,
    PRIMARY KEY (nomor, seq)
);
