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
    /// A JPEG photo scaled into the box; its bytes are written once per document.
    Image {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        photo: std::sync::Arc<Vec<u8>>,
        px_w: u32,
        px_h: u32,
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
            Mark::Text { x, y, w, h, .. }
            | Mark::Rect { x, y, w, h, .. }
            | Mark::Image { x, y, w, h, .. } => Bounds {
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

mod flow;
mod monthly;
mod pdf;
mod sections;
mod words;

use flow::*;
pub use monthly::layout_monthly;
pub use pdf::{render_pdf, to_pdf};
use sections::*;
use words::*;

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
    document(f, opts, title, &report.portfolio.name, &hash)
}

/// The flow's pages as a document, each with the furniture every report shares, drawn under
/// its content: a rule, the portfolio and its data file, the page number, the generation time,
/// and on the last page the content hash.
fn document(
    f: Flow<'_>,
    opts: &LayoutOptions,
    title: String,
    portfolio: &str,
    hash: &str,
) -> Result<DocumentLayout, String> {
    let (width, height) = (f.width, f.height);
    let (left, right) = (f.left, f.right);
    let mut pages = f.finish();
    let m = Metrics::get()?;
    let w = words(opts.lang);
    let lang = opts.lang;
    let generated = opts.generated_at.format("%Y-%m-%d %H:%M %:z").to_string();
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
            portfolio, w.data_file, w.colon, opts.source_file
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
