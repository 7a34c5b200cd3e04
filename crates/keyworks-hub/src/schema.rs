//! The hub's tables and views on the server, and its roles.
//!
//! - Tables: one numbered `.sql` file per KeyWorks schema version that changed them
//!   (`pg/0006_hub.sql` matches file schema 6); `keyworks_hub.schema_version` says which the
//!   server has. A server newer than this program is refused, as a newer file is.
//! - Views: the readable views of a file (v_projects, v_milestones, v_weekly_updates,
//!   v_change_fields, v_change_log) in PostgreSQL's SQL, with the field labels taken from the
//!   core's one list (`FIELD_LABELS`), so that psql and the app say the same words.
//! - Roles: `keyworks_reader` may read everything and write nothing; `keyworks_writer` may
//!   read and write rows (not the schema). Both are group roles without login: an
//!   administrator makes people members of them.

use keyworks_core::audit::history::words::FIELD_LABELS;

/// The server schema files, by the KeyWorks schema version each brings the server to.
pub const MIGRATIONS: &[(u32, &str)] = &[
    (6, include_str!("../pg/0006_hub.sql")),
    (7, include_str!("../pg/0007_supervision.sql")),
    (8, include_str!("../pg/0008_approvals.sql")),
    (9, include_str!("../pg/0009_problems.sql")),
    (10, include_str!("../pg/0010_photos.sql")),
];

/// The schema version of a server this program makes and can sync with.
pub fn supported_version() -> u32 {
    MIGRATIONS.last().map_or(0, |(v, _)| *v)
}

/// The group role that reads; `keyworks hub init` creates it.
pub const READER_ROLE: &str = "keyworks_reader";
/// The group role that syncs.
pub const WRITER_ROLE: &str = "keyworks_writer";

/// `CASE f.key WHEN 'name' THEN '名称' … END` from the core's field labels.
fn field_label_case(key: &str) -> String {
    let mut sql = format!("CASE {key}");
    for (field, zh, _) in FIELD_LABELS {
        sql.push_str(&format!(" WHEN '{field}' THEN '{zh}'"));
    }
    sql.push_str(" END");
    sql
}

/// The readable views, as the file has them (migrations 1 and 5), for PostgreSQL.
pub fn views_sql() -> String {
    let label = field_label_case("f.key");
    format!(
        r#"
CREATE OR REPLACE VIEW v_projects AS
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

CREATE OR REPLACE VIEW v_investment AS
SELECT p.code AS 项目编号,
       p.name AS 项目名称,
       p.leader AS 包抓领导,
       p.lead_unit AS 责任单位,
       m.month AS 月份,
       (m.completed_yuan / 10000)::text || '.' || lpad((m.completed_yuan % 10000)::text, 4, '0')
           AS 当月完成投资_万元,
       (SELECT (sum(m2.completed_yuan)::bigint / 10000)::text || '.'
               || lpad((sum(m2.completed_yuan)::bigint % 10000)::text, 4, '0')
          FROM investment_months m2
         WHERE m2.project_id = m.project_id AND left(m2.month, 4) = left(m.month, 4)
           AND m2.month <= m.month) AS 年内累计完成投资_万元,
       (SELECT (ip.annual_yuan / 10000)::text || '.' || lpad((ip.annual_yuan % 10000)::text, 4, '0')
          FROM investment_plans ip
         WHERE ip.project_id = m.project_id AND ip.year = left(m.month, 4)::bigint)
           AS 年度计划投资_万元,
       m.note AS 备注
  FROM investment_months m
  JOIN projects p ON p.id = m.project_id
 ORDER BY p.code, m.month;

CREATE OR REPLACE VIEW v_approvals AS
SELECT p.code AS 项目编号,
       p.name AS 项目名称,
       CASE p.funding WHEN 'government' THEN '政府投资' WHEN 'social' THEN '社会投资' END AS 投资类型,
       a.item AS 审批事项,
       a.submitted AS 申报日期,
       a.approved AS 批复日期,
       a.limit_days AS 事项时限_工作日,
       a.note AS 备注
  FROM approvals a
  JOIN projects p ON p.id = a.project_id
 ORDER BY p.code, a.submitted, a.item;

CREATE OR REPLACE VIEW v_problems AS
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

CREATE OR REPLACE VIEW v_photos AS
SELECT p.code AS 项目编号,
       p.name AS 项目名称,
       u.iso_week AS 周次,
       f.file_name AS 文件名,
       f.taken_at AS 拍摄时间,
       f.width AS 宽,
       f.height AS 高,
       round(f.bytes / 1024.0, 1) AS 大小KB,
       f.sha256 AS 校验码,
       (SELECT count(*) FROM photo_files s WHERE s.sha256 = f.sha256) AS 已存文件
  FROM photos f
  JOIN weekly_updates u ON u.id = f.update_id
  JOIN projects p ON p.id = u.project_id
 ORDER BY p.code, u.iso_week, f.id;

CREATE OR REPLACE VIEW v_milestones AS
SELECT t.id AS milestone_id,
       p.code AS project_code,
       p.name AS project_name,
       t.name AS milestone,
       t.planned_finish AS due_date,
       t.actual_finish  AS actual_date,
       CASE
           WHEN t.actual_finish IS NOT NULL THEN '已完成'
           WHEN t.planned_finish < current_date THEN '已逾期'
           ELSE '未完成'
       END AS status,
       t.acceptance,
       t.completion_note
  FROM tasks t
  JOIN projects p ON p.id = t.project_id
 WHERE t.is_milestone = 1
 ORDER BY t.planned_finish, p.code, t.position;

CREATE OR REPLACE VIEW v_weekly_updates AS
SELECT p.code AS project_code,
       p.name AS project_name,
       u.iso_week,
       u.percent_complete,
       CASE u.status WHEN 'green' THEN '绿' WHEN 'yellow' THEN '黄' WHEN 'red' THEN '红' END AS status,
       u.narrative,
       u.issues,
       u.next_steps,
       u.author,
       u.recorded_at
  FROM weekly_updates u
  JOIN projects p ON p.id = u.project_id
 ORDER BY p.code, u.iso_week;

CREATE OR REPLACE VIEW v_change_fields AS
SELECT c.id AS change_id,
       COALESCE(c.tx_id, c.id) AS edit,
       c.at,
       c.author,
       CASE c.op WHEN 'insert' THEN '新增' WHEN 'update' THEN '修改' WHEN 'delete' THEN '删除' END AS op,
       c.table_name,
       c.row_id,
       f.key AS field,
       {label} AS label,
       f.value ->> 0 AS before,
       f.value ->> 1 AS after
  FROM change_log c, jsonb_each(c.changes::jsonb) f
 WHERE {label} IS NOT NULL
   AND NOT (c.op = 'insert' AND COALESCE(f.value ->> 1, '') = '')
   AND NOT (c.op = 'delete' AND COALESCE(f.value ->> 0, '') = '');

CREATE OR REPLACE VIEW v_change_log AS
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
       COALESCE(c.changes::jsonb #>> '{{name,1}}', c.changes::jsonb #>> '{{name,0}}',
                c.changes::jsonb #>> '{{task_name,1}}', c.changes::jsonb #>> '{{iso_week,1}}',
                c.changes::jsonb #>> '{{month,1}}',
                c.changes::jsonb #>> '{{item,1}}',
                c.changes::jsonb #>> '{{problem,1}}',
                c.changes::jsonb #>> '{{file_name,1}}',
                (SELECT t.name FROM tasks t WHERE c.table_name = 'tasks' AND t.id = c.row_id),
                (SELECT p.name FROM projects p WHERE c.table_name = 'projects' AND p.id = c.row_id),
                (SELECT u.iso_week FROM weekly_updates u WHERE c.table_name = 'weekly_updates' AND u.id = c.row_id))
           AS name,
       (SELECT string_agg(f.label || '：' || CASE f.op
                   WHEN '修改' THEN COALESCE(NULLIF(f.before_text, ''), '（空）') || ' → ' || COALESCE(NULLIF(f.after_text, ''), '（空）')
                   WHEN '删除' THEN COALESCE(f.before_text, '')
                   ELSE COALESCE(f.after_text, '') END, '；')
          FROM (SELECT v.*,
                       CASE WHEN v.field = 'percent_complete' AND v.before IS NOT NULL
                            THEN v.before::float8::text || '%'
                            WHEN v.field IN ('total_investment_yuan', 'annual_yuan', 'completed_yuan') AND v.before IS NOT NULL
                            THEN (v.before::bigint / 10000)::text || rtrim(rtrim('.' || lpad((v.before::bigint % 10000)::text, 4, '0'), '0'), '.') || ' 万元'
                            ELSE v.before END AS before_text,
                       CASE WHEN v.field = 'percent_complete' AND v.after IS NOT NULL
                            THEN v.after::float8::text || '%'
                            WHEN v.field IN ('total_investment_yuan', 'annual_yuan', 'completed_yuan') AND v.after IS NOT NULL
                            THEN (v.after::bigint / 10000)::text || rtrim(rtrim('.' || lpad((v.after::bigint % 10000)::text, 4, '0'), '0'), '.') || ' 万元'
                            ELSE v.after END AS after_text
                  FROM v_change_fields v WHERE v.change_id = c.id) f) AS changes,
       c.undoes_tx AS undoes_edit,
       c.hash
  FROM change_log c
 ORDER BY c.id;
"#
    )
}

/// Creates the two group roles where missing and gives them their rights on this database's
/// tables and views.
pub fn roles_sql(database: &str) -> String {
    format!(
        r#"
DO $$
BEGIN
    -- Two hubs made at once on one server may both find a role missing: the second
    -- CREATE ROLE then meets the first's row, which is what we wanted anyway.
    BEGIN
        CREATE ROLE {READER_ROLE} NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
    BEGIN
        CREATE ROLE {WRITER_ROLE} NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
END
$$;
{grants}
"#,
        grants = grants_sql(database)
    )
}

/// The two roles' rights on this database's tables and views as they are now: run again
/// after `hub upgrade` has made new ones.
pub fn grants_sql(database: &str) -> String {
    let db = database.replace('"', "\"\"");
    format!(
        r#"
GRANT CONNECT ON DATABASE "{db}" TO {READER_ROLE}, {WRITER_ROLE};
GRANT USAGE ON SCHEMA public TO {READER_ROLE}, {WRITER_ROLE};
GRANT SELECT ON ALL TABLES IN SCHEMA public TO {READER_ROLE};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {WRITER_ROLE};
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA public FROM {READER_ROLE};
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_label_of_the_core_is_in_the_views() {
        let views = views_sql();
        for (field, zh, _) in FIELD_LABELS {
            assert!(
                views.contains(&format!("WHEN '{field}' THEN '{zh}'")),
                "{field}"
            );
        }
        assert_eq!(supported_version(), keyworks_core::SCHEMA_VERSION);
    }
}
