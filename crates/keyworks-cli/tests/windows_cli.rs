//! The CLI's Windows build (x86_64-pc-windows-gnu, `scripts/build-windows.sh`) run under Wine
//! on its main path, in a folder whose path holds Chinese characters and a space
//! (`C:\users\王工\Documents\重点 项目\portfolio.sqlite`), and compared with this Linux build on the
//! same input: the same JSON, the same report content hash, the same verify result.
//!
//! The package's `keyworks.exe` is a small console program that runs KeyWorks.exe (one folder
//! up) as the CLI in its console, so what runs here is the app's own program.
//!
//! `KEYWORKS_WINDOWS_CLI` names the exe; scripts/test.sh builds it before the tests and sets it.
//! Without it the test says so and passes only outside CI: under `CI=true` it fails.
//!
//! Where Wine is not Windows: Debian 12's Wine 8.0 lacks bcryptprimitives.dll, which Rust's
//! standard library calls on every Windows 10/11 for random numbers; the test installs a
//! stand-in into its own Wine prefix (tests/wine/bcryptprimitives.c, never shipped). Wine also
//! has no SMB oplocks or share modes of a real file server; the lock-file and path logic are
//! covered by unit tests on every platform instead.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::Value;

mod common;
use common::{other_build, report_hash};

const LINUX_BIN: &str = env!("CARGO_BIN_EXE_keyworks");

/// The tests' Wine prefix, with the bcryptprimitives stand-in. A prefix is some 700 MB: one
/// is kept under cargo's target/tmp and reused by every run (each test empties its own folder
/// in it first), rather than a new one per run left behind in /tmp.
fn prefix() -> &'static Path {
    static PREFIX: OnceLock<PathBuf> = OnceLock::new();
    PREFIX.get_or_init(|| {
        let prefix = Path::new(env!("CARGO_TARGET_TMPDIR")).join("wine-prefix");
        let boot = Command::new("wineboot")
            .arg("--init")
            .env("WINEPREFIX", &prefix)
            .env("WINEDEBUG", "-all")
            .output()
            .expect("wine is installed (Debian's wine64; scripts/test.sh installs it)");
        assert!(
            boot.status.success(),
            "wineboot: {}",
            String::from_utf8_lossy(&boot.stderr)
        );
        let dll = prefix.join("drive_c/windows/system32/bcryptprimitives.dll");
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/wine/bcryptprimitives.c");
        let cc = Command::new("x86_64-w64-mingw32-gcc")
            .args(["-O2", "-shared", "-o"])
            .arg(&dll)
            .arg(&source)
            .arg("-ladvapi32")
            .output()
            .expect("mingw-w64 is installed (scripts/build-windows.sh installs it)");
        assert!(
            cc.status.success(),
            "{}",
            String::from_utf8_lossy(&cc.stderr)
        );
        prefix
    })
}

/// `C:\users\王工\Documents\<name>` in the prefix, empty (an earlier run may have left files).
fn fresh_folder(name: &str) -> PathBuf {
    let folder = prefix().join("drive_c/users/王工/Documents").join(name);
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).unwrap();
    folder
}

/// Runs the Windows exe under Wine with `args`.
fn windows(exe: &Path, args: &[&str]) -> Output {
    Command::new("wine")
        .arg(exe)
        .args(args)
        .env("WINEPREFIX", prefix())
        .env("WINEDEBUG", "-all")
        .env("KEYWORKS_AUTHOR", "王工")
        .env_remove("KEYWORKS_DB")
        .output()
        .unwrap()
}

fn linux(args: &[&str]) -> Output {
    Command::new(LINUX_BIN)
        .args(args)
        .env("KEYWORKS_AUTHOR", "王工")
        .env_remove("KEYWORKS_DB")
        .output()
        .unwrap()
}

/// An update of KP21-02 for W24, on `db`.
fn update_args(db: &str) -> [&str; 12] {
    [
        "--db",
        db,
        "update",
        "KP21-02",
        "--week",
        "2021-W24",
        "--percent",
        "61",
        "--status",
        "黄",
        "--narrative",
        "设备调试，节点推迟一周",
    ]
}

/// Milestone 189 done on 2021-06-10, on `db`.
fn milestone_done_args(db: &str) -> [&str; 7] {
    [
        "--db",
        db,
        "milestone",
        "done",
        "189",
        "--date",
        "2021-06-10",
    ]
}

fn ok(out: Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what}: exit {:?}\n{}{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

/// The first worksheet of an xlsx, as XML (the files also hold their creation time).
fn first_sheet(xlsx: &Path) -> String {
    let out = Command::new("python3")
        .args([
            "-c",
            "import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read('xl/worksheets/sheet1.xml').decode())",
        ])
        .arg(xlsx)
        .output()
        .unwrap();
    ok(out, "reading the sheet")
}

#[test]
fn the_windows_build_does_the_main_path_in_a_chinese_folder_as_the_linux_build_does() {
    let Some(exe) = other_build("KEYWORKS_WINDOWS_CLI", "scripts/build-windows.sh") else {
        return;
    };
    let folder = fresh_folder("重点 项目");
    let win_db = r"C:\users\王工\Documents\重点 项目\portfolio.sqlite";
    let dir = tempfile::tempdir().unwrap();
    let lin_folder = dir.path().join("重点 项目");
    std::fs::create_dir_all(&lin_folder).unwrap();
    let lin_db_path = lin_folder.join("portfolio.sqlite");
    let lin_db = lin_db_path.to_str().unwrap();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/testdata/mspdi/mpxj-sample.xml");
    assert!(
        sample.is_file(),
        "../shared/testdata is missing: {}",
        sample.display()
    );
    std::fs::copy(&sample, folder.join("样例 计划.xml")).unwrap();
    std::fs::copy(&sample, lin_folder.join("样例 计划.xml")).unwrap();
    let win_in = |name: &str| format!(r"C:\users\王工\Documents\重点 项目\{name}");
    let lin_in = |name: &str| lin_folder.join(name).to_str().unwrap().to_owned();

    // Each step on both builds; the Windows paths are Windows paths throughout.
    let both = |step: &str, win: &[&str], lin: &[&str]| -> (String, String) {
        (
            ok(windows(&exe, win), &format!("windows: {step}")),
            ok(linux(lin), &format!("linux: {step}")),
        )
    };
    let (w, _) = both("init", &["--db", win_db, "init"], &["--db", lin_db, "init"]);
    assert!(
        w.contains(r"C:\users\王工\Documents\重点 项目\portfolio.sqlite"),
        "{w}"
    );
    assert!(folder.join("portfolio.sqlite").is_file());

    both("update", &update_args(win_db), &update_args(lin_db));
    both(
        "milestone done",
        &milestone_done_args(win_db),
        &milestone_done_args(lin_db),
    );
    let (w, l) = both(
        "import",
        &[
            "--db",
            win_db,
            "import",
            &win_in("样例 计划.xml"),
            "--as",
            "MPXJ-1",
        ],
        &[
            "--db",
            lin_db,
            "import",
            &lin_in("样例 计划.xml"),
            "--as",
            "MPXJ-1",
        ],
    );
    assert!(w.contains("MPXJ-1") && l.contains("MPXJ-1"), "{w}\n{l}");

    let (w, l) = both(
        "projects --json",
        &["--db", win_db, "projects", "--json"],
        &["--db", lin_db, "projects", "--json"],
    );
    assert_eq!(json(&w), json(&l), "the same portfolio, as JSON");
    assert!(w.contains("设备调试，节点推迟一周") || w.contains("KP21-02"));

    both(
        "report weekly",
        &[
            "--db",
            win_db,
            "report",
            "weekly",
            "--as-of",
            "2021-06-11",
            "--out",
            &win_in("周报 W23.pdf"),
        ],
        &[
            "--db",
            lin_db,
            "report",
            "weekly",
            "--as-of",
            "2021-06-11",
            "--out",
            &lin_in("周报 W23.pdf"),
        ],
    );
    let (wh, lh) = (
        report_hash(&folder.join("周报 W23.pdf")),
        report_hash(&lin_folder.join("周报 W23.pdf")),
    );
    assert_eq!(wh.len(), 64, "{wh}");
    assert_eq!(wh, lh, "the same report content");

    both(
        "export xlsx",
        &[
            "--db",
            win_db,
            "export",
            "--all",
            "--format",
            "xlsx",
            "--out",
            &win_in("项目 汇总.xlsx"),
        ],
        &[
            "--db",
            lin_db,
            "export",
            "--all",
            "--format",
            "xlsx",
            "--out",
            &lin_in("项目 汇总.xlsx"),
        ],
    );
    assert_eq!(
        first_sheet(&folder.join("项目 汇总.xlsx")),
        first_sheet(&lin_folder.join("项目 汇总.xlsx")),
        "the same sheet"
    );

    let (w, _) = both(
        "backup save",
        &[
            "--db",
            win_db,
            "backup",
            "save",
            "--out",
            &win_in("备份 6月.sqlite"),
        ],
        &[
            "--db",
            lin_db,
            "backup",
            "save",
            "--out",
            &lin_in("备份 6月.sqlite"),
        ],
    );
    assert!(w.contains(r"重点 项目\备份 6月.sqlite"), "{w}");
    assert!(folder.join("备份 6月.sqlite").is_file());
    let (w, l) = both(
        "verify the backup",
        &["--db", &win_in("备份 6月.sqlite"), "verify", "--json"],
        &["--db", &lin_in("备份 6月.sqlite"), "verify", "--json"],
    );
    assert_eq!(json(&w)["findings"], json(&l)["findings"]);

    let (w, l) = both(
        "verify --json",
        &["--db", win_db, "verify", "--json"],
        &["--db", lin_db, "verify", "--json"],
    );
    let (w, l) = (json(&w), json(&l));
    assert_eq!(w["findings"], Value::Array(vec![]), "{w}");
    assert_eq!(
        (&w["log_rows"], &w["rows_checked"]),
        (&l["log_rows"], &l["rows_checked"])
    );
}

#[test]
fn the_windows_build_refuses_bad_input_with_the_same_sentence_and_exit_code() {
    let Some(exe) = other_build("KEYWORKS_WINDOWS_CLI", "scripts/build-windows.sh") else {
        return;
    };
    let folder = fresh_folder("坏 输入");
    std::fs::write(folder.join("不是数据库.sqlite"), "这不是 SQLite 文件").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let lin = dir.path().join("不是数据库.sqlite");
    std::fs::write(&lin, "这不是 SQLite 文件").unwrap();
    let w = windows(
        &exe,
        &[
            "--db",
            r"C:\users\王工\Documents\坏 输入\不是数据库.sqlite",
            "projects",
        ],
    );
    let l = linux(&["--db", lin.to_str().unwrap(), "projects"]);
    assert_eq!(w.status.code(), l.status.code());
    assert_eq!(w.status.code(), Some(4));
    let said = String::from_utf8_lossy(&w.stderr);
    assert!(said.contains(r"坏 输入\不是数据库.sqlite"), "{said}");
    assert!(said.contains("不是"), "{said}");

    // Names Windows forbids, and a path past its 260 characters: one sentence each, exit 2,
    // nothing created. (The Linux build accepts the first: the rules are Windows'.)
    let bad_name = r"C:\users\王工\Documents\坏 输入\周报|W23.sqlite";
    let w = windows(&exe, &["--db", bad_name, "init"]);
    assert_eq!(w.status.code(), Some(2));
    let said = String::from_utf8_lossy(&w.stderr);
    assert!(
        said.contains("「|」是 Windows 不允许用在文件名中的字符"),
        "{said}"
    );
    let deep = format!(
        r"C:\users\王工\Documents\坏 输入\{}\portfolio.sqlite",
        "很长的文件夹名称".repeat(40)
    );
    let w = windows(&exe, &["--db", &deep, "init"]);
    assert_eq!(w.status.code(), Some(2));
    let said = String::from_utf8_lossy(&w.stderr);
    assert!(said.contains("超过 Windows 的 259 字符上限"), "{said}");
    let w = windows(
        &exe,
        &[
            "--db",
            r"C:\users\王工\Documents\坏 输入\CON.sqlite",
            "init",
        ],
    );
    assert_eq!(w.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&w.stderr).contains("保留的设备名"));
    let left: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 1, "only the non-database file: {left:?}");
}

/// The value of `key` in a PE file's version resource (UTF-16 strings), if present.
fn version_string(exe: &[u8], key: &str) -> Option<String> {
    let units: Vec<u16> = exe
        .chunks_exact(2)
        .map(|b| u16::from_le_bytes([b[0], b[1]]))
        .collect();
    let wanted: Vec<u16> = key.encode_utf16().collect();
    // Keys and values are 32-bit aligned; try both alignments of the byte stream.
    for units in [
        units,
        exe[1..]
            .chunks_exact(2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
            .collect(),
    ] {
        if let Some(at) = units
            .windows(wanted.len())
            .position(|w| w == wanted.as_slice())
        {
            let value: Vec<u16> = units[at + wanted.len()..]
                .iter()
                .copied()
                .skip_while(|u| *u == 0)
                .take_while(|u| *u != 0)
                .collect();
            return String::from_utf16(&value).ok();
        }
    }
    None
}

#[test]
fn the_portable_package_holds_the_app_the_cli_and_the_notes_at_the_cargo_version() {
    let Some(exe) = other_build("KEYWORKS_WINDOWS_CLI", "scripts/build-windows.sh") else {
        return;
    };
    let version = env!("CARGO_PKG_VERSION");
    // windows/KeyWorks/命令行/keyworks.exe, as in the package.
    let windows_dir = exe.ancestors().nth(3).unwrap();
    let zip = windows_dir.join(format!("KeyWorks-{version}-windows-x64.zip"));
    assert!(zip.is_file(), "no package {}", zip.display());
    let listing = Command::new("python3")
        .args([
            "-c",
            "import sys, zipfile; print('\\n'.join(sorted(zipfile.ZipFile(sys.argv[1]).namelist())))",
        ])
        .arg(&zip)
        .output()
        .unwrap();
    let listing = ok(listing, "listing the package");
    assert_eq!(
        listing.lines().collect::<Vec<_>>(),
        [
            "KeyWorks/KeyWorks.exe",
            "KeyWorks/WebView2Loader.dll",
            "KeyWorks/使用说明.txt",
            "KeyWorks/命令行/keyworks.exe",
        ]
    );
    let app = std::fs::read(windows_dir.join("KeyWorks/KeyWorks.exe")).unwrap();
    assert_eq!(
        version_string(&app, "ProductName").as_deref(),
        Some("KeyWorks")
    );
    assert_eq!(
        version_string(&app, "FileVersion").as_deref(),
        Some(version)
    );
    assert_eq!(
        version_string(&app, "ProductVersion").as_deref(),
        Some(version)
    );
    assert!(version_string(&app, "CompanyName").is_some_and(|c| !c.is_empty()));
    // The CLI in the package is the one tested above, at the same version.
    let said = ok(windows(&exe, &["--version"]), "keyworks.exe --version");
    assert_eq!(said.trim(), format!("keyworks {version}"));
    let size = std::fs::metadata(&zip).unwrap().len();
    eprintln!("Windows package: {size} bytes");
    assert!(
        size <= 25 * 1024 * 1024,
        "the Windows package is {size} bytes, over 25 MB"
    );
}

#[test]
fn a_lock_held_from_another_laptop_stops_the_windows_build_as_it_stops_the_linux_build() {
    let Some(exe) = other_build("KEYWORKS_WINDOWS_CLI", "scripts/build-windows.sh") else {
        return;
    };
    let folder = fresh_folder("共享 锁");
    let win_db = r"C:\users\王工\Documents\共享 锁\portfolio.sqlite";
    let dir = tempfile::tempdir().unwrap();
    let lin_db = dir.path().join("portfolio.sqlite");
    ok(windows(&exe, &["--db", win_db, "init"]), "windows: init");
    ok(
        linux(&["--db", lin_db.to_str().unwrap(), "init"]),
        "linux: init",
    );
    // What 刘工's app on his laptop writes beside the shared file while he edits it.
    let holder = serde_json::json!({
        "user": "刘工",
        "machine": "LIU-LAPTOP",
        "process": 4242,
        "since": chrono::Local::now().fixed_offset().to_rfc3339(),
    })
    .to_string();
    std::fs::write(folder.join("~$portfolio.sqlite"), &holder).unwrap();
    std::fs::write(dir.path().join("~$portfolio.sqlite"), &holder).unwrap();
    let before = std::fs::read(folder.join("portfolio.sqlite")).unwrap();
    let lin_db = lin_db.to_str().unwrap();
    let w = windows(&exe, &milestone_done_args(win_db));
    let l = linux(&milestone_done_args(lin_db));
    assert_eq!(
        w.status.code(),
        Some(8),
        "{}",
        String::from_utf8_lossy(&w.stderr)
    );
    assert_eq!(w.status.code(), l.status.code());
    let said = String::from_utf8_lossy(&w.stderr);
    assert!(
        said.contains("刘工") && said.contains("LIU-LAPTOP"),
        "{said}"
    );
    assert_eq!(
        std::fs::read(folder.join("portfolio.sqlite")).unwrap(),
        before,
        "nothing written"
    );
    // Once he closes it (the lock file goes), the edit goes through.
    std::fs::remove_file(folder.join("~$portfolio.sqlite")).unwrap();
    ok(
        windows(&exe, &milestone_done_args(win_db)),
        "windows: the edit after the lock is gone",
    );
}
