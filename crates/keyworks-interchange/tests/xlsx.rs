//! The XLSX export of the seeded portfolio, read back with calamine (what another program
//! sees) and, for the sheet settings calamine does not expose, from the workbook's XML.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{Cursor, Read};

use calamine::{Data, DataType, Reader, Xlsx, open_workbook_from_rs};
use chrono::{TimeZone, Utc};
use keyworks_core::portfolio::milestones::MilestoneQuery;
use keyworks_interchange::tabular::{
    Cell, Lang, MILESTONE_COLUMNS, PROJECT_COLUMNS, Scope, TableKind, Tables, UPDATE_COLUMNS,
    display_width, gather,
};
use keyworks_interchange::xlsx::workbook_bytes;

use common::{as_of, d, seeded};

fn export(scope: &Scope, lang: Lang) -> (Tables, Vec<u8>) {
    let db = seeded();
    let tables = gather(&db, scope, as_of(), lang).unwrap();
    let created = Utc.with_ymd_and_hms(2021, 6, 11, 10, 0, 0).unwrap();
    let bytes = workbook_bytes(&tables, lang, created).unwrap();
    (tables, bytes)
}

fn open(bytes: &[u8]) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap()
}

/// Whether the cell Excel shows equals the table cell it was written from.
fn assert_cell(sheet: &str, r: usize, c: usize, got: &Data, want: &Cell) {
    let at = format!("{sheet}!R{}C{}", r + 1, c + 1);
    match want {
        Cell::Text(s) if s.is_empty() => assert_eq!(got, &Data::Empty, "{at}"),
        Cell::Text(s) => assert_eq!(got, &Data::String(s.clone()), "{at}"),
        Cell::Date(day) => {
            assert!(got.is_datetime(), "{at}: {got:?} is not a date cell");
            assert_eq!(got.as_datetime().map(|t| t.date()), Some(*day), "{at}");
        }
        Cell::Percent(p) => match got {
            Data::Float(f) => assert!((f - p).abs() < 1e-9, "{at}: {f} vs {p}"),
            other => panic!("{at}: {other:?} is not a number"),
        },
        Cell::Int(i) => match got {
            Data::Float(f) => assert_eq!(*f, *i as f64, "{at}"),
            Data::Int(n) => assert_eq!(n, i, "{at}"),
            other => panic!("{at}: {other:?} is not a number"),
        },
        Cell::Empty => assert_eq!(got, &Data::Empty, "{at}"),
    }
}

#[test]
fn every_cell_of_every_sheet_reads_back_as_written() {
    let (tables, bytes) = export(&Scope::Portfolio, Lang::Zh);
    let mut book = open(&bytes);
    assert_eq!(
        book.sheet_names(),
        vec!["项目", "里程碑", "周报", "前期手续", "问题台账"]
    );
    for kind in TableKind::ALL {
        let name = kind.sheet_name(Lang::Zh);
        let range = book.worksheet_range(name).unwrap();
        let table = tables.get(kind);
        assert_eq!(range.start(), Some((0, 0)), "{name}");
        assert_eq!(range.height(), table.rows.len() + 1, "{name}: rows");
        let headers: Vec<String> = range
            .rows()
            .next()
            .unwrap()
            .iter()
            .map(|c| c.to_string())
            .collect();
        let expected: Vec<&str> = kind.columns().iter().map(|c| c.zh).collect();
        assert_eq!(headers, expected, "{name}: headers");
        for (r, want_row) in table.rows.iter().enumerate() {
            for (c, want) in want_row.iter().enumerate() {
                let got = range.get((r + 1, c)).cloned().unwrap_or(Data::Empty);
                assert_cell(name, r + 1, c, &got, want);
            }
        }
    }
}

#[test]
fn row_counts_equal_the_database() {
    let db = seeded();
    let (_, bytes) = export(&Scope::Portfolio, Lang::Zh);
    let mut book = open(&bytes);
    let projects = db.projects().unwrap();
    let milestones = db
        .milestones(&MilestoneQuery {
            as_of: as_of(),
            due_within: None,
            overdue: false,
        })
        .unwrap();
    let updates: usize = projects
        .iter()
        .map(|p| db.updates_of(&p.code).unwrap().len())
        .sum();
    assert!(projects.len() >= 10 && milestones.len() >= 40 && updates >= 20);
    assert_eq!(
        book.worksheet_range("项目").unwrap().height(),
        projects.len() + 1
    );
    assert_eq!(
        book.worksheet_range("里程碑").unwrap().height(),
        milestones.len() + 1
    );
    assert_eq!(book.worksheet_range("周报").unwrap().height(), updates + 1);
}

/// Spot checks against the database itself, not against the tables the writer was given.
#[test]
fn known_rows_carry_the_database_values() {
    let db = seeded();
    let (_, bytes) = export(&Scope::Portfolio, Lang::Zh);
    let mut book = open(&bytes);

    let projects = book.worksheet_range("项目").unwrap();
    let summary = db.portfolio_summary(as_of()).unwrap();
    for p in &summary.projects {
        let row = projects
            .rows()
            .find(|r| r[0] == Data::String(p.code.clone()))
            .unwrap_or_else(|| panic!("{} missing", p.code));
        assert_eq!(row[1], Data::String(p.name.clone()));
        assert_eq!(
            row[5],
            Data::String(p.leader.clone().unwrap_or_default()),
            "{}",
            p.code
        );
        assert_eq!(row[6], Data::String(p.status.label_zh().to_owned()));
        assert!(["绿", "黄", "红"].contains(&row[6].to_string().as_str()));
        assert_eq!(
            row[7],
            Data::Float(p.percent_complete / 100.0),
            "{}",
            p.code
        );
    }

    let milestones = book.worksheet_range("里程碑").unwrap();
    let all = db.milestone_exports(None, as_of()).unwrap();
    for m in &all {
        let row = milestones
            .rows()
            .find(|r| r[0] == Data::Float(m.row.id.0 as f64))
            .unwrap_or_else(|| panic!("milestone {} missing", m.row.id));
        let task = db.task(m.row.id).unwrap();
        assert_eq!(row[1], Data::String(m.row.project_code.clone()));
        assert_eq!(row[3], Data::String(task.name.clone()));
        assert_eq!(row[4].as_datetime().unwrap().date(), task.planned_finish);
        assert_eq!(
            row[5].as_datetime().map(|t| t.date()),
            task.actual_finish,
            "{}",
            task.name
        );
    }
    // The first equipment move-in of 三星二期二阶段 was done on its due day.
    let first_tool = milestones
        .rows()
        .find(|r| r[3] == Data::String("首台工艺设备搬入".into()))
        .unwrap();
    assert_eq!(first_tool[2], Data::String("三星二期二阶段".into()));
    assert_eq!(first_tool[4].as_datetime().unwrap().date(), d(2021, 6, 2));
    assert_eq!(first_tool[7], Data::String("已完成".into()));

    let updates = book.worksheet_range("周报").unwrap();
    let samsung = db.updates_of("KP21-01").unwrap();
    let last = samsung.last().unwrap();
    let row = updates
        .rows()
        .find(|r| {
            r[0] == Data::String("KP21-01".into())
                && r[2] == Data::String(last.iso_week.to_string())
        })
        .unwrap();
    assert_eq!(row[3].as_datetime().unwrap().date(), last.iso_week.monday());
    assert_eq!(row[4], Data::Float(last.percent_complete / 100.0));
    assert_eq!(row[5], Data::String(last.status.label_zh().to_owned()));
    assert_eq!(row[6], Data::String(last.narrative.clone()));
}

#[test]
fn one_project_exports_only_its_rows() {
    let db = seeded();
    let (tables, bytes) = export(&Scope::Project("KP21-01".into()), Lang::Zh);
    let mut book = open(&bytes);
    let projects = book.worksheet_range("项目").unwrap();
    assert_eq!(projects.height(), 2);
    let project = db.project_by_code("KP21-01").unwrap();
    let ms = db.milestone_exports(Some("KP21-01"), as_of()).unwrap();
    assert_eq!(
        book.worksheet_range("里程碑").unwrap().height(),
        ms.len() + 1
    );
    assert_eq!(
        book.worksheet_range("周报").unwrap().height(),
        db.updates_of("KP21-01").unwrap().len() + 1
    );
    for row in tables.milestones.rows.iter().chain(&tables.updates.rows) {
        assert!(row.contains(&Cell::Text(project.code.clone())));
    }
}

#[test]
fn english_headers_and_vocabulary() {
    let (_, bytes) = export(&Scope::Portfolio, Lang::En);
    let mut book = open(&bytes);
    assert_eq!(
        book.sheet_names(),
        vec![
            "Projects",
            "Milestones",
            "Weekly updates",
            "Approvals",
            "Problems"
        ]
    );
    let projects = book.worksheet_range("Projects").unwrap();
    let header: Vec<String> = projects
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        header,
        PROJECT_COLUMNS.iter().map(|c| c.en).collect::<Vec<_>>()
    );
    for row in projects.rows().skip(1) {
        assert!(["Green", "Yellow", "Red"].contains(&row[6].to_string().as_str()));
    }
    let m = book.worksheet_range("Milestones").unwrap();
    let header: Vec<String> = m
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        header,
        MILESTONE_COLUMNS.iter().map(|c| c.en).collect::<Vec<_>>()
    );
    let u = book.worksheet_range("Weekly updates").unwrap();
    let header: Vec<String> = u
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        header,
        UPDATE_COLUMNS.iter().map(|c| c.en).collect::<Vec<_>>()
    );
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

/// The width of every column from the sheet's `<col min max width/>` elements (columns of
/// equal width share one element): (column number from 1, width).
fn column_widths(sheet_xml: &str) -> Vec<(usize, f64)> {
    sheet_xml
        .split("<col ")
        .skip(1)
        .flat_map(|c| {
            let attr = |name: &str| {
                let start = c
                    .find(&format!(" {name}=\""))
                    .or_else(|| c.find(&format!("{name}=\"")))
                    .unwrap();
                let start = start + c[start..].find('"').unwrap() + 1;
                let end = start + c[start..].find('"').unwrap();
                c[start..end].to_owned()
            };
            let (min, max): (usize, usize) =
                (attr("min").parse().unwrap(), attr("max").parse().unwrap());
            let width: f64 = attr("width").parse().unwrap();
            (min..=max).map(move |col| (col, width))
        })
        .collect()
}

#[test]
fn header_frozen_autofilter_on_and_widths_fit_chinese() {
    let (tables, bytes) = export(&Scope::Portfolio, Lang::Zh);
    for (i, kind) in TableKind::ALL.iter().enumerate() {
        let xml = part(&bytes, &format!("xl/worksheets/sheet{}.xml", i + 1));
        assert!(
            xml.contains(
                r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#
            ),
            "{kind:?}: header row not frozen"
        );
        let table = tables.get(*kind);
        let last_col = char::from(b'A' + kind.columns().len() as u8 - 1);
        assert!(
            xml.contains(&format!(
                r#"<autoFilter ref="A1:{last_col}{}"/>"#,
                table.rows.len() + 1
            )),
            "{kind:?}: no autofilter over the table"
        );
        let widths = column_widths(&xml);
        assert_eq!(widths.len(), kind.columns().len(), "{kind:?}");
        for (col, width) in widths {
            let header = kind.columns()[col - 1].zh;
            let widest_text = table
                .rows
                .iter()
                .filter_map(|r| match &r[col - 1] {
                    Cell::Text(s) => Some(display_width(s)),
                    _ => None,
                })
                .max()
                .unwrap_or(0)
                .max(display_width(header));
            // Two units per Chinese character, capped for long narratives.
            assert!(
                width >= widest_text.min(60) as f64,
                "{kind:?} column {header}: width {width} < {widest_text}"
            );
            assert!(width <= 63.0, "{kind:?} column {header}: width {width}");
        }
    }
    // Dates carry a date format, percentages a % format.
    let styles = part(&bytes, "xl/styles.xml");
    assert!(
        styles.contains(r#"formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;""#),
        "{styles}"
    );
    assert!(styles.contains(r#"formatCode="0.0%""#));
}

/// The manual check, automated: the seeded export as a CSV dump of each sheet through
/// calamine — every data row has its key column filled and dates render as dates.
#[test]
fn the_workbook_converts_to_csv_cleanly() {
    let (_, bytes) = export(&Scope::Portfolio, Lang::Zh);
    let mut book = open(&bytes);
    for name in ["项目", "里程碑", "周报"] {
        let range = book.worksheet_range(name).unwrap();
        let mut lines = Vec::new();
        for row in range.rows() {
            let cells: Vec<String> = row
                .iter()
                .map(|c| match c.as_datetime() {
                    Some(t) if c.is_datetime() => t.date().to_string(),
                    _ => c.to_string(),
                })
                .collect();
            lines.push(cells.join(","));
        }
        assert!(lines.iter().skip(1).all(|l| !l.starts_with(',')), "{name}");
        assert!(
            lines.iter().any(|l| l.contains("2021-")),
            "{name} has no dates"
        );
    }
}

/// The 前期手续 and 问题台账 sheets carry the working-day clocks and ages the core computes.
#[test]
fn approvals_and_the_problem_ledger_have_their_sheets() {
    use keyworks_core::Stamp;
    use keyworks_core::model::ProblemLevel;
    use keyworks_core::supervision::problems::NewProblem;
    let mut db = seeded();
    let me = Stamp::new(
        "王工",
        chrono::DateTime::parse_from_rfc3339("2021-06-11T09:00:00+08:00").unwrap(),
    )
    .unwrap();
    // 北斗 is social investment: 35 working days from 2021-04-01 end on 2021-05-24.
    db.add_approval("KP21-04", "施工许可", d(2021, 4, 1), None, &me)
        .unwrap();
    db.add_problem(
        "KP21-14",
        &NewProblem {
            problem: "剩余 12 户未签约".into(),
            raised: d(2021, 6, 9),
            unit: "高新区城改办".into(),
            coordinator: None,
            due: Some(d(2021, 6, 10)),
            level: ProblemLevel::Project,
        },
        &me,
    )
    .unwrap();
    let tables = gather(&db, &Scope::Portfolio, as_of(), Lang::Zh).unwrap();
    let created = Utc.with_ymd_and_hms(2021, 6, 11, 10, 0, 0).unwrap();
    let mut book = open(&workbook_bytes(&tables, Lang::Zh, created).unwrap());
    let approvals = book.worksheet_range("前期手续").unwrap();
    assert_eq!(approvals.height(), 2);
    assert_eq!(approvals.get((1, 3)).unwrap().to_string(), "施工许可");
    assert_eq!(approvals.get((1, 10)).unwrap().to_string(), "已超时");
    let problems = book.worksheet_range("问题台账").unwrap();
    assert_eq!(problems.height(), 2);
    assert_eq!(
        problems.get((1, 3)).unwrap().to_string(),
        "剩余 12 户未签约"
    );
    // Raised 6-09, due 6-10, looked at on 6-11: 2 working days old, 1 late, due for 督办.
    assert_eq!(problems.get((1, 10)).unwrap().as_i64(), Some(2));
    assert_eq!(problems.get((1, 11)).unwrap().as_i64(), Some(1));
    assert_eq!(problems.get((1, 12)).unwrap().to_string(), "是");
}
