-- Version 6: the Survei Kepuasan Masyarakat's answers, one set per complaint (the primary
-- key is the once-only guard). `at` is sortable UTC text, for the period queries.
CREATE TABLE survey (
    nomor   TEXT PRIMARY KEY,
    answers TEXT NOT NULL,
    at      TEXT NOT NULL
);
CREATE INDEX survey_at ON survey (at);
