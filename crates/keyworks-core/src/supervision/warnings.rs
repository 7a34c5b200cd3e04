//! 红黄绿灯预警: the warning colour KeyWorks computes for a project from its data, with the
//! reason in words. It stands beside the status the officer declared, never in its place.
//!
//! - Investment: the year-to-date completion rate against 序时进度 (M/12 at the end of month
//!   M): below `invest_yellow_pct`% of it → 黄, below `invest_red_pct`% → 红.
//! - Schedule: a milestone overdue by more than `overdue_yellow_days` working days → 黄, more
//!   than `overdue_red_days` → 红.
//!
//! The thresholds belong to the portfolio (columns of its one row), so everyone who opens one
//! file sees the same colours. Comparisons are exact: amounts are whole yuan and the rule is
//! compared in integers, so a project exactly at a threshold is not past it.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::audit::change_log::{Stamp, record};
use crate::error::{Error, Result};
use crate::money::Yuan;
use crate::store::db::Db;
use crate::week::YearMonth;

/// The thresholds in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WarningRules {
    /// 黄 when the completion rate is below this % of 序时进度.
    pub invest_yellow_pct: i64,
    /// 红 when it is below this %.
    pub invest_red_pct: i64,
    /// 黄 when a milestone is overdue by more than this many working days.
    pub overdue_yellow_days: i64,
    /// 红 when by more than this many.
    pub overdue_red_days: i64,
}

impl Default for WarningRules {
    fn default() -> Self {
        WarningRules {
            invest_yellow_pct: 80,
            invest_red_pct: 60,
            overdue_yellow_days: 10,
            overdue_red_days: 30,
        }
    }
}

/// The thresholds as the portfolio row stores them (NULL: the default), in the log's field names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
struct StoredRules {
    warn_invest_yellow_pct: Option<i64>,
    warn_invest_red_pct: Option<i64>,
    warn_overdue_yellow_days: Option<i64>,
    warn_overdue_red_days: Option<i64>,
}

impl StoredRules {
    fn effective(self) -> WarningRules {
        let d = WarningRules::default();
        WarningRules {
            invest_yellow_pct: self.warn_invest_yellow_pct.unwrap_or(d.invest_yellow_pct),
            invest_red_pct: self.warn_invest_red_pct.unwrap_or(d.invest_red_pct),
            overdue_yellow_days: self
                .warn_overdue_yellow_days
                .unwrap_or(d.overdue_yellow_days),
            overdue_red_days: self.warn_overdue_red_days.unwrap_or(d.overdue_red_days),
        }
    }
}

fn stored_rules(conn: &rusqlite::Connection) -> Result<Option<StoredRules>> {
    Ok(conn
        .prepare_cached(
            "SELECT warn_invest_yellow_pct, warn_invest_red_pct, warn_overdue_yellow_days, \
             warn_overdue_red_days FROM portfolio WHERE id = 1",
        )?
        .query_row([], |r| {
            Ok(StoredRules {
                warn_invest_yellow_pct: r.get(0)?,
                warn_invest_red_pct: r.get(1)?,
                warn_overdue_yellow_days: r.get(2)?,
                warn_overdue_red_days: r.get(3)?,
            })
        })
        .optional()?)
}

impl WarningRules {
    /// Checks the thresholds make sense together: percentages 1–100, days 0–1000, and red
    /// never milder than yellow.
    pub fn check(&self) -> Result<()> {
        let pct = |field: &str, v: i64| {
            if (1..=100).contains(&v) {
                Ok(())
            } else {
                Err(Error::invalid(
                    field,
                    v.to_string(),
                    "应为 1–100 之间的整数（%）",
                ))
            }
        };
        let days = |field: &str, v: i64| {
            if (0..=1000).contains(&v) {
                Ok(())
            } else {
                Err(Error::invalid(
                    field,
                    v.to_string(),
                    "应为 0–1000 之间的工作日数",
                ))
            }
        };
        pct("投资黄灯线", self.invest_yellow_pct)?;
        pct("投资红灯线", self.invest_red_pct)?;
        days("逾期黄灯线", self.overdue_yellow_days)?;
        days("逾期红灯线", self.overdue_red_days)?;
        if self.invest_red_pct > self.invest_yellow_pct {
            return Err(Error::invalid(
                "投资红灯线",
                self.invest_red_pct.to_string(),
                &format!(
                    "红灯线应不高于黄灯线（{}%）：完成率越低越严重",
                    self.invest_yellow_pct
                ),
            ));
        }
        if self.overdue_red_days < self.overdue_yellow_days {
            return Err(Error::invalid(
                "逾期红灯线",
                self.overdue_red_days.to_string(),
                &format!(
                    "红灯线应不少于黄灯线（{} 个工作日）：逾期越久越严重",
                    self.overdue_yellow_days
                ),
            ));
        }
        Ok(())
    }
}

impl Db {
    /// The portfolio's warning thresholds (the defaults where none was set).
    pub fn warning_rules(&self) -> Result<WarningRules> {
        Ok(stored_rules(self.conn())?
            .map(StoredRules::effective)
            .unwrap_or_default())
    }

    /// Sets the portfolio's thresholds for everyone who uses the file; logged.
    pub fn set_warning_rules(&mut self, rules: &WarningRules, stamp: &Stamp) -> Result<()> {
        rules.check()?;
        self.write_tx(|tx| {
            let before = stored_rules(tx)?.ok_or_else(|| {
                Error::invalid(
                    "项目集",
                    "",
                    "文件中还没有项目集，请先用 keyworks init 创建",
                )
            })?;
            let after = StoredRules {
                warn_invest_yellow_pct: Some(rules.invest_yellow_pct),
                warn_invest_red_pct: Some(rules.invest_red_pct),
                warn_overdue_yellow_days: Some(rules.overdue_yellow_days),
                warn_overdue_red_days: Some(rules.overdue_red_days),
            };
            tx.execute(
                "UPDATE portfolio SET warn_invest_yellow_pct = ?1, warn_invest_red_pct = ?2, \
                 warn_overdue_yellow_days = ?3, warn_overdue_red_days = ?4 WHERE id = 1",
                params![
                    after.warn_invest_yellow_pct,
                    after.warn_invest_red_pct,
                    after.warn_overdue_yellow_days,
                    after.warn_overdue_red_days
                ],
            )?;
            record(tx, stamp, "portfolio", 1, Some(&before), Some(&after))?;
            Ok(())
        })
    }
}

/// A warning colour; ordered from mild to severe, so the worst of several is their maximum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Light {
    Green,
    Yellow,
    Red,
}

impl Light {
    pub const ALL: [Light; 3] = [Light::Red, Light::Yellow, Light::Green];

    pub fn label_zh(self) -> &'static str {
        match self {
            Light::Green => "绿",
            Light::Yellow => "黄",
            Light::Red => "红",
        }
    }

    /// Reads 红/黄/绿 or red/yellow/green.
    pub fn parse(field: &str, text: &str) -> Result<Light> {
        match text.trim().to_lowercase().as_str() {
            "红" | "red" => Ok(Light::Red),
            "黄" | "yellow" => Ok(Light::Yellow),
            "绿" | "green" => Ok(Light::Green),
            _ => Err(Error::invalid(field, text, "应为 红、黄 或 绿")),
        }
    }
}

/// What a warning is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    Investment,
    Schedule,
}

/// One reason for a yellow or red light.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Warning {
    pub kind: WarningKind,
    pub light: Light,
    /// In Chinese, e.g. 「1–5月完成投资 18.0%，低于序时进度 41.7% 的 60%」.
    pub reason: String,
}

/// A project's light: the worst of its warnings, green when it has none.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProjectWarning {
    pub light: Light,
    pub warnings: Vec<Warning>,
}

impl ProjectWarning {
    pub fn of(warnings: Vec<Warning>) -> ProjectWarning {
        ProjectWarning {
            light: warnings
                .iter()
                .map(|w| w.light)
                .max()
                .unwrap_or(Light::Green),
            warnings,
        }
    }

    /// Every reason in one line, joined by 「；」; empty when green.
    pub fn reasons(&self) -> String {
        let reasons: Vec<&str> = self.warnings.iter().map(|w| w.reason.as_str()).collect();
        reasons.join("；")
    }

    /// 「预警：红 — 1–5月完成投资 18.0%，低于序时进度 41.7% 的 60%」, or 「预警：绿」.
    pub fn sentence(&self) -> String {
        if self.warnings.is_empty() {
            return format!("预警：{}", self.light.label_zh());
        }
        format!("预警：{} — {}", self.light.label_zh(), self.reasons())
    }
}

/// 序时进度 at the end of `month`: the share of the year passed, M/12.
pub fn elapsed_share(month: YearMonth) -> f64 {
    f64::from(month.month()) / 12.0
}

/// "1–5月" (or "1月" for January): the months a year-to-date figure covers.
pub fn year_to_date_label(month: YearMonth) -> String {
    if month.month() == 1 {
        "1月".to_owned()
    } else {
        format!("1–{}月", month.month())
    }
}

/// The investment warning at the end of `month` for a project planned to invest `annual` in
/// the year and that completed `ytd` from January to `month`. None without a plan (nothing to
/// compare with) or when on course.
pub fn investment_warning(
    rules: &WarningRules,
    month: YearMonth,
    annual: Yuan,
    ytd: Yuan,
) -> Option<Warning> {
    if annual.0 <= 0 {
        return None;
    }
    // rate < pct% of M/12  ⟺  ytd / annual < pct·M / 1200  ⟺  1200·ytd < pct·M·annual
    let lhs = i128::from(ytd.0) * 1200;
    let rhs = |pct: i64| i128::from(pct) * i128::from(month.month()) * i128::from(annual.0);
    let (light, pct) = if lhs < rhs(rules.invest_red_pct) {
        (Light::Red, rules.invest_red_pct)
    } else if lhs < rhs(rules.invest_yellow_pct) {
        (Light::Yellow, rules.invest_yellow_pct)
    } else {
        return None;
    };
    let rate = ytd.ratio_of(annual).unwrap_or(0.0) * 100.0;
    Some(Warning {
        kind: WarningKind::Investment,
        light,
        reason: format!(
            "{}完成投资 {rate:.1}%，低于序时进度 {:.1}% 的 {pct}%",
            year_to_date_label(month),
            elapsed_share(month) * 100.0
        ),
    })
}

/// An open milestone past its due date, as the schedule warning weighs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OverdueMilestone {
    pub name: String,
    pub due: NaiveDate,
    /// Working days past due, on the project's calendar, up to and including the day looked at.
    pub working_days_late: i64,
}

/// The schedule warning from a project's overdue milestones: its most overdue one decides.
pub fn schedule_warning(rules: &WarningRules, overdue: &[OverdueMilestone]) -> Option<Warning> {
    let worst = overdue.iter().max_by_key(|m| m.working_days_late)?;
    let light = if worst.working_days_late > rules.overdue_red_days {
        Light::Red
    } else if worst.working_days_late > rules.overdue_yellow_days {
        Light::Yellow
    } else {
        return None;
    };
    let limit = match light {
        Light::Red => rules.overdue_red_days,
        _ => rules.overdue_yellow_days,
    };
    let others = overdue
        .iter()
        .filter(|m| m.working_days_late > rules.overdue_yellow_days)
        .count()
        - 1;
    let mut reason = format!(
        "里程碑「{}」逾期 {} 个工作日（应于 {} 完成，超过 {limit} 个工作日）",
        worst.name, worst.working_days_late, worst.due
    );
    if others > 0 {
        reason.push_str(&format!(
            "，另有 {others} 个里程碑逾期超过 {} 个工作日",
            rules.overdue_yellow_days
        ));
    }
    Some(Warning {
        kind: WarningKind::Schedule,
        light,
        reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn may() -> YearMonth {
        YearMonth::new(2021, 5).unwrap()
    }

    #[test]
    fn the_issues_example_reads_as_written() {
        // Plan 1,000 万元, 1–5月 180 万元: 18.0% against 序时进度 41.7%.
        let w = investment_warning(
            &WarningRules::default(),
            may(),
            Yuan(10_000_000),
            Yuan(1_800_000),
        )
        .unwrap();
        assert_eq!(w.light, Light::Red);
        let p = ProjectWarning::of(vec![w]);
        assert_eq!(
            p.sentence(),
            "预警：红 — 1–5月完成投资 18.0%，低于序时进度 41.7% 的 60%"
        );
    }

    #[test]
    fn investment_lights_change_exactly_at_the_thresholds() {
        let rules = WarningRules::default();
        // Annual 1,200 万元 = 12,000,000 yuan; 序时进度 at May = 5/12, so on course = 5,000,000.
        // 80% of it = 4,000,000 yuan, 60% = 3,000,000 yuan.
        let annual = Yuan(12_000_000);
        let at = |ytd: i64| investment_warning(&rules, may(), annual, Yuan(ytd)).map(|w| w.light);
        assert_eq!(at(5_000_000), None);
        assert_eq!(at(4_000_000), None, "exactly 80% is not below it");
        assert_eq!(at(3_999_999), Some(Light::Yellow), "one yuan short of 80%");
        assert_eq!(at(3_000_000), Some(Light::Yellow), "exactly 60% is yellow");
        assert_eq!(at(2_999_999), Some(Light::Red), "one yuan short of 60%");
        assert_eq!(at(0), Some(Light::Red));
        // No plan, nothing to compare with.
        assert_eq!(investment_warning(&rules, may(), Yuan(0), Yuan(0)), None);
    }

    #[test]
    fn schedule_lights_change_just_past_the_thresholds() {
        let rules = WarningRules::default();
        let late = |days: i64| OverdueMilestone {
            name: "主体封顶".into(),
            due: NaiveDate::from_ymd_opt(2021, 4, 30).unwrap(),
            working_days_late: days,
        };
        let at = |days: i64| schedule_warning(&rules, &[late(days)]).map(|w| w.light);
        assert_eq!(at(10), None, "10 working days is not more than 10");
        assert_eq!(at(11), Some(Light::Yellow));
        assert_eq!(at(30), Some(Light::Yellow));
        assert_eq!(at(31), Some(Light::Red));
        let w = schedule_warning(&rules, &[late(3), late(31), late(12)]).unwrap();
        assert!(w.reason.contains("逾期 31 个工作日"), "{}", w.reason);
        assert!(w.reason.contains("另有 1 个里程碑"), "{}", w.reason);
        assert_eq!(schedule_warning(&rules, &[]), None);
    }

    #[test]
    fn a_project_takes_its_worst_light() {
        let yellow = Warning {
            kind: WarningKind::Schedule,
            light: Light::Yellow,
            reason: "a".into(),
        };
        let red = Warning {
            kind: WarningKind::Investment,
            light: Light::Red,
            reason: "b".into(),
        };
        assert_eq!(
            ProjectWarning::of(vec![yellow.clone(), red]).light,
            Light::Red
        );
        assert_eq!(ProjectWarning::of(vec![yellow]).light, Light::Yellow);
        assert_eq!(ProjectWarning::of(vec![]).sentence(), "预警：绿");
    }

    #[test]
    fn thresholds_that_contradict_are_refused() {
        let bad = WarningRules {
            invest_red_pct: 90,
            ..WarningRules::default()
        };
        assert!(
            bad.check()
                .unwrap_err()
                .to_string()
                .contains("不高于黄灯线")
        );
        let bad = WarningRules {
            overdue_red_days: 5,
            ..WarningRules::default()
        };
        assert!(
            bad.check()
                .unwrap_err()
                .to_string()
                .contains("不少于黄灯线")
        );
        assert!(WarningRules::default().check().is_ok());
    }
}
