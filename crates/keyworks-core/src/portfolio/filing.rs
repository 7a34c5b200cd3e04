//! Filing a weekly update, the officer's weekly task, as one write: the update itself, the
//! problems its 问题与风险 enter in the ledger when asked, and the site photos that go with it.
//! Everything is checked first; then one transaction writes it all, or nothing.

use serde::Serialize;

use crate::audit::change_log::Stamp;
use crate::error::Result;
use crate::model::{Photo, Problem, WeeklyUpdate};
use crate::portfolio::photo_file::PreparedPhoto;
use crate::portfolio::photos::insert_photo;
use crate::portfolio::updates::{UpdateInput, insert_update};
use crate::store::db::Db;
use crate::supervision::problems::{RaiseProblems, enter_new_problems, problems_from_update};

/// A weekly update with what goes with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Filing {
    pub input: UpdateInput,
    /// Also enter each item of `input.issues` in the problem ledger, as this says.
    pub raise: Option<RaiseProblems>,
    /// Photos already read and made ready (`photo_file::prepare_photo`).
    pub photos: Vec<PreparedPhoto>,
}

/// A weekly update as filed, with the problems and photos it added.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Filed {
    pub update: WeeklyUpdate,
    /// New ledger items; an item already open in the ledger is not among them.
    pub problems: Vec<Problem>,
    /// Photos attached; one the update already had is not among them.
    pub photos: Vec<Photo>,
}

impl Db {
    /// Files project `code`'s weekly update with its problems and photos, in one transaction.
    pub fn file_update(&mut self, code: &str, filing: &Filing, stamp: &Stamp) -> Result<Filed> {
        let news = match &filing.raise {
            Some(raise) => problems_from_update(&filing.input, raise, stamp.at().date_naive())?,
            None => Vec::new(),
        };
        let project = self.project_by_code(code)?;
        self.write_tx(|tx| {
            let update = insert_update(tx, stamp, stamp, &project, &filing.input)?;
            let problems = enter_new_problems(tx, project.id, &news, stamp)?;
            let mut photos = Vec::new();
            for p in &filing.photos {
                photos.extend(insert_photo(tx, update.id, p, stamp)?);
            }
            Ok(Filed {
                update,
                problems,
                photos,
            })
        })
    }
}
