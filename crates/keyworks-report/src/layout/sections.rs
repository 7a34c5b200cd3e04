//! The report's sections: the summary, one section per project, the overdue milestones and
//! the appendix of the week's changes.

use crate::model::SectionPhoto;
use keyworks_core::supervision::approvals::{Clock, ClockState, ProjectApprovals};
use keyworks_core::supervision::problems::LedgerLine;
use keyworks_core::supervision::warnings::Light;

use super::*;

pub(super) const TITLE: f32 = 17.0;
pub(super) const SUBTITLE: f32 = 11.5;
pub(super) const H1: f32 = 13.0;
pub(super) const H2: f32 = 11.0;
pub(super) const H3: f32 = 9.5;
pub(super) const BODY: f32 = 9.0;
pub(super) const TABLE: f32 = 8.0;
pub(super) const SMALL: f32 = 7.5;

pub(super) fn summary_section(f: &mut Flow<'_>, r: &WeeklyReport) {
    let w = f.w;
    let lang = f.lang;
    let cw = f.content_width();
    for l in f.wrap(&r.portfolio.name, TITLE, cw, cw) {
        f.put(f.left, f.y, &l, TITLE, ACCENT);
        f.y += line_height(TITLE);
    }
    let sub = format!("{} · {}", w.report, week_title(lang, r));
    for l in f.wrap(&sub, SUBTITLE, cw, cw) {
        f.put(f.left, f.y, &l, SUBTITLE, INK);
        f.y += line_height(SUBTITLE);
    }
    let facts = format!(
        "{} {}{}{}{}{}",
        w.as_of,
        date(r.as_of),
        w.sep,
        w.source,
        w.colon,
        r.portfolio.source
    );
    for l in f.wrap(&facts, SMALL, cw, cw) {
        f.put(f.left, f.y, &l, SMALL, MUTED);
        f.y += line_height(SMALL);
    }
    f.y += 3.0;

    f.heading(w.summary, H1, 25.0);
    let s = &r.summary;
    let mut tiles = vec![
        (s.projects.to_string(), w.projects_total.to_owned(), None),
        (
            s.by_status.green.to_string(),
            status_word(lang, Status::Green).to_owned(),
            Some(GREEN),
        ),
        (
            s.by_status.yellow.to_string(),
            status_word(lang, Status::Yellow).to_owned(),
            Some(AMBER),
        ),
        (
            s.by_status.red.to_string(),
            status_word(lang, Status::Red).to_owned(),
            Some(RED),
        ),
        (percent(s.average_percent), w.average.to_owned(), None),
        (
            s.due_this_week.len().to_string(),
            w.due_week.to_owned(),
            None,
        ),
        (
            s.done_this_week.len().to_string(),
            w.done_week.to_owned(),
            None,
        ),
        (
            s.overdue.to_string(),
            w.overdue.to_owned(),
            (s.overdue > 0).then_some(RED),
        ),
    ];
    if let Some(v) = s.total_investment_yuan {
        // Whole 亿元: a tile has room for about five figures.
        tiles.insert(1, (v.yi(0), w.investment.to_owned(), None));
    }
    f.tiles(&tiles);

    // What changed since last week.
    f.subheading(w.changes, H2, 15.0);
    let none = w.none;
    if s.status_changes.is_empty() {
        f.paragraph(&format!("{}{}", w.status_changes, w.colon), none, BODY);
    } else {
        f.paragraph(&format!("{}{}", w.status_changes, w.colon), "", BODY);
        let rows = s
            .status_changes
            .iter()
            .map(|c| {
                vec![
                    text(format!("{} {}", c.project.code, c.project.name)),
                    Cell::Status(c.from, String::new()),
                    Cell::Status(c.to, String::new()),
                ]
            })
            .collect();
        f.table(&Table {
            columns: vec![
                col(w.project, 4.0, Align::Left),
                col(w.previous, 1.2, Align::Left),
                col(w.status, 1.2, Align::Left),
            ],
            rows,
            size: TABLE,
            header: true,
            label_columns: false,
        });
    }
    if s.milestones_moved.is_empty() {
        f.paragraph(&format!("{}{}", w.moved, w.colon), none, BODY);
    } else {
        f.paragraph(&format!("{}{}", w.moved, w.colon), "", BODY);
        let rows = s
            .milestones_moved
            .iter()
            .map(|m| {
                let colour = if m.days > 0 { RED } else { GREEN };
                vec![
                    text(format!("{} {}", m.project.code, m.project.name)),
                    text(m.milestone.clone()),
                    text(date(m.from)),
                    text(date(m.to)),
                    Cell::Coloured(signed(m.days), colour),
                    Cell::Coloured(signed(m.working_days), colour),
                ]
            })
            .collect();
        f.table(&Table {
            columns: vec![
                col(w.project, 2.6, Align::Left),
                col(w.milestone, 2.6, Align::Left),
                col(w.from, 1.5, Align::Left),
                col(w.to, 1.5, Align::Left),
                col(w.days, 1.1, Align::Right),
                col(w.working_days, 1.1, Align::Right),
            ],
            rows,
            size: TABLE,
            header: true,
            label_columns: false,
        });
    }
    let mut updates = match lang {
        Lang::Zh => format!(
            "已提交 {} 个，未提交 {} 个",
            s.updated_this_week,
            s.missing_updates.len()
        ),
        Lang::En => format!(
            "{} submitted, {} missing",
            s.updated_this_week,
            s.missing_updates.len()
        ),
    };
    if !s.missing_updates.is_empty() {
        let list: Vec<String> = s
            .missing_updates
            .iter()
            .map(|p| format!("{} {}", p.code, p.name))
            .collect();
        let comma = if lang == Lang::Zh { "、" } else { ", " };
        updates.push_str(&format!(
            "{}{}{}{}",
            w.sep,
            w.missing_updates,
            w.colon,
            list.join(comma)
        ));
    }
    f.paragraph(&format!("{}{}", w.updates, w.colon), &updates, BODY);
    warnings_of_month(f, r);
    approvals_section(f, &r.approvals_at_risk);
    problems_section(f, &r.open_problems);
    f.y += 1.0;

    // This week's milestones: due and done.
    for (title, list) in [
        (w.due_week, &s.due_this_week),
        (w.done_week, &s.done_this_week),
    ] {
        if list.is_empty() {
            f.paragraph(&format!("{title}{}", w.colon), none, BODY);
            continue;
        }
        f.subheading(title, H3, 12.0);
        let rows = list
            .iter()
            .map(|m| {
                let state = match m.actual {
                    Some(_) => Cell::Coloured(w.done.to_owned(), GREEN),
                    None if m.planned < r.as_of => Cell::Coloured(w.late.to_owned(), RED),
                    None => text(w.open),
                };
                vec![
                    text(format!("{} {}", m.project.code, m.project.name)),
                    text(m.name.clone()),
                    text(date(m.planned)),
                    text(m.actual.map(date).unwrap_or_default()),
                    state,
                ]
            })
            .collect();
        f.table(&Table {
            columns: vec![
                col(w.project, 2.8, Align::Left),
                col(w.milestone, 2.8, Align::Left),
                col(w.planned, 1.4, Align::Left),
                col(w.actual, 1.4, Align::Left),
                col(w.state, 1.0, Align::Left),
            ],
            rows,
            size: TABLE,
            header: true,
            label_columns: false,
        });
    }

    // One row per project.
    f.subheading(w.overview, H2, 20.0);
    let rows = r
        .projects
        .iter()
        .map(|p| {
            let next = p
                .milestones
                .iter()
                .find(|m| m.state != MilestoneState::Done);
            let overdue: Vec<&MilestoneLine> = p
                .milestones
                .iter()
                .filter(|m| m.state == MilestoneState::Overdue)
                .collect();
            let late = overdue
                .iter()
                .map(|m| (r.as_of - m.planned).num_days())
                .max();
            vec![
                text(p.code.clone()),
                text(p.name.clone()),
                Cell::Status(p.status, String::new()),
                text(percent(p.percent_complete)),
                text(next.map(|m| m.name.clone()).unwrap_or_else(|| "—".into())),
                text(next.map(|m| date(m.planned)).unwrap_or_default()),
                if overdue.is_empty() {
                    text("—")
                } else {
                    Cell::Coloured(overdue.len().to_string(), RED)
                },
                match late {
                    Some(d) => Cell::Coloured(d.to_string(), RED),
                    None => text("—"),
                },
            ]
        })
        .collect();
    f.table(&Table {
        columns: vec![
            col(w.code, 1.2, Align::Left),
            col(w.project, 2.6, Align::Left),
            col(w.status, 1.0, Align::Left),
            col(w.percent, 0.9, Align::Right),
            col(w.next_milestone, 2.6, Align::Left),
            col(w.planned, 1.5, Align::Left),
            col(w.overdue_count, 0.9, Align::Right),
            col(w.days_late, 1.0, Align::Right),
        ],
        rows,
        size: TABLE,
        header: true,
        label_columns: false,
    });
}

/// The month's yellow and red lights (investment against 序时进度, milestones overdue in
/// working days), as the monthly report lists them.
fn warnings_of_month(f: &mut Flow<'_>, r: &WeeklyReport) {
    let w = f.w;
    let lang = f.lang;
    let label = format!("{}（{}）{}", w.warnings, r.warnings.month, w.colon);
    if r.warnings.projects.is_empty() {
        f.paragraph(&label, w.none, BODY);
        return;
    }
    f.paragraph(&label, "", BODY);
    let rows = r
        .warnings
        .projects
        .iter()
        .map(|p| {
            let (word, colour) = match p.light {
                Light::Red => (lang.pick("红", "Red"), RED),
                Light::Yellow => (lang.pick("黄", "Yellow"), AMBER),
                Light::Green => (lang.pick("绿", "Green"), GREEN),
            };
            vec![
                text(format!("{} {}", p.project.code, p.project.name)),
                Cell::Coloured(word.to_owned(), colour),
                text(p.reasons.clone()),
            ]
        })
        .collect();
    f.table(&Table {
        columns: vec![
            col(w.project, 2.6, Align::Left),
            col(w.warnings, 0.8, Align::Left),
            col(lang.pick("原因", "Reason"), 5.0, Align::Left),
        ],
        rows,
        size: TABLE,
        header: true,
        label_columns: false,
    });
}

/// Approval processes (前期手续) at risk or overdue, with days used and left in working days;
/// both reports list them.
pub(super) fn approvals_section(f: &mut Flow<'_>, list: &[ProjectApprovals]) {
    let w = f.w;
    let lang = f.lang;
    let label = format!(
        "{}{}",
        lang.pick("前期手续预警", "Approvals at risk"),
        w.colon
    );
    if list.is_empty() {
        f.paragraph(&label, w.none, BODY);
        return;
    }
    f.paragraph(&label, "", BODY);
    let clock = |c: &Clock| match lang {
        Lang::Zh => format!(
            "{} {}/{}，截止 {}",
            c.state.label_zh(),
            c.days_used,
            c.limit_days,
            date(c.deadline)
        ),
        Lang::En => format!(
            "{} {}/{}, due {}",
            c.state.label_en(),
            c.days_used,
            c.limit_days,
            date(c.deadline)
        ),
    };
    let colour = |c: &Clock| match c.state {
        ClockState::Overdue => RED,
        ClockState::AtRisk => AMBER,
        _ => INK,
    };
    let rows = list
        .iter()
        .map(|p| {
            let items: Vec<String> = p
                .items
                .iter()
                .filter_map(|i| {
                    let c = i.clock.as_ref()?;
                    matches!(c.state, ClockState::AtRisk | ClockState::Overdue)
                        .then(|| format!("{}：{}", i.approval.item, clock(c)))
                })
                .collect();
            vec![
                text(format!("{} {}", p.code, p.name)),
                match &p.process {
                    Some(c) => Cell::Coloured(clock(c), colour(c)),
                    None => text(lang.pick("未设投资类型", "no funding type")),
                },
                text(items.join("；")),
            ]
        })
        .collect();
    f.table(&Table {
        columns: vec![
            col(w.project, 2.6, Align::Left),
            col(
                lang.pick(
                    "全流程（已用/时限，工作日）",
                    "Whole process (used/limit, working days)",
                ),
                2.6,
                Align::Left,
            ),
            col(lang.pick("事项", "Items"), 3.4, Align::Left),
        ],
        rows,
        size: TABLE,
        header: true,
        label_columns: false,
    });
}

/// The problem ledger's unsolved items, the longest-standing first, with their age and days
/// past the deadline in working days; those due for escalation to 督办 in red.
fn problems_section(f: &mut Flow<'_>, list: &[LedgerLine]) {
    let w = f.w;
    let lang = f.lang;
    let label = format!("{}{}", lang.pick("未解决问题", "Open problems"), w.colon);
    if list.is_empty() {
        f.paragraph(&label, w.none, BODY);
        return;
    }
    f.paragraph(&label, "", BODY);
    let rows = list
        .iter()
        .map(|l| {
            let q = &l.problem;
            let (state, level) = match lang {
                Lang::Zh => (q.state.label_zh(), q.level.label_zh()),
                Lang::En => (q.state.label_en(), q.level.label_en()),
            };
            let overdue = if l.days_overdue > 0 {
                let words = match lang {
                    Lang::Zh => format!("逾期 {} 个工作日", l.days_overdue),
                    Lang::En => format!("{} working days late", l.days_overdue),
                };
                let escalate = if l.escalate {
                    lang.pick("，应升级督办", "; escalate")
                } else {
                    ""
                };
                Cell::Coloured(format!("{words}{escalate}"), RED)
            } else {
                text(q.due.map(date).unwrap_or_else(|| "—".into()))
            };
            vec![
                text(format!("{} {}", l.project_code, l.project_name)),
                text(q.problem.clone()),
                text(if q.unit.is_empty() {
                    "—".into()
                } else {
                    q.unit.clone()
                }),
                text(match lang {
                    Lang::Zh => format!("{} 工作日", l.age_days),
                    Lang::En => format!("{} wd", l.age_days),
                }),
                overdue,
                text(format!("{state} · {level}")),
            ]
        })
        .collect();
    f.table(&Table {
        columns: vec![
            col(w.project, 2.0, Align::Left),
            col(lang.pick("问题", "Problem"), 2.8, Align::Left),
            col(lang.pick("责任单位", "Responsible"), 1.3, Align::Left),
            col(lang.pick("历时", "Age"), 1.2, Align::Right),
            col(lang.pick("时限", "Deadline"), 2.8, Align::Left),
            col(lang.pick("状态", "State"), 1.7, Align::Left),
        ],
        rows,
        size: TABLE,
        header: true,
        label_columns: false,
    });
}

/// The photo's box beside the progress text: the text flows in the narrowed column to its
/// left; closing it restores the column and moves below whichever ends lower.
struct PhotoBeside {
    right: f32,
    bottom: f32,
    page: usize,
}

impl PhotoBeside {
    fn close(self, f: &mut Flow<'_>) {
        f.right = self.right;
        // Text that ran onto a later page is already below the photo.
        if f.done.len() == self.page {
            f.y = f.y.max(self.bottom + 1.0);
        }
    }
}

/// Places the project's latest photo at the right of the section, a caption under it (the
/// week and when it was taken), and narrows the column for the text beside it.
fn photo_beside(f: &mut Flow<'_>, photo: &SectionPhoto) -> PhotoBeside {
    let lang = f.lang;
    let caption_size = TABLE - 1.0;
    let caption_h = line_height(caption_size);
    let max_w = (f.content_width() * 0.34).min(64.0);
    let max_h = 48.0;
    let aspect = photo.height.max(1) as f32 / photo.width.max(1) as f32;
    let (w, h) = if max_w * aspect <= max_h {
        (max_w, max_w * aspect)
    } else {
        (max_h / aspect, max_h)
    };
    f.ensure(h + caption_h + 1.0);
    let x = f.right - w;
    let top = f.y;
    f.push(Mark::Image {
        x,
        y: top,
        w,
        h,
        photo: photo.jpeg.clone(),
        px_w: photo.width,
        px_h: photo.height,
    });
    let taken = match (lang, photo.taken_at) {
        (Lang::Zh, Some(t)) => format!("{} · 摄于 {}", photo.week, t.format("%Y-%m-%d")),
        (Lang::En, Some(t)) => format!("{} · taken {}", photo.week, t.format("%Y-%m-%d")),
        (_, None) => photo.week.to_string(),
    };
    let caption = f.fit(&taken, caption_size, w);
    f.put(x, top + h + 0.5, &caption, caption_size, MUTED);
    let beside = PhotoBeside {
        right: f.right,
        bottom: top + h + 0.5 + caption_h,
        page: f.done.len(),
    };
    f.right = x - 4.0;
    beside
}

pub(super) fn project_section(f: &mut Flow<'_>, r: &WeeklyReport, p: &ProjectSection) {
    let w = f.w;
    let lang = f.lang;
    f.subheading(&format!("{}  {}", p.code, p.name), H2, 40.0);
    let was = match p.previous_status {
        Some(prev) if prev != p.status => match lang {
            Lang::Zh => format!("（{}{}）", w.previous, prev.label_zh()),
            Lang::En => format!(" ({} {})", w.previous, prev.label_en()),
        },
        _ => String::new(),
    };
    let (category, stage) = match lang {
        Lang::Zh => (p.category.label_zh(), p.stage.label_zh()),
        Lang::En => (p.category.label_en(), p.stage.label_en()),
    };
    let schedule = match (p.planned_start, p.planned_finish) {
        (Some(a), Some(b)) => format!("{} – {}", date(a), date(b)),
        _ => "—".into(),
    };
    f.table(&Table {
        columns: vec![
            col("", 0.9, Align::Left),
            col("", 1.5, Align::Left),
            col("", 1.0, Align::Left),
            col("", 3.1, Align::Left),
            col("", 1.0, Align::Left),
            col("", 2.5, Align::Left),
        ],
        rows: vec![
            vec![
                text(w.status),
                Cell::Status(p.status, was),
                text(w.lead_unit),
                text(p.lead_unit.clone()),
                text(w.contact),
                text(p.contact.clone()),
            ],
            vec![
                text(w.percent),
                text(percent(p.percent_complete)),
                text(w.schedule),
                text(schedule),
                text(w.category_stage),
                text(format!("{category} · {stage}")),
            ],
        ],
        size: TABLE,
        header: false,
        label_columns: true,
    });
    if !p.targets.is_empty() {
        f.table(&Table {
            columns: vec![
                col(w.target, 3.0, Align::Left),
                col(w.target_plan, 1.6, Align::Right),
                col(w.target_delivered, 1.6, Align::Right),
                col(w.target_share, 1.0, Align::Right),
            ],
            rows: p
                .targets
                .iter()
                .map(|t| {
                    vec![
                        text(t.name.clone()),
                        text(format!("{} {}", quantity(t.quantity), t.unit)),
                        text(t.actual.map_or_else(
                            || "—".to_owned(),
                            |a| format!("{} {}", quantity(a), t.unit),
                        )),
                        text(t.percent_delivered.map_or_else(|| "—".to_owned(), percent)),
                    ]
                })
                .collect(),
            size: TABLE,
            header: true,
            label_columns: false,
        });
    }
    f.gantt(p);
    let beside = p.photo.as_ref().map(|photo| photo_beside(f, photo));
    match &p.update {
        Some(u) => {
            let this_week = u.week == r.week;
            let when = short_time(&u.recorded_at);
            let label = match (lang, this_week) {
                (Lang::Zh, true) => {
                    format!("{}（{}，{} {}）：", w.progress, u.week, u.author, when)
                }
                (Lang::Zh, false) => format!(
                    "{}（{}，{}，{} {}）：",
                    w.latest_progress, u.week, w.not_this_week, u.author, when
                ),
                (Lang::En, true) => format!("{} ({}, {} {}): ", w.progress, u.week, u.author, when),
                (Lang::En, false) => format!(
                    "{} ({}, {}; {} {}): ",
                    w.latest_progress, u.week, w.not_this_week, u.author, when
                ),
            };
            f.paragraph(&label, &u.narrative, BODY);
            let or_none = |s: &str| {
                if s.trim().is_empty() {
                    w.none.to_owned()
                } else {
                    s.to_owned()
                }
            };
            f.paragraph(
                &format!("{}{}", w.issues, w.colon),
                &or_none(&u.issues),
                BODY,
            );
            f.paragraph(
                &format!("{}{}", w.next_steps, w.colon),
                &or_none(&u.next_steps),
                BODY,
            );
        }
        None => f.paragraph(&format!("{}{}", w.progress, w.colon), w.no_update, BODY),
    }
    if let Some(b) = beside {
        b.close(f);
    }
    f.y += 1.0;
    if p.milestones.is_empty() {
        f.paragraph("", w.no_milestones, BODY);
    } else {
        let rows = p
            .milestones
            .iter()
            .map(|m| {
                let state = match m.state {
                    MilestoneState::Done => Cell::Coloured(w.done.to_owned(), GREEN),
                    MilestoneState::Overdue => Cell::Coloured(w.late.to_owned(), RED),
                    MilestoneState::Open => text(w.open),
                };
                let variance = match m.variance_working_days {
                    Some(v) if v > 0 => Cell::Coloured(signed(v), RED),
                    Some(v) => text(signed(v)),
                    None => text("—"),
                };
                vec![
                    text(m.name.clone()),
                    text(date(m.planned)),
                    text(m.actual.map(date).unwrap_or_else(|| "—".into())),
                    variance,
                    state,
                    text(m.acceptance.clone()),
                ]
            })
            .collect();
        f.table(&Table {
            columns: vec![
                col(w.milestones, 2.8, Align::Left),
                col(w.planned, 1.4, Align::Left),
                col(w.actual, 1.4, Align::Left),
                col(w.variance, 1.6, Align::Right),
                col(w.state, 1.0, Align::Left),
                col(w.acceptance, 2.4, Align::Left),
            ],
            rows,
            size: TABLE,
            header: true,
            label_columns: false,
        });
    }
    f.y += 4.0;
}

pub(super) fn overdue_section(f: &mut Flow<'_>, r: &WeeklyReport) {
    let w = f.w;
    f.heading(w.overdue_section, H1, 20.0);
    if r.overdue.is_empty() {
        f.paragraph("", w.none, BODY);
        return;
    }
    let rows = r
        .overdue
        .iter()
        .enumerate()
        .map(|(i, o)| {
            vec![
                text((i + 1).to_string()),
                text(format!("{} {}", o.project.code, o.project.name)),
                Cell::Status(o.project_status, String::new()),
                text(o.milestone.clone()),
                text(date(o.planned)),
                Cell::Coloured(o.days_late.to_string(), RED),
                Cell::Coloured(o.working_days_late.to_string(), RED),
                text(o.acceptance.clone()),
            ]
        })
        .collect();
    f.table(&Table {
        columns: vec![
            col(w.number, 0.6, Align::Right),
            col(w.project, 2.6, Align::Left),
            col(w.status, 0.8, Align::Left),
            col(w.milestone, 2.6, Align::Left),
            col(w.planned, 1.4, Align::Left),
            col(w.days_late, 1.0, Align::Right),
            col(w.working_days_late, 1.3, Align::Right),
            col(w.acceptance, 1.9, Align::Left),
        ],
        rows,
        size: TABLE,
        header: true,
        label_columns: false,
    });
}

pub(super) fn appendix(f: &mut Flow<'_>, r: &WeeklyReport) {
    let w = f.w;
    let lang = f.lang;
    f.heading(w.appendix, H1, 20.0);
    if r.change_log.is_empty() {
        f.paragraph("", w.no_changes, BODY);
        return;
    }
    let rows = r
        .change_log
        .iter()
        .map(|e| {
            vec![
                text(e.time.clone()),
                text(
                    e.project
                        .as_ref()
                        .map(|p| format!("{} {}", p.code, p.name))
                        .unwrap_or_default(),
                ),
                text(lang.pick(&e.zh, &e.en).to_owned()),
            ]
        })
        .collect();
    f.table(&Table {
        columns: vec![
            col(w.time, 1.1, Align::Left),
            col(w.project, 2.3, Align::Left),
            col(w.change, 6.0, Align::Left),
        ],
        rows,
        size: TABLE,
        header: true,
        label_columns: false,
    });
}
