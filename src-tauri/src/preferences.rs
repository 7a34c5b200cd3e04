//! Per-user settings of the app: the author stamped on changes, when an edit lock counts as
//! stale, the recently opened files and the language of the window and its menus. They belong to the person at this computer, not to
//! any database, so they live in a small JSON file in the app's config directory
//! (`~/.config/cn.xa-hitech.keyworks/preferences.json` on Linux,
//! `%APPDATA%\cn.xa-hitech.keyworks\preferences.json` on Windows), never in the shared file.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use keyworks_core::ErrorCode;
use keyworks_core::audit::edit_lock::DEFAULT_STALE_HOURS;
use keyworks_core::audit::history::Lang;
use serde::{Deserialize, Serialize};

use crate::ipc_error::IpcError;

/// The file name inside the app's config directory.
pub const PREFERENCES_FILE: &str = "preferences.json";

/// How many files File → 最近打开 lists.
pub const RECENT_FILES: usize = 8;

/// A stale-lock age outside 1 hour … 30 days is surely a typo.
const STALE_HOURS_RANGE: std::ops::RangeInclusive<u32> = 1..=720;

/// What is stored. Every field has a default so that an older or hand-edited file still loads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Preferences {
    /// The name stamped on every change; empty means the OS user name.
    pub author: String,
    /// A lock older than this is stale whoever holds it (the core's default unless changed).
    pub stale_lock_hours: u32,
    /// Most recent first, at most `RECENT_FILES`.
    pub recent_files: Vec<PathBuf>,
    /// The language of the window and of the menus ("zh" unless changed).
    pub language: Lang,
    /// A PostgreSQL hub's URL, never with a password: a replica of a server syncs with it
    /// (empty: with the URL the replica remembers).
    pub hub_url: String,
}

impl Default for Preferences {
    fn default() -> Self {
        Preferences {
            author: String::new(),
            stale_lock_hours: u32::try_from(DEFAULT_STALE_HOURS).unwrap_or(12),
            recent_files: Vec::new(),
            language: Lang::Zh,
            hub_url: String::new(),
        }
    }
}

impl Preferences {
    /// The author of edits: the name set in preferences, else the OS user, as the CLI does.
    pub fn author(&self) -> String {
        let set = self.author.trim();
        if set.is_empty() {
            os_author()
        } else {
            set.to_owned()
        }
    }

    /// Puts `path` first in the recent files, once, keeping the newest `RECENT_FILES`.
    /// Answers whether the list changed (an unchanged list is not written again).
    pub fn remember(&mut self, path: &Path) -> bool {
        if self.recent_files.first().is_some_and(|p| p == path) {
            return false;
        }
        self.recent_files.retain(|p| p != path);
        self.recent_files.insert(0, path.to_owned());
        self.recent_files.truncate(RECENT_FILES);
        true
    }

    /// Drops `path` from the recent files (it no longer exists).
    pub fn forget(&mut self, path: &Path) -> bool {
        let before = self.recent_files.len();
        self.recent_files.retain(|p| p != path);
        self.recent_files.len() != before
    }
}

/// The author when none is set: the OS user name, as the CLI does by default.
pub fn os_author() -> String {
    keyworks_core::os_user_name().unwrap_or_else(|| "未知用户".to_owned())
}

/// One line of File → 最近打开 and of the preferences dialog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct RecentFile {
    pub path: String,
    pub file_name: String,
    /// False when the file has gone (moved, deleted, share not connected): shown disabled.
    pub exists: bool,
}

impl RecentFile {
    pub fn of(path: &Path) -> RecentFile {
        RecentFile {
            path: path.display().to_string(),
            file_name: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            exists: path.is_file(),
        }
    }
}

/// What the preferences dialog shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct PreferencesView {
    /// As set; empty when the OS user name is used.
    pub author: String,
    /// The name changes are stamped with now.
    pub effective_author: String,
    /// The OS user name, the default.
    pub os_author: String,
    pub stale_lock_hours: u32,
    pub recent_files: Vec<RecentFile>,
    /// The language of the window and of the menus, as last chosen.
    pub language: Lang,
    /// Where these settings are stored (shown so that an administrator can find them).
    pub stored_in: String,
    /// The PostgreSQL hub's URL (without a password), empty when none is set.
    pub hub_url: String,
}

/// The preferences and the file they are kept in (none in tests that do not want one).
#[derive(Debug)]
pub struct PreferencesStore {
    file: Option<PathBuf>,
    current: Mutex<Preferences>,
}

impl PreferencesStore {
    /// Reads `file`; a missing file means defaults, an unreadable one too (with a warning on
    /// stderr) — settings must never keep the app from starting.
    pub fn load(file: Option<PathBuf>) -> PreferencesStore {
        let current = file
            .as_deref()
            .and_then(|f| match std::fs::read(f) {
                Ok(bytes) => match serde_json::from_slice(&bytes) {
                    Ok(p) => Some(p),
                    Err(e) => {
                        eprintln!(
                            "KeyWorks: ignoring unreadable preferences {}: {e}",
                            f.display()
                        );
                        None
                    }
                },
                Err(_) => None,
            })
            .unwrap_or_default();
        PreferencesStore {
            file,
            current: Mutex::new(current),
        }
    }

    fn locked(&self) -> Result<std::sync::MutexGuard<'_, Preferences>, IpcError> {
        self.current
            .lock()
            .map_err(|_| IpcError::internal("首选项读取中断，请重新启动 KeyWorks。"))
    }

    pub fn get(&self) -> Result<Preferences, IpcError> {
        Ok(self.locked()?.clone())
    }

    /// Changes the preferences with `edit` and writes them when `edit` says they changed.
    pub fn update(
        &self,
        edit: impl FnOnce(&mut Preferences) -> bool,
    ) -> Result<Preferences, IpcError> {
        let mut current = self.locked()?;
        let mut next = current.clone();
        if edit(&mut next) {
            self.write(&next)?;
            *current = next;
        }
        Ok(current.clone())
    }

    /// Sets the author, the stale-lock hours and the server hub's URL, after checking them.
    /// A password typed into the URL is dropped, never stored.
    pub fn set(
        &self,
        author: &str,
        stale_lock_hours: u32,
        hub_url: &str,
    ) -> Result<Preferences, IpcError> {
        let hub_url = match hub_url.trim() {
            "" => String::new(),
            url => keyworks_api::hubs::storable_server_url(url)?,
        };
        if !STALE_HOURS_RANGE.contains(&stale_lock_hours) {
            return Err(IpcError::new(
                ErrorCode::InvalidInput,
                format!(
                    "编辑锁失效时间「{stale_lock_hours}」无效：请填写 {} 到 {} 之间的小时数。",
                    STALE_HOURS_RANGE.start(),
                    STALE_HOURS_RANGE.end()
                ),
            ));
        }
        let author = author.trim();
        if author.chars().count() > 64 || author.chars().any(char::is_control) {
            return Err(IpcError::new(
                ErrorCode::InvalidInput,
                "作者姓名须为 64 个字以内的一行文字：请修改后再保存。",
            ));
        }
        self.update(|p| {
            let changed = p.author != author
                || p.stale_lock_hours != stale_lock_hours
                || p.hub_url != hub_url;
            p.author = author.to_owned();
            p.stale_lock_hours = stale_lock_hours;
            p.hub_url = hub_url;
            changed
        })
    }

    /// Sets the language of the window and the menus.
    pub fn set_language(&self, language: Lang) -> Result<Preferences, IpcError> {
        self.update(|p| {
            let changed = p.language != language;
            p.language = language;
            changed
        })
    }

    pub fn view(&self) -> Result<PreferencesView, IpcError> {
        let p = self.get()?;
        Ok(PreferencesView {
            effective_author: p.author(),
            os_author: os_author(),
            author: p.author,
            stale_lock_hours: p.stale_lock_hours,
            recent_files: p.recent_files.iter().map(|f| RecentFile::of(f)).collect(),
            language: p.language,
            hub_url: p.hub_url,
            stored_in: self
                .file
                .as_deref()
                .map(|f| f.display().to_string())
                .unwrap_or_default(),
        })
    }

    /// Written through a temporary file and a rename, so a crash never leaves half a file.
    fn write(&self, prefs: &Preferences) -> Result<(), IpcError> {
        let Some(file) = &self.file else {
            return Ok(());
        };
        let failed = |e: std::io::Error| {
            IpcError::internal(format!(
                "无法保存首选项到 {}：{e}。请检查该文件夹是否可写。",
                file.display()
            ))
        };
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir).map_err(failed)?;
        }
        let json = serde_json::to_vec_pretty(prefs)
            .map_err(|e| IpcError::internal(format!("首选项无法编码：{e}")))?;
        let tmp = file.with_extension("json.tmp");
        std::fs::write(&tmp, json).map_err(failed)?;
        std::fs::rename(&tmp, file).map_err(failed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_files_keep_the_newest_eight_once_each() {
        let mut p = Preferences::default();
        for i in 0..10 {
            assert!(p.remember(Path::new(&format!("/f/{i}.sqlite"))));
        }
        assert_eq!(p.recent_files.len(), RECENT_FILES);
        assert_eq!(p.recent_files[0], Path::new("/f/9.sqlite"));
        assert!(!p.remember(Path::new("/f/9.sqlite")), "already first");
        assert!(p.remember(Path::new("/f/5.sqlite")));
        assert_eq!(p.recent_files[0], Path::new("/f/5.sqlite"));
        assert_eq!(p.recent_files.len(), RECENT_FILES);
        assert!(p.forget(Path::new("/f/5.sqlite")));
        assert!(!p.forget(Path::new("/f/5.sqlite")));
    }

    #[test]
    fn the_author_defaults_to_the_os_user_and_settings_survive_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("cfg").join(PREFERENCES_FILE);
        let store = PreferencesStore::load(Some(file.clone()));
        assert_eq!(store.get().unwrap().author(), os_author());
        assert_eq!(store.get().unwrap().stale_lock_hours, 12);
        store.set("  张三  ", 24, "").unwrap();
        let again = PreferencesStore::load(Some(file.clone()));
        assert_eq!(again.get().unwrap().author(), "张三");
        assert_eq!(again.get().unwrap().stale_lock_hours, 24);
        assert_eq!(
            again.set("张三", 0, "").unwrap_err().code,
            ErrorCode::InvalidInput
        );
        assert_eq!(
            again.set("a\nb", 12, "").unwrap_err().code,
            ErrorCode::InvalidInput
        );
        // The language is kept too, and an older file without it loads as Chinese.
        assert_eq!(again.get().unwrap().language, Lang::Zh);
        again.set_language(Lang::En).unwrap();
        let json = std::fs::read_to_string(&file).unwrap();
        assert!(json.contains(r#""language": "en""#), "{json}");
        assert_eq!(
            PreferencesStore::load(Some(file.clone()))
                .view()
                .unwrap()
                .language,
            Lang::En
        );
        std::fs::write(
            &file,
            r#"{"author": "李四", "stale_lock_hours": 6, "recent_files": []}"#,
        )
        .unwrap();
        let older = PreferencesStore::load(Some(file.clone())).get().unwrap();
        assert_eq!((older.author.as_str(), older.language), ("李四", Lang::Zh));
        // A damaged file gives defaults, not a failure to start.
        std::fs::write(&file, b"{not json").unwrap();
        assert_eq!(
            PreferencesStore::load(Some(file)).get().unwrap(),
            Preferences::default()
        );
    }

    #[test]
    fn a_server_hub_url_is_stored_without_its_password_and_a_bad_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(PREFERENCES_FILE);
        let store = PreferencesStore::load(Some(file.clone()));
        store
            .set("", 12, " postgresql://王工:s3cret@db.zone.local/keyworks ")
            .unwrap();
        assert_eq!(
            store.get().unwrap().hub_url,
            "postgresql://王工@db.zone.local/keyworks"
        );
        let written = std::fs::read_to_string(&file).unwrap();
        assert!(!written.contains("s3cret"), "{written}");
        let refused = store.set("", 12, "postgresql://db.zone.local").unwrap_err();
        assert_eq!(refused.code, ErrorCode::InvalidInput);
        assert_eq!(
            store.get().unwrap().hub_url,
            "postgresql://王工@db.zone.local/keyworks",
            "unchanged"
        );
        store.set("", 12, "").unwrap();
        assert_eq!(store.get().unwrap().hub_url, "");
    }
}
