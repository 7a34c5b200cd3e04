-- A KeyWorks hub on PostgreSQL, matching KeyWorks file schema version 6
-- (crates/keyworks-core/migrations/0001–0006). The same tables, columns and rules as a shared
-- file, so that rows pass between the two by column name; crates/keyworks-hub/src/schema.rs
-- holds the two column lists equal in a test.
--
-- What differs from the file, and why:
-- - Dates that the file checks with `IS date(...)` are `date` here: an auditor can compare
--   them in psql. Times (RFC 3339 with the writer's offset) stay text: they are hashed.
-- - change_log.changes stays text, byte for byte as hashed; the views read it as jsonb.
-- - Foreign keys and unique rules other than the primary key are checked at commit
--   (DEFERRABLE INITIALLY DEFERRED): a sync writes rows in the order of the groups that
--   changed them, not in the order parents need, as the file does with defer_foreign_keys.
-- - keyworks_hub replaces the file's sync_self: the hub's identity and its schema version.

CREATE TABLE keyworks_hub (
    id              integer PRIMARY KEY CHECK (id = 1),
    file_id         text    NOT NULL CHECK (length(file_id) = 32),
    schema_version  integer NOT NULL,
    loaded_from     text    NOT NULL,
    loaded_by       text    NOT NULL,
    loaded_at       text    NOT NULL
);

CREATE TABLE portfolio (
    id            bigint  PRIMARY KEY CHECK (id = 1),
    name          text    NOT NULL,
    year          bigint  NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    organisation  text    NOT NULL,
    source        text    NOT NULL DEFAULT '',
    note          text    NOT NULL DEFAULT ''
);

CREATE TABLE calendars (
    id            bigint  PRIMARY KEY,
    name          text    NOT NULL,
    parent_id     bigint  REFERENCES calendars(id) DEFERRABLE INITIALLY DEFERRED,
    working_week  text    NOT NULL DEFAULT '1111100' CHECK (working_week ~ '^[01]{7}$'),
    UNIQUE (name) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE calendar_exceptions (
    id            bigint  PRIMARY KEY,
    calendar_id   bigint  NOT NULL REFERENCES calendars(id) DEFERRABLE INITIALLY DEFERRED,
    date          date    NOT NULL,
    kind          text    NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name          text    NOT NULL DEFAULT '',
    UNIQUE (calendar_id, date) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE projects (
    id                 bigint  PRIMARY KEY,
    code               text    NOT NULL CHECK (length(code) BETWEEN 1 AND 32),
    name               text    NOT NULL CHECK (length(name) > 0),
    category           text    NOT NULL CHECK (category IN ('advanced_manufacturing',
                           'district_infrastructure', 'ecology', 'livelihood', 'services',
                           'technical_upgrade')),
    stage              text    NOT NULL CHECK (stage IN ('new_start', 'continuing', 'completion')),
    lead_unit          text    NOT NULL DEFAULT '',
    contact            text    NOT NULL DEFAULT '',
    location           text    NOT NULL DEFAULT '',
    total_investment   double precision CHECK (total_investment IS NULL OR total_investment >= 0),
    annual_investment  double precision CHECK (annual_investment IS NULL OR annual_investment >= 0),
    planned_start      date,
    planned_finish     date,
    status             text    NOT NULL DEFAULT 'green' CHECK (status IN ('green', 'yellow', 'red')),
    calendar_id        bigint  REFERENCES calendars(id) DEFERRABLE INITIALLY DEFERRED,
    description        text    NOT NULL DEFAULT '',
    plan_sentence      text    NOT NULL DEFAULT '',
    UNIQUE (code) DEFERRABLE INITIALLY DEFERRED,
    CHECK (planned_finish IS NULL OR planned_start IS NULL OR planned_finish >= planned_start)
);

CREATE TABLE targets (
    id          bigint  PRIMARY KEY,
    project_id  bigint  NOT NULL REFERENCES projects(id) DEFERRABLE INITIALLY DEFERRED,
    position    bigint  NOT NULL,
    name        text    NOT NULL,
    quantity    double precision NOT NULL CHECK (quantity >= 0),
    unit        text    NOT NULL,
    actual      double precision CHECK (actual IS NULL OR actual >= 0),
    source      text    NOT NULL DEFAULT ''
);
CREATE INDEX targets_by_project ON targets(project_id, position);

CREATE TABLE tasks (
    id                bigint  PRIMARY KEY,
    project_id        bigint  NOT NULL REFERENCES projects(id) DEFERRABLE INITIALLY DEFERRED,
    parent_id         bigint  REFERENCES tasks(id) DEFERRABLE INITIALLY DEFERRED,
    position          bigint  NOT NULL,
    name              text    NOT NULL CHECK (length(name) > 0),
    is_milestone      bigint  NOT NULL DEFAULT 0 CHECK (is_milestone IN (0, 1)),
    planned_start     date    NOT NULL,
    planned_finish    date    NOT NULL,
    duration_days     bigint  NOT NULL CHECK (duration_days >= 0),
    percent_complete  double precision NOT NULL DEFAULT 0 CHECK (percent_complete BETWEEN 0 AND 100),
    actual_start      date,
    actual_finish     date,
    acceptance        text    NOT NULL DEFAULT '',
    completion_note   text    NOT NULL DEFAULT '',
    constraint_kind   text    CHECK (constraint_kind IS NULL OR constraint_kind IN ('alap',
                          'must_start_on', 'must_finish_on', 'start_no_earlier_than',
                          'start_no_later_than', 'finish_no_earlier_than', 'finish_no_later_than')),
    constraint_date   date,
    CHECK (planned_finish >= planned_start),
    CHECK (is_milestone = 0 OR (duration_days = 0 AND planned_start = planned_finish))
);
CREATE INDEX tasks_by_project ON tasks(project_id, position);
CREATE INDEX tasks_by_parent ON tasks(parent_id);

CREATE TABLE dependencies (
    id              bigint  PRIMARY KEY,
    predecessor_id  bigint  NOT NULL REFERENCES tasks(id) DEFERRABLE INITIALLY DEFERRED,
    successor_id    bigint  NOT NULL REFERENCES tasks(id) DEFERRABLE INITIALLY DEFERRED,
    kind            text    NOT NULL CHECK (kind IN ('FS', 'SS', 'FF', 'SF')),
    lag_days        bigint  NOT NULL DEFAULT 0,
    UNIQUE (predecessor_id, successor_id) DEFERRABLE INITIALLY DEFERRED,
    CHECK (predecessor_id <> successor_id)
);
CREATE INDEX dependencies_by_successor ON dependencies(successor_id);

CREATE TABLE weekly_updates (
    id                bigint  PRIMARY KEY,
    project_id        bigint  NOT NULL REFERENCES projects(id) DEFERRABLE INITIALLY DEFERRED,
    iso_week          text    NOT NULL CHECK (iso_week ~ '^[0-9]{4}-W[0-5][0-9]$'),
    percent_complete  double precision NOT NULL CHECK (percent_complete BETWEEN 0 AND 100),
    status            text    NOT NULL CHECK (status IN ('green', 'yellow', 'red')),
    narrative         text    NOT NULL DEFAULT '',
    issues            text    NOT NULL DEFAULT '',
    next_steps        text    NOT NULL DEFAULT '',
    author            text    NOT NULL,
    recorded_at       text    NOT NULL,
    UNIQUE (project_id, iso_week) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE baselines (
    id          bigint  PRIMARY KEY,
    project_id  bigint  NOT NULL REFERENCES projects(id) DEFERRABLE INITIALLY DEFERRED,
    name        text    NOT NULL CHECK (length(name) > 0),
    taken_on    date    NOT NULL,
    UNIQUE (project_id, name) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE baseline_tasks (
    id              bigint  PRIMARY KEY,
    baseline_id     bigint  NOT NULL REFERENCES baselines(id) DEFERRABLE INITIALLY DEFERRED,
    task_id         bigint  NOT NULL,
    task_name       text    NOT NULL,
    is_milestone    bigint  NOT NULL CHECK (is_milestone IN (0, 1)),
    planned_start   text    NOT NULL,
    planned_finish  text    NOT NULL,
    duration_days   bigint  NOT NULL,
    UNIQUE (baseline_id, task_id) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE change_log (
    id          bigint  PRIMARY KEY,
    at          text    NOT NULL,
    author      text    NOT NULL,
    op          text    NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    table_name  text    NOT NULL,
    row_id      bigint  NOT NULL,
    changes     text    NOT NULL,
    prev_hash   text    NOT NULL DEFAULT '',
    hash        text    NOT NULL DEFAULT '',
    tx_id       bigint,
    undoes_tx   bigint
);
CREATE INDEX change_log_by_row ON change_log(table_name, row_id);
CREATE INDEX change_log_by_tx ON change_log(tx_id);

CREATE TABLE sync_replicas (
    replica_no  bigint  PRIMARY KEY CHECK (replica_no BETWEEN 1 AND 8191),
    file_id     text    NOT NULL UNIQUE,
    label       text    NOT NULL,
    created_by  text    NOT NULL,
    created_at  text    NOT NULL
);

CREATE TABLE sync_origins (
    tx_id         bigint  PRIMARY KEY,
    origin_file   text    NOT NULL,
    origin_tx     bigint  NOT NULL,
    origin_label  text    NOT NULL DEFAULT '',
    merged_by     text    NOT NULL,
    merged_at     text    NOT NULL,
    via           text    NOT NULL CHECK (via IN ('sync', 'package')),
    UNIQUE (origin_file, origin_tx)
);
