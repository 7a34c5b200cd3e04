-- The hub at KeyWorks schema 7 (file migration 0007_supervision.sql): money in whole yuan,
-- the responsible leader, the warning thresholds, the investment plans and recorded months.
-- The readable views are dropped here and made again from keyworks-hub's views_sql().
--
-- The REAL 亿元 columns are dropped. A file carries their figures over as logged changes
-- (keyworks-core supervision/legacy_money.rs); `keyworks hub upgrade` applies this script
-- only to a server whose REAL columns are all empty, and says so otherwise.

DROP VIEW IF EXISTS v_change_log;
DROP VIEW IF EXISTS v_change_fields;
DROP VIEW IF EXISTS v_projects;
DROP VIEW IF EXISTS v_milestones;
DROP VIEW IF EXISTS v_weekly_updates;

ALTER TABLE projects ADD COLUMN total_investment_yuan bigint
    CHECK (total_investment_yuan IS NULL OR total_investment_yuan >= 0);
ALTER TABLE projects ADD COLUMN leader text;
ALTER TABLE projects DROP COLUMN total_investment;
ALTER TABLE projects DROP COLUMN annual_investment;

ALTER TABLE portfolio ADD COLUMN warn_invest_yellow_pct bigint
    CHECK (warn_invest_yellow_pct IS NULL OR warn_invest_yellow_pct BETWEEN 1 AND 100);
ALTER TABLE portfolio ADD COLUMN warn_invest_red_pct bigint
    CHECK (warn_invest_red_pct IS NULL OR warn_invest_red_pct BETWEEN 1 AND 100);
ALTER TABLE portfolio ADD COLUMN warn_overdue_yellow_days bigint
    CHECK (warn_overdue_yellow_days IS NULL OR warn_overdue_yellow_days BETWEEN 0 AND 1000);
ALTER TABLE portfolio ADD COLUMN warn_overdue_red_days bigint
    CHECK (warn_overdue_red_days IS NULL OR warn_overdue_red_days BETWEEN 0 AND 1000);

CREATE TABLE investment_plans (
    id           bigint  PRIMARY KEY,
    project_id   bigint  NOT NULL REFERENCES projects(id) DEFERRABLE INITIALLY DEFERRED,
    year         bigint  NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    annual_yuan  bigint  NOT NULL CHECK (annual_yuan >= 0),
    note         text    NOT NULL DEFAULT '',
    UNIQUE (project_id, year) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE investment_months (
    id              bigint  PRIMARY KEY,
    project_id      bigint  NOT NULL REFERENCES projects(id) DEFERRABLE INITIALLY DEFERRED,
    month           text    NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    completed_yuan  bigint  NOT NULL CHECK (completed_yuan >= 0),
    note            text    NOT NULL DEFAULT '',
    UNIQUE (project_id, month) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX investment_months_by_month ON investment_months(month);
