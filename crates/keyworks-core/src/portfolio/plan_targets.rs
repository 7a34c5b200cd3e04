//! The plan's physical targets (e.g. 安置房 24457 套) against what has been delivered: the
//! dashboard's "plan vs actual" panel and the weekly report's targets table. The figures come
//! from the work plan; officers record the actual figure as it grows.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use crate::audit::change_log::{Stamp, record};
use crate::error::{Error, Result};
use crate::ids::{ProjectId, TargetId};
use crate::model::Target;
use crate::store::db::Db;

/// One target of one project, with the share delivered so far.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TargetProgress {
    pub project_id: ProjectId,
    pub project_code: String,
    pub project_name: String,
    pub target: Target,
    /// actual ÷ quantity, in percent; absent while no actual figure is recorded or the
    /// quantity is zero.
    pub percent_delivered: Option<f64>,
}

impl TargetProgress {
    fn new(project_code: String, project_name: String, target: Target) -> Self {
        let percent_delivered = match target.actual {
            Some(actual) if target.quantity > 0.0 => Some(actual / target.quantity * 100.0),
            _ => None,
        };
        TargetProgress {
            project_id: target.project_id,
            project_code,
            project_name,
            target,
            percent_delivered,
        }
    }
}

impl Db {
    /// Every project's targets, in project code order and then the plan's order.
    pub fn plan_targets(&self) -> Result<Vec<TargetProgress>> {
        let columns = Target::COLUMNS
            .split(", ")
            .map(|c| format!("t.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            // Target columns first: from_row reads by name, and the first `name` must be the target's.
            "SELECT {columns}, p.code AS project_code, p.name AS project_name FROM targets t JOIN projects p ON p.id = t.project_id \
             ORDER BY p.code, t.position, t.id"
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map([], |r| {
            Ok(TargetProgress::new(
                r.get("project_code")?,
                r.get("project_name")?,
                Target::from_row(r)?,
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Records the delivered figure of one target (`None` clears it). Refuses a negative or
    /// non-finite figure; a figure above the plan's quantity is allowed (plans get exceeded).
    pub fn set_target_actual(
        &mut self,
        id: TargetId,
        actual: Option<f64>,
        stamp: &Stamp,
    ) -> Result<TargetProgress> {
        if let Some(value) = actual
            && (!value.is_finite() || value < 0.0)
        {
            return Err(Error::invalid(
                "实际完成量",
                value.to_string(),
                "一个不小于 0 的数字（留空表示尚无数据）",
            ));
        }
        let select = format!("SELECT {} FROM targets WHERE id = ?1", Target::COLUMNS);
        let update = format!(
            "UPDATE targets SET actual = ?1 WHERE id = ?2 RETURNING {}",
            Target::COLUMNS
        );
        let after = self.write_tx(|tx| {
            let before = tx
                .query_row(&select, params![id], Target::from_row)
                .optional()?
                .ok_or(Error::UnknownTarget { id: id.0 })?;
            let after = tx.query_row(&update, params![actual, id], Target::from_row)?;
            if before != after {
                record(tx, stamp, "targets", id.0, Some(&before), Some(&after))?;
            }
            Ok(after)
        })?;
        let (code, name): (String, String) = self.conn().query_row(
            "SELECT code, name FROM projects WHERE id = ?1",
            params![after.project_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(TargetProgress::new(code, name, after))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{FixedOffset, TimeZone};

    fn stamp() -> Stamp {
        let at = FixedOffset::east_opt(8 * 3600)
            .unwrap()
            .with_ymd_and_hms(2021, 6, 11, 17, 0, 0)
            .unwrap();
        Stamp::new("测试员", at).unwrap()
    }

    fn seeded() -> Db {
        let mut db = Db::open_in_memory().unwrap();
        db.load_seed(&stamp()).unwrap();
        db
    }

    #[test]
    fn seeded_targets_carry_the_plan_figures_and_delivered_share() {
        let db = seeded();
        let targets = db.plan_targets().unwrap();
        let housing = targets
            .iter()
            .find(|t| t.target.name == "安置房")
            .expect("安置房 target");
        assert_eq!(housing.target.quantity, 24457.0);
        assert_eq!(housing.target.unit, "套");
        let share = housing.percent_delivered.unwrap();
        assert!((share - 16820.0 / 24457.0 * 100.0).abs() < 1e-9);
        // 安置性商品房项目 has no actual figure in the seed.
        let without = targets
            .iter()
            .find(|t| t.target.name == "安置性商品房项目")
            .unwrap();
        assert_eq!(without.percent_delivered, None);
        assert!(
            targets
                .windows(2)
                .all(|w| w[0].project_code <= w[1].project_code)
        );
    }

    #[test]
    fn recording_an_actual_is_logged_and_verifiable() {
        let mut db = seeded();
        let id = db.plan_targets().unwrap()[0].target.id;
        let changed = db.set_target_actual(id, Some(12.5), &stamp()).unwrap();
        assert_eq!(changed.target.actual, Some(12.5));
        let logged: String = db
            .conn()
            .query_row(
                "SELECT changes FROM change_log WHERE table_name = 'targets' AND row_id = ?1 \
                 ORDER BY id DESC LIMIT 1",
                [id.0],
                |r| r.get(0),
            )
            .unwrap();
        assert!(logged.contains("12.5"), "{logged}");
        assert!(db.verify().unwrap().is_ok());
        db.set_target_actual(id, None, &stamp()).unwrap();
        assert_eq!(db.plan_targets().unwrap()[0].target.actual, None);
    }

    #[test]
    fn bad_figures_and_unknown_targets_change_nothing() {
        let mut db = seeded();
        let before = db.plan_targets().unwrap();
        let id = before[0].target.id;
        for bad in [-1.0, f64::NAN, f64::INFINITY] {
            let e = db.set_target_actual(id, Some(bad), &stamp()).unwrap_err();
            assert!(matches!(e, Error::InvalidInput { .. }), "{e}");
        }
        let e = db
            .set_target_actual(TargetId(9_999), Some(1.0), &stamp())
            .unwrap_err();
        assert!(matches!(e, Error::UnknownTarget { id: 9_999 }), "{e}");
        assert_eq!(db.plan_targets().unwrap(), before);
    }
}
