//! Any bytes: the MSPDI reader and the conversion to days return an error or a value, never
//! panic or hang.
#![no_main]

use keyworks_core::model::{Category, Stage};
use keyworks_interchange::mspdi::{self, ImportOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(file) = mspdi::parse(data) {
        let options = ImportOptions {
            code: "FUZZ".into(),
            name: None,
            category: Category::Services,
            stage: Stage::NewStart,
            today: chrono::NaiveDate::MIN,
        };
        let _ = mspdi::to_project_import(&file, &options);
    }
});
