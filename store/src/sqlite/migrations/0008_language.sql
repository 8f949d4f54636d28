-- Version 8: the language the complainant wrote in (`id`, `en`), kept with the complaint and
-- with each message, so every message to them is worded in it. Rows stored before read as
-- Indonesian, the only language there was.
ALTER TABLE complaints ADD COLUMN lang TEXT NOT NULL DEFAULT 'id';
ALTER TABLE outbox ADD COLUMN lang TEXT NOT NULL DEFAULT 'id';
