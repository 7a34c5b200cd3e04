//! `keyworks approval add|done|list`: pre-construction approvals (前期手续) on the working-day
//! clock. Parsing and printing only; the clocks are the core's (`supervision::approvals`).

use std::process::ExitCode;

use chrono::{Local, NaiveDate};
use clap::Subcommand;
use keyworks_core::ids::ApprovalId;
use keyworks_core::supervision::approvals::{Clock, ClockState, ProjectApprovals};
use keyworks_core::week::parse_date;
use keyworks_core::{Db, Error, Stamp};

use crate::table::{Align, Table};

#[derive(Debug, Subcommand)]
pub enum ApprovalAction {
    /// Add an approval item submitted on a date (the first one starts the project's clock)
    Add {
        /// Project code (e.g. KP21-04) or exact name
        code: String,
        /// The item, e.g. 施工许可
        #[arg(long)]
        item: String,
        /// When it was submitted, e.g. 2021-09-24
        #[arg(long)]
        submitted: String,
        /// The item's own time limit in working days, if it has one
        #[arg(long, value_name = "DAYS")]
        limit: Option<i64>,
    },
    /// Mark an item approved on a date
    Done {
        /// The item's id, as `approval list` shows it
        id: i64,
        #[arg(long)]
        date: String,
    },
    /// Approvals with days used and left, in working days, per project
    List {
        code: Option<String>,
        /// Only processes or items at risk (80% of the limit) or overdue
        #[arg(long)]
        overdue: bool,
        /// The day to count to (default: today)
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

/// Whether `action` only reads.
pub fn is_read(action: &ApprovalAction) -> bool {
    matches!(action, ApprovalAction::List { .. })
}

pub fn write(db: &mut Db, action: &ApprovalAction, stamp: &Stamp) -> Result<ExitCode, Error> {
    match action {
        ApprovalAction::Add {
            code,
            item,
            submitted,
            limit,
        } => {
            let submitted = parse_date("--submitted", submitted)?;
            let a = db.add_approval(code, item, submitted, *limit, stamp)?;
            println!(
                "已登记审批事项 #{}「{}」，{} 申报。",
                a.id, a.item, a.submitted
            );
        }
        ApprovalAction::Done { id, date } => {
            let date = parse_date("--date", date)?;
            let a = db.approve(ApprovalId(*id), date, stamp)?;
            println!("已将审批事项 #{}「{}」标记为 {} 批复。", a.id, a.item, date);
        }
        ApprovalAction::List { .. } => {
            return Err(Error::Internal("approval list is a read".into()));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn clock_text(c: &Clock) -> String {
    format!(
        "{}：已用 {} / {} 个工作日，{}，时限 {}",
        c.state.label_zh(),
        c.days_used,
        c.limit_days,
        if c.days_left >= 0 {
            format!("剩 {} 天", c.days_left)
        } else {
            format!("超 {} 天", -c.days_left)
        },
        c.deadline
    )
}

pub fn list(db: &Db, action: &ApprovalAction) -> Result<ExitCode, Error> {
    let ApprovalAction::List {
        code,
        overdue,
        as_of,
        json,
    } = action
    else {
        return Err(Error::Internal("approval add/done is a write".into()));
    };
    let as_of: NaiveDate = match as_of {
        Some(t) => parse_date("--as-of", t)?,
        None => Local::now().date_naive(),
    };
    let mut all = db.approvals(code.as_deref(), as_of)?;
    if *overdue {
        all.retain(ProjectApprovals::needs_attention);
    }
    if *json {
        crate::print_json(&all)?;
        return Ok(ExitCode::SUCCESS);
    }
    if all.is_empty() {
        println!(
            "（截至 {as_of} 没有{}审批事项）",
            if *overdue {
                "临近时限或超时的"
            } else {
                ""
            }
        );
    }
    for p in &all {
        let funding = p.funding.map_or("未设投资类型（不计全流程时限）", |f| {
            f.label_zh()
        });
        println!("\n{} {}（{}）", p.code, p.name, funding);
        if let Some(c) = &p.process {
            println!("  全流程 {}", clock_text(c));
        }
        let mut t = Table::new(&[
            ("编号", Align::Right),
            ("事项", Align::Left),
            ("申报", Align::Left),
            ("批复", Align::Left),
            ("事项时限", Align::Left),
        ]);
        for line in &p.items {
            let a = &line.approval;
            t.row(vec![
                a.id.to_string(),
                a.item.clone(),
                a.submitted.to_string(),
                a.approved
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "—".into()),
                line.clock.as_ref().map(clock_text).unwrap_or_default(),
            ]);
        }
        print!("{}", t.render());
        if p.process
            .as_ref()
            .is_some_and(|c| c.state == ClockState::Overdue)
        {
            println!("  注意：已超过全流程时限。");
        }
    }
    Ok(ExitCode::SUCCESS)
}
