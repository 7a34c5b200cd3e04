//! The PDF as other tools read it (poppler-utils, what auditors and printers' drivers see):
//! pdftotext finds the names, figures and week; pdffonts shows the font embedded and subset;
//! every word's box (pdftotext -bbox) lies inside the margins, even for a 200-character
//! project name and 300 milestones; pdftoppm renders every page.
//! Without poppler these tests fail under CI=true and are skipped elsewhere, with a message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, FixedOffset, NaiveDate};
use keyworks_core::portfolio::milestones::MilestoneState;
use keyworks_core::{Db, Stamp};
use keyworks_report::model::MilestoneLine;
use keyworks_report::{Lang, LayoutOptions, Orientation, ReportRequest, WeeklyReport};

/// The layout's margin (15 mm) in PDF points.
const MARGIN_PT: f64 = 15.0 * 72.0 / 25.4;
/// Glyph boxes as poppler computes them (font ascent and descent) may reach a little past the
/// boxes the layout placed.
const TOLERANCE_PT: f64 = 1.5;

fn poppler_available() -> bool {
    let ok = Command::new("pdftotext").arg("-v").output().is_ok();
    if !ok {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "poppler-utils (pdftotext, pdffonts, pdftoppm) must be installed in CI"
        );
        eprintln!("skipped: poppler-utils not installed (scripts/setup-deps.sh installs it)");
    }
    ok
}

fn seeded_report() -> WeeklyReport {
    let mut db = Db::open_in_memory().unwrap();
    let at = DateTime::parse_from_rfc3339("2026-11-27T09:00:00+08:00").unwrap();
    db.load_seed(&Stamp::new(keyworks_core::store::seed::SEED_AUTHOR, at).unwrap())
        .unwrap();
    let as_of = NaiveDate::from_ymd_opt(2021, 6, 11).unwrap();
    let offset = FixedOffset::east_opt(8 * 3600).unwrap();
    keyworks_report::build(&db, &ReportRequest::for_date(as_of, offset)).unwrap()
}

fn write_pdf(dir: &Path, name: &str, report: &WeeklyReport) -> PathBuf {
    let opts = LayoutOptions {
        lang: Lang::Zh,
        orientation: Orientation::Portrait,
        generated_at: DateTime::parse_from_rfc3339("2021-06-14T09:00:00+08:00").unwrap(),
        source_file: "keyworks.sqlite".into(),
    };
    let path = dir.join(name);
    std::fs::write(&path, keyworks_report::render_pdf(report, &opts).unwrap()).unwrap();
    path
}

fn run(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{tool} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn page_count(pdf: &Path) -> usize {
    let info = run("pdfinfo", &[pdf.to_str().unwrap()]);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn pdftotext_reads_names_figures_and_week() {
    if !poppler_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pdf = write_pdf(dir.path(), "r.pdf", &seeded_report());
    let text = run("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"]);
    for name in [
        "三星二期二阶段",
        "比亚迪智能终端",
        "奕斯伟产业基地一期二阶段",
        "安置房",
        "人才保障住房",
        "环普三期",
        "城中村城市更新",
        "村安置性商品房",
    ] {
        assert!(text.contains(name), "{name} not found by pdftotext");
    }
    assert!(text.contains("第23周"), "week not found");
    // Figures: KP21-01's completion and the portfolio's average, as the summary page prints them.
    assert!(text.contains("61.9%"), "KP21-01's 61.9% not found");
    assert!(text.contains("66.8%"), "the average 66.8% not found");
    // The plan's targets, as the plan writes them, and what has been delivered.
    for figure in ["24,457 套", "16,820 套", "85.38 万平方米", "68.8%"] {
        assert!(text.contains(figure), "target figure {figure} not found");
    }
    assert!(
        !text.contains('\u{fffd}'),
        "pdftotext met characters it could not map"
    );
}

#[test]
fn pdffonts_shows_every_font_embedded_and_subset() {
    if !poppler_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pdf = write_pdf(dir.path(), "r.pdf", &seeded_report());
    let fonts = run("pdffonts", &[pdf.to_str().unwrap()]);
    let rows: Vec<&str> = fonts
        .lines()
        .skip(2)
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert!(!rows.is_empty(), "{fonts}");
    for row in rows {
        // name type encoding emb sub uni object ID
        let cols: Vec<&str> = row.split_whitespace().collect();
        let n = cols.len();
        assert_eq!(
            &cols[n - 5..n - 2],
            &["yes", "yes", "yes"],
            "not embedded+subset+unicode: {row}"
        );
    }
}

#[test]
fn every_word_lies_inside_the_margins_and_every_page_renders() {
    if !poppler_available() {
        return;
    }
    let mut r = seeded_report();
    let p = &mut r.projects[2];
    p.name = "超长名称的重点项目".repeat(23);
    assert!(p.name.chars().count() >= 200);
    let template = p.milestones[0].clone();
    p.milestones = (0..300)
        .map(|i| MilestoneLine {
            name: format!("第{}个里程碑：{}", i + 1, "分段验收".repeat(i % 5 + 1)),
            planned: template.planned,
            actual: None,
            state: MilestoneState::Open,
            variance_working_days: None,
            acceptance: "竣工验收备案".into(),
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let pdf = write_pdf(dir.path(), "stress.pdf", &r);
    let pages = page_count(&pdf);
    assert!(pages > 10, "{pages} pages for 300 milestones");

    let html = run("pdftotext", &["-bbox", pdf.to_str().unwrap(), "-"]);
    let attr = |tag: &str, name: &str| -> f64 {
        let key = format!("{name}=\"");
        let at = tag.find(&key).unwrap() + key.len();
        tag[at..].split('"').next().unwrap().parse().unwrap()
    };
    let (mut width, mut height) = (0.0, 0.0);
    let mut words = 0;
    for line in html.lines().map(str::trim) {
        if line.starts_with("<page ") {
            width = attr(line, "width");
            height = attr(line, "height");
        } else if line.starts_with("<word ") {
            words += 1;
            let (x0, y0, x1, y1) = (
                attr(line, "xMin"),
                attr(line, "yMin"),
                attr(line, "xMax"),
                attr(line, "yMax"),
            );
            let lo = MARGIN_PT - TOLERANCE_PT;
            assert!(
                x0 >= lo && y0 >= lo && x1 <= width - lo && y1 <= height - lo,
                "word outside the margins ({x0:.1},{y0:.1})–({x1:.1},{y1:.1}) on a {width}×{height} page: {line}"
            );
        }
    }
    assert!(words > 1000, "{words} words");

    let prefix = dir.path().join("page");
    run(
        "pdftoppm",
        &[
            "-png",
            "-r",
            "20",
            pdf.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    let rendered = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "png")
        })
        .count();
    assert_eq!(rendered, pages);
}
