//! Paths as Windows takes them. Officers' files sit on Windows laptops and shares, where a
//! file name may not hold `< > : " | ? *`, may not be a device name (CON, NUL, COM1 …), and a
//! whole path may not pass 260 characters (unless it starts with `\\?\`). Windows' own errors
//! for these are cryptic ("The filename, directory name, or volume label syntax is incorrect"),
//! so KeyWorks says what is wrong in one sentence before it tries.
//!
//! The rules are a pure function of the text, tested on every platform; they are applied only
//! where Windows runs (`check`): on Linux such names are legal.

use std::path::Path;

use crate::error::{Error, Result};

/// Windows' classic path limit, MAX_PATH, less the terminating NUL.
pub const MAX_PATH_CHARS: usize = 259;

const FORBIDDEN: &[char] = &['<', '>', ':', '"', '|', '?', '*'];

const DEVICE_NAMES: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// What is wrong with a path on Windows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A character Windows does not allow in a name.
    Forbidden(char),
    /// A name that is a device's (`CON`, `nul.txt`).
    DeviceName(String),
    /// A name ending in a space or a dot, which Windows silently drops.
    TrailingSpaceOrDot(String),
    /// More than `MAX_PATH_CHARS` UTF-16 units.
    TooLong(usize),
}

impl Problem {
    fn sentence(&self) -> String {
        match self {
            Problem::Forbidden(c) => format!(
                "其中的「{c}」是 Windows 不允许用在文件名中的字符；请去掉 < > : \" | ? * 这些字符后再试"
            ),
            Problem::DeviceName(name) => format!(
                "其中的「{name}」是 Windows 保留的设备名，不能用作文件或文件夹名；请换一个名字"
            ),
            Problem::TrailingSpaceOrDot(name) => format!(
                "其中的「{name}」以空格或句点结尾，Windows 会把它去掉；请改掉结尾的空格或句点"
            ),
            Problem::TooLong(n) => format!(
                "它有 {n} 个字符，超过 Windows 的 {MAX_PATH_CHARS} 字符上限；请放到层次浅一些的文件夹，或缩短文件夹名"
            ),
        }
    }
}

/// The first problem Windows would have with `path`, if any. Accepts drive paths
/// (`C:\…`), UNC paths (`\\server\share\…`), relative paths and `\\?\` paths (no length
/// limit); both `\` and `/` separate names.
pub fn problem(path: &str) -> Option<Problem> {
    let (verbatim, rest) = match path.strip_prefix(r"\\?\") {
        Some(rest) => (true, rest),
        None => (false, path),
    };
    let units = path.encode_utf16().count();
    if !verbatim && units > MAX_PATH_CHARS {
        return Some(Problem::TooLong(units));
    }
    // A drive's colon is the one colon allowed.
    let rest = match rest.as_bytes() {
        [letter, b':', ..] if letter.is_ascii_alphabetic() => &rest[2..],
        _ => rest,
    };
    for name in rest.split(['\\', '/']).filter(|n| !n.is_empty()) {
        if name == "." || name == ".." {
            continue;
        }
        if let Some(c) = name
            .chars()
            .find(|c| FORBIDDEN.contains(c) || u32::from(*c) < 32)
        {
            return Some(Problem::Forbidden(c));
        }
        let stem = name.split('.').next().unwrap_or(name).trim_end();
        if DEVICE_NAMES.iter().any(|d| d.eq_ignore_ascii_case(stem)) {
            return Some(Problem::DeviceName(name.to_owned()));
        }
        if name.ends_with(' ') || name.ends_with('.') {
            return Some(Problem::TrailingSpaceOrDot(name.to_owned()));
        }
    }
    None
}

/// Refuses, on Windows, a path Windows cannot take, in one sentence naming it; elsewhere
/// accepts every path (the rules are Windows').
pub fn check(path: &Path) -> Result<()> {
    if cfg!(windows) {
        check_as_windows(path)
    } else {
        Ok(())
    }
}

/// The Windows rules applied whatever the platform (what `check` does on Windows).
pub fn check_as_windows(path: &Path) -> Result<()> {
    match problem(&path.to_string_lossy()) {
        None => Ok(()),
        Some(p) => Err(Error::InvalidInput {
            field: "路径".into(),
            value: path.display().to_string(),
            expected: p.sentence(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drive_unc_relative_and_chinese_paths_with_spaces_pass() {
        for ok in [
            r"C:\users\王工\Documents\重点 项目\portfolio.sqlite",
            r"\\server\share\重点项目\portfolio.sqlite",
            r"Z:\重点项目\~$portfolio.sqlite",
            r"..\共享\周报 W23.pdf",
            "portfolio.sqlite",
            "C:/users/王工/portfolio.sqlite",
            r"D:\CONFIG\console.sqlite",
        ] {
            assert_eq!(problem(ok), None, "{ok}");
        }
    }

    #[test]
    fn forbidden_characters_device_names_and_trailing_dots_are_named() {
        assert_eq!(
            problem(r"C:\项目\a|b.sqlite"),
            Some(Problem::Forbidden('|'))
        );
        assert_eq!(problem(r"C:\项目\周报?.pdf"), Some(Problem::Forbidden('?')));
        assert_eq!(
            problem(r"C:\项目\a:b.sqlite"),
            Some(Problem::Forbidden(':'))
        );
        assert_eq!(
            problem("C:\\项目\\tab\there"),
            Some(Problem::Forbidden('\t'))
        );
        assert_eq!(
            problem(r"C:\项目\con.sqlite"),
            Some(Problem::DeviceName("con.sqlite".into()))
        );
        assert_eq!(
            problem(r"\\server\share\NUL\x.sqlite"),
            Some(Problem::DeviceName("NUL".into()))
        );
        assert_eq!(
            problem(r"C:\重点项目 \x.sqlite"),
            Some(Problem::TrailingSpaceOrDot("重点项目 ".into()))
        );
        assert_eq!(
            problem(r"C:\项目\portfolio."),
            Some(Problem::TrailingSpaceOrDot("portfolio.".into()))
        );
    }

    #[test]
    fn a_path_past_260_characters_is_too_long_unless_verbatim() {
        let long = format!(r"C:\{}\portfolio.sqlite", "重点项目文件夹".repeat(40));
        assert!(matches!(problem(&long), Some(Problem::TooLong(n)) if n > MAX_PATH_CHARS));
        assert_eq!(problem(&format!(r"\\?\{long}")), None);
        let e = check_as_windows(Path::new(&long)).unwrap_err().to_string();
        assert!(e.contains("超过 Windows 的 259 字符上限"), "{e}");
        let edge = format!(r"C:\{}", "a".repeat(MAX_PATH_CHARS - 3));
        assert_eq!(problem(&edge), None, "exactly at the limit");
    }
}
