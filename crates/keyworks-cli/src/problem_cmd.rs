//! `keyworks problem add|list|set`: the problem ledger (问题台账). Parsing and printing only;
//! aging, escalation and the forward-only states are the core's (`supervision::problems`).

use std::process::ExitCode;

use chrono::Local;
use clap::Subcommand;
use keyworks_core::ids::ProblemId;
use keyworks_core::model::{ProblemLevel, ProblemState};
use keyworks_core::supervision::problems::{NewProblem, ProblemChange};
use keyworks_core::week::parse_date;
use keyworks_core::{Db, Error, Stamp};

use crate::table::{Align, Table};

#[derive(Debug, Subcommand)]
pub enum ProblemAction {
    /// Add a problem to a project's ledger
    Add {
        /// Project code (e.g. KP21-14) or exact name
        code: String,
        /// What the problem is
        #[arg(long)]
        text: String,
        /// 责任单位
        #[arg(long, default_value = "")]
        unit: String,
        /// 协调领导
        #[arg(long)]
        coordinator: Option<String>,
        /// The deadline for solving it, e.g. 2021-06-30
        #[arg(long)]
        due: Option<String>,
        /// 项目协调 (default) / 区级协调 / 督办
        #[arg(long)]
        level: Option<String>,
        /// When it was raised (default: today)
        #[arg(long)]
        raised: Option<String>,
    },
    /// The ledger: age and days overdue in working days, and what is due for 督办
    List {
        /// Only unsolved problems (待解决, 协调中)
        #[arg(long)]
        open: bool,
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Move a problem forward (协调中, 已解决, 已销号), escalate it (--level 督办) or note on it
    Set {
        id: i64,
        #[arg(long)]
        state: Option<String>,
        #[arg(long)]
        level: Option<String>,
        #[arg(long)]
        note: Option<String>,
    },
}

/// Whether `action` only reads.
pub fn is_read(action: &ProblemAction) -> bool {
    matches!(action, ProblemAction::List { .. })
}

pub fn write(db: &mut Db, action: &ProblemAction, stamp: &Stamp) -> Result<ExitCode, Error> {
    match action {
        ProblemAction::Add {
            code,
            text,
            unit,
            coordinator,
            due,
            level,
            raised,
        } => {
            let new = NewProblem {
                problem: text.clone(),
                raised: match raised {
                    Some(r) => parse_date("--raised", r)?,
                    None => stamp.at().date_naive(),
                },
                unit: unit.clone(),
                coordinator: coordinator.clone(),
                due: due.as_deref().map(|d| parse_date("--due", d)).transpose()?,
                level: match level {
                    Some(l) => ProblemLevel::parse("--level", l)?,
                    None => ProblemLevel::Project,
                },
            };
            let p = db.add_problem(code, &new, stamp)?;
            println!(
                "已登记问题 #{}（{}，{}）：{}",
                p.id,
                p.level.label_zh(),
                p.state.label_zh(),
                p.problem
            );
        }
        ProblemAction::Set {
            id,
            state,
            level,
            note,
        } => {
            let change = ProblemChange {
                state: state
                    .as_deref()
                    .map(|s| ProblemState::parse("--state", s))
                    .transpose()?,
                level: level
                    .as_deref()
                    .map(|l| ProblemLevel::parse("--level", l))
                    .transpose()?,
                note: note.clone(),
            };
            if change == ProblemChange::default() {
                return Err(Error::InvalidInput {
                    field: "problem set".into(),
                    value: id.to_string(),
                    expected: "请至少给出 --state、--level 或 --note".into(),
                });
            }
            let p = db.change_problem(ProblemId(*id), &change, stamp)?;
            println!(
                "问题 #{} 现为「{}」（{}）。",
                p.id,
                p.state.label_zh(),
                p.level.label_zh()
            );
        }
        ProblemAction::List { .. } => {
            return Err(Error::Internal("problem list is a read".into()));
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn list(db: &Db, action: &ProblemAction) -> Result<ExitCode, Error> {
    let ProblemAction::List { open, as_of, json } = action else {
        return Err(Error::Internal("problem add/set is a write".into()));
    };
    let as_of = match as_of {
        Some(t) => parse_date("--as-of", t)?,
        None => Local::now().date_naive(),
    };
    let ledger = db.problem_ledger(as_of, *open, None)?;
    if *json {
        crate::print_json(&ledger)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut t = Table::new(&[
        ("编号", Align::Right),
        ("项目", Align::Left),
        ("问题", Align::Left),
        ("责任单位", Align::Left),
        ("时限", Align::Left),
        ("层级", Align::Left),
        ("状态", Align::Left),
        ("已历时", Align::Right),
        ("超期", Align::Right),
    ]);
    for l in &ledger {
        let p = &l.problem;
        t.row(vec![
            p.id.to_string(),
            l.project_code.clone(),
            p.problem.clone(),
            p.unit.clone(),
            p.due.map(|d| d.to_string()).unwrap_or_else(|| "—".into()),
            if l.escalate {
                format!("{}（应升级督办）", p.level.label_zh())
            } else {
                p.level.label_zh().to_owned()
            },
            p.state.label_zh().to_owned(),
            l.age_days.to_string(),
            if l.days_overdue > 0 {
                l.days_overdue.to_string()
            } else {
                String::new()
            },
        ]);
    }
    print!("{}", t.render());
    println!("（截至 {as_of}；已历时与超期均为工作日）");
    Ok(ExitCode::SUCCESS)
}
