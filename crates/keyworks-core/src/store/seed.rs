//! The seeded portfolio: the key projects of the zone's 2021 work plan, from
//! `seeds/portfolio-2021.toml`, embedded in the binary.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;
use serde::Deserialize;

use crate::audit::change_log::Stamp;
use crate::error::{Error, Result};
use crate::ids::TaskId;
use crate::model::{Category, Funding, LinkKind, Portfolio, Stage, Status};
use crate::money::Yuan;
use crate::plan::baselines::insert_baseline;
use crate::plan::calendar::{CHINA_CALENDAR_NAME, Calendar, insert_calendar};
use crate::portfolio::projects::{
    NewProject, NewTarget, NewTask, insert_dependency, insert_portfolio, insert_project,
    insert_target, insert_task,
};
use crate::portfolio::updates::UpdateInput;
use crate::store::db::Db;
use crate::supervision::investment::{insert_month, insert_plan};
use crate::week::{IsoWeek, YearMonth};

/// The seed file, as reviewed in the repository.
pub const SEED_TOML: &str = include_str!("../../../../seeds/portfolio-2021.toml");

/// Author of the rows the seed writes, as the change log shows it.
pub const SEED_AUTHOR: &str = "KeyWorks 初始数据";

/// Name of the baseline saved for every seeded project.
pub const SEED_BASELINE: &str = "年初计划";

type TomlDate = toml::value::Datetime;

fn date(field: &str, d: &TomlDate) -> Result<NaiveDate> {
    match (d.date, d.time, d.offset) {
        (Some(x), None, None) => {
            NaiveDate::from_ymd_opt(i32::from(x.year), u32::from(x.month), u32::from(x.day))
                .ok_or_else(|| Error::Seed(format!("{field}: {d} is not a date")))
        }
        _ => Err(Error::Seed(format!("{field}: {d} must be a plain date"))),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedFile {
    pub portfolio: SeedPortfolio,
    pub projects: Vec<SeedProject>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedPortfolio {
    pub name: String,
    pub year: i32,
    pub organisation: String,
    pub source: String,
    pub as_of: TomlDate,
    pub dates_illustrative: bool,
    pub note: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedProject {
    pub code: String,
    pub name: String,
    pub category: String,
    pub stage: String,
    pub lead_unit: String,
    pub contact: String,
    pub location: String,
    /// 包抓领导 (illustrative).
    pub leader: Option<String>,
    /// 政府投资 or 社会投资, as issue 16 classes the plan's projects.
    pub funding: Option<String>,
    pub investment: Option<SeedInvestment>,
    pub planned_start: TomlDate,
    pub planned_finish: TomlDate,
    pub status: String,
    pub plan_sentence: String,
    pub description: String,
    #[serde(default)]
    pub targets: Vec<SeedTarget>,
    #[serde(default)]
    pub tasks: Vec<SeedTask>,
    #[serde(default)]
    pub links: Vec<SeedLink>,
    #[serde(default)]
    pub updates: Vec<SeedUpdate>,
}

/// Illustrative investment figures, in 万元 written as text (exact, never floating point).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedInvestment {
    pub total_wan: String,
    /// The plan for the portfolio's year.
    pub annual_wan: String,
    /// Completed in each month from January of the portfolio's year.
    pub months_wan: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedTarget {
    pub name: String,
    pub quantity: f64,
    pub unit: String,
    pub actual: Option<f64>,
    pub source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedTask {
    pub key: String,
    pub name: String,
    pub parent: Option<String>,
    pub start: TomlDate,
    pub finish: TomlDate,
    pub percent_complete: f64,
    pub actual_start: Option<TomlDate>,
    pub actual_finish: Option<TomlDate>,
    #[serde(default)]
    pub milestone: bool,
    pub acceptance: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedLink {
    pub from: String,
    pub to: String,
    pub kind: String,
    pub lag: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedUpdate {
    pub week: String,
    pub percent_complete: f64,
    pub status: String,
    pub narrative: String,
    pub issues: String,
    pub next_steps: String,
    pub author: String,
}

/// Parses the embedded seed.
pub fn seed_file() -> Result<SeedFile> {
    toml::from_str(SEED_TOML).map_err(|e| Error::Seed(format!("seeds/portfolio-2021.toml: {e}")))
}

fn seed_err(e: Error) -> Error {
    match e {
        Error::InvalidInput { .. } => Error::Seed(e.to_string()),
        other => other,
    }
}

impl Db {
    /// Creates `path` and fills it with the seeded 2021 portfolio. Refuses an existing file.
    pub fn create_seeded(path: &Path, stamp: &Stamp) -> Result<Db> {
        let mut db = Db::create(path)?;
        if let Err(e) = db.load_seed(stamp) {
            drop(db);
            // The file was created by us a moment ago and holds nothing of the user's.
            let _ = std::fs::remove_file(path);
            return Err(e);
        }
        Ok(db)
    }

    /// Loads the seeded portfolio into an empty database, in one transaction.
    pub fn load_seed(&mut self, stamp: &Stamp) -> Result<()> {
        let seed = seed_file()?;
        if !seed.portfolio.dates_illustrative {
            return Err(Error::Seed("dates_illustrative must be true".into()));
        }
        let china = Calendar::china()?;
        self.write_tx(|tx| {
            insert_portfolio(
                tx,
                stamp,
                &Portfolio {
                    name: seed.portfolio.name.clone(),
                    year: seed.portfolio.year,
                    organisation: seed.portfolio.organisation.clone(),
                    source: seed.portfolio.source.clone(),
                    note: seed.portfolio.note.clone(),
                },
            )?;
            let calendar_id = insert_calendar(tx, stamp, CHINA_CALENDAR_NAME, None, &china)?;
            for p in &seed.projects {
                load_project(tx, stamp, p, seed.portfolio.year, calendar_id, &china)
                    .map_err(seed_err)?;
            }
            Ok(())
        })
    }
}

fn load_project(
    tx: &rusqlite::Transaction<'_>,
    stamp: &Stamp,
    p: &SeedProject,
    year: i32,
    calendar_id: crate::ids::CalendarId,
    calendar: &Calendar,
) -> Result<()> {
    let at = |what: &str| format!("{} {what}", p.code);
    let project = insert_project(
        tx,
        stamp,
        &NewProject {
            code: p.code.clone(),
            name: p.name.clone(),
            category: Category::parse(&at("category"), &p.category)?,
            stage: Stage::parse(&at("stage"), &p.stage)?,
            lead_unit: p.lead_unit.clone(),
            contact: p.contact.clone(),
            location: p.location.clone(),
            total_investment_yuan: p
                .investment
                .as_ref()
                .map(|i| Yuan::parse_wan(&at("total_wan"), &i.total_wan))
                .transpose()?,
            leader: p.leader.clone(),
            funding: p
                .funding
                .as_deref()
                .map(|f| Funding::parse(&at("funding"), f))
                .transpose()?,
            planned_start: Some(date(&at("planned_start"), &p.planned_start)?),
            planned_finish: Some(date(&at("planned_finish"), &p.planned_finish)?),
            status: Status::parse(&at("status"), &p.status)?,
            calendar_id: Some(calendar_id),
            description: p.description.clone(),
            plan_sentence: p.plan_sentence.clone(),
        },
    )?;
    for (i, t) in p.targets.iter().enumerate() {
        insert_target(
            tx,
            stamp,
            project.id,
            i as i64 + 1,
            &NewTarget {
                name: t.name.clone(),
                quantity: t.quantity,
                unit: t.unit.clone(),
                actual: t.actual,
                source: t.source.clone(),
            },
        )?;
    }
    let mut ids: HashMap<&str, TaskId> = HashMap::new();
    for (i, t) in p.tasks.iter().enumerate() {
        let field = at(&format!("task {}", t.key));
        let parent_id = match &t.parent {
            Some(key) => Some(*ids.get(key.as_str()).ok_or_else(|| {
                Error::Seed(format!("{field}: parent {key} is not an earlier task"))
            })?),
            None => None,
        };
        let start = date(&field, &t.start)?;
        let finish = date(&field, &t.finish)?;
        if t.milestone && t.acceptance.as_deref().is_none_or(|a| a.trim().is_empty()) {
            return Err(Error::Seed(format!(
                "{field}: a milestone needs an acceptance criterion"
            )));
        }
        let task = insert_task(
            tx,
            stamp,
            project.id,
            &NewTask {
                parent_id,
                position: i as i64 + 1,
                name: t.name.clone(),
                is_milestone: t.milestone,
                planned_start: start,
                planned_finish: finish,
                duration_days: if t.milestone {
                    0
                } else {
                    calendar.working_days_inclusive(start, finish)
                },
                percent_complete: t.percent_complete,
                actual_start: t
                    .actual_start
                    .as_ref()
                    .map(|d| date(&field, d))
                    .transpose()?,
                actual_finish: t
                    .actual_finish
                    .as_ref()
                    .map(|d| date(&field, d))
                    .transpose()?,
                acceptance: t.acceptance.clone().unwrap_or_default(),
            },
        )?;
        if ids.insert(t.key.as_str(), task.id).is_some() {
            return Err(Error::Seed(format!("{field}: duplicate task key")));
        }
    }
    for l in &p.links {
        let find = |key: &str| {
            ids.get(key)
                .copied()
                .ok_or_else(|| Error::Seed(format!("{}: link to unknown task {key}", p.code)))
        };
        let kind = LinkKind::parse(&at("link kind"), &l.kind)?;
        insert_dependency(tx, stamp, find(&l.from)?, find(&l.to)?, kind, l.lag)?;
    }
    let seed_start = date(&at("planned_start"), &p.planned_start)?;
    insert_baseline(tx, stamp, project.id, SEED_BASELINE, seed_start)?;
    for u in &p.updates {
        let input = UpdateInput {
            week: IsoWeek::parse(&at("update week"), &u.week)?,
            percent_complete: u.percent_complete,
            status: Status::parse(&at("update status"), &u.status)?,
            narrative: u.narrative.clone(),
            issues: u.issues.clone(),
            next_steps: u.next_steps.clone(),
            // A seed names each week once; a repeat is a mistake in the seed.
            if_reported: crate::portfolio::updates::IfReported::Refuse,
        };
        // The officer who wrote it is its author; recorded on the Friday of its week.
        let friday = input.week.monday() + chrono::Days::new(4);
        let at_time = friday
            .and_hms_opt(17, 0, 0)
            .and_then(|t| {
                t.and_local_timezone(chrono::FixedOffset::east_opt(8 * 3600)?)
                    .single()
            })
            .ok_or_else(|| Error::Seed(format!("{}: bad update time", p.code)))?;
        let officer = Stamp::new(&u.author, at_time)?;
        crate::portfolio::updates::insert_update(tx, stamp, &officer, &project, &input)?;
    }
    if let Some(inv) = &p.investment {
        let annual = Yuan::parse_wan(&at("annual_wan"), &inv.annual_wan)?;
        insert_plan(tx, stamp, project.id, year, annual, "示例数据")?;
        for (i, text) in inv.months_wan.iter().enumerate() {
            let month = YearMonth::new(year, i as u32 + 1)
                .ok_or_else(|| Error::Seed(format!("{}: more than 12 months", p.code)))?;
            let completed = Yuan::parse_wan(&at(&format!("months_wan[{i}]")), text)?;
            insert_month(tx, stamp, project.id, month, completed, "示例数据")?;
        }
    }
    Ok(())
}
