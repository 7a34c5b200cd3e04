//! The monthly report on pages, with the weekly report's engine, fonts and furniture: the
//! portfolio's investment against 序时进度 and its warnings by colour, a table of every
//! project, a page per leader (包抓领导), and the milestones done in the month and overdue at
//! its end. Every amount is the core's exact figure, printed in 万元 to two decimals.

use keyworks_core::money::Yuan;
use keyworks_core::supervision::overview::{InvestmentRow, InvestmentTotals};
use keyworks_core::supervision::warnings::{Light, year_to_date_label};

use super::*;
use crate::monthly::MonthlyReport;

/// The monthly report's own labels, in the report's language.
struct MonthWords {
    report: &'static str,
    as_of: &'static str,
    elapsed: &'static str,
    summary: &'static str,
    annual: &'static str,
    month_done: &'static str,
    ytd_done: &'static str,
    rate: &'static str,
    lights: &'static str,
    warnings: &'static str,
    no_warnings: &'static str,
    projects: &'static str,
    total: &'static str,
    code: &'static str,
    project: &'static str,
    leader: &'static str,
    declared: &'static str,
    light: &'static str,
    reason: &'static str,
    leaders: &'static str,
    no_leader: &'static str,
    milestones: &'static str,
    done: &'static str,
    overdue: &'static str,
    none: &'static str,
    milestone: &'static str,
    due: &'static str,
    done_on: &'static str,
    working_days_late: &'static str,
    unit_note: &'static str,
}

const ZH: MonthWords = MonthWords {
    report: "月度投资与进度报告",
    as_of: "截至",
    elapsed: "序时进度",
    summary: "总体情况",
    annual: "年度计划投资（万元）",
    month_done: "当月完成投资（万元）",
    ytd_done: "累计完成投资（万元）",
    rate: "完成率",
    lights: "预警",
    warnings: "预警项目",
    no_warnings: "本月没有黄灯或红灯预警。",
    projects: "项目一览",
    total: "合计",
    code: "编号",
    project: "项目",
    leader: "包抓领导",
    declared: "申报状态",
    light: "预警",
    reason: "预警原因",
    leaders: "包抓领导",
    no_leader: "（未指定包抓领导）",
    milestones: "本月里程碑",
    done: "本月完成的里程碑",
    overdue: "月末逾期的里程碑",
    none: "无。",
    milestone: "里程碑",
    due: "计划完成",
    done_on: "实际完成",
    working_days_late: "逾期（工作日）",
    unit_note: "金额单位：万元；预警由数据自动计算，与项目申报的状态并列显示。",
};

const EN: MonthWords = MonthWords {
    report: "Monthly investment and progress report",
    as_of: "As of",
    elapsed: "Time elapsed",
    summary: "Summary",
    annual: "Annual plan (10k CNY)",
    month_done: "Completed in the month (10k CNY)",
    ytd_done: "Completed year to date (10k CNY)",
    rate: "Completion rate",
    lights: "Warnings",
    warnings: "Projects with warnings",
    no_warnings: "No yellow or red warnings this month.",
    projects: "All projects",
    total: "Total",
    code: "Code",
    project: "Project",
    leader: "Leader",
    declared: "Declared",
    light: "Warning",
    reason: "Reason",
    leaders: "Leader",
    no_leader: "(no leader named)",
    milestones: "Milestones of the month",
    done: "Milestones done in the month",
    overdue: "Milestones overdue at the month's end",
    none: "None.",
    milestone: "Milestone",
    due: "Due",
    done_on: "Done",
    working_days_late: "Late (working days)",
    unit_note: "Amounts in 10k CNY; warnings are computed from the data and shown beside the declared status.",
};

fn month_words(lang: Lang) -> &'static MonthWords {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

fn light_colour(l: Light) -> Colour {
    match l {
        Light::Green => GREEN,
        Light::Yellow => AMBER,
        Light::Red => RED,
    }
}

fn light_word(lang: Lang, l: Light) -> &'static str {
    match (lang, l) {
        (Lang::Zh, l) => l.label_zh(),
        (Lang::En, Light::Green) => "Green",
        (Lang::En, Light::Yellow) => "Yellow",
        (Lang::En, Light::Red) => "Red",
    }
}

fn money(y: Option<Yuan>) -> String {
    y.map(|y| y.wan(2)).unwrap_or_else(|| "—".into())
}

fn rate(r: Option<f64>) -> String {
    r.map(|r| format!("{:.1}%", r * 100.0))
        .unwrap_or_else(|| "—".into())
}

fn title_block(f: &mut Flow<'_>, r: &MonthlyReport, mw: &MonthWords) {
    let cw = f.content_width();
    for l in f.wrap(&r.portfolio.name, TITLE, cw, cw) {
        f.put(f.left, f.y, &l, TITLE, ACCENT);
        f.y += line_height(TITLE);
    }
    let period = match f.lang {
        Lang::Zh => format!(
            "{}年{}月（{}）",
            r.month.year(),
            r.month.month(),
            year_to_date_label(r.month)
        ),
        Lang::En => format!("{}", r.month),
    };
    let sub = format!("{} · {period}", mw.report);
    for l in f.wrap(&sub, SUBTITLE, cw, cw) {
        f.put(f.left, f.y, &l, SUBTITLE, INK);
        f.y += line_height(SUBTITLE);
    }
    let o = &r.overview;
    let facts = format!(
        "{} {} · {} {:.1}% · {}",
        mw.as_of,
        date(o.as_of),
        mw.elapsed,
        o.elapsed_share * 100.0,
        mw.unit_note
    );
    for l in f.wrap(&facts, SMALL, cw, cw) {
        f.put(f.left, f.y, &l, SMALL, MUTED);
        f.y += line_height(SMALL);
    }
    f.y += 3.0;
}

fn figures(f: &mut Flow<'_>, t: &InvestmentTotals, elapsed: f64, mw: &MonthWords) {
    let lang = f.lang;
    f.tiles(&[
        (t.annual_yuan.wan(2), mw.annual.to_owned(), None),
        (t.month_yuan.wan(2), mw.month_done.to_owned(), None),
        (t.year_to_date_yuan.wan(2), mw.ytd_done.to_owned(), None),
        (rate(t.completion_rate), mw.rate.to_owned(), None),
        (
            format!("{:.1}%", elapsed * 100.0),
            mw.elapsed.to_owned(),
            None,
        ),
    ]);
    f.tiles(&[
        (
            t.red.to_string(),
            format!("{} {}", mw.lights, light_word(lang, Light::Red)),
            Some(RED),
        ),
        (
            t.yellow.to_string(),
            format!("{} {}", mw.lights, light_word(lang, Light::Yellow)),
            Some(AMBER),
        ),
        (
            t.green.to_string(),
            format!("{} {}", mw.lights, light_word(lang, Light::Green)),
            Some(GREEN),
        ),
    ]);
}

fn warning_table(f: &mut Flow<'_>, rows: &[&InvestmentRow], mw: &MonthWords) {
    let lang = f.lang;
    let warned: Vec<&&InvestmentRow> = rows
        .iter()
        .filter(|r| r.warning.light != Light::Green)
        .collect();
    if warned.is_empty() {
        f.paragraph("", mw.no_warnings, BODY);
        return;
    }
    let rows = warned
        .iter()
        .map(|r| {
            vec![
                text(format!("{} {}", r.code, r.name)),
                Cell::Coloured(
                    light_word(lang, r.warning.light).to_owned(),
                    light_colour(r.warning.light),
                ),
                Cell::Status(r.declared, String::new()),
                text(r.warning.reasons()),
            ]
        })
        .collect();
    f.table(&Table {
        columns: vec![
            col(mw.project, 2.6, Align::Left),
            col(mw.light, 0.8, Align::Left),
            col(mw.declared, 1.0, Align::Left),
            col(mw.reason, 5.0, Align::Left),
        ],
        rows,
        size: TABLE,
        header: true,
        label_columns: false,
    });
}

fn project_table(
    f: &mut Flow<'_>,
    rows: &[&InvestmentRow],
    totals: Option<&InvestmentTotals>,
    mw: &MonthWords,
    month: keyworks_core::week::YearMonth,
) {
    let lang = f.lang;
    let ytd = match lang {
        Lang::Zh => format!("{}累计", year_to_date_label(month)),
        Lang::En => "Year to date".to_owned(),
    };
    let mut table_rows: Vec<Vec<Cell>> = rows
        .iter()
        .map(|r| {
            vec![
                text(r.code.clone()),
                text(r.name.clone()),
                text(r.leader.clone().unwrap_or_default()),
                text(money(r.annual_yuan)),
                text(money(r.month_yuan)),
                text(r.year_to_date_yuan.wan(2)),
                text(rate(r.completion_rate)),
                Cell::Status(r.declared, String::new()),
                Cell::Coloured(
                    light_word(lang, r.warning.light).to_owned(),
                    light_colour(r.warning.light),
                ),
            ]
        })
        .collect();
    if let Some(t) = totals {
        table_rows.push(vec![
            text(mw.total),
            text(String::new()),
            text(String::new()),
            text(t.annual_yuan.wan(2)),
            text(t.month_yuan.wan(2)),
            text(t.year_to_date_yuan.wan(2)),
            text(rate(t.completion_rate)),
            text(String::new()),
            text(String::new()),
        ]);
    }
    f.table(&Table {
        columns: vec![
            col(mw.code, 1.1, Align::Left),
            col(mw.project, 2.6, Align::Left),
            col(mw.leader, 1.4, Align::Left),
            col(mw.annual, 1.5, Align::Right),
            col(mw.month_done, 1.4, Align::Right),
            col(&ytd, 1.5, Align::Right),
            col(mw.rate, 1.0, Align::Right),
            col(mw.declared, 1.0, Align::Left),
            col(mw.light, 0.8, Align::Left),
        ],
        rows: table_rows,
        size: TABLE,
        header: true,
        label_columns: false,
    });
}

fn milestone_section(f: &mut Flow<'_>, r: &MonthlyReport, mw: &MonthWords) {
    f.heading(mw.milestones, H1, 20.0);
    f.subheading(mw.done, H2, 12.0);
    if r.done.is_empty() {
        f.paragraph("", mw.none, BODY);
    } else {
        let rows = r
            .done
            .iter()
            .map(|m| {
                vec![
                    text(format!("{} {}", m.project_code, m.project_name)),
                    text(m.name.clone()),
                    text(date(m.due)),
                    text(date(m.done)),
                ]
            })
            .collect();
        f.table(&Table {
            columns: vec![
                col(mw.project, 2.6, Align::Left),
                col(mw.milestone, 3.0, Align::Left),
                col(mw.due, 1.2, Align::Left),
                col(mw.done_on, 1.2, Align::Left),
            ],
            rows,
            size: TABLE,
            header: true,
            label_columns: false,
        });
    }
    f.subheading(mw.overdue, H2, 12.0);
    if r.overdue.is_empty() {
        f.paragraph("", mw.none, BODY);
    } else {
        let rules = &r.overview.rules;
        let rows = r
            .overdue
            .iter()
            .map(|m| {
                let colour = if m.working_days_late > rules.overdue_red_days {
                    RED
                } else if m.working_days_late > rules.overdue_yellow_days {
                    AMBER
                } else {
                    INK
                };
                vec![
                    text(format!("{} {}", m.project_code, m.project_name)),
                    text(m.name.clone()),
                    text(date(m.due)),
                    Cell::Coloured(m.working_days_late.to_string(), colour),
                ]
            })
            .collect();
        f.table(&Table {
            columns: vec![
                col(mw.project, 2.6, Align::Left),
                col(mw.milestone, 3.0, Align::Left),
                col(mw.due, 1.2, Align::Left),
                col(mw.working_days_late, 1.2, Align::Right),
            ],
            rows,
            size: TABLE,
            header: true,
            label_columns: false,
        });
    }
}

/// Places the monthly report on pages, footers included.
pub fn layout_monthly(r: &MonthlyReport, opts: &LayoutOptions) -> Result<DocumentLayout, String> {
    let m = Metrics::get()?;
    let mw = month_words(opts.lang);
    let title = format!("{} {} {}", r.portfolio.name, mw.report, r.month);
    let mut f = Flow::new(m, opts, title.clone());
    let o = &r.overview;
    let all: Vec<&InvestmentRow> = o.rows.iter().collect();

    title_block(&mut f, r, mw);
    f.heading(mw.summary, H1, 25.0);
    figures(&mut f, &o.totals, o.elapsed_share, mw);
    f.subheading(mw.warnings, H2, 12.0);
    warning_table(&mut f, &all, mw);

    f.y += 2.0;
    f.heading(mw.projects, H1, 20.0);
    project_table(&mut f, &all, Some(&o.totals), mw, r.month);

    // A page per leader: what each one answers for, to hand over at the meeting.
    for (leader, rows) in o.by_leader() {
        f.break_page();
        let name = leader.unwrap_or(mw.no_leader);
        f.heading(
            &format!("{}{}{}", mw.leaders, words(f.lang).colon, name),
            H1,
            25.0,
        );
        let totals = InvestmentTotals::of(&rows);
        figures(&mut f, &totals, o.elapsed_share, mw);
        project_table(&mut f, &rows, Some(&totals), mw, r.month);
        f.subheading(mw.warnings, H2, 12.0);
        warning_table(&mut f, &rows, mw);
    }

    f.break_page();
    milestone_section(&mut f, r, mw);
    f.y += 2.0;
    approvals_section(&mut f, &r.approvals_at_risk);

    let hash = r.content_hash().map_err(|e| e.to_string())?;
    document(f, opts, title, &r.portfolio.name, &hash)
}
