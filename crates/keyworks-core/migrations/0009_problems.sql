-- KeyWorks schema version 9: the problem ledger (问题台账, issue 16). A problem that holds a
-- project back has a responsible unit, a coordinating leader, a deadline, a level (项目协调 /
-- 区级协调 / 督办) and a state that only moves forward (待解决 → 协调中 → 已解决 → 已销号). Its
-- age in working days and whether it is due for escalation to 督办 are computed
-- (keyworks-core supervision/problems.rs), not stored.

CREATE TABLE problems (
    id           INTEGER PRIMARY KEY,
    project_id   INTEGER NOT NULL REFERENCES projects(id),
    problem      TEXT    NOT NULL CHECK (length(trim(problem)) > 0),
    raised       TEXT    NOT NULL CHECK (raised IS date(raised)),
    unit         TEXT    NOT NULL DEFAULT '',
    coordinator  TEXT,
    due          TEXT    CHECK (due IS date(due)),
    level        TEXT    NOT NULL DEFAULT 'project'
                 CHECK (level IN ('project', 'district', 'supervised')),
    state        TEXT    NOT NULL DEFAULT 'open'
                 CHECK (state IN ('open', 'coordinating', 'solved', 'closed')),
    note         TEXT    NOT NULL DEFAULT '',
    CHECK (due IS NULL OR due >= raised)
);

-- The ledger as auditors read it.
CREATE VIEW v_problems AS
SELECT p.code AS 项目编号,
       p.name AS 项目名称,
       q.problem AS 问题描述,
       q.raised AS 提出日期,
       q.unit AS 责任单位,
       q.coordinator AS 协调领导,
       q.due AS 解决时限,
       CASE q.level WHEN 'project' THEN '项目协调' WHEN 'district' THEN '区级协调' WHEN 'supervised' THEN '督办' END AS 协调层级,
       CASE q.state WHEN 'open' THEN '待解决' WHEN 'coordinating' THEN '协调中' WHEN 'solved' THEN '已解决' WHEN 'closed' THEN '已销号' END AS 办理状态,
       q.note AS 备注
  FROM problems q
  JOIN projects p ON p.id = q.project_id
 ORDER BY p.code, q.raised, q.id;

DROP VIEW v_change_log;
DROP VIEW v_change_fields;

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
        WHEN 'funding' THEN '投资类型'
        WHEN 'item' THEN '审批事项'
        WHEN 'submitted' THEN '申报日期'
        WHEN 'approved' THEN '批复日期'
        WHEN 'limit_days' THEN '时限（工作日）'
        WHEN 'raised' THEN '提出日期'
        WHEN 'due' THEN '解决时限'
        WHEN 'level' THEN '协调层级'
        WHEN 'state' THEN '办理状态'
        WHEN 'coordinator' THEN '协调领导'
        WHEN 'problem' THEN '问题描述'
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
        WHEN 'funding' THEN '投资类型'
        WHEN 'item' THEN '审批事项'
        WHEN 'submitted' THEN '申报日期'
        WHEN 'approved' THEN '批复日期'
        WHEN 'limit_days' THEN '时限（工作日）'
        WHEN 'raised' THEN '提出日期'
        WHEN 'due' THEN '解决时限'
        WHEN 'level' THEN '协调层级'
        WHEN 'state' THEN '办理状态'
        WHEN 'coordinator' THEN '协调领导'
        WHEN 'problem' THEN '问题描述'
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
           WHEN 'approvals' THEN '前期手续'
           WHEN 'problems' THEN '问题台账'
           ELSE c.table_name
       END AS object,
       c.table_name,
       c.row_id,
       COALESCE(json_extract(c.changes, '$.name[1]'), json_extract(c.changes, '$.name[0]'),
                json_extract(c.changes, '$.task_name[1]'), json_extract(c.changes, '$.iso_week[1]'),
                json_extract(c.changes, '$.month[1]'),
                json_extract(c.changes, '$.item[1]'),
                json_extract(c.changes, '$.problem[1]'),
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
