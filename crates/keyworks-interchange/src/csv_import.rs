//! Reading a milestone CSV back: the file KeyWorks exported, after an officer edited it in
//! Excel and saved it — as UTF-8 (with or without BOM) or, from "CSV (逗号分隔)" on Chinese
//! Windows, as GBK.
//!
//! Encoding: valid UTF-8 is UTF-8. Otherwise, if most of the non-ASCII text *is* valid UTF-8
//! (the file is UTF-8 with some damaged bytes — decoding it as GBK would silently turn every
//! Chinese character into another one), the file is refused naming the first bad line.
//! Otherwise it must decode as GBK without a single malformed sequence, or it is refused
//! naming the line of the first one.
//!
//! Columns are found by header, in Chinese or English, in any order; other columns are
//! ignored. Required: 里程碑名称 and 到期日期, and 项目编号 (or 项目名称) unless every row has a
//! 编号. Optional: 编号, 完成日期, 完成说明. Dates: 2021-06-18, 2021/6/18, 2021.6.18 or
//! 2021年6月18日 (a midnight time after it, as Excel sometimes adds, is ignored). A value the
//! reader cannot read becomes a row problem with its line, and the core then applies nothing.

use chrono::NaiveDate;
use keyworks_core::ids::TaskId;
use keyworks_core::imports::milestone_import::{ImportRow, MilestoneSheet, RowProblem};
use keyworks_core::{Error, Result};

use crate::csv_export::{BOM, FORMULA_STARTS};

/// Which encoding the file was read in, for the preview to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceEncoding {
    Utf8,
    Utf8WithBom,
    Gbk,
}

impl SourceEncoding {
    pub fn label(self) -> &'static str {
        match self {
            SourceEncoding::Utf8 => "UTF-8",
            SourceEncoding::Utf8WithBom => "UTF-8（带 BOM）",
            SourceEncoding::Gbk => "GBK",
        }
    }
}

/// A milestone CSV as read: its rows (with reader-level problems) and its encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadCsv {
    pub sheet: MilestoneSheet,
    pub encoding: SourceEncoding,
}

fn file_error(value: impl Into<String>, expected: impl Into<String>) -> Error {
    Error::InvalidInput {
        field: "CSV 文件".to_owned(),
        value: value.into(),
        expected: expected.into(),
    }
}

fn line_of(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// The text of the file, and how it was encoded (see the module comment for the rules).
pub fn decode(bytes: &[u8]) -> Result<(String, SourceEncoding)> {
    // Excel's "Unicode 文本" is UTF-16 with tabs: say so instead of "neither UTF-8 nor GBK".
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(file_error(
            "UTF-16",
            "这是 UTF-16 编码的文件（Excel 的“Unicode 文本”）：请在 Excel 中另存为“CSV UTF-8（逗号分隔）”后重新导入",
        ));
    }
    if let Some(rest) = bytes.strip_prefix(BOM) {
        return match std::str::from_utf8(rest) {
            Ok(s) => Ok((s.to_owned(), SourceEncoding::Utf8WithBom)),
            Err(e) => Err(file_error(
                format!("第 {} 行", line_of(rest, e.valid_up_to())),
                "文件标明是 UTF-8（带 BOM），但这一行含有不是 UTF-8 的字节：文件可能被其他程序改坏，请用 Excel 另存为“CSV UTF-8（逗号分隔）”后重新导入",
            )),
        };
    }
    let first_bad = match std::str::from_utf8(bytes) {
        Ok(s) => return Ok((s.to_owned(), SourceEncoding::Utf8)),
        Err(e) => e.valid_up_to(),
    };
    // Chinese in UTF-8 is three bytes a character; in GBK it is two, and pairs of GBK bytes
    // almost never form three-byte UTF-8 sequences. Mostly-valid UTF-8 is damaged UTF-8.
    let mut utf8_cjk = 0usize;
    let mut bad = 0usize;
    for chunk in bytes.utf8_chunks() {
        utf8_cjk += chunk.valid().chars().filter(|c| c.len_utf8() >= 3).count();
        if !chunk.invalid().is_empty() {
            bad += 1;
        }
    }
    if utf8_cjk > bad {
        return Err(file_error(
            format!("第 {} 行", line_of(bytes, first_bad)),
            "文件大部分是 UTF-8，但这一行含有不是 UTF-8 的字节（编码混杂或文件损坏）：请改正这一行，或用 Excel 另存为“CSV UTF-8（逗号分隔）”后重新导入",
        ));
    }
    let mut decoder = encoding_rs::GBK.new_decoder_without_bom_handling();
    let capacity = decoder
        .max_utf8_buffer_length_without_replacement(bytes.len())
        .ok_or_else(|| file_error("", "文件过大，无法读取"))?;
    let mut text = String::with_capacity(capacity);
    let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut text, true);
    match result {
        encoding_rs::DecoderResult::InputEmpty => Ok((text, SourceEncoding::Gbk)),
        encoding_rs::DecoderResult::Malformed(len, extra) => {
            let at = read.saturating_sub(usize::from(len) + usize::from(extra));
            Err(file_error(
                format!("第 {} 行", line_of(bytes, at)),
                "文件既不是 UTF-8 也不是 GBK 编码（这一行有无法识别的字节）：请用 Excel 另存为“CSV UTF-8（逗号分隔）”后重新导入",
            ))
        }
        encoding_rs::DecoderResult::OutputFull => Err(Error::Internal(
            "GBK decoder ran out of the space it asked for".to_owned(),
        )),
    }
}

/// The 1-based line of the record starting at byte `offset` of `text`. The CSV reader may
/// report a record as starting on the line break that ends the previous one; skip it.
fn line_at(text: &str, newlines: &[usize], offset: u64) -> u32 {
    let bytes = text.as_bytes();
    let mut at = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(bytes.len());
    while matches!(bytes.get(at), Some(b'\r' | b'\n')) {
        at += 1;
    }
    let before = newlines.partition_point(|&n| n < at);
    u32::try_from(before + 1).unwrap_or(u32::MAX)
}

/// The fields a milestone row can carry, and the headers that name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Id,
    ProjectCode,
    ProjectName,
    Name,
    Due,
    Done,
    Note,
}

/// Headers accepted for each field: what KeyWorks exports (Chinese and English), plus the
/// words officers commonly use in their own sheets. Compared after trimming, ignoring case.
const HEADERS: &[(Field, &[&str])] = &[
    (
        Field::Id,
        &["编号", "任务编号", "里程碑编号", "id", "task id"],
    ),
    (
        Field::ProjectCode,
        &["项目编号", "项目代码", "project code", "code"],
    ),
    (
        Field::ProjectName,
        &["项目名称", "项目", "project name", "project"],
    ),
    (
        Field::Name,
        &[
            "里程碑名称",
            "里程碑",
            "名称",
            "milestone",
            "milestone name",
            "name",
        ],
    ),
    (
        Field::Due,
        &[
            "到期日期",
            "计划完成",
            "计划完成日期",
            "计划日期",
            "due date",
            "due",
        ],
    ),
    (
        Field::Done,
        &[
            "完成日期",
            "实际完成",
            "实际完成日期",
            "done date",
            "done",
            "actual finish",
        ],
    ),
    (
        Field::Note,
        &[
            "完成说明",
            "备注",
            "说明",
            "completion note",
            "note",
            "notes",
        ],
    ),
];

fn field_of(header: &str) -> Option<Field> {
    let h = header.trim().trim_start_matches('\u{feff}').trim();
    HEADERS
        .iter()
        .find(|(_, names)| names.iter().any(|n| n.eq_ignore_ascii_case(h)))
        .map(|(f, _)| *f)
}

/// Parses the date formats officers and Excel write: 2021-06-18, 2021/6/18, 2021.6.18,
/// 2021年6月18日; a trailing midnight time (`2021/6/18 0:00`) is ignored.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    let (date, time) = match t.split_once(char::is_whitespace) {
        Some((d, rest)) => (d, rest.trim()),
        None => (t, ""),
    };
    if !time.is_empty() && !matches!(time, "0:00" | "00:00" | "0:00:00" | "00:00:00") {
        return None;
    }
    let normalised = date
        .strip_suffix('日')
        .unwrap_or(date)
        .replace(['年', '月', '/', '.'], "-");
    let mut parts = normalised.split('-');
    let (Some(y), Some(m), Some(d), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    if y.len() != 4 || m.is_empty() || m.len() > 2 || d.is_empty() || d.len() > 2 {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// Text of a cell with the formula guard the export adds (`'=…`) removed.
fn unguard(s: &str) -> String {
    let t = s.trim();
    match t.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest.to_owned(),
        _ => t.to_owned(),
    }
}

/// Reads a milestone CSV (bytes as saved) into rows for `Db::plan_milestone_import`.
/// File-level faults (encoding, not CSV, missing columns) are errors; a cell that cannot be
/// read becomes a row problem.
pub fn read_milestone_csv(bytes: &[u8]) -> Result<ReadCsv> {
    let (text, encoding) = decode(bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let newlines: Vec<usize> = text
        .bytes()
        .enumerate()
        .filter_map(|(i, b)| (b == b'\n').then_some(i))
        .collect();
    let mut columns: Option<Vec<Option<Field>>> = None;
    let mut sheet = MilestoneSheet::default();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e
                .position()
                .map_or(0, |p| line_at(&text, &newlines, p.byte()));
            file_error(
                format!("第 {line} 行"),
                format!("不是有效的 CSV（{e}）：请用 Excel 另存为 CSV 后重新导入"),
            )
        })?;
        let line = line_at(&text, &newlines, record.position().map_or(0, |p| p.byte()));
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let Some(cols) = &columns else {
            let found: Vec<Option<Field>> = record.iter().map(field_of).collect();
            for (i, f) in found.iter().enumerate() {
                if f.is_some() && found[..i].contains(f) {
                    return Err(file_error(
                        format!("第 {line} 行（表头）"),
                        format!("「{}」列出现了两次：请删除重复的列", &record[i]),
                    ));
                }
            }
            let has = |f: Field| found.contains(&Some(f));
            let mut missing = Vec::new();
            if !has(Field::Name) {
                missing.push("里程碑名称");
            }
            if !has(Field::Due) {
                missing.push("到期日期");
            }
            if !has(Field::ProjectCode) && !has(Field::ProjectName) && !has(Field::Id) {
                missing.push("项目编号");
            }
            if !missing.is_empty() {
                return Err(file_error(
                    format!("第 {line} 行（表头）"),
                    format!(
                        "缺少列：{}。第一行应为表头，例如 KeyWorks 导出的“编号,项目编号,项目名称,里程碑名称,到期日期,完成日期,完成说明”",
                        missing.join("、")
                    ),
                ));
            }
            columns = Some(found);
            continue;
        };
        let get = |f: Field| -> String {
            cols.iter()
                .position(|c| *c == Some(f))
                .and_then(|i| record.get(i))
                .map(unguard)
                .unwrap_or_default()
        };
        let mut problems = Vec::new();
        let id_text = get(Field::Id);
        let task_id = if id_text.is_empty() {
            None
        } else {
            match id_text.parse::<i64>() {
                Ok(id) if id > 0 => Some(TaskId(id)),
                _ => {
                    problems.push(format!(
                        "编号「{id_text}」不是正整数：请改回导出时的编号，或清空以新增里程碑"
                    ));
                    None
                }
            }
        };
        let mut date_of = |f: Field, label: &str| -> Option<NaiveDate> {
            let t = get(f);
            if t.is_empty() {
                return None;
            }
            let d = parse_date(&t);
            if d.is_none() {
                problems.push(format!(
                    "{label}「{t}」无法识别：请写成 2021-06-18、2021/6/18 或 2021年6月18日"
                ));
            }
            d
        };
        let due = date_of(Field::Due, "到期日期");
        let done = date_of(Field::Done, "完成日期");
        let project = match get(Field::ProjectCode) {
            code if code.is_empty() => get(Field::ProjectName),
            code => code,
        };
        if problems.is_empty() {
            sheet.rows.push(ImportRow {
                line,
                task_id,
                project,
                name: get(Field::Name),
                due,
                done,
                note: get(Field::Note),
            });
        } else {
            sheet.problems.extend(
                problems
                    .into_iter()
                    .map(|message| RowProblem { line, message }),
            );
        }
    }
    if columns.is_none() {
        return Err(file_error(
            "",
            "文件是空的：请导入含表头和里程碑行的 CSV（可先用 `keyworks export --format csv --table milestones` 导出一份再修改）",
        ));
    }
    Ok(ReadCsv { sheet, encoding })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn dates_in_the_forms_officers_type() {
        for t in [
            "2021-06-18",
            "2021/6/18",
            "2021.6.18",
            "2021年6月18日",
            " 2021-6-18 ",
            "2021/6/18 0:00",
        ] {
            assert_eq!(parse_date(t), Some(d(2021, 6, 18)), "{t}");
        }
        for t in [
            "2021-06-31",
            "21/6/18",
            "6/18/2021",
            "2021-06",
            "2021/6/18 9:30",
            "明天",
        ] {
            assert_eq!(parse_date(t), None, "{t}");
        }
    }

    #[test]
    fn the_formula_guard_comes_off() {
        assert_eq!(unguard("'=1+1"), "=1+1");
        assert_eq!(unguard("'quoted"), "'quoted");
    }
}
