//! The edits a replica makes in the sync benchmarks (`benches/sync.rs` and the session
//! extension's yardstick in `bench/session-apply`): one place, so both measure the same work.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::path::Path;

use chrono::{DateTime, NaiveDate};
use keyworks_core::model::Status;
use keyworks_core::plan::wbs_edit::TaskDraft;
use keyworks_core::portfolio::updates::{IfReported, UpdateInput};
use keyworks_core::week::IsoWeek;
use keyworks_core::{Access, Db, Stamp};

pub fn stamp(author: &str) -> Stamp {
    Stamp::new(
        author,
        DateTime::parse_from_rfc3339("2021-06-18T09:00:00+08:00").unwrap(),
    )
    .unwrap()
}

/// `count` change groups on the replica: a third renames, a third weekly updates, a third new
/// tasks, spread over the projects.
pub fn edit(replica: &Path, count: usize) {
    let mut db = Db::open_checked(replica, Access::ReadWrite).unwrap();
    let projects = db.projects().unwrap();
    let who = stamp("王工");
    for i in 0..count {
        let p = &projects[(i * 37) % projects.len()];
        match i % 3 {
            0 => {
                let task = db.tasks_of(p.id).unwrap()[i % 40].clone();
                db.rename_task(task.id, &format!("{}（{i}）", task.name), &who)
                    .unwrap();
            }
            1 => {
                db.record_update(
                    &p.code,
                    &UpdateInput {
                        week: IsoWeek::new(2021, 1 + (i / 1000 % 50) as u32).unwrap(),
                        percent_complete: (i % 100) as f64,
                        status: Status::Green,
                        narrative: format!("第 {i} 次填报"),
                        issues: String::new(),
                        next_steps: String::new(),
                        if_reported: IfReported::ReplaceAny,
                    },
                    &who,
                )
                .unwrap();
            }
            _ => {
                db.add_task(
                    &p.code,
                    &TaskDraft {
                        parent_id: None,
                        after: None,
                        name: format!("新增任务 {i}"),
                        is_milestone: false,
                        planned_start: NaiveDate::from_ymd_opt(2021, 7, 1).unwrap(),
                        planned_finish: NaiveDate::from_ymd_opt(2021, 7, 20).unwrap(),
                        acceptance: String::new(),
                    },
                    &who,
                )
                .unwrap();
            }
        }
    }
}
