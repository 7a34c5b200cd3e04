-- KeyWorks schema version 10: site photos (形象进度照片, issue 16) with the weekly updates.
--
-- A photo's bytes are kept once, by their SHA-256, in photo_files (the JPEG as re-encoded on
-- import, at most 1,600 px and 300 KB, and a small thumbnail). photo_files is not in the change
-- log: its rows never change, and each is checked against its own hash by verify. What is
-- logged is the photos row that attaches a stored file to a weekly update, with its EXIF date
-- and orientation; so the log stays small while an auditor can still tell which picture was
-- attached, when and by whom, and that its bytes are the ones attached.

CREATE TABLE photo_files (
    sha256    TEXT PRIMARY KEY CHECK (length(sha256) = 64),
    jpeg      BLOB NOT NULL,
    thumbnail BLOB NOT NULL
);

CREATE TABLE photos (
    id          INTEGER PRIMARY KEY,
    update_id   INTEGER NOT NULL REFERENCES weekly_updates(id),
    sha256      TEXT    NOT NULL CHECK (length(sha256) = 64),
    file_name   TEXT    NOT NULL,
    taken_at    TEXT,
    orientation INTEGER NOT NULL DEFAULT 1 CHECK (orientation BETWEEN 1 AND 8),
    width       INTEGER NOT NULL CHECK (width > 0),
    height      INTEGER NOT NULL CHECK (height > 0),
    bytes       INTEGER NOT NULL CHECK (bytes > 0)
);
CREATE INDEX photos_by_update ON photos(update_id);

-- The photos as auditors read them: which project's which week, and the file's hash.
CREATE VIEW v_photos AS
SELECT p.code AS 项目编号,
       p.name AS 项目名称,
       u.iso_week AS 周次,
       f.file_name AS 文件名,
       f.taken_at AS 拍摄时间,
       f.width AS 宽,
       f.height AS 高,
       printf('%.1f', f.bytes / 1024.0) AS 大小KB,
       f.sha256 AS 校验码,
       (SELECT count(*) FROM photo_files s WHERE s.sha256 = f.sha256) AS 已存文件
  FROM photos f
  JOIN weekly_updates u ON u.id = f.update_id
  JOIN projects p ON p.id = u.project_id
 ORDER BY p.code, u.iso_week, f.id;

DROP VIEW v_change_log;
DROP VIEW v_change_fields;

-- The change log's field labels as a table, filled from the core's one list (words.rs
-- FIELD_LABELS) by the step after this migration and by any later migration that adds fields:
-- the views below join it, so a new field no longer means writing every view out again.
CREATE TABLE field_labels (
    field TEXT PRIMARY KEY,
    zh    TEXT NOT NULL,
    en    TEXT NOT NULL
) WITHOUT ROWID;

CREATE VIEW v_change_fields AS
SELECT c.id AS change_id,
       COALESCE(c.tx_id, c.id) AS edit,
       c.at,
       c.author,
       CASE c.op WHEN 'insert' THEN '新增' WHEN 'update' THEN '修改' WHEN 'delete' THEN '删除' END AS op,
       c.table_name,
       c.row_id,
       f.key AS field,
       l.zh AS label,
       json_extract(f.value, '$[0]') AS before,
       json_extract(f.value, '$[1]') AS after
  FROM change_log c, json_each(c.changes) f
  JOIN field_labels l ON l.field = f.key
 WHERE NOT (c.op = 'insert' AND (json_extract(f.value, '$[1]') IS NULL OR json_extract(f.value, '$[1]') = ''))
   AND NOT (c.op = 'delete' AND (json_extract(f.value, '$[0]') IS NULL OR json_extract(f.value, '$[0]') = ''));

CREATE VIEW v_change_log AS
SELECT c.id,
       COALESCE(c.tx_id, c.id) AS edit,
       c.at,
       c.author,
       CASE c.op WHEN 'insert' THEN '新增' WHEN 'update' THEN '修改' WHEN 'delete' THEN '删除' END AS op,
       CASE c.table_name
           WHEN 'portfolio' THEN '项目集'
           WHEN 'projects' THEN '项目'
           WHEN 'tasks' THEN '任务'
           WHEN 'targets' THEN '指标'
           WHEN 'dependencies' THEN '依赖'
           WHEN 'weekly_updates' THEN '周报'
           WHEN 'baselines' THEN '基线'
           WHEN 'baseline_tasks' THEN '基线任务'
           WHEN 'calendars' THEN '日历'
           WHEN 'calendar_exceptions' THEN '日历例外'
           WHEN 'database' THEN '文件'
           WHEN 'edit_lock' THEN '编辑锁'
           WHEN 'investment_plans' THEN '投资计划'
           WHEN 'investment_months' THEN '月度完成投资'
           WHEN 'approvals' THEN '前期手续'
           WHEN 'problems' THEN '问题台账'
           WHEN 'photos' THEN '照片'
           ELSE c.table_name
       END AS object,
       c.table_name,
       c.row_id,
       COALESCE(json_extract(c.changes, '$.name[1]'), json_extract(c.changes, '$.name[0]'),
                json_extract(c.changes, '$.task_name[1]'), json_extract(c.changes, '$.iso_week[1]'),
                json_extract(c.changes, '$.month[1]'),
                json_extract(c.changes, '$.item[1]'),
                json_extract(c.changes, '$.problem[1]'),
                json_extract(c.changes, '$.file_name[1]'),
                (SELECT t.name FROM tasks t WHERE c.table_name = 'tasks' AND t.id = c.row_id),
                (SELECT p.name FROM projects p WHERE c.table_name = 'projects' AND p.id = c.row_id),
                (SELECT u.iso_week FROM weekly_updates u WHERE c.table_name = 'weekly_updates' AND u.id = c.row_id))
           AS name,
       (SELECT group_concat(f.label || '：' || CASE f.op
                   WHEN '修改' THEN COALESCE(NULLIF(f.before_text, ''), '（空）') || ' → ' || COALESCE(NULLIF(f.after_text, ''), '（空）')
                   WHEN '删除' THEN COALESCE(f.before_text, '')
                   ELSE COALESCE(f.after_text, '') END, '；')
          FROM (SELECT v.*,
                       CASE WHEN v.field = 'percent_complete' AND v.before IS NOT NULL THEN printf('%g%%', v.before)
                            WHEN v.field IN ('total_investment_yuan', 'annual_yuan', 'completed_yuan') AND v.before IS NOT NULL
                            THEN (CAST(v.before AS INTEGER) / 10000) || rtrim(rtrim('.' || printf('%04d', CAST(v.before AS INTEGER) % 10000), '0'), '.') || ' 万元'
                            ELSE v.before END AS before_text,
                       CASE WHEN v.field = 'percent_complete' AND v.after IS NOT NULL THEN printf('%g%%', v.after)
                            WHEN v.field IN ('total_investment_yuan', 'annual_yuan', 'completed_yuan') AND v.after IS NOT NULL
                            THEN (CAST(v.after AS INTEGER) / 10000) || rtrim(rtrim('.' || printf('%04d', CAST(v.after AS INTEGER) % 10000), '0'), '.') || ' 万元'
                            ELSE v.after END AS after_text
                  FROM v_change_fields v WHERE v.change_id = c.id) f) AS changes,
       c.undoes_tx AS undoes_edit,
       c.hash
  FROM change_log c
 ORDER BY c.id;
