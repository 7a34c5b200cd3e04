//! The Excel workbook: sheets 项目, 里程碑 and 周报 with real date cells, percentages as
//! numbers with a % format, a frozen header row, an autofilter and column widths that fit
//! Chinese text.

use chrono::{DateTime, Utc};
use keyworks_core::{Error, Result};
use rust_xlsxwriter::{Color, DocProperties, Format, FormatBorder, Workbook, XlsxError};

use crate::tabular::{Cell, Lang, Table, TableKind, Tables, display_width};

/// Widest column, in character units: longer text (weekly narratives) is cut off by the
/// next cell rather than making the sheet unreadably wide.
const MAX_WIDTH: usize = 60;

fn internal(e: XlsxError) -> Error {
    Error::Internal(format!("writing the XLSX workbook failed: {e}"))
}

struct Formats {
    header: Format,
    date: Format,
    percent: Format,
    text: Format,
}

impl Formats {
    fn new(lang: Lang) -> Formats {
        Formats {
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xDDEBF7))
                .set_border(FormatBorder::Thin),
            date: Format::new().set_num_format(match lang {
                Lang::Zh => "yyyy\"年\"m\"月\"d\"日\"",
                Lang::En => "yyyy-mm-dd",
            }),
            percent: Format::new().set_num_format("0.0%"),
            text: Format::new(),
        }
    }
}

/// Width in units of the text a cell shows, as Excel will display it.
fn shown_width(cell: &Cell, lang: Lang) -> usize {
    match cell {
        Cell::Text(s) => display_width(s),
        // 2021年12月31日 or 2021-12-31
        Cell::Date(_) => match lang {
            Lang::Zh => 14,
            Lang::En => 10,
        },
        Cell::Percent(_) => 6,
        Cell::Int(i) => i.to_string().len(),
        Cell::Empty => 0,
    }
}

fn write_sheet(
    workbook: &mut Workbook,
    table: &Table,
    lang: Lang,
    formats: &Formats,
) -> Result<(), XlsxError> {
    let sheet = workbook.add_worksheet();
    sheet.set_name(table.kind.sheet_name(lang))?;
    let columns = table.kind.columns();
    let mut widths: Vec<usize> = columns
        .iter()
        .map(|c| display_width(c.header(lang)))
        .collect();
    for (col, column) in columns.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, column.header(lang), &formats.header)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (col, cell) in row.iter().enumerate() {
            let c = col as u16;
            match cell {
                Cell::Text(s) if s.is_empty() => {}
                Cell::Text(s) => {
                    sheet.write_string_with_format(r, c, s, &formats.text)?;
                }
                Cell::Date(d) => {
                    sheet.write_date_with_format(r, c, d, &formats.date)?;
                }
                Cell::Percent(p) => {
                    sheet.write_number_with_format(r, c, *p, &formats.percent)?;
                }
                Cell::Int(i) => {
                    sheet.write_number(r, c, *i as f64)?;
                }
                Cell::Empty => {}
            }
            if let Some(w) = widths.get_mut(col) {
                *w = (*w).max(shown_width(cell, lang));
            }
        }
    }
    for (col, w) in widths.iter().enumerate() {
        // Two units of padding: the autofilter's drop-down button sits over the header's end.
        sheet.set_column_width(col as u16, (w + 3).min(MAX_WIDTH) as f64)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    let last_col = columns.len().saturating_sub(1) as u16;
    sheet.autofilter(0, 0, table.rows.len() as u32, last_col)?;
    Ok(())
}

/// The workbook as bytes: one sheet per table, in the order 项目, 里程碑, 周报. `created` is
/// stamped in the document properties (the library never reads the clock).
pub fn workbook_bytes(tables: &Tables, lang: Lang, created: DateTime<Utc>) -> Result<Vec<u8>> {
    let mut workbook = Workbook::new();
    workbook.set_properties(
        &DocProperties::new()
            .set_title(match lang {
                Lang::Zh => "KeyWorks 重点项目导出",
                Lang::En => "KeyWorks key projects export",
            })
            .set_author("KeyWorks")
            .set_creation_datetime(&created),
    );
    let formats = Formats::new(lang);
    for kind in TableKind::ALL {
        write_sheet(&mut workbook, tables.get(kind), lang, &formats).map_err(internal)?;
    }
    workbook.save_to_buffer().map_err(internal)
}
