//! 重点项目建设进展情况表: the monthly sheet a zone sends upward, in the layout managers print
//! as it is. One row per project with its investment against 序时进度, its latest narrative
//! (形象进度) and problems, and its warning; two-row merged headers; a 合计 row whose figures
//! are the column sums; 万元 with two decimals and percentages; A3 landscape, the header rows
//! repeated on every page and the sheet fitted to one page wide.
//!
//! The figures come from the core's supervision table (`Db::investment_overview`), the one
//! source of the app, the report and `invest show`, so they agree to the yuan.

use chrono::{DateTime, NaiveDate, Utc};
use keyworks_core::money::Yuan;
use keyworks_core::supervision::overview::{InvestmentOverview, OverviewFilter};
use keyworks_core::supervision::warnings::{Light, year_to_date_label};
use keyworks_core::week::{IsoWeek, YearMonth};
use keyworks_core::{Db, Error, Result};
use rust_xlsxwriter::{
    Color, DocProperties, Format, FormatAlign, FormatBorder, Formula, Workbook, Worksheet,
    XlsxError,
};

/// One project's row.
#[derive(Debug, Clone, PartialEq)]
pub struct UpwardRow {
    pub name: String,
    /// 建设内容及规模: the project's description.
    pub content: String,
    pub unit: String,
    pub leader: String,
    pub total: Option<Yuan>,
    pub annual: Option<Yuan>,
    pub month: Option<Yuan>,
    pub year_to_date: Yuan,
    pub rate: Option<f64>,
    /// 形象进度: the latest narrative up to the month's end.
    pub progress: String,
    /// 存在问题: the latest update's issues.
    pub problems: String,
    /// 「红：1–5月完成投资 19.5%，…」 or 「绿」.
    pub warning: String,
    pub light: Light,
}

/// The sheet's content, gathered from a file.
#[derive(Debug, Clone, PartialEq)]
pub struct UpwardSheet {
    /// 西安高新区2021年重点项目建设进展情况表
    pub title: String,
    pub organisation: String,
    pub month: YearMonth,
    pub as_of: NaiveDate,
    /// 序时进度.
    pub elapsed: f64,
    pub rows: Vec<UpwardRow>,
}

/// The first row of project data (0-based): title, the unit line and two header rows above.
const FIRST_ROW: u32 = 4;
const COLUMNS: u16 = 14;

impl UpwardSheet {
    /// Gathers the sheet for `month` from `db`; overdue milestones weighed on `as_of` (at most
    /// the month's end).
    pub fn gather(db: &Db, month: YearMonth, as_of: NaiveDate) -> Result<UpwardSheet> {
        let overview = db.investment_overview(month, as_of, &OverviewFilter::default())?;
        let portfolio = db.portfolio()?;
        let latest = latest_updates(db, month)?;
        let projects = db.projects()?;
        Ok(Self::of(&overview, &portfolio, &projects, &latest))
    }

    fn of(
        o: &InvestmentOverview,
        portfolio: &keyworks_core::model::Portfolio,
        projects: &[keyworks_core::model::Project],
        latest: &std::collections::HashMap<keyworks_core::ids::ProjectId, (String, String)>,
    ) -> UpwardSheet {
        // One lookup per row, not a scan of every project: 1,000 rows stay linear.
        let descriptions: std::collections::HashMap<_, &str> = projects
            .iter()
            .map(|p| (p.id, p.description.as_str()))
            .collect();
        let rows = o
            .rows
            .iter()
            .map(|r| {
                let content = descriptions
                    .get(&r.project_id)
                    .map(|d| (*d).to_owned())
                    .unwrap_or_default();
                let (progress, problems) = latest.get(&r.project_id).cloned().unwrap_or_default();
                let warning = if r.warning.warnings.is_empty() {
                    r.warning.light.label_zh().to_owned()
                } else {
                    format!("{}：{}", r.warning.light.label_zh(), r.warning.reasons())
                };
                UpwardRow {
                    name: r.name.clone(),
                    content,
                    unit: r.lead_unit.clone(),
                    leader: r.leader.clone().unwrap_or_default(),
                    total: r.total_yuan,
                    annual: r.annual_yuan,
                    month: r.month_yuan,
                    year_to_date: r.year_to_date_yuan,
                    rate: r.completion_rate,
                    progress,
                    problems,
                    warning,
                    light: r.warning.light,
                }
            })
            .collect();
        UpwardSheet {
            title: format!("{}建设进展情况表", portfolio.name),
            organisation: portfolio.organisation.clone(),
            month: o.month,
            as_of: o.as_of,
            elapsed: o.elapsed_share,
            rows,
        }
    }

    /// The exact column sums the 合计 row shows.
    pub fn totals(&self) -> [Yuan; 4] {
        [
            Yuan::sum(self.rows.iter().filter_map(|r| r.total)),
            Yuan::sum(self.rows.iter().filter_map(|r| r.annual)),
            Yuan::sum(self.rows.iter().filter_map(|r| r.month)),
            Yuan::sum(self.rows.iter().map(|r| r.year_to_date)),
        ]
    }
}

/// Each project's latest narrative and issues up to the week holding the month's last day.
fn latest_updates(
    db: &Db,
    month: YearMonth,
) -> Result<std::collections::HashMap<keyworks_core::ids::ProjectId, (String, String)>> {
    let week = IsoWeek::containing(month.last_day());
    let mut out = std::collections::HashMap::new();
    // Ordered by project then week: the last one seen for a project is its latest.
    for u in db.updates_through(week)? {
        out.insert(u.project_id, (u.narrative, u.issues));
    }
    Ok(out)
}

fn internal(e: XlsxError) -> Error {
    Error::Internal(format!("writing the monthly sheet failed: {e}"))
}

/// An amount as Excel holds it: 万元, a number (exact to the yuan at four decimals).
fn wan(y: Yuan) -> f64 {
    y.0 as f64 / 10_000.0
}

struct Formats {
    title: Format,
    note: Format,
    note_right: Format,
    header: Format,
    text: Format,
    wrap: Format,
    centre: Format,
    money: Format,
    percent: Format,
    total_label: Format,
    total_money: Format,
    total_percent: Format,
    red: Format,
    yellow: Format,
}

impl Formats {
    fn new() -> Formats {
        let cell = Format::new()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter)
            .set_font_size(10);
        let bold = cell.clone().set_bold();
        Formats {
            title: Format::new()
                .set_bold()
                .set_font_size(18)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            note: Format::new().set_font_size(10),
            note_right: Format::new()
                .set_font_size(10)
                .set_align(FormatAlign::Right),
            header: bold
                .clone()
                .set_align(FormatAlign::Center)
                .set_text_wrap()
                .set_background_color(Color::RGB(0xDDEBF7)),
            text: cell.clone(),
            wrap: cell.clone().set_text_wrap().set_align(FormatAlign::Top),
            centre: cell.clone().set_align(FormatAlign::Center),
            money: cell.clone().set_num_format("#,##0.00"),
            percent: cell.clone().set_num_format("0.0%"),
            total_label: bold.clone().set_align(FormatAlign::Center),
            total_money: bold.clone().set_num_format("#,##0.00"),
            total_percent: bold.set_num_format("0.0%"),
            red: cell
                .clone()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_font_color(Color::RGB(0xC00000)),
            yellow: cell
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_font_color(Color::RGB(0x9C6500)),
        }
    }
}

/// Column widths in Excel's character units (a Chinese character takes two).
const WIDTHS: [f64; COLUMNS as usize] = [
    5.0, 18.0, 28.0, 18.0, 12.0, 13.0, 13.0, 13.0, 14.0, 9.0, 9.0, 40.0, 28.0, 34.0,
];

/// How many lines `text` wraps to in a column `width` units wide.
fn lines_of(text: &str, width: f64) -> usize {
    let usable = (width - 1.0).max(1.0);
    let units = crate::tabular::display_width(text) as f64;
    ((units / usable).ceil() as usize).max(1)
}

/// Column letter of a 0-based column (A–Z is all this sheet uses).
fn letter(col: u16) -> char {
    char::from(b'A' + col as u8)
}

fn write(sheet: &mut Worksheet, s: &UpwardSheet) -> std::result::Result<(), XlsxError> {
    let f = Formats::new();
    let last = COLUMNS - 1;
    sheet.set_name(format!("{}月", s.month.month()))?;
    sheet.merge_range(0, 0, 0, last, &s.title, &f.title)?;
    sheet.set_row_height(0, 32)?;
    sheet.merge_range(
        1,
        0,
        1,
        6,
        &format!("填报单位：{}", s.organisation),
        &f.note,
    )?;
    sheet.merge_range(
        1,
        7,
        1,
        last,
        &format!(
            "统计期间：{}年{}　截至 {}　单位：万元",
            s.month.year(),
            year_to_date_label(s.month),
            s.as_of
        ),
        &f.note_right,
    )?;
    // Two header rows: single headings span both, grouped ones have a heading above.
    let ytd = year_to_date_label(s.month);
    let single: [(u16, &str); 9] = [
        (0, "序号"),
        (1, "项目名称"),
        (2, "建设内容及规模"),
        (3, "责任单位"),
        (4, "包抓领导"),
        (5, "总投资"),
        (11, "形象进度"),
        (12, "存在问题"),
        (13, "预警"),
    ];
    for (col, text) in single {
        sheet.merge_range(2, col, 3, col, text, &f.header)?;
    }
    sheet.merge_range(
        2,
        6,
        2,
        8,
        &format!("{}年投资完成情况", s.month.year()),
        &f.header,
    )?;
    sheet.write_string_with_format(3, 6, "年度计划投资", &f.header)?;
    sheet.write_string_with_format(3, 7, "当月完成投资", &f.header)?;
    sheet.write_string_with_format(3, 8, format!("{ytd}累计完成投资"), &f.header)?;
    sheet.merge_range(2, 9, 2, 10, "投资进度", &f.header)?;
    sheet.write_string_with_format(3, 9, "完成率", &f.header)?;
    sheet.write_string_with_format(3, 10, "序时进度", &f.header)?;
    sheet.set_row_height(3, 30)?;

    let money = |sheet: &mut Worksheet, r: u32, c: u16, v: Option<Yuan>| match v {
        Some(y) => sheet
            .write_number_with_format(r, c, wan(y), &f.money)
            .map(|_| ()),
        None => sheet.write_blank(r, c, &f.money).map(|_| ()),
    };
    for (i, row) in s.rows.iter().enumerate() {
        let r = FIRST_ROW + i as u32;
        sheet.write_number_with_format(r, 0, (i + 1) as f64, &f.centre)?;
        sheet.write_string_with_format(r, 1, &row.name, &f.wrap)?;
        sheet.write_string_with_format(r, 2, &row.content, &f.wrap)?;
        sheet.write_string_with_format(r, 3, &row.unit, &f.wrap)?;
        sheet.write_string_with_format(r, 4, &row.leader, &f.text)?;
        money(sheet, r, 5, row.total)?;
        money(sheet, r, 6, row.annual)?;
        money(sheet, r, 7, row.month)?;
        money(sheet, r, 8, Some(row.year_to_date))?;
        match row.rate {
            Some(rate) => sheet.write_number_with_format(r, 9, rate, &f.percent)?,
            None => sheet.write_blank(r, 9, &f.percent)?,
        };
        sheet.write_number_with_format(r, 10, s.elapsed, &f.percent)?;
        sheet.write_string_with_format(r, 11, &row.progress, &f.wrap)?;
        sheet.write_string_with_format(r, 12, &row.problems, &f.wrap)?;
        let warn = match row.light {
            Light::Red => &f.red,
            Light::Yellow => &f.yellow,
            Light::Green => &f.wrap,
        };
        sheet.write_string_with_format(r, 13, &row.warning, warn)?;
    }

    // 合计: live formulas over the rows above, each carrying its exact result so that a
    // reader that does not calculate (a viewer, a test) sees the sum.
    let total_row = FIRST_ROW + s.rows.len() as u32;
    sheet.merge_range(total_row, 0, total_row, 4, "合计", &f.total_label)?;
    let totals = s.totals();
    let (first, last_data) = (FIRST_ROW + 1, FIRST_ROW + s.rows.len().max(1) as u32);
    for (k, col) in (5..=8).enumerate() {
        let l = letter(col);
        let formula = Formula::new(format!("=SUM({l}{first}:{l}{last_data})"))
            .set_result(wan(totals[k]).to_string());
        sheet.write_formula_with_format(total_row, col, formula, &f.total_money)?;
    }
    let rate = totals[3].ratio_of(totals[1]);
    let (g, i) = (letter(6), letter(8));
    let excel_row = total_row + 1;
    let formula = Formula::new(format!(
        "=IF({g}{excel_row}=0,\"\",{i}{excel_row}/{g}{excel_row})"
    ))
    .set_result(rate.map(|r| r.to_string()).unwrap_or_default());
    sheet.write_formula_with_format(total_row, 9, formula, &f.total_percent)?;
    sheet.write_number_with_format(total_row, 10, s.elapsed, &f.total_percent)?;
    for col in 11..COLUMNS {
        sheet.write_blank(total_row, col, &f.total_label)?;
    }

    for (col, width) in WIDTHS.into_iter().enumerate() {
        sheet.set_column_width(col as u16, width)?;
    }
    // Heights for the wrapped text: not every program fits rows on opening (LibreOffice and
    // the print preview do not), and a cut-off narrative is useless on paper.
    for (i, row) in s.rows.iter().enumerate() {
        let lines = [
            (1, &row.name),
            (2, &row.content),
            (3, &row.unit),
            (11, &row.progress),
            (12, &row.problems),
            (13, &row.warning),
        ]
        .into_iter()
        .map(|(col, text)| lines_of(text, WIDTHS[col]))
        .max()
        .unwrap_or(1);
        sheet.set_row_height(FIRST_ROW + i as u32, 13.5 * lines as f64 + 3.0)?;
    }
    // Printed as it is: A3 landscape, one page wide, the two header rows on every page.
    sheet.set_paper_size(8);
    sheet.set_landscape();
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(2, 3)?;
    sheet.set_print_center_horizontally(true);
    sheet.set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
    sheet.set_footer("&C第 &P 页，共 &N 页");
    sheet.set_freeze_panes(FIRST_ROW, 2)?;
    Ok(())
}

/// The workbook as bytes; `created` is stamped in its properties (no clock is read here).
pub fn upward_sheet_bytes(sheet: &UpwardSheet, created: DateTime<Utc>) -> Result<Vec<u8>> {
    let mut workbook = Workbook::new();
    workbook.set_properties(
        &DocProperties::new()
            .set_title(&sheet.title)
            .set_author("KeyWorks")
            .set_creation_datetime(&created),
    );
    let ws = workbook.add_worksheet();
    write(ws, sheet).map_err(internal)?;
    workbook.save_to_buffer().map_err(internal)
}
