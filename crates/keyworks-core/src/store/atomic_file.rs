//! The one way KeyWorks writes a file another program (or person) will open: exports, reports,
//! MS Project files. Written beside the target under a unique temporary name, flushed to disk,
//! then renamed over the target, so Excel, Outlook or MS Project never open half a file, a
//! crash or a full disk leaves the earlier file as it was, and two writers (the app writing two
//! reports at once, two processes) never share a temporary file.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{Error, Result};

/// Writes `bytes` to `path` atomically (see the module notes).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    crate::store::windows_paths::check(path)?;
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let io = |path: &Path, source| Error::Io {
        path: path.to_owned(),
        source,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "keyworks".into());
    // Unique per process and per call.
    let seq = SEQ.fetch_add(1, Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.{}-{seq}.tmp", std::process::id()));
    let written = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = written {
        // The temporary file is ours and incomplete; the target was not touched.
        let _ = std::fs::remove_file(&tmp);
        let failed_on = if e.kind() == std::io::ErrorKind::NotFound {
            &tmp
        } else {
            path
        };
        return Err(match io(failed_on, e) {
            Error::Io { source, .. } if source.raw_os_error() == Some(28) => Error::DiskFull {
                path: path.to_owned(),
            },
            other => other,
        });
    }
    // The rename itself reaches the disk with the folder's entry (best effort: not every
    // system lets a folder be opened and flushed).
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("里程碑.csv");
        std::fs::write(&path, b"old").unwrap();
        write_atomically(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_missing_folder_is_an_io_error_naming_the_file_and_the_old_file_stays() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no-such-folder").join("x.ics");
        match write_atomically(&path, b"x") {
            Err(Error::Io { path: p, .. }) => {
                assert!(p.starts_with(dir.path().join("no-such-folder")))
            }
            other => panic!("expected an I/O error, got {other:?}"),
        }
    }

    #[test]
    fn writers_at_the_same_time_use_temporary_files_of_their_own() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("周报-2021-W23.pdf");
        std::thread::scope(|s| {
            for i in 0..8u8 {
                let path = &path;
                s.spawn(move || write_atomically(path, &vec![i; 100_000]).unwrap());
            }
        });
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(bytes.len(), 100_000);
        assert!(
            bytes.iter().all(|b| *b == bytes[0]),
            "one writer's file, whole"
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
