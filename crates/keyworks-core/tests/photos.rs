//! Site photos end to end in the core: camera JPEGs (turned upright by their EXIF orientation,
//! their date kept), PNGs, and what is not a photo refused with nothing written; the file grows
//! by at most 300 KB a photo; the bytes are checked by verify, exported at their stored size,
//! and carried by sync both ways between replicas and the shared file.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../benches/support/camera.rs"]
mod camera;

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate};
use exif::{In, Tag};
use keyworks_core::model::Status;
use keyworks_core::portfolio::filing::Filing;
use keyworks_core::portfolio::photo_file::{
    LONG_SIDE, MAX_STORED_BYTES, PreparedPhoto, prepare_photo, sha256_hex,
};
use keyworks_core::portfolio::updates::{IfReported, UpdateInput};
use keyworks_core::sync::Decisions;
use keyworks_core::week::IsoWeek;
use keyworks_core::{Access, Db, Stamp};

fn person(name: &str) -> Stamp {
    Stamp::new(
        name,
        DateTime::parse_from_rfc3339("2021-06-18T17:00:00+08:00").unwrap(),
    )
    .unwrap()
}

fn w24() -> IsoWeek {
    IsoWeek::containing(NaiveDate::from_ymd_opt(2021, 6, 18).unwrap())
}

fn update(narrative: &str) -> UpdateInput {
    UpdateInput {
        week: w24(),
        percent_complete: 65.0,
        status: Status::Green,
        narrative: narrative.into(),
        issues: String::new(),
        next_steps: String::new(),
        if_reported: IfReported::ReplaceAny,
    }
}

/// A 4000 × 3000 phone photo held sideways (EXIF orientation 6: turn 90° clockwise).
fn sideways_phone_photo(seed: u32) -> Vec<u8> {
    let picture = camera::scene(4000, 3000, seed);
    camera::camera_jpeg(&picture, Some(camera::exif_block("2021:06:17 09:41:05", 6)))
}

fn file_with(photos: Vec<PreparedPhoto>, db: &mut Db, code: &str) {
    let filing = Filing {
        input: update("二批设备进场"),
        raise: None,
        photos,
    };
    db.file_update(code, &filing, &person("王工")).unwrap();
}

fn seeded_file(dir: &Path) -> PathBuf {
    let path = dir.join("共享.sqlite");
    drop(Db::create_seeded(&path, &person("种子")).unwrap());
    path
}

#[test]
fn a_sideways_camera_jpeg_is_stored_upright_small_with_its_date() {
    let p = prepare_photo("DCIM/IMG_0412.JPG", &sideways_phone_photo(1)).unwrap();
    assert_eq!(p.file_name, "IMG_0412.JPG");
    // Upright: the long side is now the height, brought down to 1,600 px.
    assert_eq!((p.width, p.height), (1200, LONG_SIDE));
    assert_eq!(p.orientation, 6);
    assert_eq!(
        p.taken_at.unwrap().to_string(),
        "2021-06-17 09:41:05",
        "the EXIF date is kept"
    );
    assert!(p.jpeg.len() + p.thumbnail.len() <= MAX_STORED_BYTES);
    assert_eq!(p.sha256, sha256_hex(&p.jpeg));
    // The stored JPEG reads back at its size, and its own EXIF keeps the date and says upright.
    let back = image::load_from_memory(&p.jpeg).unwrap();
    assert_eq!((back.width(), back.height()), (1200, 1600));
    let exif = exif::Reader::new()
        .read_from_container(&mut std::io::Cursor::new(&p.jpeg))
        .unwrap();
    let date = exif.get_field(Tag::DateTimeOriginal, In::PRIMARY).unwrap();
    assert_eq!(date.display_value().to_string(), "2021-06-17 09:41:05");
    let turn = exif.get_field(Tag::Orientation, In::PRIMARY).unwrap();
    assert_eq!(turn.value.get_uint(0), Some(1));
    let thumb = image::load_from_memory(&p.thumbnail).unwrap();
    assert_eq!(thumb.height(), 240);
}

#[test]
fn a_png_screenshot_is_taken_and_a_small_photo_keeps_its_size() {
    let picture = camera::scene(2000, 1000, 2);
    let mut png = Vec::new();
    picture
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let p = prepare_photo("平面图.png", &png).unwrap();
    assert_eq!((p.width, p.height), (1600, 800));
    assert_eq!(p.taken_at, None);
    assert_eq!(&p.jpeg[..2], &[0xFF, 0xD8], "stored as JPEG");

    let small = camera::camera_jpeg(&camera::scene(800, 600, 3), None);
    let p = prepare_photo("small.jpg", &small).unwrap();
    assert_eq!((p.width, p.height), (800, 600), "never enlarged");
}

#[test]
fn what_is_not_a_photo_is_refused_with_what_it_is_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = seeded_file(dir.path());
    let size = || std::fs::metadata(&path).unwrap().len();
    let before = size();

    let good = sideways_phone_photo(4);
    // An iPhone HEIC photo renamed .jpg: its ISO-BMFF header says what it is.
    let mut heic = b"\0\0\0\x24ftypheic\0\0\0\0mif1MiHEmiafheic\0\0\0\0".to_vec();
    heic.extend_from_slice(&[0u8; 512]);
    // A PDF renamed .jpg.
    let pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n".to_vec();
    // A JPEG cut short in copying.
    let truncated = good[..good.len() * 3 / 5].to_vec();
    // A "decompression bomb": a 1-pixel JPEG whose header claims 30,000 × 30,000.
    let mut bomb = camera::camera_jpeg(&camera::scene(1, 1, 5), None);
    let sof = bomb.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    bomb[sof + 5..sof + 9].copy_from_slice(&[0x75, 0x30, 0x75, 0x30]);

    for (name, bytes, says) in [
        ("IMG_0001.jpg", heic, "HEIC"),
        ("现场.jpg", pdf, "PDF"),
        ("IMG_0002.jpg", truncated, "不完整"),
        ("bomb.jpg", bomb, "尺寸"),
        ("空.jpg", Vec::new(), "空"),
    ] {
        let e = prepare_photo(name, &bytes).unwrap_err();
        let text = e.to_string();
        assert!(text.contains(name) && text.contains(says), "{name}: {text}");
        assert_eq!(e.code(), keyworks_core::ErrorCode::InvalidInput);
    }
    assert_eq!(size(), before, "nothing written");
}

#[test]
fn the_file_grows_by_at_most_300_kb_a_photo_and_verify_checks_the_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let path = seeded_file(dir.path());
    let mut db = Db::open_checked(&path, Access::ReadWrite).unwrap();
    let before = std::fs::metadata(&path).unwrap().len();
    let photos: Vec<PreparedPhoto> = (10..13)
        .map(|seed| prepare_photo(&format!("IMG_{seed}.JPG"), &sideways_phone_photo(seed)).unwrap())
        .collect();
    file_with(photos.clone(), &mut db, "KP21-01");
    let grown = std::fs::metadata(&path).unwrap().len() - before;
    assert!(
        grown <= 3 * 300 * 1024,
        "three photos grew the file by {grown} bytes"
    );
    // Attaching the same photos again to the same update adds nothing.
    file_with(photos.clone(), &mut db, "KP21-01");
    assert_eq!(db.photos_of("KP21-01").unwrap().len(), 3);
    assert!(db.verify().unwrap().is_ok());

    // Exported at their stored size, byte for byte.
    let out = dir.path().join("导出");
    let written = db.export_photos("KP21-01", Some(w24()), &out).unwrap();
    assert_eq!(written.len(), 3);
    assert!(
        written[0]
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("KP21-01-2021-W24-01-IMG_10")
    );
    assert_eq!(std::fs::read(&written[0]).unwrap(), photos[0].jpeg);

    // A picture swapped behind KeyWorks' back is found.
    drop(db);
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute(
        "UPDATE photo_files SET jpeg = ?1 WHERE sha256 = ?2",
        rusqlite::params![photos[1].thumbnail, photos[1].sha256],
    )
    .unwrap();
    drop(raw);
    let db = Db::open_checked(&path, Access::ReadOnly).unwrap();
    let report = db.verify().unwrap();
    assert_eq!(report.findings.len(), 1, "{:?}", report.findings);
    assert!(
        report.findings[0]
            .to_string()
            .contains(&photos[1].sha256[..12]),
        "{}",
        report.findings[0]
    );
}

/// Undo takes a filed update's photo off again, as one edit with the update; the file still
/// verifies (the bytes stay, keyed by their hash, for a later attach of the same picture).
#[test]
fn undo_takes_the_photo_off_with_its_update() {
    let mut db = Db::open_in_memory().unwrap();
    db.load_seed(&person("种子")).unwrap();
    let photo = prepare_photo("IMG_0600.JPG", &sideways_phone_photo(30)).unwrap();
    file_with(vec![photo], &mut db, "KP21-06");
    assert_eq!(db.photos_of("KP21-06").unwrap().len(), 1);
    db.undo_last_edit(&person("王工")).unwrap();
    assert!(db.photos_of("KP21-06").unwrap().is_empty());
    assert!(
        !db.updates_of("KP21-06")
            .unwrap()
            .iter()
            .any(|u| u.iso_week == w24())
    );
    assert!(db.verify().unwrap().is_ok());
}

/// The report's photo of a project is the first of its latest update with photos up to the
/// report's week; a project without photos has none.
#[test]
fn the_latest_photo_is_the_first_of_the_latest_week_with_photos() {
    let mut db = Db::open_in_memory().unwrap();
    db.load_seed(&person("种子")).unwrap();
    let small = |seed| {
        let jpeg = camera::camera_jpeg(&camera::scene(320, 240, seed), None);
        prepare_photo(&format!("IMG_{seed}.JPG"), &jpeg).unwrap()
    };
    let w23 = IsoWeek::containing(NaiveDate::from_ymd_opt(2021, 6, 11).unwrap());
    for (week, seeds) in [(w23, [40, 41]), (w24(), [42, 43])] {
        let filing = Filing {
            input: UpdateInput {
                week,
                ..update("二批设备进场")
            },
            raise: None,
            photos: seeds.into_iter().map(small).collect(),
        };
        db.file_update("KP21-01", &filing, &person("王工")).unwrap();
    }
    let kp01 = db.project_by_code("KP21-01").unwrap().id;
    let latest = db.latest_photos(w24()).unwrap();
    assert_eq!(latest.len(), 1, "only KP21-01 has photos");
    assert_eq!(latest[&kp01].photo.file_name, "IMG_42.JPG");
    assert_eq!(latest[&kp01].jpeg, small(42).jpeg);
    assert_eq!(
        db.latest_photos(w23).unwrap()[&kp01].photo.file_name,
        "IMG_40.JPG"
    );
}

/// A photo taken on one laptop reaches the shared file and, from it, another laptop, bytes and
/// all; each file still verifies.
#[test]
fn photos_travel_from_a_replica_through_the_shared_file_to_another_replica() {
    let dir = tempfile::tempdir().unwrap();
    let hub = seeded_file(dir.path());
    let make = |name: &str, who: &str| {
        let mut h = Db::open_checked(&hub, Access::ReadWrite).unwrap();
        let out = dir.path().join(name);
        h.create_replica(&out, name, &person(who)).unwrap();
        out
    };
    let wang_path = make("王工.sqlite", "王工");
    let liu_path = make("刘工.sqlite", "刘工");
    let photo = prepare_photo("IMG_0501.JPG", &sideways_phone_photo(21)).unwrap();

    let mut wang = Db::open_checked(&wang_path, Access::ReadWrite).unwrap();
    file_with(vec![photo.clone()], &mut wang, "KP21-02");
    wang.sync_with_file(&hub, &Decisions::default(), &person("王工"))
        .unwrap();
    let mut liu = Db::open_checked(&liu_path, Access::ReadWrite).unwrap();
    liu.sync_with_file(&hub, &Decisions::default(), &person("刘工"))
        .unwrap();

    for path in [&hub, &liu_path] {
        let db = Db::open_checked(path, Access::ReadOnly).unwrap();
        let stored = db.stored_photos("KP21-02", Some(w24())).unwrap();
        assert_eq!(stored.len(), 1, "{}", path.display());
        assert_eq!(stored[0].jpeg, photo.jpeg, "{}", path.display());
        assert!(db.verify().unwrap().is_ok(), "{}", path.display());
    }
}
