//! The tables KeyWorks hands to Excel — projects (项目), milestones (里程碑), weekly updates
//! (周报), approvals (前期手续) and the problem ledger (问题台账) — as plain rows of typed cells,
//! gathered from the core's reads. The XLSX and
//! CSV writers format these same tables, so both files carry the same columns and headers, and
//! the CSV milestone import recognises the headers the export wrote.

use chrono::NaiveDate;
use keyworks_core::imports::milestone_import::MilestoneExport;
use keyworks_core::model::Status;
use keyworks_core::portfolio::milestones::MilestoneState;
use keyworks_core::{Db, Result};

/// The language of headers and of vocabulary words (状态 绿/黄/红 or Green/Yellow/Red).
/// Project data is written as entered. The one language type of every face.
pub use keyworks_core::audit::history::Lang;

/// Which projects an export covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Portfolio,
    /// One project, by code (e.g. KP21-01) or exact name.
    Project(String),
}

/// One cell, typed so that Excel gets real dates and numbers rather than text.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Date(NaiveDate),
    /// A fraction of the whole, shown with a % format: 0.55 is 55%.
    Percent(f64),
    Int(i64),
    Empty,
}

impl Cell {
    fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    fn date(d: Option<NaiveDate>) -> Cell {
        d.map_or(Cell::Empty, Cell::Date)
    }
}

/// A column: its Chinese and English header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub zh: &'static str,
    pub en: &'static str,
}

impl Column {
    const fn new(zh: &'static str, en: &'static str) -> Column {
        Column { zh, en }
    }

    pub fn header(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => self.zh,
            Lang::En => self.en,
        }
    }
}

/// Which of the tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableKind {
    Projects,
    Milestones,
    Updates,
    Approvals,
    Problems,
}

impl TableKind {
    pub const ALL: [TableKind; 5] = [
        TableKind::Projects,
        TableKind::Milestones,
        TableKind::Updates,
        TableKind::Approvals,
        TableKind::Problems,
    ];

    /// The sheet name in the workbook.
    pub fn sheet_name(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (TableKind::Projects, Lang::Zh) => "项目",
            (TableKind::Milestones, Lang::Zh) => "里程碑",
            (TableKind::Updates, Lang::Zh) => "周报",
            (TableKind::Projects, Lang::En) => "Projects",
            (TableKind::Milestones, Lang::En) => "Milestones",
            (TableKind::Updates, Lang::En) => "Weekly updates",
            (TableKind::Approvals, Lang::Zh) => "前期手续",
            (TableKind::Approvals, Lang::En) => "Approvals",
            (TableKind::Problems, Lang::Zh) => "问题台账",
            (TableKind::Problems, Lang::En) => "Problems",
        }
    }

    pub fn columns(self) -> &'static [Column] {
        match self {
            TableKind::Projects => PROJECT_COLUMNS,
            TableKind::Milestones => MILESTONE_COLUMNS,
            TableKind::Updates => UPDATE_COLUMNS,
            TableKind::Approvals => APPROVAL_COLUMNS,
            TableKind::Problems => PROBLEM_COLUMNS,
        }
    }
}

pub const PROJECT_COLUMNS: &[Column] = &[
    Column::new("项目编号", "Project code"),
    Column::new("项目名称", "Project name"),
    Column::new("项目类别", "Category"),
    Column::new("项目阶段", "Stage"),
    Column::new("责任单位", "Lead unit"),
    Column::new("包抓领导", "Responsible leader"),
    Column::new("状态", "Status"),
    Column::new("完成百分比", "% complete"),
    Column::new("计划开始", "Planned start"),
    Column::new("计划完成", "Planned finish"),
    Column::new("最近周报", "Last update"),
    Column::new("下一里程碑", "Next milestone"),
    Column::new("下一里程碑到期", "Next milestone due"),
    Column::new("逾期里程碑数", "Overdue milestones"),
    Column::new("最多逾期天数", "Days late"),
];

/// The milestone table; the CSV import reads these headers back (see `csv_import`).
pub const MILESTONE_COLUMNS: &[Column] = &[
    Column::new("编号", "ID"),
    Column::new("项目编号", "Project code"),
    Column::new("项目名称", "Project name"),
    Column::new("里程碑名称", "Milestone"),
    Column::new("到期日期", "Due date"),
    Column::new("完成日期", "Done date"),
    Column::new("完成说明", "Completion note"),
    Column::new("状态", "State"),
    Column::new("逾期天数", "Days late"),
    Column::new("验收标准", "Acceptance"),
];

pub const UPDATE_COLUMNS: &[Column] = &[
    Column::new("项目编号", "Project code"),
    Column::new("项目名称", "Project name"),
    Column::new("周次", "Week"),
    Column::new("周一", "Week starting"),
    Column::new("完成百分比", "% complete"),
    Column::new("状态", "Status"),
    Column::new("本周进展", "Progress"),
    Column::new("存在问题", "Issues"),
    Column::new("下步计划", "Next steps"),
    Column::new("填报人", "Author"),
    Column::new("填报时间", "Recorded at"),
];

/// Approval items with their own and the whole process's working-day clocks, on `as_of`.
pub const APPROVAL_COLUMNS: &[Column] = &[
    Column::new("项目编号", "Project code"),
    Column::new("项目名称", "Project name"),
    Column::new("投资类型", "Funding"),
    Column::new("审批事项", "Approval item"),
    Column::new("申报日期", "Submitted"),
    Column::new("批复日期", "Approved"),
    Column::new("事项已用工作日", "Item working days used"),
    Column::new("事项时限", "Item limit"),
    Column::new("全流程截止", "Process deadline"),
    Column::new("全流程已用工作日", "Process working days used"),
    Column::new("全流程状态", "Process state"),
];

/// The problem ledger on `as_of`, oldest first.
pub const PROBLEM_COLUMNS: &[Column] = &[
    Column::new("编号", "ID"),
    Column::new("项目编号", "Project code"),
    Column::new("项目名称", "Project name"),
    Column::new("问题描述", "Problem"),
    Column::new("提出日期", "Raised"),
    Column::new("责任单位", "Responsible unit"),
    Column::new("协调领导", "Coordinating leader"),
    Column::new("解决时限", "Deadline"),
    Column::new("协调层级", "Level"),
    Column::new("办理状态", "State"),
    Column::new("已历时（工作日）", "Age (working days)"),
    Column::new("逾期（工作日）", "Late (working days)"),
    Column::new("应升级督办", "Escalate"),
    Column::new("备注", "Note"),
];

/// One table's rows, each with as many cells as the table has columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub kind: TableKind,
    pub rows: Vec<Vec<Cell>>,
}

/// Everything an export writes, read from the database once.
#[derive(Debug, Clone, PartialEq)]
pub struct Tables {
    pub projects: Table,
    pub milestones: Table,
    pub updates: Table,
    pub approvals: Table,
    pub problems: Table,
}

impl Tables {
    pub fn get(&self, kind: TableKind) -> &Table {
        match kind {
            TableKind::Projects => &self.projects,
            TableKind::Milestones => &self.milestones,
            TableKind::Updates => &self.updates,
            TableKind::Approvals => &self.approvals,
            TableKind::Problems => &self.problems,
        }
    }
}

fn status_word(s: Status, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => s.label_zh(),
        Lang::En => s.label_en(),
    }
}

fn state_word(s: MilestoneState, lang: Lang) -> &'static str {
    match (lang, s) {
        (Lang::Zh, _) => s.label_zh(),
        (Lang::En, MilestoneState::Done) => "Done",
        (Lang::En, MilestoneState::Overdue) => "Overdue",
        (Lang::En, MilestoneState::Open) => "Open",
    }
}

/// The milestone rows of `scope`, with notes; also what the iCalendar export writes.
pub fn milestones_of(db: &Db, scope: &Scope, as_of: NaiveDate) -> Result<Vec<MilestoneExport>> {
    let only = match scope {
        Scope::Portfolio => None,
        Scope::Project(code) => Some(code.as_str()),
    };
    db.milestone_exports(only, as_of)
}

/// Reads the three tables for `scope`; `as_of` judges what is overdue.
pub fn gather(db: &Db, scope: &Scope, as_of: NaiveDate, lang: Lang) -> Result<Tables> {
    let only = match scope {
        Scope::Portfolio => None,
        Scope::Project(code) => Some(db.project_by_code(code)?),
    };
    let in_scope = |code: &str| only.as_ref().is_none_or(|p| p.code == code);
    let projects = db.projects()?;
    let summary = db.portfolio_summary(as_of)?;

    let mut project_rows = Vec::new();
    for s in summary.projects.iter().filter(|s| in_scope(&s.code)) {
        let p = projects.iter().find(|p| p.id == s.id);
        project_rows.push(vec![
            Cell::text(&s.code),
            Cell::text(&s.name),
            Cell::text(match lang {
                Lang::Zh => s.category.label_zh(),
                Lang::En => s.category.label_en(),
            }),
            Cell::text(match lang {
                Lang::Zh => s.stage.label_zh(),
                Lang::En => s.stage.label_en(),
            }),
            Cell::text(&s.lead_unit),
            Cell::text(s.leader.as_deref().unwrap_or("")),
            Cell::text(status_word(s.status, lang)),
            Cell::Percent(s.percent_complete / 100.0),
            Cell::date(p.and_then(|p| p.planned_start)),
            Cell::date(p.and_then(|p| p.planned_finish)),
            s.last_update
                .map_or(Cell::Empty, |w| Cell::Text(w.to_string())),
            s.next_milestone
                .as_ref()
                .map_or(Cell::Empty, |m| Cell::text(&m.name)),
            Cell::date(s.next_milestone.as_ref().map(|m| m.due)),
            Cell::Int(i64::from(s.overdue_milestones)),
            Cell::Int(s.days_late),
        ]);
    }

    let milestone_rows = milestones_of(db, scope, as_of)?
        .into_iter()
        .map(|m| {
            vec![
                Cell::Int(m.row.id.0),
                Cell::Text(m.row.project_code),
                Cell::Text(m.row.project_name),
                Cell::Text(m.row.name),
                Cell::Date(m.row.due),
                Cell::date(m.row.actual),
                Cell::Text(m.note),
                Cell::text(state_word(m.row.state, lang)),
                Cell::Int(m.row.days_late),
                Cell::Text(m.row.acceptance),
            ]
        })
        .collect();

    let mut update_rows = Vec::new();
    for p in projects.iter().filter(|p| in_scope(&p.code)) {
        for u in db.updates_of(&p.code)? {
            update_rows.push(vec![
                Cell::text(&p.code),
                Cell::text(&p.name),
                Cell::Text(u.iso_week.to_string()),
                Cell::Date(u.iso_week.monday()),
                Cell::Percent(u.percent_complete / 100.0),
                Cell::text(status_word(u.status, lang)),
                Cell::Text(u.narrative),
                Cell::Text(u.issues),
                Cell::Text(u.next_steps),
                Cell::Text(u.author),
                Cell::Text(u.recorded_at),
            ]);
        }
    }

    let code = only.as_ref().map(|p| p.code.as_str());
    let mut approval_rows = Vec::new();
    for p in db.approvals(code, as_of)? {
        for line in &p.items {
            let a = &line.approval;
            approval_rows.push(vec![
                Cell::text(&p.code),
                Cell::text(&p.name),
                Cell::text(
                    p.funding
                        .map_or("", |f| lang.pick(f.label_zh(), f.label_en())),
                ),
                Cell::text(&a.item),
                Cell::Date(a.submitted),
                Cell::date(a.approved),
                line.clock
                    .as_ref()
                    .map_or(Cell::Empty, |c| Cell::Int(c.days_used)),
                line.clock
                    .as_ref()
                    .map_or(Cell::Empty, |c| Cell::Int(c.limit_days)),
                Cell::date(p.process.as_ref().map(|c| c.deadline)),
                p.process
                    .as_ref()
                    .map_or(Cell::Empty, |c| Cell::Int(c.days_used)),
                p.process.as_ref().map_or(Cell::Empty, |c| {
                    Cell::text(lang.pick(c.state.label_zh(), c.state.label_en()))
                }),
            ]);
        }
    }
    let problem_rows = db
        .problem_ledger(as_of, false, code)?
        .into_iter()
        .map(|l| {
            let q = l.problem;
            vec![
                Cell::Int(q.id.0),
                Cell::Text(l.project_code),
                Cell::Text(l.project_name),
                Cell::Text(q.problem),
                Cell::Date(q.raised),
                Cell::Text(q.unit),
                Cell::Text(q.coordinator.unwrap_or_default()),
                Cell::date(q.due),
                Cell::text(lang.pick(q.level.label_zh(), q.level.label_en())),
                Cell::text(lang.pick(q.state.label_zh(), q.state.label_en())),
                Cell::Int(l.age_days),
                Cell::Int(l.days_overdue),
                Cell::text(if l.escalate {
                    lang.pick("是", "yes")
                } else {
                    ""
                }),
                Cell::Text(q.note),
            ]
        })
        .collect();

    Ok(Tables {
        approvals: Table {
            kind: TableKind::Approvals,
            rows: approval_rows,
        },
        problems: Table {
            kind: TableKind::Problems,
            rows: problem_rows,
        },
        projects: Table {
            kind: TableKind::Projects,
            rows: project_rows,
        },
        milestones: Table {
            kind: TableKind::Milestones,
            rows: milestone_rows,
        },
        updates: Table {
            kind: TableKind::Updates,
            rows: update_rows,
        },
    })
}

/// Display width in Excel's character units: CJK and other wide characters count two.
pub fn display_width(text: &str) -> usize {
    text.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn is_wide(c: char) -> bool {
    matches!(u32::from(c),
        0x1100..=0x115F        // Hangul Jamo
        | 0x2E80..=0x303E      // CJK radicals, punctuation
        | 0x3041..=0x33FF      // kana, CJK symbols
        | 0x3400..=0x4DBF      // CJK extension A
        | 0x4E00..=0x9FFF      // CJK unified ideographs
        | 0xA000..=0xA4CF      // Yi
        | 0xAC00..=0xD7A3      // Hangul syllables
        | 0xF900..=0xFAFF      // CJK compatibility ideographs
        | 0xFE30..=0xFE4F      // CJK compatibility forms
        | 0xFF00..=0xFF60      // full-width forms
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFD)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_counts_double() {
        assert_eq!(display_width("KP21-01"), 7);
        assert_eq!(display_width("三星二期"), 8);
        assert_eq!(display_width("（示例）"), 8);
    }
}
