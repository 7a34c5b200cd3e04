//! Who answers for a project: the 包抓领导 (a zone leader) and the 责任单位 (the unit that
//! carries it out). Both are fields of the project, edited here and logged.

use rusqlite::params;

use crate::audit::change_log::{Stamp, record};
use crate::error::Result;
use crate::model::Project;
use crate::portfolio::projects::find_project;
use crate::store::db::Db;

/// What to change; None leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Responsibility {
    /// Some("") clears the leader.
    pub leader: Option<String>,
    pub lead_unit: Option<String>,
}

impl Db {
    /// Sets who answers for `code`, in one logged transaction; returns the project as saved.
    pub fn set_responsibility(
        &mut self,
        code: &str,
        change: &Responsibility,
        stamp: &Stamp,
    ) -> Result<Project> {
        self.write_tx(|tx| {
            let before = find_project(tx, code)?;
            let mut after = before.clone();
            if let Some(leader) = &change.leader {
                let leader = leader.trim();
                after.leader = (!leader.is_empty()).then(|| leader.to_owned());
            }
            if let Some(unit) = &change.lead_unit {
                unit.trim().clone_into(&mut after.lead_unit);
            }
            tx.execute(
                "UPDATE projects SET leader = ?1, lead_unit = ?2 WHERE id = ?3",
                params![after.leader, after.lead_unit, after.id],
            )?;
            record(
                tx,
                stamp,
                "projects",
                before.id.0,
                Some(&before),
                Some(&after),
            )?;
            Ok(after)
        })
    }

    /// The leaders named in the portfolio, in the order of their first project's code.
    pub fn leaders(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT leader FROM projects WHERE leader IS NOT NULL \
             GROUP BY leader ORDER BY min(code)",
        )?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
