//! Plain-text tables aligned by display width, so that Chinese (two columns a character)
//! and Latin text line up in a terminal.

use unicode_width::UnicodeWidthStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

#[derive(Debug)]
pub struct Table {
    columns: Vec<(String, Align)>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(columns: &[(&str, Align)]) -> Self {
        Table {
            columns: columns.iter().map(|(h, a)| ((*h).to_owned(), *a)).collect(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub fn render(&self) -> String {
        let n = self.columns.len();
        let mut widths: Vec<usize> = self.columns.iter().map(|(h, _)| h.width()).collect();
        for row in &self.rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.width());
            }
        }
        let mut out = String::new();
        let mut line = |cells: Vec<&str>, aligns: &[Align]| {
            let mut text = String::new();
            for (i, cell) in cells.iter().enumerate().take(n) {
                let pad = widths[i].saturating_sub(cell.width());
                let last = i + 1 == n;
                match aligns[i] {
                    Align::Right => {
                        text.push_str(&" ".repeat(pad));
                        text.push_str(cell);
                    }
                    Align::Left => {
                        text.push_str(cell);
                        if !last {
                            text.push_str(&" ".repeat(pad));
                        }
                    }
                }
                if !last {
                    text.push_str("  ");
                }
            }
            out.push_str(text.trim_end());
            out.push('\n');
        };
        let aligns: Vec<Align> = self.columns.iter().map(|(_, a)| *a).collect();
        let header_aligns = vec![Align::Left; n];
        line(
            self.columns.iter().map(|(h, _)| h.as_str()).collect(),
            &header_aligns,
        );
        line(
            widths
                .iter()
                .map(|w| "─".repeat(*w))
                .collect::<Vec<_>>()
                .iter()
                .map(String::as_str)
                .collect(),
            &header_aligns,
        );
        for row in &self.rows {
            line(row.iter().map(String::as_str).collect(), &aligns);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn aligns_chinese_and_latin_by_display_width() {
        let mut t = Table::new(&[
            ("编号", Align::Left),
            ("名称", Align::Left),
            ("完成%", Align::Right),
        ]);
        t.row(vec!["KP21-01".into(), "三星二期二阶段".into(), "45".into()]);
        t.row(vec!["X".into(), "ab".into(), "100".into()]);
        let out = t.render();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 4);
        // Every line ends at the same display column: the right-aligned numbers line up.
        let widths: Vec<usize> = lines.iter().map(|l| l.width()).collect();
        assert!(widths.iter().all(|w| *w == widths[0]), "{out}");
        assert!(lines[2].ends_with(" 45"), "{out}");
        assert!(lines[3].starts_with("X        ab"), "{out}");
    }
}
