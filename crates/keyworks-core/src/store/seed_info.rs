//! Facts about the embedded seed that user interfaces show, such as the date its data describe.

use chrono::NaiveDate;
use rusqlite::OptionalExtension;

use crate::error::{Error, Result};
use crate::store::db::Db;
use crate::store::seed::{SEED_AUTHOR, seed_file};

/// The day the seeded portfolio's progress describes (2021-06-11): the natural "as of" date
/// for looking at a freshly seeded file, whose milestones would all look late today.
pub fn seed_as_of() -> Result<NaiveDate> {
    let as_of = seed_file()?.portfolio.as_of;
    as_of
        .date
        .and_then(|d| {
            NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
        })
        .ok_or_else(|| Error::Seed(format!("portfolio.as_of: {as_of} is not a date")))
}

impl Db {
    /// The date the sample describes when this file is the embedded sample portfolio (it was
    /// created from the seed, as the first launch and `keyworks init` do): the app then opens
    /// it as of that date, where its 2021 milestones are not all years late. None for any
    /// other file, such as one made by File → New or an import.
    pub fn sample_as_of(&self) -> Result<Option<NaiveDate>> {
        let creator: Option<String> = self
            .conn()
            .query_row(
                "SELECT author FROM change_log WHERE table_name = 'portfolio' AND op = 'insert' \
                 ORDER BY id LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?;
        match creator {
            Some(author) if author == SEED_AUTHOR => Ok(Some(seed_as_of()?)),
            _ => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::Stamp;

    #[test]
    fn only_a_file_made_from_the_seed_is_the_sample() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-12-02T09:00:00+08:00").unwrap();
        let mut sample = Db::open_in_memory().unwrap();
        sample
            .load_seed(&Stamp::new(SEED_AUTHOR, at).unwrap())
            .unwrap();
        assert_eq!(
            sample.sample_as_of().unwrap(),
            NaiveDate::from_ymd_opt(2021, 6, 11)
        );
        let mut other = Db::open_in_memory().unwrap();
        other.load_seed(&Stamp::new("王工", at).unwrap()).unwrap();
        assert_eq!(other.sample_as_of().unwrap(), None);
        let empty = Db::open_in_memory().unwrap();
        assert_eq!(empty.sample_as_of().unwrap(), None);
    }

    #[test]
    fn the_seed_describes_friday_11_june_2021() {
        assert_eq!(seed_as_of().ok(), NaiveDate::from_ymd_opt(2021, 6, 11));
    }
}
