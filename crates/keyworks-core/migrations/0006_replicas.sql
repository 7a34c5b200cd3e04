-- KeyWorks schema version 6: replicas of a shared file and the sync between them.
-- See crates/keyworks-core/src/sync/mod.rs and ARCHITECTURE.md ("Replicas and sync").

-- Who this file is. Every file has an identity; a replica also names its hub, how far it has
-- pulled the hub's change log (hub_seen: the hub's change_log id) and how far its own change
-- log has been pushed (pushed_upto: this file's change_log id).
-- replica_no picks the file's id range: rows it inserts take ids in
-- [replica_no * 2^40, (replica_no + 1) * 2^40), the hub's own edits (replica_no 0) below 2^40,
-- so inserts on two laptops never collide and an id never changes once made.
CREATE TABLE sync_self (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    file_id       TEXT    NOT NULL CHECK (length(file_id) = 32),
    replica_no    INTEGER NOT NULL DEFAULT 0 CHECK (replica_no BETWEEN 0 AND 8191),
    hub_file_id   TEXT,
    hub_path      TEXT,
    hub_seen      INTEGER NOT NULL DEFAULT 0,
    pushed_upto   INTEGER NOT NULL DEFAULT 0,
    last_sync_at  TEXT,
    CHECK ((replica_no = 0) = (hub_file_id IS NULL))
);
INSERT INTO sync_self (id, file_id) VALUES (1, lower(hex(randomblob(16))));

-- On a hub: the replicas made from it, each with its own number (and so its id range).
CREATE TABLE sync_replicas (
    replica_no  INTEGER PRIMARY KEY CHECK (replica_no BETWEEN 1 AND 8191),
    file_id     TEXT    NOT NULL UNIQUE,
    label       TEXT    NOT NULL,
    created_by  TEXT    NOT NULL,
    created_at  TEXT    NOT NULL
);

-- Change groups that came from another file: on the hub, the groups merged from replicas and
-- change packages; on a replica, the groups pulled from the hub. The change-log rows keep the
-- original author and time; this row says where the group came from and who merged it when.
-- UNIQUE (origin_file, origin_tx) is what makes a second push of the same group a no-op.
CREATE TABLE sync_origins (
    tx_id         INTEGER PRIMARY KEY,
    origin_file   TEXT    NOT NULL,
    origin_tx     INTEGER NOT NULL,
    origin_label  TEXT    NOT NULL DEFAULT '',
    merged_by     TEXT    NOT NULL,
    merged_at     TEXT    NOT NULL,
    via           TEXT    NOT NULL CHECK (via IN ('sync', 'package')),
    UNIQUE (origin_file, origin_tx)
);
