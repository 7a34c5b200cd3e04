//! CSV for Excel on Chinese Windows: UTF-8 with a byte-order mark (without it Excel reads
//! the file as GBK and garbles every Chinese character), CRLF line ends, RFC 4180 quoting.

use keyworks_core::{Error, Result};

use crate::tabular::{Cell, Lang, Table};

/// The UTF-8 byte-order mark Excel looks for.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The characters that make Excel read a cell as a formula. Such text gets a leading
/// apostrophe so that a project name like `=HYPERLINK(…)` stays text when opened; the CSV
/// import strips it again.
pub(crate) const FORMULA_STARTS: [char; 3] = ['=', '+', '@'];

fn cell_text(cell: &Cell) -> String {
    match cell {
        Cell::Text(s) if s.starts_with(FORMULA_STARTS) => format!("'{s}"),
        Cell::Text(s) => s.clone(),
        Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
        Cell::Percent(p) => {
            // At most one decimal, as typed: 55%, 55.5%.
            let pct = (p * 1000.0).round() / 10.0;
            if pct.fract() == 0.0 {
                format!("{pct:.0}%")
            } else {
                format!("{pct:.1}%")
            }
        }
        Cell::Int(i) => i.to_string(),
        Cell::Empty => String::new(),
    }
}

fn internal(e: impl std::fmt::Display) -> Error {
    Error::Internal(format!("writing CSV failed: {e}"))
}

/// One table as CSV bytes: BOM, header row in `lang`, then the rows.
pub fn csv_bytes(table: &Table, lang: Lang) -> Result<Vec<u8>> {
    let mut out = BOM.to_vec();
    {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .quote_style(csv::QuoteStyle::Necessary)
            .from_writer(&mut out);
        writer
            .write_record(table.kind.columns().iter().map(|c| c.header(lang)))
            .map_err(internal)?;
        for row in &table.rows {
            writer
                .write_record(row.iter().map(cell_text))
                .map_err(internal)?;
        }
        writer.flush().map_err(internal)?;
    }
    Ok(out)
}
