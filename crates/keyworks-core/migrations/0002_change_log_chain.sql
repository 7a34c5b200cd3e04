-- KeyWorks schema version 2: a tamper-evident change log.
-- Each row carries the SHA-256 of its own content chained to the previous row's hash:
--   hash = sha256(JSON [prev_hash, at, author, op, table_name, row_id, changes])
-- so that editing, deleting or inserting a log row outside KeyWorks breaks the chain.
-- Rows written before this version are chained by the migration itself (in Rust, after this
-- script), in id order.
ALTER TABLE change_log ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE change_log ADD COLUMN hash TEXT NOT NULL DEFAULT '';

-- Breaking a stale edit lock is recorded here too, under table_name 'edit_lock'.
DROP VIEW v_change_log;
CREATE VIEW v_change_log AS
SELECT id, at, author,
       CASE op WHEN 'insert' THEN '新增' WHEN 'update' THEN '修改' WHEN 'delete' THEN '删除' END AS op,
       table_name, row_id, changes, hash
  FROM change_log
 ORDER BY id;
