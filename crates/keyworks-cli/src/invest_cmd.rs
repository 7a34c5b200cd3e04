//! `keyworks invest …` and `keyworks project set`: the year's planned investment, each
//! month's completed investment, the supervision table with its warnings, the warning
//! thresholds, and who answers for a project.

use std::process::ExitCode;

use chrono::{Local, NaiveDate};
use clap::Subcommand;
use keyworks_core::model::Funding;
use keyworks_core::money::Yuan;
use keyworks_core::supervision::investment::AmountSaved;
use keyworks_core::supervision::leaders::Responsibility;
use keyworks_core::supervision::overview::{InvestmentOverview, InvestmentRow, OverviewFilter};
use keyworks_core::supervision::warnings::{Light, WarningRules, year_to_date_label};
use keyworks_core::week::YearMonth;
use keyworks_core::{Db, Error, Stamp};

use crate::table::{Align, Table};

#[derive(Debug, Subcommand)]
pub enum InvestAction {
    /// Set a project's planned investment for a year (and its total investment); setting it
    /// again corrects it
    Plan {
        /// Project code (e.g. KP21-01) or exact name
        code: String,
        /// The year, e.g. 2021
        #[arg(long)]
        year: i32,
        /// 年度计划投资 in 万元, up to 4 decimals, e.g. 85000 or 1234.5
        #[arg(long, value_name = "万元", allow_hyphen_values = true)]
        annual: String,
        /// 总投资 in 万元
        #[arg(long, value_name = "万元", allow_hyphen_values = true)]
        total: Option<String>,
    },
    /// Record the investment a project completed in a month; recording the month again
    /// corrects it (both values stay in the change log)
    Record {
        code: String,
        /// The month, e.g. 2021-05
        #[arg(long)]
        month: String,
        /// 当月完成投资 in 万元, up to 4 decimals
        #[arg(long, value_name = "万元", allow_hyphen_values = true)]
        completed: String,
        #[arg(long)]
        note: Option<String>,
    },
    /// The month's supervision table: plan, completed in the month and year to date, rate
    /// against 序时进度 (M/12), and the warning with its reason, per project and in total
    Show {
        /// Only this project
        code: Option<String>,
        /// The month (default: the latest month recorded)
        #[arg(long)]
        month: Option<String>,
        /// Only projects this leader (包抓领导) answers for
        #[arg(long)]
        leader: Option<String>,
        /// Only projects with this warning: 红 / 黄 / 绿
        #[arg(long)]
        warning: Option<String>,
        /// One table per leader
        #[arg(long)]
        by_leader: bool,
        /// Weigh overdue milestones on this date (default: today, at most the month's end)
        #[arg(long)]
        as_of: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Show the warning thresholds, or set them for everyone who uses this file
    Rules {
        /// 黄 when the completion rate is below this % of 序时进度 (default 80)
        #[arg(long, value_name = "%")]
        invest_yellow: Option<i64>,
        /// 红 when below this % (default 60)
        #[arg(long, value_name = "%")]
        invest_red: Option<i64>,
        /// 黄 when a milestone is overdue by more than this many working days (default 10)
        #[arg(long, value_name = "DAYS")]
        overdue_yellow: Option<i64>,
        /// 红 when by more than this many (default 30)
        #[arg(long, value_name = "DAYS")]
        overdue_red: Option<i64>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ProjectAction {
    /// Set who answers for a project (the 包抓领导 and the 责任单位) and who pays for it
    /// (政府投资 or 社会投资, which decides its approval time limit); logged
    Set {
        code: String,
        /// 包抓领导; an empty value clears it
        #[arg(long)]
        leader: Option<String>,
        /// 责任单位
        #[arg(long)]
        unit: Option<String>,
        /// 政府投资 or 社会投资
        #[arg(long)]
        funding: Option<String>,
    },
}

fn amount(field: &str, text: &str) -> Result<Yuan, Error> {
    Yuan::parse_wan(field, text)
}

fn saved_line(what: &str, saved: &AmountSaved) -> String {
    match saved.previous {
        Some(before) if before != saved.now => format!(
            "已更正 {} 的{what}：{} 万元 → {} 万元（两者均记入变更记录）。",
            saved.project_code,
            before.wan_exact(),
            saved.now.wan_exact()
        ),
        Some(_) => format!(
            "{} 的{what}仍为 {} 万元，未改动。",
            saved.project_code,
            saved.now.wan_exact()
        ),
        None => format!(
            "已记录 {} 的{what}：{} 万元。",
            saved.project_code,
            saved.now.wan_exact()
        ),
    }
}

/// The writes.
pub fn write(db: &mut Db, action: &InvestAction, stamp: &Stamp) -> Result<ExitCode, Error> {
    match action {
        InvestAction::Plan {
            code,
            year,
            annual,
            total,
        } => {
            let annual = amount("--annual", annual)?;
            let total = total.as_deref().map(|t| amount("--total", t)).transpose()?;
            let saved = db.set_investment_plan(code, *year, annual, total, stamp)?;
            println!("{}", saved_line(&format!("{year}年计划投资"), &saved));
            if let Some(t) = total {
                println!("总投资：{} 万元。", t.wan_exact());
            }
        }
        InvestAction::Record {
            code,
            month,
            completed,
            note,
        } => {
            let month = YearMonth::parse("--month", month)?;
            let completed = amount("--completed", completed)?;
            let saved =
                db.record_investment_month(code, month, completed, note.as_deref(), stamp)?;
            println!("{}", saved_line(&format!("{month} 完成投资"), &saved));
        }
        InvestAction::Rules {
            invest_yellow,
            invest_red,
            overdue_yellow,
            overdue_red,
            json,
        } => {
            let mut rules = db.warning_rules()?;
            let changing = invest_yellow.is_some()
                || invest_red.is_some()
                || overdue_yellow.is_some()
                || overdue_red.is_some();
            if changing {
                rules.invest_yellow_pct = invest_yellow.unwrap_or(rules.invest_yellow_pct);
                rules.invest_red_pct = invest_red.unwrap_or(rules.invest_red_pct);
                rules.overdue_yellow_days = overdue_yellow.unwrap_or(rules.overdue_yellow_days);
                rules.overdue_red_days = overdue_red.unwrap_or(rules.overdue_red_days);
                db.set_warning_rules(&rules, stamp)?;
            }
            if *json {
                crate::print_json(&rules)?;
            } else {
                print_rules(&rules, changing);
            }
        }
        InvestAction::Show { .. } => {
            return Err(Error::Internal("invest show is a read".into()));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_rules(r: &WarningRules, changed: bool) {
    println!(
        "{}预警规则（本文件的所有用户相同）：",
        if changed { "已更新" } else { "" }
    );
    println!(
        "  投资：累计完成率低于序时进度的 {}% 为黄，低于 {}% 为红",
        r.invest_yellow_pct, r.invest_red_pct
    );
    println!(
        "  进度：里程碑逾期超过 {} 个工作日为黄，超过 {} 个工作日为红",
        r.overdue_yellow_days, r.overdue_red_days
    );
}

/// Whether `action` only reads.
pub fn is_read(action: &InvestAction) -> bool {
    match action {
        InvestAction::Show { .. } => true,
        InvestAction::Rules {
            invest_yellow,
            invest_red,
            overdue_yellow,
            overdue_red,
            ..
        } => {
            invest_yellow.is_none()
                && invest_red.is_none()
                && overdue_yellow.is_none()
                && overdue_red.is_none()
        }
        _ => false,
    }
}

/// `invest show`.
pub fn show(db: &Db, action: &InvestAction) -> Result<ExitCode, Error> {
    let InvestAction::Show {
        code,
        month,
        leader,
        warning,
        by_leader,
        as_of,
        json,
    } = action
    else {
        return write_free_read(db, action);
    };
    let today = Local::now().date_naive();
    let month = match month {
        Some(m) => YearMonth::parse("--month", m)?,
        None => db.supervision_month(today)?,
    };
    let as_of: NaiveDate = match as_of {
        Some(t) => keyworks_core::week::parse_date("--as-of", t)?,
        None => today,
    };
    let filter = OverviewFilter {
        project: code.clone(),
        leader: leader.clone(),
        light: warning
            .as_deref()
            .map(|w| Light::parse("--warning", w))
            .transpose()?,
    };
    let overview = db.investment_overview(month, as_of, &filter)?;
    if *json {
        crate::print_json(&overview)?;
        return Ok(ExitCode::SUCCESS);
    }
    print_overview(&overview, *by_leader);
    Ok(ExitCode::SUCCESS)
}

fn write_free_read(db: &Db, action: &InvestAction) -> Result<ExitCode, Error> {
    match action {
        InvestAction::Rules { json: true, .. } => crate::print_json(&db.warning_rules()?)?,
        _ => print_rules(&db.warning_rules()?, false),
    }
    Ok(ExitCode::SUCCESS)
}

fn percent(rate: Option<f64>) -> String {
    rate.map(|r| format!("{:.1}%", r * 100.0))
        .unwrap_or_else(|| "—".into())
}

fn print_overview(o: &InvestmentOverview, by_leader: bool) {
    let ytd = year_to_date_label(o.month);
    println!(
        "{} 投资监测（序时进度 {:.1}%，逾期按 {} 计）",
        o.month,
        o.elapsed_share * 100.0,
        o.as_of
    );
    if by_leader {
        for (leader, rows) in o.by_leader() {
            println!("\n包抓领导：{}", leader.unwrap_or("（未指定）"));
            print_rows(&rows, &ytd);
        }
    } else {
        let rows: Vec<&InvestmentRow> = o.rows.iter().collect();
        print_rows(&rows, &ytd);
    }
    let t = &o.totals;
    println!(
        "\n合计：年度计划 {} 万元，当月完成 {} 万元，{ytd}累计 {} 万元，完成率 {}；预警 红 {} 个、黄 {} 个、绿 {} 个。",
        t.annual_yuan.wan(2),
        t.month_yuan.wan(2),
        t.year_to_date_yuan.wan(2),
        percent(t.completion_rate),
        t.red,
        t.yellow,
        t.green
    );
    let warned: Vec<&InvestmentRow> = o
        .rows
        .iter()
        .filter(|r| r.warning.light != Light::Green)
        .collect();
    if !warned.is_empty() {
        println!("\n预警说明：");
        for r in warned {
            println!("  {} {}：{}", r.code, r.name, r.warning.sentence());
        }
    }
}

fn print_rows(rows: &[&InvestmentRow], ytd: &str) {
    let ytd_head = format!("{ytd}累计");
    let mut t = Table::new(&[
        ("编号", Align::Left),
        ("名称", Align::Left),
        ("包抓领导", Align::Left),
        ("年度计划", Align::Right),
        ("当月完成", Align::Right),
        (ytd_head.as_str(), Align::Right),
        ("完成率", Align::Right),
        ("申报状态", Align::Left),
        ("预警", Align::Left),
    ]);
    let money = |y: Option<Yuan>| y.map(|y| y.wan(2)).unwrap_or_else(|| "—".into());
    for r in rows {
        t.row(vec![
            r.code.clone(),
            r.name.clone(),
            r.leader.clone().unwrap_or_else(|| "—".into()),
            money(r.annual_yuan),
            money(r.month_yuan),
            r.year_to_date_yuan.wan(2),
            percent(r.completion_rate),
            r.declared.label_zh().to_owned(),
            r.warning.light.label_zh().to_owned(),
        ]);
    }
    print!("{}", t.render());
    println!("（金额单位：万元）");
}

/// `project set`.
pub fn project(db: &mut Db, action: &ProjectAction, stamp: &Stamp) -> Result<ExitCode, Error> {
    let ProjectAction::Set {
        code,
        leader,
        unit,
        funding,
    } = action;
    if leader.is_none() && unit.is_none() && funding.is_none() {
        return Err(Error::InvalidInput {
            field: "project set".into(),
            value: code.clone(),
            expected: "请至少给出 --leader、--unit 或 --funding".into(),
        });
    }
    let funding = funding
        .as_deref()
        .map(|f| Funding::parse("--funding", f))
        .transpose()?;
    if let Some(f) = funding {
        let p = db.set_funding(code, f, stamp)?;
        println!(
            "已将 {} {} 的投资类型设为 {}。",
            p.code,
            p.name,
            f.label_zh()
        );
        if leader.is_none() && unit.is_none() {
            return Ok(ExitCode::SUCCESS);
        }
    }
    let saved = db.set_responsibility(
        code,
        &Responsibility {
            leader: leader.clone(),
            lead_unit: unit.clone(),
        },
        stamp,
    )?;
    println!(
        "已更新 {} {}：包抓领导 {}，责任单位 {}。",
        saved.code,
        saved.name,
        saved.leader.as_deref().unwrap_or("（未指定）"),
        if saved.lead_unit.is_empty() {
            "（未指定）"
        } else {
            &saved.lead_unit
        }
    );
    Ok(ExitCode::SUCCESS)
}
