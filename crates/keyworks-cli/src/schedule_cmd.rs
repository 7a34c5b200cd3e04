//! `keyworks schedule`, `keyworks baseline save|diff` and `keyworks calendar import|show`:
//! the critical path, baseline variance and China's working calendar at the command line.

use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use clap::Subcommand;
use keyworks_core::model::DayKind;
use keyworks_core::plan::schedule::{BaselineDiff, ProjectSchedule};
use keyworks_core::week::parse_date;
use keyworks_core::{Access, Db, Error};

use crate::table::{Align, Table};

#[derive(Debug, Subcommand)]
pub enum BaselineAction {
    /// Save the project's current planned dates as a named baseline
    Save {
        /// Project code (e.g. KP21-01) or exact name
        code: String,
        /// Baseline name, e.g. 2021-W23
        #[arg(long)]
        name: String,
        /// Date the baseline is taken (default: today), e.g. 2021-06-11
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
    },
    /// Compare the recomputed schedule with a baseline (default: the latest), in working days
    Diff {
        /// Project code (e.g. KP21-01) or exact name
        code: String,
        /// Baseline name (default: the latest)
        #[arg(long, value_name = "NAME")]
        against: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum CalendarAction {
    /// Load one year of official holidays and make-up working days (holiday-cn JSON, e.g. 2027.json)
    Import {
        /// The year's file
        #[arg(value_name = "FILE.json")]
        file: PathBuf,
    },
    /// List a year's holidays and make-up working days with their names
    Show {
        year: i32,
        #[arg(long)]
        json: bool,
    },
}

/// `keyworks schedule CODE`: early and late dates, floats, and the critical path.
pub fn schedule(path: &Path, code: &str, json: bool) -> Result<(), Error> {
    let db = Db::open_checked(path, Access::ReadOnly)?;
    let s = db.schedule(code)?;
    if json {
        return super::print_json(&s);
    }
    print_schedule(&s);
    Ok(())
}

fn print_schedule(s: &ProjectSchedule) {
    println!(
        "{} {} 进度计算（{}；工期与时差以工作日计）",
        s.code, s.name, s.calendar
    );
    let (Some(start), Some(finish)) = (s.project_start, s.project_finish) else {
        println!("该项目还没有任务。");
        return;
    };
    println!("项目开始 {start}，计算完成 {finish}");
    let mut t = Table::new(&[
        ("ID", Align::Right),
        ("任务（◆ 里程碑）", Align::Left),
        ("工期", Align::Right),
        ("最早开始", Align::Left),
        ("最早完成", Align::Left),
        ("最晚开始", Align::Left),
        ("最晚完成", Align::Left),
        ("总时差", Align::Right),
        ("自由时差", Align::Right),
        ("关键", Align::Left),
    ]);
    for r in &s.rows {
        let mark = if r.is_milestone { "◆ " } else { "" };
        t.row(vec![
            r.id.to_string(),
            format!("{}{mark}{}", "  ".repeat(r.depth), r.name),
            if r.is_milestone || r.is_summary {
                String::new()
            } else {
                format!("{}d", r.duration_days)
            },
            r.early_start.to_string(),
            r.early_finish.to_string(),
            r.late_start.to_string(),
            r.late_finish.to_string(),
            r.total_float.to_string(),
            r.free_float.to_string(),
            if r.done {
                "已完成".into()
            } else if r.critical {
                "★".into()
            } else {
                String::new()
            },
        ]);
    }
    print!("{}", t.render());
    if s.critical_path.is_empty() {
        println!("\n没有未完成的关键任务。");
        return;
    }
    println!("\n关键路径（{} 项，★）：", s.critical_path.len());
    for step in &s.critical_path {
        let mark = if step.is_milestone { "◆ " } else { "" };
        if step.start == step.finish {
            println!("  {} {mark}{}", step.start, step.name);
        } else {
            println!("  {} 至 {} {mark}{}", step.start, step.finish, step.name);
        }
    }
}

pub fn baseline(cli: &super::Cli, path: &Path, action: &BaselineAction) -> Result<(), Error> {
    match action {
        BaselineAction::Save { code, name, date } => {
            let stamp = super::stamp(cli)?;
            let taken_on = match date {
                Some(d) => parse_date("--date", d)?,
                None => stamp.at().date_naive(),
            };
            let mut db = super::open_for_writing(cli, path, &stamp)?;
            let saved = db.save_baseline(code, name, taken_on, &stamp)?;
            let project = db.project_by_code(code)?;
            println!(
                "已为 {} {} 保存基线「{}」（{}）。",
                project.code, project.name, saved.name, saved.taken_on
            );
        }
        BaselineAction::Diff {
            code,
            against,
            json,
        } => {
            let db = Db::open_checked(path, Access::ReadOnly)?;
            let diff = db.baseline_diff(code, against.as_deref())?;
            if *json {
                return super::print_json(&diff);
            }
            print_diff(&diff);
        }
    }
    Ok(())
}

fn signed(v: Option<i64>) -> String {
    match v {
        Some(v) if v > 0 => format!("+{v}"),
        Some(v) => v.to_string(),
        None => String::new(),
    }
}

fn opt_date(d: Option<NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_else(|| "—".into())
}

fn print_diff(d: &BaselineDiff) {
    println!(
        "{} {}：当前进度与基线「{}」（{}）比较，偏差以工作日计，正数为推迟",
        d.code, d.name, d.baseline.name, d.baseline.taken_on
    );
    let mut t = Table::new(&[
        ("ID", Align::Right),
        ("任务（◆ 里程碑）", Align::Left),
        ("基线开始", Align::Left),
        ("当前开始", Align::Left),
        ("开始偏差", Align::Right),
        ("基线完成", Align::Left),
        ("当前完成", Align::Left),
        ("完成偏差", Align::Right),
        ("说明", Align::Left),
    ]);
    for v in &d.tasks {
        let mark = if v.is_milestone { "◆ " } else { "" };
        let note = match (v.baseline_start, v.current_start) {
            (None, _) => "基线后新增",
            (_, None) => "已删除",
            _ => "",
        };
        t.row(vec![
            v.task_id.to_string(),
            format!("{mark}{}", v.name),
            opt_date(v.baseline_start),
            opt_date(v.current_start),
            signed(v.start_variance),
            opt_date(v.baseline_finish),
            opt_date(v.current_finish),
            signed(v.finish_variance),
            note.into(),
        ]);
    }
    print!("{}", t.render());
    if d.slips.is_empty() {
        println!("\n自基线「{}」以来没有里程碑变动。", d.baseline.name);
        return;
    }
    println!(
        "\n自基线「{}」以来变动的里程碑（{} 个）：",
        d.baseline.name,
        d.slips.len()
    );
    for s in &d.slips {
        println!(
            "  ◆ {}：{} → {}，{} {} 个工作日",
            s.name,
            s.baseline_date,
            s.current_date,
            s.direction.label_zh(),
            s.working_days
        );
    }
}

pub fn calendar(cli: &super::Cli, path: &Path, action: &CalendarAction) -> Result<(), Error> {
    match action {
        CalendarAction::Import { file } => {
            let json = std::fs::read_to_string(file).map_err(|source| {
                if source.kind() == std::io::ErrorKind::NotFound {
                    Error::FileNotFound { path: file.clone() }
                } else {
                    Error::Io {
                        path: file.clone(),
                        source,
                    }
                }
            })?;
            let stamp = super::stamp(cli)?;
            let source = file.display().to_string();
            let mut db = super::open_for_writing(cli, path, &stamp)?;
            let r = db.import_holiday_year(&json, &source, &stamp)?;
            println!(
                "已导入 {source}：{} 年节假日 {} 天、调休上班 {} 天{}。",
                r.year,
                r.holidays,
                r.workdays,
                if r.removed > 0 {
                    format!("，移除旧安排 {} 天", r.removed)
                } else {
                    String::new()
                }
            );
        }
        CalendarAction::Show { year, json } => {
            let db = Db::open_checked(path, Access::ReadOnly)?;
            let days = db.holiday_year(*year)?;
            if *json {
                return super::print_json(&days);
            }
            if days.is_empty() {
                println!(
                    "没有 {year} 年的节假日安排：国务院发布后，请用 `keyworks calendar import {year}.json` 导入。"
                );
                return Ok(());
            }
            println!(
                "{year} 年节假日与调休上班（{}）",
                keyworks_core::plan::calendar::CHINA_CALENDAR_NAME
            );
            let mut t = Table::new(&[
                ("日期", Align::Left),
                ("星期", Align::Left),
                ("类型", Align::Left),
                ("名称", Align::Left),
            ]);
            const WEEKDAYS: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
            for d in &days {
                t.row(vec![
                    d.date.to_string(),
                    WEEKDAYS[d.date.weekday().num_days_from_monday() as usize].into(),
                    d.kind.label_zh().into(),
                    d.name.clone(),
                ]);
            }
            print!("{}", t.render());
            let off = days.iter().filter(|d| d.kind == DayKind::Holiday).count();
            println!(
                "共 {} 天：节假日 {off} 天，调休上班 {} 天。",
                days.len(),
                days.len() - off
            );
        }
    }
    Ok(())
}
