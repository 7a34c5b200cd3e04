//! The words the history is told in, Chinese and English: field labels, kinds of row, verbs
//! and values as people read them. The one copy: the app's History view, the weekly PDF's
//! appendix and the CLI all take their words from here (the auditors' `v_change_log` view
//! repeats the field labels in SQL; a test holds the two equal).

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::{Category, Funding, LinkKind, ProblemLevel, ProblemState, Stage, Status};
use crate::money::Yuan;

/// The language words are given in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// Every field the change log records that a reader is shown, with its Chinese and English
/// label. Fields not listed here are bookkeeping (ids, positions) and are not shown.
pub const FIELD_LABELS: &[(&str, &str, &str)] = &[
    ("name", "名称", "name"),
    ("code", "编号", "code"),
    ("status", "状态", "status"),
    ("percent_complete", "完成百分比", "percent complete"),
    ("planned_start", "计划开始", "planned start"),
    ("planned_finish", "计划完成", "planned finish"),
    ("actual_start", "实际开始", "actual start"),
    ("actual_finish", "实际完成", "actual finish"),
    ("duration_days", "工期（工作日）", "duration (working days)"),
    ("narrative", "进展说明", "progress"),
    ("issues", "问题与风险", "issues"),
    ("next_steps", "下步计划", "next steps"),
    ("author", "填报人", "filed by"),
    ("iso_week", "周次", "week"),
    ("acceptance", "验收标准", "acceptance"),
    ("completion_note", "完成说明", "completion note"),
    ("is_milestone", "里程碑", "milestone"),
    ("parent_id", "上级任务", "parent task"),
    ("predecessor_id", "前置任务", "predecessor"),
    ("successor_id", "后续任务", "successor"),
    ("kind", "类型", "type"),
    ("lag_days", "延隔（工作日）", "lag (working days)"),
    ("constraint_kind", "限制类型", "constraint"),
    ("constraint_date", "限制日期", "constraint date"),
    ("lead_unit", "责任单位", "lead unit"),
    ("contact", "联系人", "contact"),
    ("location", "地点", "location"),
    (
        "total_investment",
        "总投资（亿元）",
        "total investment (100 M yuan)",
    ),
    (
        "annual_investment",
        "年度计划投资（亿元）",
        "annual investment (100 M yuan)",
    ),
    ("category", "类别", "category"),
    ("stage", "阶段", "stage"),
    ("description", "简介", "description"),
    ("plan_sentence", "工作要点原文", "plan sentence"),
    ("quantity", "计划数量", "planned quantity"),
    ("actual", "完成数量", "actual quantity"),
    ("unit", "单位", "unit"),
    ("source", "来源", "source"),
    ("taken_on", "基线日期", "baseline date"),
    ("date", "日期", "date"),
    ("working_week", "工作周", "working week"),
    ("year", "年度", "year"),
    ("organisation", "单位", "organisation"),
    ("note", "备注", "note"),
    ("restored_from", "恢复自备份", "restored from backup"),
    ("holder", "编辑锁持有人", "edit lock holder"),
    ("total_investment_yuan", "总投资", "total investment"),
    ("leader", "包抓领导", "responsible leader"),
    ("annual_yuan", "年度计划投资", "annual planned investment"),
    (
        "completed_yuan",
        "当月完成投资",
        "investment completed in the month",
    ),
    ("month", "月份", "month"),
    (
        "warn_invest_yellow_pct",
        "投资黄灯线（序时进度的%）",
        "investment yellow line (% of time elapsed)",
    ),
    (
        "warn_invest_red_pct",
        "投资红灯线（序时进度的%）",
        "investment red line (% of time elapsed)",
    ),
    (
        "warn_overdue_yellow_days",
        "逾期黄灯线（工作日）",
        "overdue yellow line (working days)",
    ),
    (
        "warn_overdue_red_days",
        "逾期红灯线（工作日）",
        "overdue red line (working days)",
    ),
    ("funding", "投资类型", "funding"),
    ("item", "审批事项", "approval item"),
    ("submitted", "申报日期", "submitted"),
    ("approved", "批复日期", "approved"),
    ("limit_days", "时限（工作日）", "limit (working days)"),
    ("raised", "提出日期", "raised"),
    ("due", "解决时限", "due"),
    ("level", "协调层级", "level"),
    ("state", "办理状态", "state"),
    ("coordinator", "协调领导", "coordinating leader"),
    ("problem", "问题描述", "problem"),
    ("update_id", "所属周报", "weekly update"),
    ("file_name", "文件名", "file name"),
    ("taken_at", "拍摄时间", "taken"),
    ("orientation", "拍摄方向", "orientation"),
    ("width", "宽（像素）", "width (px)"),
    ("height", "高（像素）", "height (px)"),
    ("bytes", "大小（字节）", "size (bytes)"),
    ("sha256", "校验码", "SHA-256"),
];

/// Writes FIELD_LABELS into the file's `field_labels` table, which the auditors' views
/// (`v_change_fields`, `v_change_log`) join: run after migration 10, which made the table,
/// and after any later migration that adds fields, so the views and the app say the same words.
pub(crate) fn fill_field_labels(tx: &rusqlite::Transaction<'_>) -> crate::error::Result<()> {
    tx.execute("DELETE FROM field_labels", [])?;
    let mut insert =
        tx.prepare_cached("INSERT INTO field_labels (field, zh, en) VALUES (?1, ?2, ?3)")?;
    for (field, zh, en) in FIELD_LABELS {
        insert.execute([field, zh, en])?;
    }
    Ok(())
}

/// The label of a field, or None for bookkeeping fields that readers are not shown.
pub fn field_label(lang: Lang, field: &str) -> Option<&'static str> {
    FIELD_LABELS
        .iter()
        .find(|(f, _, _)| *f == field)
        .map(|(_, zh, en)| lang.pick(zh, en))
}

/// Longest field value the history repeats; the database keeps the rest.
const VALUE_CHARS: usize = 160;

const EN_MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// 2021年6月30日 / 30 Jun 2021.
pub fn date_text(lang: Lang, d: NaiveDate) -> String {
    use chrono::Datelike;
    match lang {
        Lang::Zh => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
        Lang::En => format!(
            "{} {} {}",
            d.day(),
            EN_MONTHS[d.month0() as usize],
            d.year()
        ),
    }
}

/// 2021年6月11日 17:00 / 11 Jun 2021 17:00, in the offset given (the reader's own).
pub fn time_text(lang: Lang, at: &str, offset: FixedOffset) -> String {
    match DateTime::parse_from_rfc3339(at) {
        Ok(t) => {
            let local = t.with_timezone(&offset);
            format!(
                "{} {}",
                date_text(lang, local.date_naive()),
                local.format("%H:%M")
            )
        }
        Err(_) => at.to_owned(),
    }
}

/// A number as the screen shows it: no trailing zeros (80, 62.45).
pub fn number_text(n: f64) -> String {
    let s = format!("{n:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_owned()
    } else {
        s.to_owned()
    }
}

/// A JSON value as plain text: strings as they are, numbers without trailing zeros, null empty.
pub fn plain(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Number(n) => n.as_f64().map(number_text).unwrap_or_else(|| n.to_string()),
        Value::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

/// A recorded value of `field` as a reader reads it: vocabulary codes as words, dates in the
/// language's form, percentages with %, yes/no, long texts shortened. Empty for no value.
/// Fields naming other rows (parent_id, …) are turned into names by the caller, which knows them.
pub fn value_text(lang: Lang, field: &str, v: &Value) -> String {
    let raw = plain(v);
    if raw.is_empty() {
        return String::new();
    }
    let vocab = match field {
        "status" => Status::parse(field, &raw)
            .ok()
            .map(|s| lang.pick(s.label_zh(), s.label_en()).to_owned()),
        "category" => Category::parse(field, &raw)
            .ok()
            .map(|s| lang.pick(s.label_zh(), s.label_en()).to_owned()),
        "stage" => Stage::parse(field, &raw)
            .ok()
            .map(|s| lang.pick(s.label_zh(), s.label_en()).to_owned()),
        "level" => ProblemLevel::parse(field, &raw)
            .ok()
            .map(|s| lang.pick(s.label_zh(), s.label_en()).to_owned()),
        "state" => ProblemState::parse(field, &raw)
            .ok()
            .map(|s| lang.pick(s.label_zh(), s.label_en()).to_owned()),
        "funding" => Funding::parse(field, &raw)
            .ok()
            .map(|s| lang.pick(s.label_zh(), s.label_en()).to_owned()),
        "kind" => LinkKind::parse(field, &raw)
            .ok()
            .map(|s| lang.pick(s.label_zh(), s.label_en()).to_owned()),
        "is_milestone" => Some(
            match v {
                Value::Bool(true) => lang.pick("是", "yes"),
                Value::Number(n) if n.as_i64() == Some(1) => lang.pick("是", "yes"),
                _ => lang.pick("否", "no"),
            }
            .to_owned(),
        ),
        "percent_complete" => Some(format!("{raw}%")),
        // Logged in whole yuan, read in 万元 as amounts are entered: 1250000 → 125 万元.
        f if f.ends_with("_yuan") => v
            .as_i64()
            .map(|y| format!("{} {}", Yuan(y).wan_exact(), lang.pick("万元", "×10k yuan"))),
        _ => None,
    };
    if let Some(v) = vocab {
        return v;
    }
    if let Ok(d) = NaiveDate::parse_from_str(&raw, "%Y-%m-%d") {
        return date_text(lang, d);
    }
    let n = raw.chars().count();
    if n > VALUE_CHARS {
        let head: String = raw.chars().take(VALUE_CHARS).collect();
        match lang {
            Lang::Zh => format!("{head}…（共 {n} 字）"),
            Lang::En => format!("{head}… ({n} characters)"),
        }
    } else {
        raw
    }
}

/// 「name」 / “name”.
pub fn quoted(lang: Lang, name: &str) -> String {
    match lang {
        Lang::Zh => format!("「{name}」"),
        Lang::En => format!("“{name}”"),
    }
}

/// 第23周 / week 23, for "2021-W23"; the text itself when it is not a week.
pub fn week_text(lang: Lang, iso_week: &str) -> String {
    let parsed = iso_week
        .split_once("-W")
        .and_then(|(year, week)| Some((year, week.parse::<u32>().ok()?)));
    match (parsed, lang) {
        (Some((year, n)), Lang::Zh) => format!("{year}年第{n}周"),
        (Some((year, n)), Lang::En) => format!("week {n}, {year}"),
        (None, _) => iso_week.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_read_like_the_screen() {
        assert_eq!(
            value_text(Lang::Zh, "percent_complete", &json!(80.0)),
            "80%"
        );
        assert_eq!(value_text(Lang::Zh, "status", &json!("yellow")), "黄");
        assert_eq!(value_text(Lang::En, "status", &json!("yellow")), "Yellow");
        assert_eq!(
            value_text(Lang::Zh, "planned_finish", &json!("2021-06-30")),
            "2021年6月30日"
        );
        assert_eq!(
            value_text(Lang::En, "planned_finish", &json!("2021-06-30")),
            "30 Jun 2021"
        );
        assert_eq!(value_text(Lang::Zh, "is_milestone", &json!(true)), "是");
        assert_eq!(value_text(Lang::Zh, "narrative", &Value::Null), "");
        assert_eq!(plain(&json!(62.45)), "62.45");
        let long = "字".repeat(200);
        assert!(value_text(Lang::Zh, "narrative", &json!(long)).ends_with("…（共 200 字）"));
    }

    #[test]
    fn times_are_shown_in_the_readers_offset() {
        let beijing = FixedOffset::east_opt(8 * 3600).unwrap();
        assert_eq!(
            time_text(Lang::Zh, "2021-06-11T09:00:00+00:00", beijing),
            "2021年6月11日 17:00"
        );
        assert_eq!(
            time_text(Lang::Zh, "2021-06-11T17:00:00+08:00", beijing),
            "2021年6月11日 17:00"
        );
        assert_eq!(
            time_text(Lang::En, "2021-06-11T17:00:00+08:00", beijing),
            "11 Jun 2021 17:00"
        );
    }

    #[test]
    fn bookkeeping_fields_have_no_label() {
        assert_eq!(field_label(Lang::Zh, "narrative"), Some("进展说明"));
        assert_eq!(field_label(Lang::Zh, "position"), None);
        assert_eq!(field_label(Lang::Zh, "baseline_id"), None);
        assert_eq!(week_text(Lang::Zh, "2021-W23"), "2021年第23周");
        assert_eq!(week_text(Lang::En, "2021-W23"), "week 23, 2021");
    }
}
