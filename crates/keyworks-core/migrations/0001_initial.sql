-- KeyWorks schema version 1.
-- Shipped migrations are never edited: change the schema in a new numbered file.
-- Dates are ISO-8601 text (YYYY-MM-DD); timestamps are RFC 3339 with offset.
-- Enumerations are stored as short English codes; the v_* views show the Chinese words.
-- Deletes never cascade: the store deletes children itself so that every deleted row
-- is written to the change log.

CREATE TABLE portfolio (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    name          TEXT    NOT NULL,
    year          INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    organisation  TEXT    NOT NULL,
    source        TEXT    NOT NULL DEFAULT '',
    note          TEXT    NOT NULL DEFAULT ''
);

-- A working week ('1111100' = Monday..Sunday) plus dated exceptions.
-- A calendar may derive from a parent: its own exceptions win over the parent's.
CREATE TABLE calendars (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL UNIQUE,
    parent_id     INTEGER REFERENCES calendars(id),
    working_week  TEXT    NOT NULL DEFAULT '1111100'
                  CHECK (length(working_week) = 7 AND working_week NOT GLOB '*[^01]*')
);

CREATE TABLE calendar_exceptions (
    id            INTEGER PRIMARY KEY,
    calendar_id   INTEGER NOT NULL REFERENCES calendars(id),
    date          TEXT    NOT NULL CHECK (date IS date(date)),
    kind          TEXT    NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name          TEXT    NOT NULL DEFAULT '',
    UNIQUE (calendar_id, date)
);

CREATE TABLE projects (
    id                 INTEGER PRIMARY KEY,
    code               TEXT    NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 32),
    name               TEXT    NOT NULL CHECK (length(name) > 0),
    category           TEXT    NOT NULL CHECK (category IN ('advanced_manufacturing',
                           'district_infrastructure', 'ecology', 'livelihood', 'services',
                           'technical_upgrade')),
    stage              TEXT    NOT NULL CHECK (stage IN ('new_start', 'continuing', 'completion')),
    lead_unit          TEXT    NOT NULL DEFAULT '',
    contact            TEXT    NOT NULL DEFAULT '',
    location           TEXT    NOT NULL DEFAULT '',
    total_investment   REAL    CHECK (total_investment IS NULL OR total_investment >= 0),
    annual_investment  REAL    CHECK (annual_investment IS NULL OR annual_investment >= 0),
    planned_start      TEXT    CHECK (planned_start IS date(planned_start)),
    planned_finish     TEXT    CHECK (planned_finish IS date(planned_finish)),
    status             TEXT    NOT NULL DEFAULT 'green' CHECK (status IN ('green', 'yellow', 'red')),
    calendar_id        INTEGER REFERENCES calendars(id),
    description        TEXT    NOT NULL DEFAULT '',
    plan_sentence      TEXT    NOT NULL DEFAULT '',
    CHECK (planned_finish IS NULL OR planned_start IS NULL OR planned_finish >= planned_start)
);

-- Physical targets named by the plan, e.g. 24457 套.
CREATE TABLE targets (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES projects(id),
    position    INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    quantity    REAL    NOT NULL CHECK (quantity >= 0),
    unit        TEXT    NOT NULL,
    actual      REAL    CHECK (actual IS NULL OR actual >= 0),
    source      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX targets_by_project ON targets(project_id, position);

-- WBS tasks; a milestone is a zero-duration task whose due date is planned_finish.
CREATE TABLE tasks (
    id                INTEGER PRIMARY KEY,
    project_id        INTEGER NOT NULL REFERENCES projects(id),
    parent_id         INTEGER REFERENCES tasks(id),
    position          INTEGER NOT NULL,
    name              TEXT    NOT NULL CHECK (length(name) > 0),
    is_milestone      INTEGER NOT NULL DEFAULT 0 CHECK (is_milestone IN (0, 1)),
    planned_start     TEXT    NOT NULL CHECK (planned_start IS date(planned_start)),
    planned_finish    TEXT    NOT NULL CHECK (planned_finish IS date(planned_finish)),
    duration_days     INTEGER NOT NULL CHECK (duration_days >= 0),
    percent_complete  REAL    NOT NULL DEFAULT 0 CHECK (percent_complete BETWEEN 0 AND 100),
    actual_start      TEXT    CHECK (actual_start IS date(actual_start)),
    actual_finish     TEXT    CHECK (actual_finish IS date(actual_finish)),
    acceptance        TEXT    NOT NULL DEFAULT '',
    completion_note   TEXT    NOT NULL DEFAULT '',
    CHECK (planned_finish >= planned_start),
    CHECK (is_milestone = 0 OR (duration_days = 0 AND planned_start = planned_finish))
);
CREATE INDEX tasks_by_project ON tasks(project_id, position);
CREATE INDEX tasks_by_parent ON tasks(parent_id);
-- Partial, covering indexes: the dashboard reads open milestones without touching task rows.
CREATE INDEX open_milestones ON tasks(project_id, planned_finish, position, name)
    WHERE is_milestone = 1 AND actual_finish IS NULL;
CREATE INDEX milestones_by_due ON tasks(planned_finish, actual_finish)
    WHERE is_milestone = 1;

CREATE TABLE dependencies (
    id              INTEGER PRIMARY KEY,
    predecessor_id  INTEGER NOT NULL REFERENCES tasks(id),
    successor_id    INTEGER NOT NULL REFERENCES tasks(id),
    kind            TEXT    NOT NULL CHECK (kind IN ('FS', 'SS', 'FF', 'SF')),
    lag_days        INTEGER NOT NULL DEFAULT 0,
    UNIQUE (predecessor_id, successor_id),
    CHECK (predecessor_id <> successor_id)
);
CREATE INDEX dependencies_by_successor ON dependencies(successor_id);

-- One update per project and ISO week; recording the same week again revises it.
CREATE TABLE weekly_updates (
    id                INTEGER PRIMARY KEY,
    project_id        INTEGER NOT NULL REFERENCES projects(id),
    iso_week          TEXT    NOT NULL CHECK (iso_week GLOB '[0-9][0-9][0-9][0-9]-W[0-5][0-9]'),
    percent_complete  REAL    NOT NULL CHECK (percent_complete BETWEEN 0 AND 100),
    status            TEXT    NOT NULL CHECK (status IN ('green', 'yellow', 'red')),
    narrative         TEXT    NOT NULL DEFAULT '',
    issues            TEXT    NOT NULL DEFAULT '',
    next_steps        TEXT    NOT NULL DEFAULT '',
    author            TEXT    NOT NULL,
    recorded_at       TEXT    NOT NULL,
    UNIQUE (project_id, iso_week)
);

-- Named snapshots of planned dates. Rows keep the task's name so that a baseline
-- still reads after the task is deleted; hence no foreign key to tasks.
CREATE TABLE baselines (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES projects(id),
    name        TEXT    NOT NULL CHECK (length(name) > 0),
    taken_on    TEXT    NOT NULL CHECK (taken_on IS date(taken_on)),
    UNIQUE (project_id, name)
);

CREATE TABLE baseline_tasks (
    id              INTEGER PRIMARY KEY,
    baseline_id     INTEGER NOT NULL REFERENCES baselines(id),
    task_id         INTEGER NOT NULL,
    task_name       TEXT    NOT NULL,
    is_milestone    INTEGER NOT NULL CHECK (is_milestone IN (0, 1)),
    planned_start   TEXT    NOT NULL,
    planned_finish  TEXT    NOT NULL,
    duration_days   INTEGER NOT NULL,
    UNIQUE (baseline_id, task_id)
);

-- Every insert, update and delete made through KeyWorks, written in the same transaction.
-- changes: JSON object {field: [before, after]}; null stands for "no value".
CREATE TABLE change_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT    NOT NULL,
    author      TEXT    NOT NULL,
    op          TEXT    NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    table_name  TEXT    NOT NULL,
    row_id      INTEGER NOT NULL,
    changes     TEXT    NOT NULL CHECK (json_valid(changes))
);
CREATE INDEX change_log_by_row ON change_log(table_name, row_id);

-- Readable views for auditors using the sqlite3 shell.
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
       p.contact,
       p.location,
       p.total_investment  AS total_investment_yi_yuan,
       p.annual_investment AS annual_investment_yi_yuan,
       p.planned_start,
       p.planned_finish,
       CASE p.status WHEN 'green' THEN '绿' WHEN 'yellow' THEN '黄' WHEN 'red' THEN '红' END AS status,
       (SELECT u.percent_complete FROM weekly_updates u
         WHERE u.project_id = p.id ORDER BY u.iso_week DESC LIMIT 1) AS percent_complete,
       (SELECT u.iso_week FROM weekly_updates u
         WHERE u.project_id = p.id ORDER BY u.iso_week DESC LIMIT 1) AS last_update_week
  FROM projects p
 ORDER BY p.code;

CREATE VIEW v_milestones AS
SELECT t.id AS milestone_id,
       p.code AS project_code,
       p.name AS project_name,
       t.name AS milestone,
       t.planned_finish AS due_date,
       t.actual_finish  AS actual_date,
       CASE
           WHEN t.actual_finish IS NOT NULL THEN '已完成'
           WHEN t.planned_finish < date('now', 'localtime') THEN '已逾期'
           ELSE '未完成'
       END AS status,
       t.acceptance,
       t.completion_note
  FROM tasks t
  JOIN projects p ON p.id = t.project_id
 WHERE t.is_milestone = 1
 ORDER BY t.planned_finish, p.code, t.position;

CREATE VIEW v_weekly_updates AS
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

CREATE VIEW v_change_log AS
SELECT id, at, author,
       CASE op WHEN 'insert' THEN '新增' WHEN 'update' THEN '修改' WHEN 'delete' THEN '删除' END AS op,
       table_name, row_id, changes
  FROM change_log
 ORDER BY id;
