//! Facts about the embedded seed that user interfaces show, such as the date its data describe.

use chrono::NaiveDate;

use crate::error::{Error, Result};
use crate::seed::seed_file;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_describes_friday_11_june_2021() {
        assert_eq!(seed_as_of().ok(), NaiveDate::from_ymd_opt(2021, 6, 11));
    }
}
