//! Newtype ids, one per table, so that a task id cannot be passed where a project id is due.

use rusqlite::types::{FromSql, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "specta", derive(specta::Type))]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                self.0.to_sql()
            }
        }

        impl FromSql for $name {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                i64::column_result(value).map($name)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// A row of `projects`.
    ProjectId
);
id_type!(
    /// A row of `tasks` (milestones included).
    TaskId
);
id_type!(
    /// A row of `calendars`.
    CalendarId
);
id_type!(
    /// A row of `targets`.
    TargetId
);
id_type!(
    /// A row of `dependencies`.
    DependencyId
);
id_type!(
    /// A row of `weekly_updates`.
    UpdateId
);
id_type!(
    /// A row of `baselines`.
    BaselineId
);
id_type!(
    /// A row of `investment_plans`.
    InvestmentPlanId
);
id_type!(
    /// A row of `investment_months`.
    InvestmentMonthId
);
id_type!(
    /// A row of `approvals`.
    ApprovalId
);
id_type!(
    /// A row of `problems`.
    ProblemId
);
id_type!(
    /// A row of `photos`: a stored photo attached to a weekly update.
    PhotoId
);
