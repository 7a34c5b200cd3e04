//! The domain model: one struct per table, read with `from_row`, plus the closed
//! vocabularies of the plan (category, stage, status, link kind).

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::Row;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::ids::{
    ApprovalId, BaselineId, CalendarId, DependencyId, InvestmentMonthId, InvestmentPlanId, PhotoId,
    ProblemId, ProjectId, TargetId, TaskId, UpdateId,
};
use crate::money::Yuan;
use crate::week::{IsoWeek, YearMonth};

/// A closed vocabulary stored as a short English code, shown in Chinese or English.
macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident, $what:literal {
        $($variant:ident => ($code:literal, $zh:literal, $en:literal)),+ $(,)?
    }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "specta", derive(specta::Type))]
        pub enum $name {
            $(#[serde(rename = $code)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The code stored in the database and used in JSON.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn label_zh(self) -> &'static str {
                match self { $($name::$variant => $zh),+ }
            }

            pub fn label_en(self) -> &'static str {
                match self { $($name::$variant => $en),+ }
            }

            /// Accepts the stored code, the Chinese word or the English label.
            pub fn parse(field: &str, text: &str) -> Result<Self> {
                let t = text.trim();
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| t == v.code() || t == v.label_zh() || t.eq_ignore_ascii_case(v.label_en()))
                    .ok_or_else(|| {
                        let choices: Vec<&str> = $name::ALL.iter().map(|v| v.label_zh()).collect();
                        Error::invalid(field, text, &format!(concat!("应为", $what, "之一：{}"), choices.join("、")))
                    })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label_zh())
            }
        }

        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.code()))
            }
        }

        impl FromSql for $name {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                let s = value.as_str()?;
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.code() == s)
                    .ok_or_else(|| FromSqlError::Other(format!("unknown {} code {s:?}", stringify!($name)).into()))
            }
        }
    };
}

vocabulary!(
    /// The plan's kinds of key project (工作要点 三.1.③).
    Category, "项目类别" {
        AdvancedManufacturing => ("advanced_manufacturing", "先进制造业", "Advanced manufacturing"),
        DistrictInfrastructure => ("district_infrastructure", "片区开发及基础设施", "District development & infrastructure"),
        Ecology => ("ecology", "生态环保", "Ecology & environment"),
        Livelihood => ("livelihood", "社会民生", "Social livelihood"),
        Services => ("services", "服务业", "Services"),
        TechnicalUpgrade => ("technical_upgrade", "技改", "Technical upgrade"),
    }
);

vocabulary!(
    /// Where a project is in its life in the plan year.
    Stage, "项目阶段" {
        NewStart => ("new_start", "新开工", "New start"),
        Continuing => ("continuing", "续建", "Continuing"),
        Completion => ("completion", "建成投产", "Completion"),
    }
);

vocabulary!(
    /// Red/amber/green health, as officers report it weekly.
    Status, "状态" {
        Green => ("green", "绿", "Green"),
        Yellow => ("yellow", "黄", "Yellow"),
        Red => ("red", "红", "Red"),
    }
);

vocabulary!(
    /// Who pays for a project: the approval time limit of the zone's 2021 plan depends on it
    /// (60 working days for government-invested projects, 35 for social investment).
    Funding, "投资类型" {
        Government => ("government", "政府投资", "Government-invested"),
        Social => ("social", "社会投资", "Social investment"),
    }
);

vocabulary!(
    /// Where a problem is being coordinated; 督办 is the zone's formal supervision.
    ProblemLevel, "协调层级" {
        Project => ("project", "项目协调", "Project"),
        District => ("district", "区级协调", "District"),
        Supervised => ("supervised", "督办", "Supervised"),
    }
);

vocabulary!(
    /// A problem's state; it only moves forward, and 已销号 (closed off) is final.
    ProblemState, "办理状态" {
        Open => ("open", "待解决", "Open"),
        Coordinating => ("coordinating", "协调中", "Coordinating"),
        Solved => ("solved", "已解决", "Solved"),
        Closed => ("closed", "已销号", "Closed"),
    }
);

vocabulary!(
    /// Dependency types, as in MS Project.
    LinkKind, "依赖类型" {
        FinishToStart => ("FS", "完成-开始", "FS"),
        StartToStart => ("SS", "开始-开始", "SS"),
        FinishToFinish => ("FF", "完成-完成", "FF"),
        StartToFinish => ("SF", "开始-完成", "SF"),
    }
);

vocabulary!(
    /// A dated calendar exception: a holiday on a working weekday, or a make-up working day (调休).
    DayKind, "日历例外类型" {
        Holiday => ("holiday", "节假日", "Holiday"),
        Workday => ("workday", "调休上班", "Working day"),
    }
);

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Portfolio {
    pub name: String,
    pub year: i32,
    pub organisation: String,
    pub source: String,
    pub note: String,
}

impl Portfolio {
    pub const COLUMNS: &'static str = "name, year, organisation, source, note";

    pub fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Portfolio {
            name: row.get("name")?,
            year: row.get("year")?,
            organisation: row.get("organisation")?,
            source: row.get("source")?,
            note: row.get("note")?,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Project {
    pub id: ProjectId,
    pub code: String,
    pub name: String,
    pub category: Category,
    pub stage: Stage,
    pub lead_unit: String,
    pub contact: String,
    pub location: String,
    /// 总投资, whole yuan (shown in 万元). The year's plans are `InvestmentPlan` rows.
    pub total_investment_yuan: Option<Yuan>,
    /// 包抓领导: the zone leader who answers for the project; None when none is named.
    pub leader: Option<String>,
    /// 政府投资 or 社会投资; None until someone says which.
    pub funding: Option<Funding>,
    pub planned_start: Option<NaiveDate>,
    pub planned_finish: Option<NaiveDate>,
    pub status: Status,
    pub calendar_id: Option<CalendarId>,
    pub description: String,
    /// The sentence of the work plan that names this project.
    pub plan_sentence: String,
}

impl Project {
    pub const COLUMNS: &'static str = "id, code, name, category, stage, lead_unit, contact, location, \
        total_investment_yuan, leader, funding, planned_start, planned_finish, status, \
        calendar_id, description, plan_sentence";

    pub fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Project {
            id: row.get("id")?,
            code: row.get("code")?,
            name: row.get("name")?,
            category: row.get("category")?,
            stage: row.get("stage")?,
            lead_unit: row.get("lead_unit")?,
            contact: row.get("contact")?,
            location: row.get("location")?,
            total_investment_yuan: row.get("total_investment_yuan")?,
            leader: row.get("leader")?,
            funding: row.get("funding")?,
            planned_start: row.get("planned_start")?,
            planned_finish: row.get("planned_finish")?,
            status: row.get("status")?,
            calendar_id: row.get("calendar_id")?,
            description: row.get("description")?,
            plan_sentence: row.get("plan_sentence")?,
        })
    }
}

/// One pre-construction approval item (前期手续) of a project: when it was submitted, when
/// approved, and the item's own time limit in working days, if it has one.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Approval {
    pub id: ApprovalId,
    pub project_id: ProjectId,
    pub item: String,
    pub submitted: NaiveDate,
    pub approved: Option<NaiveDate>,
    pub limit_days: Option<i64>,
    pub note: String,
}

impl Approval {
    pub const COLUMNS: &'static str = "id, project_id, item, submitted, approved, limit_days, note";

    pub fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Approval {
            id: row.get("id")?,
            project_id: row.get("project_id")?,
            item: row.get("item")?,
            submitted: row.get("submitted")?,
            approved: row.get("approved")?,
            limit_days: row.get("limit_days")?,
            note: row.get("note")?,
        })
    }
}

/// One problem of the ledger (问题台账).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Problem {
    pub id: ProblemId,
    pub project_id: ProjectId,
    pub problem: String,
    pub raised: NaiveDate,
    /// 责任单位.
    pub unit: String,
    /// 协调领导.
    pub coordinator: Option<String>,
    pub due: Option<NaiveDate>,
    pub level: ProblemLevel,
    pub state: ProblemState,
    pub note: String,
}

impl Problem {
    pub const COLUMNS: &'static str =
        "id, project_id, problem, raised, unit, coordinator, due, level, state, note";

    pub fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Problem {
            id: row.get("id")?,
            project_id: row.get("project_id")?,
            problem: row.get("problem")?,
            raised: row.get("raised")?,
            unit: row.get("unit")?,
            coordinator: row.get("coordinator")?,
            due: row.get("due")?,
            level: row.get("level")?,
            state: row.get("state")?,
            note: row.get("note")?,
        })
    }
}

/// A site photo (形象进度照片) attached to a weekly update. Its bytes are in `photo_files`
/// under `sha256`; this row, which the change log records, says which update it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Photo {
    pub id: PhotoId,
    pub update_id: UpdateId,
    pub sha256: String,
    pub file_name: String,
    /// When the camera says it was taken (local time, as the camera keeps it).
    pub taken_at: Option<NaiveDateTime>,
    /// The EXIF orientation it came with (1–8), already applied to the stored pixels.
    pub orientation: u8,
    pub width: u32,
    pub height: u32,
    pub bytes: u32,
}

impl Photo {
    pub const COLUMNS: &'static str =
        "id, update_id, sha256, file_name, taken_at, orientation, width, height, bytes";

    pub fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Photo {
            id: row.get("id")?,
            update_id: row.get("update_id")?,
            sha256: row.get("sha256")?,
            file_name: row.get("file_name")?,
            taken_at: row.get("taken_at")?,
            orientation: row.get("orientation")?,
            width: row.get("width")?,
            height: row.get("height")?,
            bytes: row.get("bytes")?,
        })
    }
}

/// 年度计划投资: one project's planned investment for one year.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct InvestmentPlan {
    pub id: InvestmentPlanId,
    pub project_id: ProjectId,
    pub year: i32,
    pub annual_yuan: Yuan,
    pub note: String,
}

impl InvestmentPlan {
    pub const COLUMNS: &'static str = "id, project_id, year, annual_yuan, note";

    pub fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(InvestmentPlan {
            id: row.get("id")?,
            project_id: row.get("project_id")?,
            year: row.get("year")?,
            annual_yuan: row.get("annual_yuan")?,
            note: row.get("note")?,
        })
    }
}

/// 当月完成投资: what one project completed in one calendar month.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct InvestmentMonth {
    pub id: InvestmentMonthId,
    pub project_id: ProjectId,
    pub month: YearMonth,
    pub completed_yuan: Yuan,
    pub note: String,
}

impl InvestmentMonth {
    pub const COLUMNS: &'static str = "id, project_id, month, completed_yuan, note";

    pub fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(InvestmentMonth {
            id: row.get("id")?,
            project_id: row.get("project_id")?,
            month: row.get("month")?,
            completed_yuan: row.get("completed_yuan")?,
            note: row.get("note")?,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Target {
    pub id: TargetId,
    pub project_id: ProjectId,
    pub position: i64,
    pub name: String,
    pub quantity: f64,
    pub unit: String,
    pub actual: Option<f64>,
    /// The plan's sentence the figure comes from.
    pub source: String,
}

impl Target {
    pub const COLUMNS: &'static str =
        "id, project_id, position, name, quantity, unit, actual, source";

    pub fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Target {
            id: row.get("id")?,
            project_id: row.get("project_id")?,
            position: row.get("position")?,
            name: row.get("name")?,
            quantity: row.get("quantity")?,
            unit: row.get("unit")?,
            actual: row.get("actual")?,
            source: row.get("source")?,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Task {
    pub id: TaskId,
    pub project_id: ProjectId,
    pub parent_id: Option<TaskId>,
    pub position: i64,
    pub name: String,
    pub is_milestone: bool,
    pub planned_start: NaiveDate,
    /// For a milestone, its due date.
    pub planned_finish: NaiveDate,
    /// Working days from start to finish inclusive; 0 for a milestone.
    pub duration_days: i64,
    pub percent_complete: f64,
    pub actual_start: Option<NaiveDate>,
    pub actual_finish: Option<NaiveDate>,
    /// Acceptance criterion of a milestone, e.g. 竣工验收备案.
    pub acceptance: String,
    pub completion_note: String,
}

impl Task {
    pub const COLUMNS: &'static str = "id, project_id, parent_id, position, name, is_milestone, \
        planned_start, planned_finish, duration_days, percent_complete, actual_start, actual_finish, \
        acceptance, completion_note";

    /// Reads a row selected with `Task::COLUMNS`, by position: every query of tasks selects
    /// exactly those columns in that order, and reading by name cost a quarter of a
    /// 10,000-task project's load (each name is searched among the row's columns).
    pub fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Task {
            id: row.get(0)?,
            project_id: row.get(1)?,
            parent_id: row.get(2)?,
            position: row.get(3)?,
            name: row.get(4)?,
            is_milestone: row.get(5)?,
            planned_start: row.get(6)?,
            planned_finish: row.get(7)?,
            duration_days: row.get(8)?,
            percent_complete: row.get(9)?,
            actual_start: row.get(10)?,
            actual_finish: row.get(11)?,
            acceptance: row.get(12)?,
            completion_note: row.get(13)?,
        })
    }

    pub fn is_done(&self) -> bool {
        self.actual_finish.is_some()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Dependency {
    pub id: DependencyId,
    pub predecessor_id: TaskId,
    pub successor_id: TaskId,
    pub kind: LinkKind,
    /// Working days; negative is a lead.
    pub lag_days: i64,
}

impl Dependency {
    pub const COLUMNS: &'static str = "id, predecessor_id, successor_id, kind, lag_days";

    pub fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Dependency {
            id: row.get("id")?,
            predecessor_id: row.get("predecessor_id")?,
            successor_id: row.get("successor_id")?,
            kind: row.get("kind")?,
            lag_days: row.get("lag_days")?,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WeeklyUpdate {
    pub id: UpdateId,
    pub project_id: ProjectId,
    pub iso_week: IsoWeek,
    pub percent_complete: f64,
    pub status: Status,
    pub narrative: String,
    pub issues: String,
    pub next_steps: String,
    pub author: String,
    /// RFC 3339 timestamp of when it was recorded.
    pub recorded_at: String,
}

impl WeeklyUpdate {
    pub const COLUMNS: &'static str = "id, project_id, iso_week, percent_complete, status, narrative, \
        issues, next_steps, author, recorded_at";

    pub fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(WeeklyUpdate {
            id: row.get("id")?,
            project_id: row.get("project_id")?,
            iso_week: row.get("iso_week")?,
            percent_complete: row.get("percent_complete")?,
            status: row.get("status")?,
            narrative: row.get("narrative")?,
            issues: row.get("issues")?,
            next_steps: row.get("next_steps")?,
            author: row.get("author")?,
            recorded_at: row.get("recorded_at")?,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Baseline {
    pub id: BaselineId,
    pub project_id: ProjectId,
    pub name: String,
    pub taken_on: NaiveDate,
}

impl Baseline {
    pub const COLUMNS: &'static str = "id, project_id, name, taken_on";

    pub fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Baseline {
            id: row.get("id")?,
            project_id: row.get("project_id")?,
            name: row.get("name")?,
            taken_on: row.get("taken_on")?,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BaselineTask {
    pub id: i64,
    pub baseline_id: BaselineId,
    pub task_id: TaskId,
    pub task_name: String,
    pub is_milestone: bool,
    pub planned_start: NaiveDate,
    pub planned_finish: NaiveDate,
    pub duration_days: i64,
}

impl BaselineTask {
    pub const COLUMNS: &'static str = "id, baseline_id, task_id, task_name, is_milestone, planned_start, planned_finish, duration_days";

    pub fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(BaselineTask {
            id: row.get("id")?,
            baseline_id: row.get("baseline_id")?,
            task_id: row.get("task_id")?,
            task_name: row.get("task_name")?,
            is_milestone: row.get("is_milestone")?,
            planned_start: row.get("planned_start")?,
            planned_finish: row.get("planned_finish")?,
            duration_days: row.get("duration_days")?,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ChangeRecord {
    pub id: i64,
    pub at: String,
    pub author: String,
    pub op: String,
    pub table_name: String,
    pub row_id: i64,
    /// `{field: [before, after]}`
    pub changes: serde_json::Value,
    /// The user transaction (one use case) the change belongs to: the id of its first row.
    /// None for rows written before schema version 4.
    pub tx_id: Option<i64>,
    /// On the rows an undo wrote: the transaction they revert.
    pub undoes_tx: Option<i64>,
    /// On the rows an undo wrote: who made the reverted transaction, and when (RFC 3339), so
    /// the history can name it even when its rows are outside the rows fetched.
    /// Filled by `Db::change_log`, `Db::changes_of` and `Db::changes_between` (None straight
    /// from `from_row`).
    pub undoes_author: Option<String>,
    pub undoes_at: Option<String>,
    /// On the rows of a transaction that a later undo reverted: that undo's `tx_id`.
    /// Filled by `Db::change_log`, `Db::changes_of` and `Db::changes_between` (None straight
    /// from `from_row`).
    pub undone_by_tx: Option<i64>,
}

impl ChangeRecord {
    pub const COLUMNS: &'static str =
        "id, at, author, op, table_name, row_id, changes, tx_id, undoes_tx";

    pub fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        let changes: String = row.get("changes")?;
        Ok(ChangeRecord {
            id: row.get("id")?,
            at: row.get("at")?,
            author: row.get("author")?,
            op: row.get("op")?,
            table_name: row.get("table_name")?,
            row_id: row.get("row_id")?,
            changes: serde_json::from_str(&changes).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    6,
                    rusqlite::types::Type::Text,
                    Box::new(e),
                )
            })?,
            tx_id: row.get("tx_id")?,
            undoes_tx: row.get("undoes_tx")?,
            undoes_author: None,
            undoes_at: None,
            undone_by_tx: None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CalendarRow {
    pub id: CalendarId,
    pub name: String,
    pub parent_id: Option<CalendarId>,
    /// Monday..Sunday, '1' = working, e.g. "1111100".
    pub working_week: String,
}

impl CalendarRow {
    pub const COLUMNS: &'static str = "id, name, parent_id, working_week";

    pub fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(CalendarRow {
            id: row.get("id")?,
            name: row.get("name")?,
            parent_id: row.get("parent_id")?,
            working_week: row.get("working_week")?,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CalendarExceptionRow {
    pub id: i64,
    pub calendar_id: CalendarId,
    pub date: NaiveDate,
    pub kind: DayKind,
    pub name: String,
}

impl CalendarExceptionRow {
    pub const COLUMNS: &'static str = "id, calendar_id, date, kind, name";

    pub fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(CalendarExceptionRow {
            id: row.get("id")?,
            calendar_id: row.get("calendar_id")?,
            date: row.get("date")?,
            kind: row.get("kind")?,
            name: row.get("name")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Task::from_row` reads by position: the column list must stay in its order.
    #[test]
    fn task_columns_are_in_the_order_from_row_reads_them() {
        let names: Vec<&str> = Task::COLUMNS.split(',').map(str::trim).collect();
        assert_eq!(
            names,
            [
                "id",
                "project_id",
                "parent_id",
                "position",
                "name",
                "is_milestone",
                "planned_start",
                "planned_finish",
                "duration_days",
                "percent_complete",
                "actual_start",
                "actual_finish",
                "acceptance",
                "completion_note"
            ]
        );
    }
}
