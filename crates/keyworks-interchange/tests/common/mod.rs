//! The seeded 2021 portfolio, as the tabular and calendar tests read it.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, FixedOffset, NaiveDate};
use keyworks_core::{Db, Stamp};

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// The seed's data date, Friday 2021-06-11.
pub fn as_of() -> NaiveDate {
    keyworks_core::store::seed_info::seed_as_of().unwrap()
}

pub fn at(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(text).unwrap()
}

/// An officer working on Monday 2021-06-21, after the seed's week.
pub fn officer() -> Stamp {
    Stamp::new("李工", at("2021-06-21T09:30:00+08:00")).unwrap()
}

pub fn seeded() -> Db {
    let mut db = Db::open_in_memory().unwrap();
    db.load_seed(
        &Stamp::new(
            keyworks_core::store::seed::SEED_AUTHOR,
            at("2021-06-11T18:00:00+08:00"),
        )
        .unwrap(),
    )
    .unwrap();
    db
}

pub fn change_log_len(db: &Db) -> usize {
    db.change_log(usize::MAX).unwrap().len()
}

/// Who imports in the MSPDI tests, on the seed's Friday.
pub fn importer() -> Stamp {
    Stamp::new("导入测试", at("2021-06-11T09:30:00+08:00")).unwrap()
}

/// Options for importing a file as the new project `code`, on 2021-06-11.
pub fn import_options(
    code: &str,
    category: keyworks_core::model::Category,
    stage: keyworks_core::model::Stage,
) -> keyworks_interchange::mspdi::ImportOptions {
    keyworks_interchange::mspdi::ImportOptions {
        code: code.to_owned(),
        name: None,
        category,
        stage,
        today: d(2021, 6, 11),
    }
}
