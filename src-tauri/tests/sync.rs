//! The replica's commands in the app (mock runtime): the top bar's state, a sync that meets a
//! conflict and changes nothing, the same sync with the merge dialog's decisions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use chrono::{DateTime, FixedOffset};
use keyworks_core::audit::history::{HistoryQuery, Lang};
use keyworks_core::model::Status;
use keyworks_core::portfolio::updates::{IfReported, UpdateInput};
use keyworks_core::week::IsoWeek;
use keyworks_core::{Access, Db, Stamp};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

mod common;
use common::{invoke, launch};

fn person(name: &str) -> Stamp {
    Stamp::new(
        name,
        DateTime::parse_from_rfc3339("2021-06-18T17:00:00+08:00").unwrap(),
    )
    .unwrap()
}

fn update(db: &Path, who: &str, narrative: &str) {
    Db::open_checked(db, Access::ReadWrite)
        .unwrap()
        .record_update(
            "KP21-01",
            &UpdateInput {
                week: IsoWeek::new(2021, 24).unwrap(),
                percent_complete: 40.0,
                status: Status::Green,
                narrative: narrative.into(),
                issues: String::new(),
                next_steps: String::new(),
                if_reported: IfReported::Refuse,
            },
            &person(who),
        )
        .unwrap();
}

fn sha(path: &Path) -> Vec<u8> {
    Sha256::digest(std::fs::read(path).unwrap()).to_vec()
}

#[test]
fn a_replica_syncs_from_the_window_and_a_conflict_waits_for_the_merge_dialog() {
    let dir = tempfile::tempdir().unwrap();
    let hub = dir.path().join("共享.sqlite");
    drop(Db::create_seeded(&hub, &person("种子")).unwrap());
    let mine = dir.path().join("刘工.sqlite");
    let other = dir.path().join("王工.sqlite");
    for out in [&mine, &other] {
        Db::open_checked(&hub, Access::ReadWrite)
            .unwrap()
            .create_replica(out, "x", &person("经理"))
            .unwrap();
    }
    update(&other, "王工", "王工：主体封顶");
    Db::open_checked(&other, Access::ReadWrite)
        .unwrap()
        .sync(&keyworks_core::sync::Decisions::default(), &person("王工"))
        .unwrap();
    update(&mine, "刘工", "刘工：外墙施工");

    let (_app, window) = launch(&mine);
    let status = invoke(&window, "sync_status", json!({})).unwrap();
    assert_eq!(status["pending_changes"], 1);
    assert!(
        status["hub_path"]
            .as_str()
            .unwrap()
            .ends_with("共享.sqlite")
    );

    let (hub_before, mine_before) = (sha(&hub), sha(&mine));
    let first = invoke(&window, "sync_now", json!({"decisions": [], "lang": "zh"})).unwrap();
    assert_eq!(first["outcome"], "needs_decision", "{first}");
    let conflict = &first["conflicts"][0];
    assert_eq!(conflict["kind"], "duplicate");
    assert_eq!(conflict["hub_author"], "王工");
    assert_eq!((sha(&hub), sha(&mine)), (hub_before, mine_before));

    let key = conflict["key"].as_str().unwrap();
    let done = invoke(
        &window,
        "sync_now",
        json!({"decisions": [{"key": key, "choice": "take_mine"}], "lang": "zh"}),
    )
    .unwrap();
    assert_eq!(done["outcome"], "synced", "{done}");
    assert_eq!(done["pushed"], 1);
    let status = invoke(&window, "sync_status", json!({})).unwrap();
    assert_eq!(status["pending_changes"], 0);
    assert_ne!(status["last_sync_at"], Value::Null);
    let hub_updates = Db::open(&hub, Access::ReadOnly)
        .unwrap()
        .updates_of("KP21-01")
        .unwrap();
    assert_eq!(hub_updates.last().unwrap().narrative, "刘工：外墙施工");
    // History in the hub says where the edit came from, and who merged it.
    let hub_db = Db::open(&hub, Access::ReadOnly).unwrap();
    let page = hub_db
        .history(
            &HistoryQuery {
                limit: 10,
                ..HistoryQuery::default()
            },
            Lang::Zh,
            FixedOffset::east_opt(8 * 3600).unwrap(),
        )
        .unwrap();
    let merged = page
        .edits
        .iter()
        .find(|e| e.author == "刘工" && e.merged.is_some())
        .expect("刘工's update, merged");
    let from = merged.merged.as_ref().unwrap();
    assert_eq!(
        (from.from.as_str(), from.by_package),
        ("刘工.sqlite", false)
    );
}
