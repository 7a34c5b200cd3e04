//! Site photos from the command line: `update --photo` (repeatable) on camera JPEGs, a bad file
//! refused with the update not filed, `photos --out` at the stored size, the weekly PDF holding
//! one image per project that has photos (read back with poppler's `pdfimages -list`), and a
//! photo's bytes carried through a PostgreSQL hub to a replica made from it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../keyworks-core/benches/support/camera.rs"]
mod camera;

use std::path::Path;
use std::process::Command;

use predicates::prelude::*;

mod common;
use common::{as_person, keyworks, pg, seeded, verifies};

fn write_photo(dir: &Path, name: &str, seed: u32) -> std::path::PathBuf {
    let picture = camera::scene(3000, 2000, seed);
    let jpeg = camera::camera_jpeg(&picture, Some(camera::exif_block("2021:06:17 10:02:00", 1)));
    let path = dir.join(name);
    std::fs::write(&path, jpeg).unwrap();
    path
}

fn update_with(db: &Path, code: &str, photos: &[&Path]) -> assert_cmd::assert::Assert {
    let mut c = as_person(db, "王工");
    c.args([
        "update",
        code,
        "--week",
        "2021-W24",
        "--percent",
        "66",
        "--status",
        "绿",
        "--narrative",
        "二批设备进场",
    ]);
    for p in photos {
        c.arg("--photo").arg(p);
    }
    c.assert()
}

/// The page of each image `pdfimages -list` lists; None when poppler is missing outside CI.
fn pdfimages_pages(pdf: &Path) -> Option<Vec<u32>> {
    let out = Command::new("pdfimages").arg("-list").arg(pdf).output();
    let Ok(out) = out else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "poppler-utils (pdfimages) must be installed in CI"
        );
        eprintln!("skipped: poppler-utils not installed");
        return None;
    };
    Some(
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .skip(2)
            .filter_map(|l| l.split_whitespace().next()?.parse().ok())
            .collect(),
    )
}

#[test]
fn photos_attach_export_and_appear_once_per_project_in_the_weekly_pdf() {
    let (dir, db) = seeded();
    let a = write_photo(dir.path(), "东侧 塔吊.jpg", 1);
    let b = write_photo(dir.path(), "IMG_0002.JPG", 2);
    let c = write_photo(dir.path(), "IMG_0003.JPG", 3);
    update_with(&db, "KP21-01", &[&a, &b]).success().stdout(
        predicate::str::contains("附照片 东侧 塔吊.jpg：1600×1067")
            .and(predicate::str::contains("摄于 2021-06-17 10:02")),
    );
    update_with(&db, "KP21-03", &[&c]).success();

    // A PDF named .jpg: refused, naming the file, and the week's update not filed.
    let fake = dir.path().join("现场.jpg");
    std::fs::write(&fake, b"%PDF-1.7\n%\xe2\xe3\n").unwrap();
    update_with(&db, "KP21-05", &[&fake])
        .failure()
        .stderr(predicate::str::contains("现场.jpg").and(predicate::str::contains("PDF")));
    keyworks(&db)
        .args(["show", "KP21-05", "--json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("2021-W24").not());

    let out = dir.path().join("照片导出");
    keyworks(&db)
        .args(["photos", "KP21-01", "--week", "2021-W24", "--out"])
        .arg(&out)
        .assert()
        .success();
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "KP21-01-2021-W24-01-东侧 塔吊.jpg",
            "KP21-01-2021-W24-02-IMG_0002.jpg"
        ]
    );
    let exported = std::fs::read(out.join(&names[0])).unwrap();
    assert!(exported.len() <= 300 * 1024);
    assert_eq!(image::load_from_memory(&exported).unwrap().width(), 1600);

    let pdf = dir.path().join("周报.pdf");
    keyworks(&db)
        .args(["report", "weekly", "--week", "2021-W24", "--out"])
        .arg(&pdf)
        .assert()
        .success();
    if let Some(pages) = pdfimages_pages(&pdf) {
        // Two projects have photos: one image each (the latest), on their sections' pages.
        assert_eq!(pages.len(), 2, "{pages:?}");
    }
    verifies(&db);
}

#[test]
fn a_photo_reaches_a_replica_made_from_a_server_hub() {
    let dir = tempfile::tempdir().unwrap();
    let shared = dir.path().join("共享.sqlite");
    keyworks(&shared).arg("init").assert().success();
    let server = pg::server();
    let database = server.fresh_database("photos");
    let url = server.socket_url(&database);
    keyworks(&shared)
        .args(["hub", "init", "--url", &url, "--from"])
        .arg(&shared)
        .assert()
        .success();
    let wang = dir.path().join("王工.sqlite");
    keyworks(&wang)
        .args(["replica", "create", "--from", &url, "--out"])
        .arg(&wang)
        .assert()
        .success();
    let photo = write_photo(dir.path(), "IMG_0777.JPG", 7);
    update_with(&wang, "KP21-02", &[&photo]).success();
    keyworks(&wang).arg("sync").assert().success();

    let liu = dir.path().join("刘工.sqlite");
    keyworks(&liu)
        .args(["replica", "create", "--from", &url, "--out"])
        .arg(&liu)
        .assert()
        .success();
    let export = |db: &Path, to: &str| {
        let out = dir.path().join(to);
        keyworks(db)
            .args(["photos", "KP21-02", "--out"])
            .arg(&out)
            .assert()
            .success();
        std::fs::read(out.join("KP21-02-2021-W24-01-IMG_0777.jpg")).unwrap()
    };
    assert_eq!(export(&liu, "刘"), export(&wang, "王"));
    let mut client = pg::client(&url);
    let n: i64 = client
        .query_one("SELECT count(*) FROM photo_files", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 1);
    verifies(&liu);
}
