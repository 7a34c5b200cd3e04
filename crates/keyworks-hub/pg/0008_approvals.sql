-- The hub at KeyWorks schema 8 (file migration 0008_approvals.sql): each project's funding type
-- and its pre-construction approval items. The readable views are dropped here and made again
-- from keyworks-hub's views_sql().

DROP VIEW IF EXISTS v_change_log;
DROP VIEW IF EXISTS v_change_fields;
DROP VIEW IF EXISTS v_projects;
DROP VIEW IF EXISTS v_investment;
DROP VIEW IF EXISTS v_milestones;
DROP VIEW IF EXISTS v_weekly_updates;

ALTER TABLE projects ADD COLUMN funding text
    CHECK (funding IS NULL OR funding IN ('government', 'social'));

CREATE TABLE approvals (
    id          bigint  PRIMARY KEY,
    project_id  bigint  NOT NULL REFERENCES projects(id) DEFERRABLE INITIALLY DEFERRED,
    item        text    NOT NULL CHECK (length(trim(item)) > 0),
    submitted   date    NOT NULL,
    approved    date,
    limit_days  bigint  CHECK (limit_days IS NULL OR limit_days BETWEEN 1 AND 1000),
    note        text    NOT NULL DEFAULT '',
    CHECK (approved IS NULL OR approved >= submitted),
    UNIQUE (project_id, item) DEFERRABLE INITIALLY DEFERRED
);
