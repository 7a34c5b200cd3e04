//! The CLI's arm64 Linux build (aarch64-unknown-linux-gnu, `scripts/build-arm64-cli.sh`), as
//! UOS and Kylin run it on Kunpeng and Phytium desktops, run here under qemu-user on its main
//! path — init, projects, report weekly, verify — and compared with this amd64 build on the
//! same input: the same JSON and the same report content hash (the one in the report's footer).
//!
//! `KEYWORKS_ARM64_CLI` names the binary; scripts/test.sh builds it and sets it. Without it the
//! test says so and passes only outside CI: under `CI=true` it fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

mod common;
use common::{other_build, report_hash};

const AMD64_BIN: &str = env!("CARGO_BIN_EXE_keyworks");

/// Runs one of the two builds on `db` as the same person, at the same time zone.
fn run(arm64: Option<&Path>, db: &Path, args: &[&str]) -> Output {
    let mut c = match arm64 {
        // qemu-user runs the arm64 program with Debian's arm64 C library as its root.
        Some(bin) => {
            let mut c = Command::new("qemu-aarch64-static");
            c.args(["-L", "/usr/aarch64-linux-gnu"]).arg(bin);
            c
        }
        None => Command::new(AMD64_BIN),
    };
    let out = c
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("KEYWORKS_DB")
        .env("KEYWORKS_AUTHOR", "王工")
        .env("TZ", "Asia/Shanghai")
        .output()
        .expect("qemu-user-static is installed (scripts/build-arm64-cli.sh installs it)");
    assert!(
        out.status.success(),
        "{} {args:?}: {}",
        if arm64.is_some() { "arm64" } else { "amd64" },
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn the_arm64_build_runs_the_main_path_and_agrees_with_amd64() {
    let Some(bin) = other_build("KEYWORKS_ARM64_CLI", "scripts/build-arm64-cli.sh") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut results = Vec::new();
    for arm64 in [Some(bin.as_path()), None] {
        let folder = dir
            .path()
            .join(if arm64.is_some() { "arm64" } else { "amd64" });
        std::fs::create_dir_all(&folder).unwrap();
        let db = folder.join("重点 项目.sqlite");
        run(arm64, &db, &["init"]);
        let projects: Value = serde_json::from_slice(
            &run(arm64, &db, &["projects", "--as-of", "2021-06-11", "--json"]).stdout,
        )
        .unwrap();
        let pdf = folder.join("周报.pdf");
        run(
            arm64,
            &db,
            &[
                "report",
                "weekly",
                "--week",
                "2021-W23",
                "--out",
                pdf.to_str().unwrap(),
            ],
        );
        let verify = String::from_utf8(run(arm64, &db, &["verify"]).stdout).unwrap();
        assert!(verify.contains("校验通过"), "{verify}");
        results.push((projects, report_hash(&pdf)));
    }
    let (arm, amd) = (&results[0], &results[1]);
    assert_eq!(arm.0, amd.0, "projects --json differs");
    assert_eq!(arm.0["projects"].as_array().map(Vec::len), Some(15));
    assert_eq!(arm.1.len(), 64, "a SHA-256 in the footer: {}", arm.1);
    assert_eq!(arm.1, amd.1, "the report's content hash differs");
}
