//! The flow of pages: text broken into lines (CJK and Latin rules), paragraphs, tables that
//! continue on the next page, headings kept with what follows, page breaks and footers.

use super::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Align {
    Left,
    Right,
}

#[derive(Debug)]
pub(super) struct Column {
    pub(super) title: String,
    pub(super) weight: f32,
    pub(super) align: Align,
}

pub(super) fn col(title: &str, weight: f32, align: Align) -> Column {
    Column {
        title: title.to_owned(),
        weight,
        align,
    }
}

#[derive(Debug, Clone)]
pub(super) enum Cell {
    Text(String),
    Coloured(String, Colour),
    /// A colour swatch and the status word (it prints on black-and-white printers), then
    /// an optional note such as the previous week's status.
    Status(Status, String),
}

pub(super) fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

#[derive(Debug)]
pub(super) struct Table {
    pub(super) columns: Vec<Column>,
    pub(super) rows: Vec<Vec<Cell>>,
    pub(super) size: f32,
    pub(super) header: bool,
    /// Cells of even columns drawn as labels (muted), for key–value grids.
    pub(super) label_columns: bool,
}

/// A cell broken into lines, with the swatch of a status cell and the text colour.
pub(super) type LaidCell = (Vec<String>, Option<Colour>, Colour);

pub(super) const CELL_PAD_X: f32 = 1.2;
pub(super) const CELL_PAD_Y: f32 = 0.7;
pub(super) const SWATCH: f32 = 2.6;

pub(super) struct Flow<'a> {
    pub(super) m: &'a Metrics,
    pub(super) lang: Lang,
    pub(super) w: &'static Words,
    pub(super) width: f32,
    pub(super) height: f32,
    pub(super) left: f32,
    pub(super) right: f32,
    pub(super) top: f32,
    pub(super) bottom: f32,
    pub(super) done: Vec<PageLayout>,
    pub(super) page: PageLayout,
    pub(super) y: f32,
    pub(super) running_head: String,
}

/// Running head at the top of every page but the first, and the footer's two lines.
pub(super) const HEAD_SIZE: f32 = 7.5;
pub(super) const FOOT_SIZE: f32 = 7.0;

pub(super) fn line_height(size: f32) -> f32 {
    size * PT * LEADING
}

pub(super) fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || "._-/:%+#@&'()[],".contains(c)
        || ('\u{00C0}'..='\u{024F}').contains(&c)
}

/// Characters that may not start a line (closing punctuation), by Chinese typesetting rules.
pub(super) fn no_line_start(c: char) -> bool {
    "，。、；：！？）」』】》〉”’,.;:!?)]}%…·—".contains(c)
}

/// Characters that may not end a line (opening punctuation).
pub(super) fn no_line_end(c: char) -> bool {
    "（「『【《〈“‘([{".contains(c)
}

/// Splits a paragraph into unbreakable pieces: Latin words and numbers (so "2021-06-11" or
/// "SMT" never split), single CJK characters, and single spaces.
pub(super) fn tokens(text: &str) -> Vec<&str> {
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
    pub(super) fn new(m: &'a Metrics, opts: &LayoutOptions, running_head: String) -> Self {
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

    pub(super) fn content_width(&self) -> f32 {
        self.right - self.left
    }

    pub(super) fn text_width(&self, s: &str, size: f32) -> f32 {
        self.m.width_em(s) * size * PT
    }

    pub(super) fn push(&mut self, mark: Mark) {
        self.page.marks.push(mark);
    }

    /// One line of text at (x, y) (y = top of its line box). The caller makes it fit.
    pub(super) fn put(&mut self, x: f32, y: f32, s: &str, size: f32, colour: Colour) -> f32 {
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
    pub(super) fn fit(&self, s: &str, size: f32, max: f32) -> String {
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
    pub(super) fn wrap(&self, text: &str, size: f32, first: f32, rest: f32) -> Vec<String> {
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

    pub(super) fn break_page(&mut self) {
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

    pub(super) fn room(&self) -> f32 {
        self.bottom - self.y
    }

    /// Starts a new page unless `h` mm fit on this one.
    pub(super) fn ensure(&mut self, h: f32) {
        if self.room() + EPS < h {
            self.break_page();
        }
    }

    /// A heading kept with at least `keep` mm of what follows.
    pub(super) fn heading(&mut self, s: &str, size: f32, keep: f32) {
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

    pub(super) fn subheading(&mut self, s: &str, size: f32, keep: f32) {
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
    pub(super) fn paragraph(&mut self, label: &str, body: &str, size: f32) {
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

    pub(super) fn table(&mut self, t: &Table) {
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
    pub(super) fn tiles(&mut self, tiles: &[(String, String, Option<Colour>)]) {
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
    pub(super) fn gantt(&mut self, s: &ProjectSection) {
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
    pub(super) fn measure(&self, section: impl FnOnce(&mut Flow<'a>)) -> Option<f32> {
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

    pub(super) fn finish(mut self) -> Vec<PageLayout> {
        let page = std::mem::take(&mut self.page);
        self.done.push(page);
        self.done
    }
}
