-- Version 12 (after 0011): the office's answer to a complaint, one row per complaint, attached
-- in the console at the last step: the Surat Jawaban's text (Indonesian, English optional),
-- the Berita Acara's entry in the attachment store as JSON, who attached it and when (sortable
-- UTC text).
CREATE TABLE answer (
    nomor        TEXT PRIMARY KEY,
    text_id      TEXT NOT NULL,
    text_en      TEXT,
    berita_acara TEXT,
    by_name      TEXT NOT NULL,
    at           TEXT NOT NULL
);
