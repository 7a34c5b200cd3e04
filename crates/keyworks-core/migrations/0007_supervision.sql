-- KeyWorks schema version 7: supervision as zones run it (issue 15).
--
-- Money exactly: amounts are whole yuan in INTEGER columns, entered and shown in 万元 with up to
-- four decimals. The REAL columns of version 1 (projects.total_investment and
-- annual_investment, in 亿元) are carried over and dropped by this migration's Rust step
-- (keyworks-core supervision/legacy_money.rs), not here: each carried figure is written to the
-- change log, which SQL cannot hash. The total goes to projects.total_investment_yuan; the
-- annual plan becomes the project's investment_plans row for the portfolio's year.
--
-- Amounts in the views: v_change_fields gives the logged yuan; v_change_log writes them in 万元.
--
-- New columns are NULL for every existing row, so the change log (which never mentioned them)
-- and the rows agree: NULL leader = none named, NULL threshold = the default.

ALTER TABLE projects ADD COLUMN total_investment_yuan INTEGER
    CHECK (total_investment_yuan IS NULL OR total_investment_yuan >= 0);
-- 包抓领导: the zone leader who answers for the project. (责任单位 is lead_unit.)
ALTER TABLE projects ADD COLUMN leader TEXT;

-- The warning thresholds, one set per portfolio so that every user of a file sees the same
-- colours. NULL = the default (80, 60, 10, 30).
ALTER TABLE portfolio ADD COLUMN warn_invest_yellow_pct INTEGER
    CHECK (warn_invest_yellow_pct IS NULL OR warn_invest_yellow_pct BETWEEN 1 AND 100);
ALTER TABLE portfolio ADD COLUMN warn_invest_red_pct INTEGER
    CHECK (warn_invest_red_pct IS NULL OR warn_invest_red_pct BETWEEN 1 AND 100);
ALTER TABLE portfolio ADD COLUMN warn_overdue_yellow_days INTEGER
    CHECK (warn_overdue_yellow_days IS NULL OR warn_overdue_yellow_days BETWEEN 0 AND 1000);
ALTER TABLE portfolio ADD COLUMN warn_overdue_red_days INTEGER
    CHECK (warn_overdue_red_days IS NULL OR warn_overdue_red_days BETWEEN 0 AND 1000);

-- 年度计划投资: one plan per project and year.
CREATE TABLE investment_plans (
    id           INTEGER PRIMARY KEY,
    project_id   INTEGER NOT NULL REFERENCES projects(id),
    year         INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    annual_yuan  INTEGER NOT NULL CHECK (annual_yuan >= 0),
    note         TEXT    NOT NULL DEFAULT '',
    UNIQUE (project_id, year)
);

-- 当月完成投资: what a project completed in one calendar month ('2021-05'). Recording the
-- month again corrects the row (an update, both values logged).
CREATE TABLE investment_months (
    id              INTEGER PRIMARY KEY,
    project_id      INTEGER NOT NULL REFERENCES projects(id),
    month           TEXT    NOT NULL
                    CHECK (length(month) = 7 AND date(month || '-01') IS month || '-01'),
    completed_yuan  INTEGER NOT NULL CHECK (completed_yuan >= 0),
    note            TEXT    NOT NULL DEFAULT '',
    UNIQUE (project_id, month)
);
CREATE INDEX investment_months_by_month ON investment_months(month);

-- v_projects read the REAL columns; it is made again over the exact ones below.
DROP VIEW v_projects;
DROP VIEW v_change_log;
DROP VIEW v_change_fields;

CREATE VIEW v_projects AS
SELECT p.code,
       p.name,
       CASE p.category
           WHEN 'advanced_manufacturing'  THEN '先进制造业'
           WHEN 'district_infrastructure' THEN '片区开发及基础设施'
           WHEN 'ecology'                 THEN '生态环保'
           WHEN 'livelihood'              THEN '社会民生'
           WHEN 'services'                THEN '服务业'
           WHEN 'technical_upgrade'       THEN '技改'
       END AS category,
       CASE p.stage
           WHEN 'new_start'  THEN '新开工'
           WHEN 'continuing' THEN '续建'
           WHEN 'completion' THEN '建成投产'
       END AS stage,
       p.lead_unit,
       p.leader,
       p.contact,
       p.location,
       p.total_investment_yuan,
       p.planned_start,
       p.planned_finish,
       CASE p.status WHEN 'green' THEN '绿' WHEN 'yellow' THEN '黄' WHEN 'red' THEN '红' END AS status,
       (SELECT u.percent_complete FROM weekly_updates u
         WHERE u.project_id = p.id ORDER BY u.iso_week DESC LIMIT 1) AS percent_complete,
       (SELECT u.iso_week FROM weekly_updates u
         WHERE u.project_id = p.id ORDER BY u.iso_week DESC LIMIT 1) AS last_update_week
  FROM projects p
 ORDER BY p.code;

-- Investment as auditors read it: one row per project and month recorded, amounts in 万元
-- written out exactly (yuan / 10000 as text, no floating point), with the year's plan.
CREATE VIEW v_investment AS
SELECT p.code AS 项目编号,
       p.name AS 项目名称,
       p.leader AS 包抓领导,
       p.lead_unit AS 责任单位,
       m.month AS 月份,
       (m.completed_yuan / 10000) || '.' || printf('%04d', m.completed_yuan % 10000) AS 当月完成投资_万元,
       (SELECT (sum(m2.completed_yuan) / 10000) || '.' || printf('%04d', sum(m2.completed_yuan) % 10000)
          FROM investment_months m2
         WHERE m2.project_id = m.project_id AND substr(m2.month, 1, 4) = substr(m.month, 1, 4)
           AND m2.month <= m.month) AS 年内累计完成投资_万元,
       (SELECT (ip.annual_yuan / 10000) || '.' || printf('%04d', ip.annual_yuan % 10000)
          FROM investment_plans ip
         WHERE ip.project_id = m.project_id AND ip.year = CAST(substr(m.month, 1, 4) AS INTEGER))
           AS 年度计划投资_万元,
       m.note AS 备注
  FROM investment_months m
  JOIN projects p ON p.id = m.project_id
 ORDER BY p.code, m.month;

CREATE VIEW v_change_fields AS
SELECT c.id AS change_id,
       COALESCE(c.tx_id, c.id) AS edit,
       c.at,
       c.author,
       CASE c.op WHEN 'insert' THEN '新增' WHEN 'update' THEN '修改' WHEN 'delete' THEN '删除' END AS op,
       c.table_name,
       c.row_id,
       f.key AS field,
       CASE f.key
        WHEN 'name' THEN '名称'
        WHEN 'code' THEN '编号'
        WHEN 'status' THEN '状态'
        WHEN 'percent_complete' THEN '完成百分比'
        WHEN 'planned_start' THEN '计划开始'
        WHEN 'planned_finish' THEN '计划完成'
        WHEN 'actual_start' THEN '实际开始'
        WHEN 'actual_finish' THEN '实际完成'
        WHEN 'duration_days' THEN '工期（工作日）'
        WHEN 'narrative' THEN '进展说明'
        WHEN 'issues' THEN '问题与风险'
        WHEN 'next_steps' THEN '下步计划'
        WHEN 'author' THEN '填报人'
        WHEN 'iso_week' THEN '周次'
        WHEN 'acceptance' THEN '验收标准'
        WHEN 'completion_note' THEN '完成说明'
        WHEN 'is_milestone' THEN '里程碑'
        WHEN 'parent_id' THEN '上级任务'
        WHEN 'predecessor_id' THEN '前置任务'
        WHEN 'successor_id' THEN '后续任务'
        WHEN 'kind' THEN '类型'
        WHEN 'lag_days' THEN '延隔（工作日）'
        WHEN 'constraint_kind' THEN '限制类型'
        WHEN 'constraint_date' THEN '限制日期'
        WHEN 'lead_unit' THEN '责任单位'
        WHEN 'contact' THEN '联系人'
        WHEN 'location' THEN '地点'
        WHEN 'total_investment' THEN '总投资（亿元）'
        WHEN 'annual_investment' THEN '年度计划投资（亿元）'
        WHEN 'category' THEN '类别'
        WHEN 'stage' THEN '阶段'
        WHEN 'description' THEN '简介'
        WHEN 'plan_sentence' THEN '工作要点原文'
        WHEN 'quantity' THEN '计划数量'
        WHEN 'actual' THEN '完成数量'
        WHEN 'unit' THEN '单位'
        WHEN 'source' THEN '来源'
        WHEN 'taken_on' THEN '基线日期'
        WHEN 'date' THEN '日期'
        WHEN 'working_week' THEN '工作周'
        WHEN 'year' THEN '年度'
        WHEN 'organisation' THEN '单位'
        WHEN 'note' THEN '备注'
        WHEN 'restored_from' THEN '恢复自备份'
        WHEN 'holder' THEN '编辑锁持有人'
        WHEN 'total_investment_yuan' THEN '总投资'
        WHEN 'leader' THEN '包抓领导'
        WHEN 'annual_yuan' THEN '年度计划投资'
        WHEN 'completed_yuan' THEN '当月完成投资'
        WHEN 'month' THEN '月份'
        WHEN 'warn_invest_yellow_pct' THEN '投资黄灯线（序时进度的%）'
        WHEN 'warn_invest_red_pct' THEN '投资红灯线（序时进度的%）'
        WHEN 'warn_overdue_yellow_days' THEN '逾期黄灯线（工作日）'
        WHEN 'warn_overdue_red_days' THEN '逾期红灯线（工作日）'
       END AS label,
       json_extract(f.value, '$[0]') AS before,
       json_extract(f.value, '$[1]') AS after
  FROM change_log c, json_each(c.changes) f
 WHERE CASE f.key
        WHEN 'name' THEN '名称'
        WHEN 'code' THEN '编号'
        WHEN 'status' THEN '状态'
        WHEN 'percent_complete' THEN '完成百分比'
        WHEN 'planned_start' THEN '计划开始'
        WHEN 'planned_finish' THEN '计划完成'
        WHEN 'actual_start' THEN '实际开始'
        WHEN 'actual_finish' THEN '实际完成'
        WHEN 'duration_days' THEN '工期（工作日）'
        WHEN 'narrative' THEN '进展说明'
        WHEN 'issues' THEN '问题与风险'
        WHEN 'next_steps' THEN '下步计划'
        WHEN 'author' THEN '填报人'
        WHEN 'iso_week' THEN '周次'
        WHEN 'acceptance' THEN '验收标准'
        WHEN 'completion_note' THEN '完成说明'
        WHEN 'is_milestone' THEN '里程碑'
        WHEN 'parent_id' THEN '上级任务'
        WHEN 'predecessor_id' THEN '前置任务'
        WHEN 'successor_id' THEN '后续任务'
        WHEN 'kind' THEN '类型'
        WHEN 'lag_days' THEN '延隔（工作日）'
        WHEN 'constraint_kind' THEN '限制类型'
        WHEN 'constraint_date' THEN '限制日期'
        WHEN 'lead_unit' THEN '责任单位'
        WHEN 'contact' THEN '联系人'
        WHEN 'location' THEN '地点'
        WHEN 'category' THEN '类别'
        WHEN 'stage' THEN '阶段'
        WHEN 'description' THEN '简介'
        WHEN 'plan_sentence' THEN '工作要点原文'
        WHEN 'quantity' THEN '计划数量'
        WHEN 'actual' THEN '完成数量'
        WHEN 'unit' THEN '单位'
        WHEN 'source' THEN '来源'
        WHEN 'taken_on' THEN '基线日期'
        WHEN 'date' THEN '日期'
        WHEN 'working_week' THEN '工作周'
        WHEN 'year' THEN '年度'
        WHEN 'organisation' THEN '单位'
        WHEN 'note' THEN '备注'
        WHEN 'restored_from' THEN '恢复自备份'
        WHEN 'holder' THEN '编辑锁持有人'
        WHEN 'total_investment_yuan' THEN '总投资'
        WHEN 'leader' THEN '包抓领导'
        WHEN 'annual_yuan' THEN '年度计划投资'
        WHEN 'completed_yuan' THEN '当月完成投资'
        WHEN 'month' THEN '月份'
        WHEN 'warn_invest_yellow_pct' THEN '投资黄灯线（序时进度的%）'
        WHEN 'warn_invest_red_pct' THEN '投资红灯线（序时进度的%）'
        WHEN 'warn_overdue_yellow_days' THEN '逾期黄灯线（工作日）'
        WHEN 'warn_overdue_red_days' THEN '逾期红灯线（工作日）'
       END IS NOT NULL
   AND NOT (c.op = 'insert' AND (json_extract(f.value, '$[1]') IS NULL OR json_extract(f.value, '$[1]') = ''))
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
           ELSE c.table_name
       END AS object,
       c.table_name,
       c.row_id,
       COALESCE(json_extract(c.changes, '$.name[1]'), json_extract(c.changes, '$.name[0]'),
                json_extract(c.changes, '$.task_name[1]'), json_extract(c.changes, '$.iso_week[1]'),
                json_extract(c.changes, '$.month[1]'),
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
