//! Lays the report model out on A4 pages and writes them as PDF.
//!
//! Layout is our own, in two steps: `layout` places every text line, rectangle, rule and
//! marker on a page (millimetres, origin at the top left), measuring text with the embedded
//! font's advance widths; `to_pdf` turns those placed marks into printpdf operations. The
//! placed marks are public so that tests can check that nothing crosses the margins.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};
use keyworks_core::model::Status;
use keyworks_core::portfolio::milestones::MilestoneState;
use printpdf::{
    Color, Line, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Polygon, PolygonRing, Pt, Rect, TextItem, TextMatrix, WindingOrder,
};

use crate::font::{FONT_NAME, Metrics, printable};
use crate::model::{MilestoneLine, ProjectSection, WeeklyReport};

/// Millimetres per typographic point.
const PT: f32 = 25.4 / 72.0;
/// Line height as a multiple of the font size: room for CJK ideographs (one em tall) and
/// Latin descenders without lines touching.
const LEADING: f32 = 1.4;
/// Slack for float comparisons of positions, in mm.
const EPS: f32 = 0.01;

const A4: (f32, f32) = (210.0, 297.0);
const MARGIN: f32 = 15.0;

/// The language of the report's labels: the one the history and every face use.
pub use keyworks_core::audit::history::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Orientation {
    Portrait,
    Landscape,
}

/// What the printout needs besides the content: language, paper, and the facts of this
/// printing, which the footer shows and the content hash leaves out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayoutOptions {
    pub lang: Lang,
    pub orientation: Orientation,
    pub generated_at: DateTime<FixedOffset>,
    /// The database file the report came from, as the footer names it.
    pub source_file: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Colour(pub u8, pub u8, pub u8);

const INK: Colour = Colour(0x21, 0x21, 0x21);
const MUTED: Colour = Colour(0x5F, 0x63, 0x68);
const ACCENT: Colour = Colour(0x1F, 0x4E, 0x79);
const RULE: Colour = Colour(0xC9, 0xD1, 0xDB);
const HEAD_FILL: Colour = Colour(0xE4, 0xEA, 0xF1);
const ZEBRA: Colour = Colour(0xF5, 0xF7, 0xFA);
const WHITE: Colour = Colour(0xFF, 0xFF, 0xFF);
const GREEN: Colour = Colour(0x2E, 0x7D, 0x32);
const AMBER: Colour = Colour(0xE0, 0xA1, 0x00);
const RED: Colour = Colour(0xC6, 0x28, 0x28);

fn status_colour(s: Status) -> Colour {
    match s {
        Status::Green => GREEN,
        Status::Yellow => AMBER,
        Status::Red => RED,
    }
}

/// Something drawn on a page. Positions in mm from the page's top-left corner.
#[derive(Debug, Clone, PartialEq)]
pub enum Mark {
    /// One line of text; `y` is the top of its line box, `w` its measured width.
    Text {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        size: f32,
        colour: Colour,
        text: String,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<Colour>,
        stroke: Option<Colour>,
    },
    /// `width` in points.
    Rule {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        colour: Colour,
    },
    /// A milestone marker: a square standing on its corner, `r` from centre to corner.
    Diamond {
        cx: f32,
        cy: f32,
        r: f32,
        fill: Colour,
        stroke: Colour,
    },
}

/// A box in mm: left, top, right, bottom.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    pub left: f32,
    pub top: f32,
    pub right: f32,
    pub bottom: f32,
}

impl Bounds {
    pub fn contains(&self, other: &Bounds) -> bool {
        other.left >= self.left - EPS
            && other.top >= self.top - EPS
            && other.right <= self.right + EPS
            && other.bottom <= self.bottom + EPS
    }
}

impl Mark {
    pub fn bounds(&self) -> Bounds {
        match *self {
            Mark::Text { x, y, w, h, .. } | Mark::Rect { x, y, w, h, .. } => Bounds {
                left: x,
                top: y,
                right: x + w,
                bottom: y + h,
            },
            Mark::Rule { x1, y1, x2, y2, .. } => Bounds {
                left: x1.min(x2),
                top: y1.min(y2),
                right: x1.max(x2),
                bottom: y1.max(y2),
            },
            Mark::Diamond { cx, cy, r, .. } => Bounds {
                left: cx - r,
                top: cy - r,
                right: cx + r,
                bottom: cy + r,
            },
        }
    }

    pub fn text(&self) -> Option<&str> {
        match self {
            Mark::Text { text, .. } => Some(text),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct PageLayout {
    pub marks: Vec<Mark>,
}

impl PageLayout {
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        self.marks.iter().filter_map(Mark::text)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DocumentLayout {
    pub width: f32,
    pub height: f32,
    pub margin: f32,
    pub title: String,
    pub pages: Vec<PageLayout>,
}

impl DocumentLayout {
    /// The area inside the margins: nothing may be drawn outside it.
    pub fn printable(&self) -> Bounds {
        Bounds {
            left: self.margin,
            top: self.margin,
            right: self.width - self.margin,
            bottom: self.height - self.margin,
        }
    }
}

// ---- words ----

/// Every label of the report in one language.
#[derive(Debug)]
struct Words {
    report: &'static str,
    as_of: &'static str,
    source: &'static str,
    none: &'static str,
    summary: &'static str,
    projects_total: &'static str,
    average: &'static str,
    due_week: &'static str,
    done_week: &'static str,
    overdue: &'static str,
    investment: &'static str,
    changes: &'static str,
    status_changes: &'static str,
    moved: &'static str,
    updates: &'static str,
    missing_updates: &'static str,
    overview: &'static str,
    details: &'static str,
    overdue_section: &'static str,
    appendix: &'static str,
    no_changes: &'static str,
    code: &'static str,
    project: &'static str,
    status: &'static str,
    percent: &'static str,
    next_milestone: &'static str,
    milestone: &'static str,
    milestones: &'static str,
    target: &'static str,
    target_plan: &'static str,
    target_delivered: &'static str,
    target_share: &'static str,
    planned: &'static str,
    actual: &'static str,
    variance: &'static str,
    state: &'static str,
    acceptance: &'static str,
    overdue_count: &'static str,
    days_late: &'static str,
    working_days_late: &'static str,
    from: &'static str,
    to: &'static str,
    days: &'static str,
    working_days: &'static str,
    category_stage: &'static str,
    lead_unit: &'static str,
    contact: &'static str,
    schedule: &'static str,
    progress: &'static str,
    latest_progress: &'static str,
    not_this_week: &'static str,
    no_update: &'static str,
    issues: &'static str,
    next_steps: &'static str,
    no_milestones: &'static str,
    previous: &'static str,
    time: &'static str,
    change: &'static str,
    number: &'static str,
    done: &'static str,
    late: &'static str,
    open: &'static str,
    today: &'static str,
    phase: &'static str,
    data_file: &'static str,
    generated: &'static str,
    checksum: &'static str,
    /// Separator between a label and its value.
    colon: &'static str,
    /// Separator between list items.
    sep: &'static str,
}

const ZH: Words = Words {
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

const EN: Words = Words {
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

fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn month_label(lang: Lang, month: u32) -> String {
    match lang {
        Lang::Zh => format!("{month}月"),
        Lang::En => MONTHS_EN
            .get(month.saturating_sub(1) as usize)
            .copied()
            .unwrap_or("")
            .to_owned(),
    }
}

fn status_word(lang: Lang, s: Status) -> &'static str {
    match lang {
        Lang::Zh => s.label_zh(),
        Lang::En => s.label_en(),
    }
}

fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn week_title(lang: Lang, r: &WeeklyReport) -> String {
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

fn percent(v: f64) -> String {
    if (v - v.round()).abs() < 0.05 {
        format!("{v:.0}%")
    } else {
        format!("{v:.1}%")
    }
}

/// 24457 → "24,457"; 85.38 → "85.38": the plan's figures as the plan writes them.
fn quantity(v: f64) -> String {
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

fn signed(v: i64) -> String {
    if v > 0 {
        format!("+{v}")
    } else {
        v.to_string()
    }
}

fn page_label(lang: Lang, n: usize, of: usize) -> String {
    match lang {
        Lang::Zh => format!("第 {n} 页 / 共 {of} 页"),
        Lang::En => format!("Page {n} of {of}"),
    }
}

/// `06-11 17:00` from an RFC 3339 timestamp, in the offset it was recorded with.
fn short_time(at: &str) -> String {
    DateTime::parse_from_rfc3339(at)
        .map(|t| t.format("%m-%d %H:%M").to_string())
        .unwrap_or_else(|_| at.to_owned())
}

// ---- the flow of pages ----

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Align {
    Left,
    Right,
}

#[derive(Debug)]
struct Column {
    title: String,
    weight: f32,
    align: Align,
}

fn col(title: &str, weight: f32, align: Align) -> Column {
    Column {
        title: title.to_owned(),
        weight,
        align,
    }
}

#[derive(Debug, Clone)]
enum Cell {
    Text(String),
    Coloured(String, Colour),
    /// A colour swatch and the status word (it prints on black-and-white printers), then
    /// an optional note such as the previous week's status.
    Status(Status, String),
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

#[derive(Debug)]
struct Table {
    columns: Vec<Column>,
    rows: Vec<Vec<Cell>>,
    size: f32,
    header: bool,
    /// Cells of even columns drawn as labels (muted), for key–value grids.
    label_columns: bool,
}

/// A cell broken into lines, with the swatch of a status cell and the text colour.
type LaidCell = (Vec<String>, Option<Colour>, Colour);

const CELL_PAD_X: f32 = 1.2;
const CELL_PAD_Y: f32 = 0.7;
const SWATCH: f32 = 2.6;

struct Flow<'a> {
    m: &'a Metrics,
    lang: Lang,
    w: &'static Words,
    width: f32,
    height: f32,
    left: f32,
    right: f32,
    top: f32,
    bottom: f32,
    done: Vec<PageLayout>,
    page: PageLayout,
    y: f32,
    running_head: String,
}

/// Running head at the top of every page but the first, and the footer's two lines.
const HEAD_SIZE: f32 = 7.5;
const FOOT_SIZE: f32 = 7.0;

fn line_height(size: f32) -> f32 {
    size * PT * LEADING
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || "._-/:%+#@&'()[],".contains(c)
        || ('\u{00C0}'..='\u{024F}').contains(&c)
}

/// Characters that may not start a line (closing punctuation), by Chinese typesetting rules.
fn no_line_start(c: char) -> bool {
    "，。、；：！？）」』】》〉”’,.;:!?)]}%…·—".contains(c)
}

/// Characters that may not end a line (opening punctuation).
fn no_line_end(c: char) -> bool {
    "（「『【《〈“‘([{".contains(c)
}

/// Splits a paragraph into unbreakable pieces: Latin words and numbers (so "2021-06-11" or
/// "SMT" never split), single CJK characters, and single spaces.
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        if is_word_char(c) {
            if start.is_none() {
                start = Some(i);
            }
            continue;
        }
        if let Some(s) = start.take() {
            out.push(&text[s..i]);
        }
        out.push(&text[i..i + c.len_utf8()]);
    }
    if let Some(s) = start {
        out.push(&text[s..]);
    }
    out
}

impl<'a> Flow<'a> {
    fn new(m: &'a Metrics, opts: &LayoutOptions, running_head: String) -> Self {
        let (width, height) = match opts.orientation {
            Orientation::Portrait => A4,
            Orientation::Landscape => (A4.1, A4.0),
        };
        let head = line_height(HEAD_SIZE) + 2.5;
        let foot = 2.0 * line_height(FOOT_SIZE) + 2.5;
        Flow {
            m,
            lang: opts.lang,
            w: words(opts.lang),
            width,
            height,
            left: MARGIN,
            right: width - MARGIN,
            top: MARGIN + head,
            bottom: height - MARGIN - foot,
            done: Vec::new(),
            page: PageLayout::default(),
            // The first page has the title block instead of a running head.
            y: MARGIN,
            running_head,
        }
    }

    fn content_width(&self) -> f32 {
        self.right - self.left
    }

    fn text_width(&self, s: &str, size: f32) -> f32 {
        self.m.width_em(s) * size * PT
    }

    fn push(&mut self, mark: Mark) {
        self.page.marks.push(mark);
    }

    /// One line of text at (x, y) (y = top of its line box). The caller makes it fit.
    fn put(&mut self, x: f32, y: f32, s: &str, size: f32, colour: Colour) -> f32 {
        let s = printable(self.m, s);
        let w = self.text_width(&s, size);
        if !s.trim().is_empty() {
            self.push(Mark::Text {
                x,
                y,
                w,
                h: line_height(size),
                size,
                colour,
                text: s,
            });
        }
        w
    }

    /// `s` cut with an ellipsis to fit `max` mm.
    fn fit(&self, s: &str, size: f32, max: f32) -> String {
        let s = printable(self.m, s);
        if self.text_width(&s, size) <= max {
            return s;
        }
        let ell = self.text_width("…", size);
        let mut out = String::new();
        let mut w = 0.0;
        for c in s.chars() {
            let cw = self.m.advance(c) * size * PT;
            if w + cw + ell > max {
                break;
            }
            out.push(c);
            w += cw;
        }
        out.push('…');
        out
    }

    /// Breaks `text` into lines no wider than `first` mm (the first line) and `rest` mm
    /// (the others). Newlines in the text start new lines.
    fn wrap(&self, text: &str, size: f32, first: f32, rest: f32) -> Vec<String> {
        let text = printable(self.m, text);
        let scale = size * PT;
        let width = |s: &str| self.m.width_em(s) * scale;
        let mut lines: Vec<String> = Vec::new();
        for para in text.split('\n') {
            let mut line = String::new();
            let mut w = 0.0f32;
            let limit = |n: usize| if n == 0 { first } else { rest };
            let flush = |lines: &mut Vec<String>, line: &mut String, w: &mut f32| {
                let mut carry = String::new();
                // An opening bracket at the end of a line goes down with what it opens.
                if line.chars().count() > 1 && line.chars().last().is_some_and(no_line_end) {
                    if let Some(c) = line.pop() {
                        carry.push(c);
                    }
                }
                lines.push(line.trim_end().to_owned());
                *line = carry;
                *w = width(line);
            };
            for tok in tokens(para) {
                let tw = width(tok);
                if w + tw <= limit(lines.len()) + EPS {
                    if !(line.is_empty() && tok == " ") {
                        line.push_str(tok);
                        w += tw;
                    }
                    continue;
                }
                if tok == " " {
                    flush(&mut lines, &mut line, &mut w);
                    continue;
                }
                if tw > limit(lines.len() + 1) {
                    // A word longer than a whole line: break it between characters.
                    for c in tok.chars() {
                        let cw = self.m.advance(c) * scale;
                        if w + cw > limit(lines.len()) + EPS && !line.is_empty() {
                            flush(&mut lines, &mut line, &mut w);
                        }
                        line.push(c);
                        w += cw;
                    }
                    continue;
                }
                let starts_badly = tok.chars().next().is_some_and(no_line_start);
                if starts_badly && line.chars().count() > 1 {
                    // Closing punctuation may not open a line: take the last character
                    // down with it.
                    let last = line.pop();
                    flush(&mut lines, &mut line, &mut w);
                    if let Some(c) = last {
                        line.push(c);
                    }
                } else {
                    flush(&mut lines, &mut line, &mut w);
                }
                line.push_str(tok);
                w = width(&line);
            }
            lines.push(line.trim_end().to_owned());
        }
        lines
    }

    fn break_page(&mut self) {
        let page = std::mem::take(&mut self.page);
        self.done.push(page);
        let head = self.running_head.clone();
        let s = self.fit(&head, HEAD_SIZE, self.content_width());
        self.put(self.left, MARGIN, &s, HEAD_SIZE, MUTED);
        let rule_y = MARGIN + line_height(HEAD_SIZE) + 0.8;
        self.push(Mark::Rule {
            x1: self.left,
            y1: rule_y,
            x2: self.right,
            y2: rule_y,
            width: 0.5,
            colour: RULE,
        });
        self.y = self.top;
    }

    fn room(&self) -> f32 {
        self.bottom - self.y
    }

    /// Starts a new page unless `h` mm fit on this one.
    fn ensure(&mut self, h: f32) {
        if self.room() + EPS < h {
            self.break_page();
        }
    }

    /// A heading kept with at least `keep` mm of what follows.
    fn heading(&mut self, s: &str, size: f32, keep: f32) {
        let lh = line_height(size);
        let lines = self.wrap(s, size, self.content_width(), self.content_width());
        self.ensure(lh * lines.len() as f32 + 1.5 + keep);
        for l in lines {
            self.put(self.left, self.y, &l, size, ACCENT);
            self.y += lh;
        }
        self.push(Mark::Rule {
            x1: self.left,
            y1: self.y + 0.4,
            x2: self.right,
            y2: self.y + 0.4,
            width: 0.8,
            colour: ACCENT,
        });
        self.y += 2.0;
    }

    fn subheading(&mut self, s: &str, size: f32, keep: f32) {
        let lh = line_height(size);
        let lines = self.wrap(s, size, self.content_width(), self.content_width());
        self.ensure(lh * lines.len() as f32 + keep);
        for l in lines {
            self.put(self.left, self.y, &l, size, ACCENT);
            self.y += lh;
        }
        self.y += 0.6;
    }

    /// A label in the accent colour followed by wrapping text; breaks across pages line by line.
    fn paragraph(&mut self, label: &str, body: &str, size: f32) {
        let lh = line_height(size);
        let label = printable(self.m, label);
        let label_w = if label.is_empty() {
            0.0
        } else {
            self.text_width(&label, size)
        };
        let cw = self.content_width();
        let lines = self.wrap(body, size, (cw - label_w).max(cw / 3.0), cw);
        for (i, l) in lines.iter().enumerate() {
            self.ensure(lh);
            if i == 0 && !label.is_empty() {
                self.put(self.left, self.y, &label, size, ACCENT);
                self.put(self.left + label_w, self.y, l, size, INK);
            } else {
                self.put(self.left, self.y, l, size, INK);
            }
            self.y += lh;
        }
        self.y += 0.8;
    }

    fn table(&mut self, t: &Table) {
        let lh = line_height(t.size);
        let total: f32 = t.columns.iter().map(|c| c.weight).sum::<f32>().max(0.001);
        let cw = self.content_width();
        let widths: Vec<f32> = t.columns.iter().map(|c| cw * c.weight / total).collect();
        let inner = |w: f32| (w - 2.0 * CELL_PAD_X).max(1.0);

        let head_lines: Vec<Vec<String>> = t
            .columns
            .iter()
            .zip(&widths)
            .map(|(c, w)| self.wrap(&c.title, t.size, inner(*w), inner(*w)))
            .collect();
        let head_h = if t.header {
            head_lines.iter().map(Vec::len).max().unwrap_or(1) as f32 * lh + 2.0 * CELL_PAD_Y
        } else {
            0.0
        };

        // Each row: per cell its lines, and the swatch colour of a status cell.
        let rows: Vec<Vec<LaidCell>> = t
            .rows
            .iter()
            .map(|row| {
                row.iter()
                    .zip(&widths)
                    .enumerate()
                    .map(|(i, (cell, w))| {
                        let plain = if t.label_columns && i % 2 == 0 {
                            MUTED
                        } else {
                            INK
                        };
                        match cell {
                            Cell::Text(s) => {
                                (self.wrap(s, t.size, inner(*w), inner(*w)), None, plain)
                            }
                            Cell::Coloured(s, c) => {
                                (self.wrap(s, t.size, inner(*w), inner(*w)), None, *c)
                            }
                            Cell::Status(s, note) => {
                                let word = format!("{}{note}", status_word(self.lang, *s));
                                let first = inner(*w) - SWATCH - 1.0;
                                (
                                    self.wrap(&word, t.size, first.max(1.0), inner(*w)),
                                    Some(status_colour(*s)),
                                    INK,
                                )
                            }
                        }
                    })
                    .collect()
            })
            .collect();

        let body_h = self.bottom - self.top;
        let draw_header = |f: &mut Flow<'_>| {
            if !t.header {
                return;
            }
            f.push(Mark::Rect {
                x: f.left,
                y: f.y,
                w: cw,
                h: head_h,
                fill: Some(HEAD_FILL),
                stroke: None,
            });
            let mut x = f.left;
            for ((c, lines), w) in t.columns.iter().zip(&head_lines).zip(&widths) {
                for (k, l) in lines.iter().enumerate() {
                    let lw = f.text_width(l, t.size);
                    let tx = match c.align {
                        Align::Left => x + CELL_PAD_X,
                        Align::Right => x + w - CELL_PAD_X - lw,
                    };
                    f.put(tx, f.y + CELL_PAD_Y + k as f32 * lh, l, t.size, ACCENT);
                }
                x += w;
            }
            f.y += head_h;
        };

        let first_h = rows
            .first()
            .map(|r| {
                r.iter().map(|c| c.0.len()).max().unwrap_or(1).min(3) as f32 * lh + 2.0 * CELL_PAD_Y
            })
            .unwrap_or(0.0);
        self.ensure(head_h + first_h);
        draw_header(self);

        for (ri, row) in rows.iter().enumerate() {
            let n = row.iter().map(|c| c.0.len()).max().unwrap_or(1).max(1);
            let mut start = 0;
            while start < n {
                let fit = ((self.room() - 2.0 * CELL_PAD_Y + EPS) / lh)
                    .floor()
                    .max(0.0) as usize;
                let left = n - start;
                let whole_h = left as f32 * lh + 2.0 * CELL_PAD_Y;
                let take = if fit >= left {
                    left
                } else if start == 0 && whole_h <= body_h - head_h {
                    // The row fits on a fresh page: move it there whole.
                    0
                } else {
                    fit
                };
                if take == 0 {
                    self.break_page();
                    draw_header(self);
                    continue;
                }
                let h = take as f32 * lh + 2.0 * CELL_PAD_Y;
                if ri % 2 == 1 && t.header {
                    self.push(Mark::Rect {
                        x: self.left,
                        y: self.y,
                        w: cw,
                        h,
                        fill: Some(ZEBRA),
                        stroke: None,
                    });
                }
                let mut x = self.left;
                for ((c, (lines, swatch, colour)), w) in t.columns.iter().zip(row).zip(&widths) {
                    let mut indent = 0.0;
                    if let (Some(sc), true) = (swatch, start == 0) {
                        let sy = self.y + CELL_PAD_Y + (lh - SWATCH) / 2.0;
                        self.push(Mark::Rect {
                            x: x + CELL_PAD_X,
                            y: sy,
                            w: SWATCH,
                            h: SWATCH,
                            fill: Some(*sc),
                            stroke: None,
                        });
                        indent = SWATCH + 1.0;
                    }
                    for (k, l) in lines.iter().enumerate().skip(start).take(take) {
                        let lw = self.text_width(l, t.size);
                        let dx = if k == 0 { indent } else { 0.0 };
                        let tx = match c.align {
                            Align::Left => x + CELL_PAD_X + dx,
                            Align::Right => x + w - CELL_PAD_X - lw,
                        };
                        let ty = self.y + CELL_PAD_Y + (k - start) as f32 * lh;
                        self.put(tx, ty, l, t.size, *colour);
                    }
                    x += w;
                }
                self.y += h;
                self.push(Mark::Rule {
                    x1: self.left,
                    y1: self.y,
                    x2: self.right,
                    y2: self.y,
                    width: 0.3,
                    colour: RULE,
                });
                start += take;
                if start < n {
                    self.break_page();
                    draw_header(self);
                }
            }
        }
        self.y += 2.0;
    }

    /// Key figures as a row of tiles: value large, label small, an optional colour bar.
    fn tiles(&mut self, tiles: &[(String, String, Option<Colour>)]) {
        let n = tiles.len().max(1) as f32;
        let gap = 2.0;
        let tw = (self.content_width() - gap * (n - 1.0)) / n;
        let big = 15.0;
        let small = 7.0;
        // Labels wrap to two lines at most (English ones are long); all tiles get the
        // height of the tallest.
        let labels: Vec<Vec<String>> = tiles
            .iter()
            .map(|(_, label, _)| {
                let mut lines = self.wrap(label, small, tw - 2.0, tw - 2.0);
                if lines.len() > 2 {
                    let rest = lines[1..].join(" ");
                    lines.truncate(1);
                    lines.push(self.fit(&rest, small, tw - 2.0));
                }
                lines
            })
            .collect();
        let label_lines = labels.iter().map(Vec::len).max().unwrap_or(1) as f32;
        let h = 2.5 + line_height(big) + label_lines * line_height(small) + 1.5;
        self.ensure(h + 2.0);
        let mut x = self.left;
        for ((value, _, accent), lines) in tiles.iter().zip(&labels) {
            self.push(Mark::Rect {
                x,
                y: self.y,
                w: tw,
                h,
                fill: Some(ZEBRA),
                stroke: Some(RULE),
            });
            if let Some(c) = accent {
                self.push(Mark::Rect {
                    x,
                    y: self.y,
                    w: tw,
                    h: 1.5,
                    fill: Some(*c),
                    stroke: None,
                });
            }
            let v = self.fit(value, big, tw - 2.0);
            let vw = self.text_width(&v, big);
            self.put(x + (tw - vw) / 2.0, self.y + 2.0, &v, big, INK);
            for (k, l) in lines.iter().enumerate() {
                let lw = self.text_width(l, small);
                self.put(
                    x + (tw - lw) / 2.0,
                    self.y + 2.0 + line_height(big) + k as f32 * line_height(small),
                    l,
                    small,
                    MUTED,
                );
            }
            x += tw + gap;
        }
        self.y += h + 3.0;
    }

    /// The project's year on one line: months, planned span, work packages with their
    /// done part, milestones, and a line for today; a legend underneath.
    fn gantt(&mut self, s: &ProjectSection) {
        let g = &s.gantt;
        let label_size = 6.5;
        let lh_label = line_height(label_size);
        let bar_h = 5.5;
        let total = lh_label + bar_h + 1.0 + lh_label + 1.5;
        self.ensure(total);
        let x0 = self.left;
        let w = self.content_width();
        let days = ((g.to - g.from).num_days() + 1).max(1) as f32;
        let x_of = |d: NaiveDate| {
            let off = (d - g.from).num_days().clamp(0, days as i64) as f32;
            x0 + w * off / days
        };
        let top = self.y;
        let bar_y = top + lh_label;

        self.push(Mark::Rect {
            x: x0,
            y: bar_y,
            w,
            h: bar_h,
            fill: Some(Colour(0xF7, 0xF8, 0xFA)),
            stroke: Some(RULE),
        });
        if let Some((a, b)) = g.span {
            if b >= g.from && a <= g.to {
                let (xa, xb) = (x_of(a), x_of(b.min(g.to)) + w / days);
                self.push(Mark::Rect {
                    x: xa,
                    y: bar_y + 0.6,
                    w: (xb.min(x0 + w) - xa).max(0.3),
                    h: bar_h - 1.2,
                    fill: Some(Colour(0xE1, 0xE7, 0xEF)),
                    stroke: None,
                });
            }
        }
        for p in &g.phases {
            if p.finish < g.from || p.start > g.to {
                continue;
            }
            let xa = x_of(p.start.max(g.from));
            let xb = (x_of(p.finish.min(g.to)) + w / days).min(x0 + w);
            let ph = 2.2;
            let py = bar_y + (bar_h - ph) / 2.0;
            self.push(Mark::Rect {
                x: xa,
                y: py,
                w: (xb - xa).max(0.3),
                h: ph,
                fill: Some(Colour(0xA9, 0xBC, 0xD0)),
                stroke: None,
            });
            let done = ((xb - xa) * (p.percent.clamp(0.0, 100.0) / 100.0) as f32).max(0.0);
            if done > 0.05 {
                self.push(Mark::Rect {
                    x: xa,
                    y: py,
                    w: done,
                    h: ph,
                    fill: Some(ACCENT),
                    stroke: None,
                });
            }
        }
        // Month boundaries and names.
        let mut month = NaiveDate::from_ymd_opt(g.from.year(), g.from.month(), 1);
        while let Some(m) = month {
            if m > g.to {
                break;
            }
            let next = if m.month() == 12 {
                NaiveDate::from_ymd_opt(m.year() + 1, 1, 1)
            } else {
                NaiveDate::from_ymd_opt(m.year(), m.month() + 1, 1)
            };
            let xa = x_of(m.max(g.from));
            let xb = next.map_or(x0 + w, |n| if n > g.to { x0 + w } else { x_of(n) });
            if m > g.from {
                self.push(Mark::Rule {
                    x1: xa,
                    y1: bar_y,
                    x2: xa,
                    y2: bar_y + bar_h,
                    width: 0.3,
                    colour: RULE,
                });
            }
            let label = self.fit(
                &month_label(self.lang, m.month()),
                label_size,
                (xb - xa).max(1.0),
            );
            let lw = self.text_width(&label, label_size);
            self.put(xa + (xb - xa - lw) / 2.0, top, &label, label_size, MUTED);
            month = next;
        }
        // Today, and how far each overdue milestone trails behind it.
        let cy = bar_y + bar_h / 2.0;
        let today_in = g.today >= g.from && g.today <= g.to;
        let tx = x_of(g.today);
        let r = 1.7;
        for m in &g.milestones {
            if m.date < g.from || m.date > g.to {
                continue;
            }
            let cx = x_of(m.date).clamp(x0 + r, x0 + w - r);
            let (fill, stroke) = match m.state {
                MilestoneState::Done => (INK, INK),
                MilestoneState::Overdue => (WHITE, RED),
                MilestoneState::Open => (WHITE, INK),
            };
            if m.state == MilestoneState::Overdue && today_in && tx > cx {
                self.push(Mark::Rule {
                    x1: cx,
                    y1: cy,
                    x2: tx,
                    y2: cy,
                    width: 1.6,
                    colour: RED,
                });
            }
            self.push(Mark::Diamond {
                cx,
                cy,
                r,
                fill,
                stroke,
            });
        }
        if today_in {
            self.push(Mark::Rule {
                x1: tx,
                y1: bar_y - 0.8,
                x2: tx,
                y2: bar_y + bar_h + 0.8,
                width: 1.0,
                colour: RED,
            });
        }

        // Legend: the marks and what they mean, and today's date.
        let ly = bar_y + bar_h + 1.0;
        let lcy = ly + lh_label / 2.0;
        let mut x = x0;
        let lr = 1.3;
        let items: [(Option<(Colour, Colour)>, String); 4] = [
            (Some((INK, INK)), self.w.done.to_owned()),
            (Some((WHITE, RED)), self.w.late.to_owned()),
            (Some((WHITE, INK)), self.w.open.to_owned()),
            (None, format!("{} {}", self.w.today, date(g.today))),
        ];
        for (mark, label) in items {
            match mark {
                Some((fill, stroke)) => self.push(Mark::Diamond {
                    cx: x + lr,
                    cy: lcy,
                    r: lr,
                    fill,
                    stroke,
                }),
                None => self.push(Mark::Rule {
                    x1: x + lr,
                    y1: ly + 0.2,
                    x2: x + lr,
                    y2: ly + lh_label - 0.2,
                    width: 1.0,
                    colour: RED,
                }),
            }
            x += 2.0 * lr + 1.0;
            x += self.put(x, ly, &label, label_size, MUTED) + 3.0;
        }
        self.push(Mark::Rect {
            x,
            y: lcy - 1.1,
            w: 5.0,
            h: 2.2,
            fill: Some(Colour(0xA9, 0xBC, 0xD0)),
            stroke: None,
        });
        self.push(Mark::Rect {
            x,
            y: lcy - 1.1,
            w: 2.5,
            h: 2.2,
            fill: Some(ACCENT),
            stroke: None,
        });
        x += 6.0;
        let phase = self.fit(self.w.phase, label_size, (x0 + w - x).max(1.0));
        self.put(x, ly, &phase, label_size, MUTED);
        self.y = top + total;
    }

    /// Height `section` takes when laid out from the top of a fresh page, or None when it
    /// needs more than one page. Lays it out on a scratch flow; nothing is kept.
    fn measure(&self, section: impl FnOnce(&mut Flow<'a>)) -> Option<f32> {
        let mut scratch = Flow {
            m: self.m,
            lang: self.lang,
            w: self.w,
            width: self.width,
            height: self.height,
            left: self.left,
            right: self.right,
            top: self.top,
            bottom: self.bottom,
            done: Vec::new(),
            page: PageLayout::default(),
            y: self.top,
            running_head: String::new(),
        };
        section(&mut scratch);
        scratch.done.is_empty().then_some(scratch.y - self.top)
    }

    fn finish(mut self) -> Vec<PageLayout> {
        let page = std::mem::take(&mut self.page);
        self.done.push(page);
        self.done
    }
}

// ---- the report ----

const TITLE: f32 = 17.0;
const SUBTITLE: f32 = 11.5;
const H1: f32 = 13.0;
const H2: f32 = 11.0;
const H3: f32 = 9.5;
const BODY: f32 = 9.0;
const TABLE: f32 = 8.0;
const SMALL: f32 = 7.5;

fn summary_section(f: &mut Flow<'_>, r: &WeeklyReport) {
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
    if let Some(v) = s.total_investment {
        tiles.insert(1, (format!("{v:.1}"), w.investment.to_owned(), None));
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

fn project_section(f: &mut Flow<'_>, r: &WeeklyReport, p: &ProjectSection) {
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

fn overdue_section(f: &mut Flow<'_>, r: &WeeklyReport) {
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

fn appendix(f: &mut Flow<'_>, r: &WeeklyReport) {
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

/// Places the whole report on pages, footers included.
pub fn layout(report: &WeeklyReport, opts: &LayoutOptions) -> Result<DocumentLayout, String> {
    let m = Metrics::get()?;
    let w = words(opts.lang);
    let title = format!("{} {} {}", report.portfolio.name, w.report, report.week);
    let mut f = Flow::new(m, opts, title.clone());

    summary_section(&mut f, report);
    // Sections follow each other; a block that fits on one page is kept on one page
    // (here when there is room, else on the next), a longer one starts where a good part
    // of it fits. Headings travel with the first project they introduce.
    let block = |f: &mut Flow<'_>, i: usize, p: &ProjectSection| {
        if i == 0 {
            f.heading(w.details, H1, 0.0);
        }
        project_section(f, report, p);
    };
    f.y += 4.0;
    if report.projects.is_empty() {
        f.heading(w.details, H1, 0.0);
    }
    for (i, p) in report.projects.iter().enumerate() {
        match f.measure(|scratch| block(scratch, i, p)) {
            Some(h) => f.ensure(h),
            None => f.ensure(70.0),
        }
        block(&mut f, i, p);
    }
    match f.measure(|scratch| overdue_section(scratch, report)) {
        Some(h) => f.ensure(h),
        None => f.ensure(60.0),
    }
    overdue_section(&mut f, report);
    // The appendix is for the file, not the meeting: it starts on a page of its own.
    f.break_page();
    appendix(&mut f, report);

    let hash = report.content_hash().map_err(|e| e.to_string())?;
    let (width, height) = (f.width, f.height);
    let (left, right) = (f.left, f.right);
    let lang = opts.lang;
    let generated = opts.generated_at.format("%Y-%m-%d %H:%M %:z").to_string();
    let mut pages = f.finish();
    let n = pages.len();
    let foot = Flow::new(m, opts, String::new());
    let lh = line_height(FOOT_SIZE);
    let line1 = height - MARGIN - 2.0 * lh;
    let line2 = height - MARGIN - lh;
    for (i, page) in pages.iter_mut().enumerate() {
        let mut marks = Vec::new();
        marks.push(Mark::Rule {
            x1: left,
            y1: line1 - 1.0,
            x2: right,
            y2: line1 - 1.0,
            width: 0.5,
            colour: RULE,
        });
        let number = page_label(lang, i + 1, n);
        let number_w = foot.text_width(&number, FOOT_SIZE);
        let origin = format!(
            "{} · {}{}{}",
            report.portfolio.name, w.data_file, w.colon, opts.source_file
        );
        let origin = foot.fit(&origin, FOOT_SIZE, right - left - number_w - 6.0);
        let stamp = format!("{}{}{}", w.generated, w.colon, generated);
        let last = i + 1 == n;
        let check = format!("{}{}{}", w.checksum, w.colon, hash);
        let check_w = if last {
            foot.text_width(&check, FOOT_SIZE)
        } else {
            0.0
        };
        let stamp = foot.fit(&stamp, FOOT_SIZE, (right - left - check_w - 4.0).max(10.0));
        let mut put = |x: f32, y: f32, s: &str| {
            let s = printable(m, s);
            let tw = foot.text_width(&s, FOOT_SIZE);
            marks.push(Mark::Text {
                x,
                y,
                w: tw,
                h: lh,
                size: FOOT_SIZE,
                colour: MUTED,
                text: s,
            });
        };
        put(left, line1, &origin);
        put(right - number_w, line1, &number);
        put(left, line2, &stamp);
        if last {
            let check = foot.fit(&check, FOOT_SIZE, right - left);
            let cw = foot.text_width(&check, FOOT_SIZE);
            put(right - cw, line2, &check);
        }
        page.marks.extend(marks);
    }
    Ok(DocumentLayout {
        width,
        height,
        margin: MARGIN,
        title,
        pages,
    })
}

// ---- PDF ----

fn pdf_colour(c: Colour) -> Color {
    Color::Rgb(printpdf::Rgb::new(
        f32::from(c.0) / 255.0,
        f32::from(c.1) / 255.0,
        f32::from(c.2) / 255.0,
        None,
    ))
}

fn point(x: f32, y: f32, height: f32) -> Point {
    Point {
        x: Pt(x / PT),
        y: Pt((height - y) / PT),
    }
}

/// Six capital letters naming this subset (ISO 32000-1 §9.6.4), from its characters, so
/// that the same text gives the same tag.
fn subset_tag(chars: &BTreeSet<char>) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for c in chars {
        h ^= u64::from(u32::from(*c));
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (0..6)
        .map(|i| char::from(b'A' + ((h >> (i * 5)) % 26) as u8))
        .collect()
}

/// Writes placed pages as PDF, with the font subset to the characters they use.
pub fn to_pdf(
    doc: &DocumentLayout,
    generated_at: DateTime<FixedOffset>,
) -> Result<Vec<u8>, String> {
    let m = Metrics::get()?;
    let chars: BTreeSet<char> = doc
        .pages
        .iter()
        .flat_map(PageLayout::texts)
        .flat_map(str::chars)
        .collect();
    let subset = m.subset(&chars)?;
    let mut font_warnings = Vec::new();
    let mut font = ParsedFont::from_bytes(&subset, 0, &mut font_warnings)
        .ok_or_else(|| format!("子集字体无法读取：{font_warnings:?}"))?;
    font.font_name = Some(format!("{}+{}", subset_tag(&chars), FONT_NAME));

    let mut pdf = PdfDocument::new(&doc.title);
    let when = printpdf::OffsetDateTime::from_unix_timestamp(generated_at.timestamp())
        .map_err(str::to_owned)?;
    let info = &mut pdf.metadata.info;
    info.creation_date = when;
    info.modification_date = when;
    info.metadata_date = when;
    info.creator = "KeyWorks".into();
    info.producer = "KeyWorks (printpdf)".into();
    let font_id = pdf.add_font(&font);
    let h = doc.height;

    let pages = doc
        .pages
        .iter()
        .map(|page| {
            let mut ops = Vec::with_capacity(page.marks.len() * 4);
            let mut in_text = false;
            for mark in &page.marks {
                let is_text = matches!(mark, Mark::Text { .. });
                if in_text && !is_text {
                    ops.push(Op::EndTextSection);
                    in_text = false;
                }
                match mark {
                    Mark::Text {
                        x,
                        y,
                        h: lh,
                        size,
                        colour,
                        text,
                        ..
                    } => {
                        if !in_text {
                            ops.push(Op::StartTextSection);
                            in_text = true;
                        }
                        // Baseline so that an ideograph's em box sits centred in the line box.
                        let baseline = y + lh / 2.0 + 0.38 * size * PT;
                        ops.push(Op::SetFont {
                            font: PdfFontHandle::External(font_id.clone()),
                            size: Pt(*size),
                        });
                        ops.push(Op::SetFillColor {
                            col: pdf_colour(*colour),
                        });
                        let p = point(*x, baseline, h);
                        ops.push(Op::SetTextMatrix {
                            matrix: TextMatrix::Translate(p.x, p.y),
                        });
                        ops.push(Op::ShowText {
                            items: vec![TextItem::Text(text.clone())],
                        });
                    }
                    Mark::Rect {
                        x,
                        y,
                        w,
                        h: rh,
                        fill,
                        stroke,
                    } => {
                        if let Some(c) = fill {
                            ops.push(Op::SetFillColor {
                                col: pdf_colour(*c),
                            });
                        }
                        if let Some(c) = stroke {
                            ops.push(Op::SetOutlineColor {
                                col: pdf_colour(*c),
                            });
                            ops.push(Op::SetOutlineThickness { pt: Pt(0.4) });
                        }
                        let mode = match (fill, stroke) {
                            (Some(_), Some(_)) => PaintMode::FillStroke,
                            (None, Some(_)) => PaintMode::Stroke,
                            _ => PaintMode::Fill,
                        };
                        let lower_left = point(*x, y + rh, h);
                        ops.push(Op::DrawRectangle {
                            rectangle: Rect {
                                x: lower_left.x,
                                y: lower_left.y,
                                width: Pt(w / PT),
                                height: Pt(rh / PT),
                                // Without a paint mode printpdf draws nothing.
                                mode: Some(mode),
                                winding_order: None,
                            },
                        });
                    }
                    Mark::Rule {
                        x1,
                        y1,
                        x2,
                        y2,
                        width,
                        colour,
                    } => {
                        ops.push(Op::SetOutlineColor {
                            col: pdf_colour(*colour),
                        });
                        ops.push(Op::SetOutlineThickness { pt: Pt(*width) });
                        ops.push(Op::DrawLine {
                            line: Line {
                                points: vec![
                                    LinePoint {
                                        p: point(*x1, *y1, h),
                                        bezier: false,
                                    },
                                    LinePoint {
                                        p: point(*x2, *y2, h),
                                        bezier: false,
                                    },
                                ],
                                is_closed: false,
                            },
                        });
                    }
                    Mark::Diamond {
                        cx,
                        cy,
                        r,
                        fill,
                        stroke,
                    } => {
                        ops.push(Op::SetFillColor {
                            col: pdf_colour(*fill),
                        });
                        ops.push(Op::SetOutlineColor {
                            col: pdf_colour(*stroke),
                        });
                        ops.push(Op::SetOutlineThickness { pt: Pt(0.8) });
                        // Drawn a little inside `r` so that the stroke stays within the bounds.
                        let k = r - 0.15;
                        let corners = [(0.0, -k), (k, 0.0), (0.0, k), (-k, 0.0)];
                        ops.push(Op::DrawPolygon {
                            polygon: Polygon {
                                rings: vec![PolygonRing {
                                    points: corners
                                        .iter()
                                        .map(|(dx, dy)| LinePoint {
                                            p: point(cx + dx, cy + dy, h),
                                            bezier: false,
                                        })
                                        .collect(),
                                }],
                                mode: PaintMode::FillStroke,
                                winding_order: WindingOrder::NonZero,
                            },
                        });
                    }
                }
            }
            if in_text {
                ops.push(Op::EndTextSection);
            }
            PdfPage::new(Mm(doc.width), Mm(doc.height), ops)
        })
        .collect();

    let opts = PdfSaveOptions {
        // The font is a subset already; printpdf's own subsetting needs `text_layout`.
        subset_fonts: false,
        ..PdfSaveOptions::default()
    };
    let mut warnings = Vec::new();
    let bytes = pdf.with_pages(pages).save(&opts, &mut warnings);
    if bytes.is_empty() {
        return Err(format!("printpdf 未生成任何内容：{warnings:?}"));
    }
    Ok(bytes)
}

/// Lays out `report` and writes it as PDF bytes.
pub fn render_pdf(report: &WeeklyReport, opts: &LayoutOptions) -> Result<Vec<u8>, String> {
    let doc = layout(report, opts)?;
    to_pdf(&doc, opts.generated_at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_figures_read_as_the_plan_writes_them() {
        assert_eq!(quantity(24457.0), "24,457");
        assert_eq!(quantity(85.38), "85.38");
        assert_eq!(quantity(34.6), "34.6");
        assert_eq!(quantity(10000.0), "10,000");
        assert_eq!(quantity(1234567.5), "1,234,567.5");
        assert_eq!(quantity(0.0), "0");
        assert_eq!(quantity(999.0), "999");
    }

    #[test]
    fn tokens_keep_words_and_split_ideographs() {
        assert_eq!(
            tokens("SMT设备 2021-06-08进场"),
            vec!["SMT", "设", "备", " ", "2021-06-08", "进", "场"]
        );
    }

    #[test]
    fn wrapping_respects_width_and_punctuation() {
        let m = Metrics::get().unwrap();
        let opts = LayoutOptions {
            lang: Lang::Zh,
            orientation: Orientation::Portrait,
            generated_at: DateTime::parse_from_rfc3339("2021-06-14T09:00:00+08:00").unwrap(),
            source_file: "x.sqlite".into(),
        };
        let f = Flow::new(m, &opts, String::new());
        let size = 10.0;
        let em = size * PT;
        // Exactly five ideographs per line; the comma may not start the second line.
        let lines = f.wrap("一二三四五，六七", size, 5.0 * em + 0.001, 5.0 * em + 0.001);
        assert_eq!(lines, vec!["一二三四", "五，六七"]);
        for l in &lines {
            assert!(f.text_width(l, size) <= 5.0 * em + 0.01);
        }
        // A long Latin word is broken only when it cannot fit on a line of its own.
        let lines = f.wrap("ab verylongword", size, 3.0 * em, 3.0 * em);
        assert!(
            lines
                .iter()
                .all(|l| f.text_width(l, size) <= 3.0 * em + EPS)
        );
        assert_eq!(lines.concat().replace(' ', ""), "abverylongword");
    }
}
