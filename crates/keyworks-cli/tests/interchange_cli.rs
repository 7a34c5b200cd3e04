//! `keyworks import FILE.xml [--as CODE]` and `keyworks export CODE --format mspdi --out FILE`
//! on temporary files and the shared MSPDI test files.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use predicates::prelude::*;

mod common;
use common::{keyworks, seeded, sha256};

fn mspdi_file(name: &str) -> Option<PathBuf> {
    let path = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/testdata/mspdi"
    ))
    .join(name);
    if path.is_file() {
        return Some(path);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{} is missing: CI must have shared/ beside the clone",
        path.display()
    );
    eprintln!("skipped: {} is missing", path.display());
    None
}

#[test]
fn import_then_export_then_import_again() {
    let Some(file) = mspdi_file("mpxj-scheduled-china2021-400.xml") else {
        return;
    };
    let (dir, db) = seeded();
    keyworks(&db)
        .args(["import"])
        .arg(&file)
        .args(["--as", "CN400"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "任务 400 个（其中里程碑 20 个），依赖 600 条",
        ));
    let out = dir.path().join("cn400.xml");
    keyworks(&db)
        .args(["export", "CN400", "--format", "mspdi", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("400 个任务"));
    let xml = std::fs::read_to_string(&out).unwrap();
    assert!(xml.contains("<Project xmlns=\"http://schemas.microsoft.com/project\">"));
    keyworks(&db)
        .arg("import")
        .arg(&out)
        .args(["--as", "CN400B"])
        .assert()
        .success()
        .stdout(predicate::str::contains("依赖 600 条"));
    keyworks(&db).arg("verify").assert().success();
    // The imported project is a project like any other.
    keyworks(&db)
        .args(["schedule", "CN400B"])
        .assert()
        .success();
}

#[test]
fn the_default_code_is_the_file_name_and_a_taken_code_changes_nothing() {
    let Some(file) = mspdi_file("mpxj-mspdirelations.xml") else {
        return;
    };
    let (_dir, db) = seeded();
    keyworks(&db)
        .arg("import")
        .arg(&file)
        .assert()
        .success()
        .stdout(predicate::str::contains("mpxj-mspdirelations"));
    let before = sha256(&db);
    keyworks(&db)
        .arg("import")
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("mpxj-mspdirelations"));
    assert_eq!(sha256(&db), before);
}

#[test]
fn malformed_and_hostile_files_are_refused_with_line_and_column() {
    let (dir, db) = seeded();
    let before = sha256(&db);
    let bad = dir.path().join("bad.xml");
    std::fs::write(
        &bad,
        "<?xml version=\"1.0\"?>\n<Project>\n<Tasks>\n<Task><UID>1</Tsk>\n</Tasks></Project>",
    )
    .unwrap();
    keyworks(&db)
        .arg("import")
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("第 4 行"));
    let evil = dir.path().join("evil.xml");
    std::fs::write(
        &evil,
        "<?xml version=\"1.0\"?>\n<!DOCTYPE Project [<!ENTITY a \"aaaa\">]>\n<Project><Name>&a;</Name></Project>",
    )
    .unwrap();
    keyworks(&db)
        .arg("import")
        .arg(&evil)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("DOCTYPE"));
    keyworks(&db)
        .arg("import")
        .arg(dir.path().join("missing.xml"))
        .assert()
        .code(3);
    assert_eq!(sha256(&db), before);
}

#[test]
fn export_checks_its_arguments() {
    let (dir, db) = seeded();
    keyworks(&db)
        .args(["export", "--all", "--format", "mspdi"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("只含一个项目"));
    keyworks(&db)
        .args(["export", "--format", "mspdi"])
        .assert()
        .code(2);
    keyworks(&db)
        .args(["export", "NOPE", "--format", "mspdi"])
        .assert()
        .code(3);
    // A seeded project exports with the China calendar it counts on.
    let out = dir.path().join("kp.xml");
    keyworks(&db)
        .args(["export", "KP21-01", "--format", "mspdi", "--out"])
        .arg(&out)
        .assert()
        .success();
    let xml = std::fs::read_to_string(&out).unwrap();
    assert!(xml.contains("<Exceptions>"), "{}", &xml[..400]);
}

/// A large import draws its progress line only on a terminal: into a file or a pipe (as here,
/// where the test captures stderr) it writes nothing but its result.
#[test]
fn a_large_import_writes_no_progress_lines_into_a_pipe() {
    let (dir, db) = seeded();
    let (xml, shape) = keyworks_interchange::mspdi::synthetic::generate(12_000);
    let file = dir.path().join("大计划.xml");
    std::fs::write(&file, xml).unwrap();
    let out = keyworks(&db).arg("import").arg(&file).assert().success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        !stderr.contains("写入"),
        "progress went into a pipe: {stderr:?}"
    );
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        stdout.contains(&format!("任务 {} 个", shape.tasks)),
        "{stdout}"
    );
}
