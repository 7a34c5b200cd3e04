//! 重点项目建设进展情况表 for May 2021 of the seeded portfolio, read back cell by cell with
//! calamine (what Excel and WPS see) and, for merges and print settings, from the XML.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{Cursor, Read};

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use chrono::{TimeZone, Utc};
use keyworks_core::money::Yuan;
use keyworks_core::supervision::overview::OverviewFilter;
use keyworks_core::week::YearMonth;
use keyworks_interchange::upward_sheet::{UpwardSheet, upward_sheet_bytes};

use common::{d, seeded};

fn may() -> YearMonth {
    YearMonth::new(2021, 5).unwrap()
}

fn sheet_and_bytes() -> (UpwardSheet, Vec<u8>) {
    let db = seeded();
    let sheet = UpwardSheet::gather(&db, may(), d(2021, 6, 11)).unwrap();
    let created = Utc.with_ymd_and_hms(2021, 6, 11, 10, 0, 0).unwrap();
    let bytes = upward_sheet_bytes(&sheet, created).unwrap();
    (sheet, bytes)
}

fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

fn number(cell: &Data) -> f64 {
    match cell {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        other => panic!("{other:?} is not a number"),
    }
}

fn text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => panic!("{other:?} is not text"),
    }
}

#[test]
fn every_cell_reads_back_and_the_totals_are_the_sums_to_the_yuan() {
    let (sheet, bytes) = sheet_and_bytes();
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.clone())).unwrap();
    assert_eq!(book.sheet_names(), vec!["5月"]);
    let range = book.worksheet_range("5月").unwrap();
    let cell = |r: u32, c: u32| range.get_value((r, c)).cloned().unwrap_or(Data::Empty);

    assert_eq!(text(&cell(0, 0)), "西安高新区2021年重点项目建设进展情况表");
    assert!(text(&cell(1, 7)).contains("1–5月"));
    assert!(text(&cell(1, 7)).contains("单位：万元"));
    let headers: Vec<String> = (0..14)
        .map(|c| {
            let lower = text(&cell(3, c));
            if lower.is_empty() {
                text(&cell(2, c))
            } else {
                lower
            }
        })
        .collect();
    assert_eq!(
        headers,
        [
            "序号",
            "项目名称",
            "建设内容及规模",
            "责任单位",
            "包抓领导",
            "总投资",
            "年度计划投资",
            "当月完成投资",
            "1–5月累计完成投资",
            "完成率",
            "序时进度",
            "形象进度",
            "存在问题",
            "预警"
        ]
    );
    assert_eq!(text(&cell(2, 6)), "2021年投资完成情况");

    // The rows are the core's supervision table, figure for figure.
    let db = seeded();
    let o = db
        .investment_overview(may(), d(2021, 5, 31), &OverviewFilter::default())
        .unwrap();
    assert_eq!(sheet.rows.len(), o.rows.len());
    let wan = |y: Yuan| y.0 as f64 / 10_000.0;
    for (i, row) in o.rows.iter().enumerate() {
        let r = 4 + i as u32;
        assert_eq!(number(&cell(r, 0)), (i + 1) as f64);
        assert_eq!(text(&cell(r, 1)), row.name);
        assert_eq!(text(&cell(r, 4)), row.leader.clone().unwrap_or_default());
        assert_eq!(number(&cell(r, 6)), wan(row.annual_yuan.unwrap()));
        assert_eq!(number(&cell(r, 7)), wan(row.month_yuan.unwrap()));
        assert_eq!(number(&cell(r, 8)), wan(row.year_to_date_yuan));
        assert!((number(&cell(r, 9)) - row.completion_rate.unwrap()).abs() < 1e-12);
        assert!((number(&cell(r, 10)) - 5.0 / 12.0).abs() < 1e-12);
        assert!(text(&cell(r, 13)).starts_with(row.warning.light.label_zh()));
    }
    let beidou = o.rows.iter().position(|r| r.code == "KP21-04").unwrap() as u32 + 4;
    assert_eq!(
        text(&cell(beidou, 13)),
        "红：1–5月完成投资 19.5%，低于序时进度 41.7% 的 60%"
    );
    // 形象进度 is the latest narrative up to the month's end.
    assert!(!text(&cell(4, 11)).is_empty());

    // 合计: each figure is the exact sum of the column, as a live formula.
    let total = 4 + o.rows.len() as u32;
    assert_eq!(text(&cell(total, 0)), "合计");
    let t = &o.totals;
    for (col, sum) in [
        (5, t.total_yuan),
        (6, t.annual_yuan),
        (7, t.month_yuan),
        (8, t.year_to_date_yuan),
    ] {
        assert_eq!(number(&cell(total, col)), wan(sum), "column {col}");
    }
    assert_eq!(number(&cell(total, 7)), 325_900.5);
    let column_sum: f64 = (4..total).map(|r| number(&cell(r, 8))).sum();
    assert!((column_sum - number(&cell(total, 8))).abs() < 1e-6);
    let formulas = book.worksheet_formula("5月").unwrap();
    let f = formulas.get_value((total, 8)).cloned().unwrap_or_default();
    assert_eq!(f, format!("SUM(I5:I{})", total));
}

#[test]
fn merged_headers_formats_and_print_setup_are_as_managers_print_them() {
    let (sheet, bytes) = sheet_and_bytes();
    let xml = part(&bytes, "xl/worksheets/sheet1.xml");
    let last = 4 + sheet.rows.len() + 1; // 1-based row of 合计
    for merged in [
        "A1:N1".to_owned(),
        "A3:A4".into(),
        "B3:B4".into(),
        "F3:F4".into(),
        "G3:I3".into(),
        "J3:K3".into(),
        "N3:N4".into(),
        format!("A{last}:E{last}"),
    ] {
        assert!(
            xml.contains(&format!("<mergeCell ref=\"{merged}\"/>")),
            "{merged} not merged"
        );
    }
    // A3 (paper size 8), landscape, one page wide and as many long as it takes.
    assert!(xml.contains("paperSize=\"8\""), "{xml}");
    assert!(xml.contains("orientation=\"landscape\""));
    assert!(xml.contains("fitToHeight=\"0\""));
    assert!(xml.contains("<pageSetUpPr fitToPage=\"1\"/>"));
    assert!(xml.contains("第 &amp;P 页，共 &amp;N 页"));
    // The two header rows repeat on every printed page.
    let book = part(&bytes, "xl/workbook.xml");
    assert!(book.contains("_xlnm.Print_Titles"), "{book}");
    assert!(book.contains("'5月'!$3:$4"), "{book}");
    // Money in 万元 with two decimals, rates as percentages.
    let styles = part(&bytes, "xl/styles.xml");
    assert!(styles.contains("formatCode=\"#,##0.00\""));
    assert!(styles.contains("formatCode=\"0.0%\""));
}
