//! Any bytes through the whole import into an in-memory database: an error or a project that
//! `verify` accepts, never a panic.
#![no_main]

use std::ops::ControlFlow;

use keyworks_core::model::{Category, Stage};
use keyworks_core::{Db, Stamp};
use keyworks_interchange::mspdi::{self, ImportOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(mut db) = Db::open_in_memory() else {
        return;
    };
    let Ok(at) = chrono::DateTime::parse_from_rfc3339("2021-06-11T09:30:00+08:00") else {
        return;
    };
    let Ok(stamp) = Stamp::new("fuzz", at) else {
        return;
    };
    let options = ImportOptions {
        code: "FUZZ".into(),
        name: None,
        category: Category::Services,
        stage: Stage::NewStart,
        today: at.date_naive(),
    };
    if mspdi::import_bytes(&mut db, data, &options, &stamp, &mut |_| {
        ControlFlow::Continue(())
    })
    .is_ok()
    {
        assert!(db.verify().map(|r| r.is_ok()).unwrap_or(false));
    }
});
