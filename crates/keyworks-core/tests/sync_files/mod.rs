//! What the sync tests share: a file's portfolio as text, to hold two files equal.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::path::Path;

use keyworks_core::audit::verify::LOGGED_TABLES;
use rusqlite::Connection;

/// Every logged table's rows in id order, as text: two files hold the same portfolio when
/// their dumps are equal.
pub fn dump(path: &Path) -> String {
    let conn = Connection::open(path).unwrap();
    let mut out = String::new();
    for table in LOGGED_TABLES {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {table} ORDER BY id"))
            .unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            out.push_str(table);
            for i in 0..n {
                let v: rusqlite::types::Value = r.get(i).unwrap();
                out.push_str(&format!("|{v:?}"));
            }
            out.push('\n');
        }
    }
    out
}
