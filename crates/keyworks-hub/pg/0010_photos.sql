-- The hub at KeyWorks schema 10 (file migration 0010_photos.sql): site photos. The attaching
-- rows are logged and synced like any other; the bytes are kept once by their SHA-256 in
-- photo_files and carried by sync alongside the rows that refer to them. The readable views are
-- dropped here and made again from keyworks-hub's views_sql().

DROP VIEW IF EXISTS v_change_log;
DROP VIEW IF EXISTS v_change_fields;
DROP VIEW IF EXISTS v_projects;
DROP VIEW IF EXISTS v_investment;
DROP VIEW IF EXISTS v_approvals;
DROP VIEW IF EXISTS v_problems;
DROP VIEW IF EXISTS v_milestones;
DROP VIEW IF EXISTS v_weekly_updates;

CREATE TABLE photo_files (
    sha256    text  PRIMARY KEY CHECK (length(sha256) = 64),
    jpeg      bytea NOT NULL,
    thumbnail bytea NOT NULL
);

CREATE TABLE photos (
    id          bigint   PRIMARY KEY,
    update_id   bigint   NOT NULL REFERENCES weekly_updates(id) DEFERRABLE INITIALLY DEFERRED,
    sha256      text     NOT NULL CHECK (length(sha256) = 64),
    file_name   text     NOT NULL,
    taken_at    timestamp,
    orientation bigint   NOT NULL DEFAULT 1 CHECK (orientation BETWEEN 1 AND 8),
    width       bigint   NOT NULL CHECK (width > 0),
    height      bigint   NOT NULL CHECK (height > 0),
    bytes       bigint   NOT NULL CHECK (bytes > 0)
);
CREATE INDEX photos_by_update ON photos(update_id);
