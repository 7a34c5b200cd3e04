//! Writes the seeded portfolio's exports — 重点项目.xlsx, the three CSV tables and
//! 里程碑.ics — into a folder, for opening by hand in Excel and Outlook:
//! `cargo run -p keyworks-interchange --example seed_exports -- OUT_DIR [en]`.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use keyworks_core::{Db, Error, Stamp};
use keyworks_interchange::csv_export::csv_bytes;
use keyworks_interchange::ical::{IcsRequest, calendar_text};
use keyworks_interchange::tabular::{Lang, Scope, TableKind, gather, milestones_of};
use keyworks_interchange::xlsx::workbook_bytes;

fn main() -> Result<(), Error> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| ".".to_owned()));
    let lang = match args.next().as_deref() {
        Some("en") => Lang::En,
        _ => Lang::Zh,
    };
    let at = DateTime::parse_from_rfc3339("2021-06-11T18:00:00+08:00")
        .map_err(|e| Error::Internal(e.to_string()))?;
    let mut db = Db::open_in_memory()?;
    db.load_seed(&Stamp::new(keyworks_core::store::seed::SEED_AUTHOR, at)?)?;
    let as_of = keyworks_core::store::seed_info::seed_as_of()?;
    let tables = gather(&db, &Scope::Portfolio, as_of, lang)?;
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.join(name);
        std::fs::write(&path, bytes).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        println!("{}", path.display());
        Ok::<(), Error>(())
    };
    write(
        "重点项目.xlsx",
        &workbook_bytes(&tables, lang, at.with_timezone(&Utc))?,
    )?;
    for (kind, name) in [
        (TableKind::Projects, "项目.csv"),
        (TableKind::Milestones, "里程碑.csv"),
        (TableKind::Updates, "周报.csv"),
    ] {
        write(name, &csv_bytes(tables.get(kind), lang)?)?;
    }
    let milestones = milestones_of(&db, &Scope::Portfolio, as_of)?;
    let request = IcsRequest {
        dtstamp: at.with_timezone(&Utc),
        calendar_name: format!("{} 里程碑", db.portfolio()?.name),
        lang,
    };
    write(
        "里程碑.ics",
        calendar_text(&milestones, &request).as_bytes(),
    )
}
