//! Read-only queries that reports need and the screens do not: the change log and the
//! weekly updates within a span of time.

use chrono::{DateTime, FixedOffset, SecondsFormat};
use rusqlite::params;

use crate::error::Result;
use crate::model::{ChangeRecord, WeeklyUpdate};
use crate::store::db::Db;
use crate::week::IsoWeek;

fn rfc3339(t: &DateTime<FixedOffset>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, false)
}

impl Db {
    /// Changes made at or after `from` and before `to`, oldest first. Timestamps are
    /// compared as instants (SQLite's `julianday` reads the stored offset), so rows written
    /// under different UTC offsets still fall into the right span.
    pub fn changes_between(
        &self,
        from: &DateTime<FixedOffset>,
        to: &DateTime<FixedOffset>,
    ) -> Result<Vec<ChangeRecord>> {
        let sql = format!(
            "SELECT {} FROM change_log WHERE julianday(at) >= julianday(?1) AND julianday(at) < julianday(?2) \
             ORDER BY julianday(at), id",
            ChangeRecord::COLUMNS
        );
        let mut stmt = self.conn().prepare(&sql)?;
        let rows = stmt.query_map(params![rfc3339(from), rfc3339(to)], ChangeRecord::from_row)?;
        let mut records = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        self.mark_undo(&mut records)?;
        Ok(records)
    }

    /// Every project's weekly updates up to and including `week`, by project then week.
    pub fn updates_through(&self, week: IsoWeek) -> Result<Vec<WeeklyUpdate>> {
        let sql = format!(
            "SELECT {} FROM weekly_updates WHERE iso_week <= ?1 ORDER BY project_id, iso_week",
            WeeklyUpdate::COLUMNS
        );
        let mut stmt = self.conn().prepare(&sql)?;
        let rows = stmt.query_map([week], WeeklyUpdate::from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Weekly updates recorded at or after `from` and before `to` (by their `recorded_at`),
    /// oldest first.
    pub fn updates_recorded_between(
        &self,
        from: &DateTime<FixedOffset>,
        to: &DateTime<FixedOffset>,
    ) -> Result<Vec<WeeklyUpdate>> {
        let sql = format!(
            "SELECT {} FROM weekly_updates \
             WHERE julianday(recorded_at) >= julianday(?1) AND julianday(recorded_at) < julianday(?2) \
             ORDER BY julianday(recorded_at), id",
            WeeklyUpdate::COLUMNS
        );
        let mut stmt = self.conn().prepare(&sql)?;
        let rows = stmt.query_map(params![rfc3339(from), rfc3339(to)], WeeklyUpdate::from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Stamp;

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    #[test]
    fn spans_compare_instants_across_offsets() {
        let mut db = Db::open_in_memory().unwrap();
        // 2021-06-07T01:00+08:00 is 2021-06-06T17:00Z: inside a +08:00 week that starts
        // on Monday 00:00, although its UTC date is the Sunday before.
        let stamp = Stamp::new("测试", at("2021-06-07T01:00:00+08:00")).unwrap();
        db.load_seed(&stamp).unwrap();
        let n_all = db.change_log(1_000_000).unwrap().len();
        let week = db
            .changes_between(
                &at("2021-06-07T00:00:00+08:00"),
                &at("2021-06-14T00:00:00+08:00"),
            )
            .unwrap();
        assert_eq!(week.len(), n_all);
        let utc_before = db
            .changes_between(&at("2021-06-06T00:00:00Z"), &at("2021-06-06T17:00:00Z"))
            .unwrap();
        assert!(utc_before.is_empty());
    }

    #[test]
    fn updates_by_week_and_by_recording_time() {
        let mut db = Db::open_in_memory().unwrap();
        let stamp = Stamp::new("测试", at("2026-01-05T09:00:00+08:00")).unwrap();
        db.load_seed(&stamp).unwrap();
        let w22 = IsoWeek::new(2021, 22).unwrap();
        let through = db.updates_through(w22).unwrap();
        assert!(!through.is_empty());
        assert!(through.iter().all(|u| u.iso_week <= w22));
        // The seed records each update on the Friday of its week at 17:00 +08:00.
        let recorded = db
            .updates_recorded_between(
                &at("2021-06-07T00:00:00+08:00"),
                &at("2021-06-14T00:00:00+08:00"),
            )
            .unwrap();
        assert!(!recorded.is_empty());
        assert!(
            recorded
                .iter()
                .all(|u| u.iso_week == IsoWeek::new(2021, 23).unwrap())
        );
    }
}
