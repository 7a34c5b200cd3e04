//! A long read (a report, an export, verify) runs on a connection of its own: the window's
//! other requests, which take the open file's lock, do not wait behind it, nor it behind them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::mpsc;
use std::time::Duration;

use keyworks_app::open_file::{Identity, OpenFile, open_or_create_seeded};

#[test]
fn a_long_read_does_not_wait_for_the_open_files_lock() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.sqlite");
    let who = Identity {
        author: "测试员".into(),
        stale_lock_hours: 12,
    };
    let file = OpenFile::new(open_or_create_seeded(&path, &who), who);
    let (hold, release) = mpsc::channel::<()>();
    let (held, is_held) = mpsc::channel::<()>();
    std::thread::scope(|s| {
        // A request that holds the open file (as a slow edit would).
        let file = &file;
        s.spawn(move || {
            file.read(|_| {
                held.send(()).unwrap();
                release.recv().unwrap();
                Ok(())
            })
            .unwrap();
        });
        is_held.recv_timeout(Duration::from_secs(10)).unwrap();
        let (done, finished) = mpsc::channel();
        s.spawn(move || {
            let projects = file.read_apart(|db| Ok(db.projects()?.len())).unwrap();
            done.send(projects).unwrap();
        });
        let projects = finished
            .recv_timeout(Duration::from_secs(10))
            .expect("the long read waited for the open file's lock");
        assert!(projects >= 12);
        hold.send(()).unwrap();
    });
}
