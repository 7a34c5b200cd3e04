//! The report's words in Chinese and English, and how numbers, dates and weeks are written.

use super::*;

/// Every label of the report in one language.
#[derive(Debug)]
pub(super) struct Words {
    pub(super) report: &'static str,
    pub(super) as_of: &'static str,
    pub(super) source: &'static str,
    pub(super) none: &'static str,
    pub(super) summary: &'static str,
    pub(super) projects_total: &'static str,
    pub(super) average: &'static str,
    pub(super) due_week: &'static str,
    pub(super) done_week: &'static str,
    pub(super) overdue: &'static str,
    pub(super) investment: &'static str,
    pub(super) changes: &'static str,
    pub(super) status_changes: &'static str,
    pub(super) warnings: &'static str,
    pub(super) moved: &'static str,
    pub(super) updates: &'static str,
    pub(super) missing_updates: &'static str,
    pub(super) overview: &'static str,
    pub(super) details: &'static str,
    pub(super) overdue_section: &'static str,
    pub(super) appendix: &'static str,
    pub(super) no_changes: &'static str,
    pub(super) code: &'static str,
    pub(super) project: &'static str,
    pub(super) status: &'static str,
    pub(super) percent: &'static str,
    pub(super) next_milestone: &'static str,
    pub(super) milestone: &'static str,
    pub(super) milestones: &'static str,
    pub(super) target: &'static str,
    pub(super) target_plan: &'static str,
    pub(super) target_delivered: &'static str,
    pub(super) target_share: &'static str,
    pub(super) planned: &'static str,
    pub(super) actual: &'static str,
    pub(super) variance: &'static str,
    pub(super) state: &'static str,
    pub(super) acceptance: &'static str,
    pub(super) overdue_count: &'static str,
    pub(super) days_late: &'static str,
    pub(super) working_days_late: &'static str,
    pub(super) from: &'static str,
    pub(super) to: &'static str,
    pub(super) days: &'static str,
    pub(super) working_days: &'static str,
    pub(super) category_stage: &'static str,
    pub(super) lead_unit: &'static str,
    pub(super) contact: &'static str,
    pub(super) schedule: &'static str,
    pub(super) progress: &'static str,
    pub(super) latest_progress: &'static str,
    pub(super) not_this_week: &'static str,
    pub(super) no_update: &'static str,
    pub(super) issues: &'static str,
    pub(super) next_steps: &'static str,
    pub(super) no_milestones: &'static str,
    pub(super) previous: &'static str,
    pub(super) time: &'static str,
    pub(super) change: &'static str,
    pub(super) number: &'static str,
    pub(super) done: &'static str,
    pub(super) late: &'static str,
    pub(super) open: &'static str,
    pub(super) today: &'static str,
    pub(super) phase: &'static str,
    pub(super) data_file: &'static str,
    pub(super) generated: &'static str,
    pub(super) checksum: &'static str,
    /// Separator between a label and its value.
    pub(super) colon: &'static str,
    /// Separator between list items.
    pub(super) sep: &'static str,
}

pub(super) const ZH: Words = Words {
    report: "重点项目周报",
    as_of: "数据截至",
    source: "依据",
    none: "无",
    summary: "一、总体情况",
    projects_total: "项目总数",
    average: "平均完成",
    due_week: "本周到期里程碑",
    done_week: "本周完成里程碑",
    overdue: "逾期里程碑",
    investment: "总投资（亿元）",
    changes: "较上周变化",
    status_changes: "状态变化",
    warnings: "预警",
    moved: "里程碑调整",
    updates: "本周周报",
    missing_updates: "未报周报的项目",
    overview: "项目一览",
    details: "二、项目详情",
    overdue_section: "三、逾期里程碑（按逾期天数排序）",
    appendix: "附录：本周变更记录",
    no_changes: "本周没有变更记录。",
    code: "编号",
    project: "项目",
    status: "状态",
    percent: "完成",
    next_milestone: "下一里程碑",
    milestone: "里程碑",
    milestones: "里程碑",
    target: "工作要点指标",
    target_plan: "计划",
    target_delivered: "实际",
    target_share: "占计划",
    planned: "计划日期",
    actual: "实际日期",
    variance: "偏差（工作日）",
    state: "情况",
    acceptance: "验收标准",
    overdue_count: "逾期项",
    days_late: "逾期天数",
    working_days_late: "逾期工作日",
    from: "原计划",
    to: "新计划",
    days: "调整天数",
    working_days: "工作日",
    category_stage: "类别/阶段",
    lead_unit: "责任单位",
    contact: "联系人",
    schedule: "计划工期",
    progress: "本周进展",
    latest_progress: "最新进展",
    not_this_week: "本周未报",
    no_update: "尚未提交周报",
    issues: "问题与风险",
    next_steps: "下步计划",
    no_milestones: "本项目没有里程碑。",
    previous: "上周",
    time: "时间",
    change: "变更内容",
    number: "序号",
    done: "已完成",
    late: "已逾期",
    open: "未到期",
    today: "今天",
    phase: "工作包（深色为已完成部分）",
    data_file: "数据文件",
    generated: "生成时间",
    checksum: "内容校验 SHA-256",
    colon: "：",
    sep: "；",
};

pub(super) const EN: Words = Words {
    report: "Key Projects Weekly Report",
    as_of: "Data as of",
    source: "Source",
    none: "None",
    summary: "1. Summary",
    projects_total: "Projects",
    average: "Avg. complete",
    due_week: "Milestones due this week",
    done_week: "Milestones done this week",
    overdue: "Overdue milestones",
    investment: "Investment (100M CNY)",
    changes: "Changes since last week",
    status_changes: "Status changes",
    warnings: "Warnings",
    moved: "Milestones moved",
    updates: "Weekly updates",
    missing_updates: "Projects without an update",
    overview: "Portfolio overview",
    details: "2. Projects",
    overdue_section: "3. Overdue milestones (most days late first)",
    appendix: "Appendix: this week's change log",
    no_changes: "No changes were recorded this week.",
    code: "Code",
    project: "Project",
    status: "Status",
    percent: "Done",
    next_milestone: "Next milestone",
    milestone: "Milestone",
    milestones: "Milestones",
    target: "Work-plan target",
    target_plan: "Plan",
    target_delivered: "Actual",
    target_share: "Of plan",
    planned: "Planned",
    actual: "Actual",
    variance: "Variance (working days)",
    state: "State",
    acceptance: "Acceptance",
    overdue_count: "Overdue",
    days_late: "Days late",
    working_days_late: "Working days late",
    from: "Was",
    to: "Now",
    days: "Days moved",
    working_days: "Working days",
    category_stage: "Category / stage",
    lead_unit: "Lead unit",
    contact: "Contact",
    schedule: "Planned",
    progress: "This week",
    latest_progress: "Latest progress",
    not_this_week: "no update this week",
    no_update: "no update yet",
    issues: "Issues & risks",
    next_steps: "Next steps",
    no_milestones: "This project has no milestones.",
    previous: "last week",
    time: "Time",
    change: "Change",
    number: "No.",
    done: "Done",
    late: "Overdue",
    open: "Open",
    today: "Today",
    phase: "Work packages (dark: done)",
    data_file: "Data file",
    generated: "Generated",
    checksum: "Content SHA-256",
    colon: ": ",
    sep: "; ",
};

pub(super) fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

pub(super) const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

pub(super) fn month_label(lang: Lang, month: u32) -> String {
    match lang {
        Lang::Zh => format!("{month}月"),
        Lang::En => MONTHS_EN
            .get(month.saturating_sub(1) as usize)
            .copied()
            .unwrap_or("")
            .to_owned(),
    }
}

pub(super) fn status_word(lang: Lang, s: Status) -> &'static str {
    match lang {
        Lang::Zh => s.label_zh(),
        Lang::En => s.label_en(),
    }
}

pub(super) fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub(super) fn week_title(lang: Lang, r: &WeeklyReport) -> String {
    let (s, e) = (r.week_start, r.week_end);
    match lang {
        Lang::Zh => format!(
            "{}年第{}周（{}月{}日—{}月{}日）",
            r.week.year(),
            r.week.week(),
            s.month(),
            s.day(),
            e.month(),
            e.day()
        ),
        Lang::En => format!(
            "Week {}, {} ({} {} – {} {})",
            r.week.week(),
            r.week.year(),
            s.day(),
            month_label(lang, s.month()),
            e.day(),
            month_label(lang, e.month())
        ),
    }
}

pub(super) fn percent(v: f64) -> String {
    if (v - v.round()).abs() < 0.05 {
        format!("{v:.0}%")
    } else {
        format!("{v:.1}%")
    }
}

/// 24457 → "24,457"; 85.38 → "85.38": the plan's figures as the plan writes them.
pub(super) fn quantity(v: f64) -> String {
    let text = format!("{v:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let (sign, digits) = whole.strip_prefix('-').map_or(("", whole), |d| ("-", d));
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if fraction.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{fraction}")
    }
}

pub(super) fn signed(v: i64) -> String {
    if v > 0 {
        format!("+{v}")
    } else {
        v.to_string()
    }
}

pub(super) fn page_label(lang: Lang, n: usize, of: usize) -> String {
    match lang {
        Lang::Zh => format!("第 {n} 页 / 共 {of} 页"),
        Lang::En => format!("Page {n} of {of}"),
    }
}

/// `06-11 17:00` from an RFC 3339 timestamp, in the offset it was recorded with.
pub(super) fn short_time(at: &str) -> String {
    DateTime::parse_from_rfc3339(at)
        .map(|t| t.format("%m-%d %H:%M").to_string())
        .unwrap_or_else(|_| at.to_owned())
}
