-- The hub at KeyWorks schema 9 (file migration 0009_problems.sql): the problem ledger. The
-- readable views are dropped here and made again from keyworks-hub's views_sql().

DROP VIEW IF EXISTS v_change_log;
DROP VIEW IF EXISTS v_change_fields;
DROP VIEW IF EXISTS v_projects;
DROP VIEW IF EXISTS v_investment;
DROP VIEW IF EXISTS v_approvals;
DROP VIEW IF EXISTS v_milestones;
DROP VIEW IF EXISTS v_weekly_updates;

CREATE TABLE problems (
    id           bigint  PRIMARY KEY,
    project_id   bigint  NOT NULL REFERENCES projects(id) DEFERRABLE INITIALLY DEFERRED,
    problem      text    NOT NULL CHECK (length(trim(problem)) > 0),
    raised       date    NOT NULL,
    unit         text    NOT NULL DEFAULT '',
    coordinator  text,
    due          date,
    level        text    NOT NULL DEFAULT 'project'
                 CHECK (level IN ('project', 'district', 'supervised')),
    state        text    NOT NULL DEFAULT 'open'
                 CHECK (state IN ('open', 'coordinating', 'solved', 'closed')),
    note         text    NOT NULL DEFAULT '',
    CHECK (due IS NULL OR due >= raised)
);
