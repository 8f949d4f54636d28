-- Version 10: the site's content as editors change it in the console, one row per revision of
-- a file (`path` relative to `content/`), numbered 1, 2, … per file. `kind` is `asli`
-- (the text before the first save), `draf` or `terbit`; `published_by`/`published_at` are set
-- only on a published revision. Instants are sortable UTC text.
CREATE TABLE content_revisions (
    path         TEXT NOT NULL,
    number       INTEGER NOT NULL,
    text         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    author       TEXT NOT NULL,
    saved_at     TEXT NOT NULL,
    note         TEXT NOT NULL,
    published_by TEXT,
    published_at TEXT,
    PRIMARY KEY (path, number)
);
