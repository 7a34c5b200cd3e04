//! The weekly report as PDF: it parses, every page carries its footer, the font is embedded
//! and subset, landscape is landscape, and long content wraps and breaks inside the margins.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;

use chrono::{DateTime, FixedOffset, NaiveDate};
use keyworks_core::portfolio::milestones::MilestoneState;
use keyworks_core::{Db, Stamp};
use keyworks_report::layout::{Mark, to_pdf};
use keyworks_report::model::MilestoneLine;
use keyworks_report::{
    DocumentLayout, Lang, LayoutOptions, Orientation, ReportRequest, WeeklyReport,
};
use lopdf::{Document, Object};

fn report() -> &'static WeeklyReport {
    static REPORT: OnceLock<WeeklyReport> = OnceLock::new();
    REPORT.get_or_init(|| {
        let mut db = Db::open_in_memory().unwrap();
        let at = DateTime::parse_from_rfc3339("2026-11-27T09:00:00+08:00").unwrap();
        db.load_seed(&Stamp::new(keyworks_core::store::seed::SEED_AUTHOR, at).unwrap())
            .unwrap();
        let as_of = NaiveDate::from_ymd_opt(2021, 6, 11).unwrap();
        let offset = FixedOffset::east_opt(8 * 3600).unwrap();
        keyworks_report::build(&db, &ReportRequest::for_date(as_of, offset)).unwrap()
    })
}

fn options(lang: Lang, orientation: Orientation) -> LayoutOptions {
    LayoutOptions {
        lang,
        orientation,
        generated_at: DateTime::parse_from_rfc3339("2021-06-14T09:00:00+08:00").unwrap(),
        source_file: "keyworks.sqlite".into(),
    }
}

fn portrait_pdf() -> &'static Vec<u8> {
    static PDF: OnceLock<Vec<u8>> = OnceLock::new();
    PDF.get_or_init(|| {
        keyworks_report::render_pdf(report(), &options(Lang::Zh, Orientation::Portrait)).unwrap()
    })
}

/// Every mark of every page lies inside the page's margins.
fn assert_inside_margins(doc: &DocumentLayout) {
    let area = doc.printable();
    for (i, page) in doc.pages.iter().enumerate() {
        for mark in &page.marks {
            assert!(
                area.contains(&mark.bounds()),
                "page {}: {mark:?} crosses the margins {area:?}",
                i + 1
            );
        }
    }
}

fn page_texts(pdf: &[u8]) -> Vec<String> {
    let doc = Document::load_mem(pdf).unwrap();
    let pages = doc.get_pages();
    pages
        .keys()
        .map(|n| doc.extract_text(&[*n]).unwrap())
        .collect()
}

#[test]
fn the_seeded_report_parses_and_every_page_has_its_footer() {
    let pdf = portrait_pdf();
    let texts = page_texts(pdf);
    let n = texts.len();
    assert!(n > 1, "{n} pages");
    for (i, t) in texts.iter().enumerate() {
        let footer = format!("第 {} 页 / 共 {n} 页", i + 1);
        assert!(t.contains(&footer), "page {} lacks {footer:?}: {t}", i + 1);
        assert!(t.contains("西安高新区2021年重点项目"), "page {}", i + 1);
        assert!(t.contains("keyworks.sqlite"), "page {}", i + 1);
        assert!(t.contains("2021-06-14 09:00 +08:00"), "page {}", i + 1);
    }
    // The text is real text: names, figures and the week can be searched and copied.
    let all = texts.concat();
    for needle in [
        "三星二期二阶段",
        "城中村城市更新",
        "2021年第23周",
        "首批拉晶炉及抛光设备搬入",
        "61.9%",
    ] {
        assert!(all.contains(needle), "{needle} not found");
    }
    // Only the last page carries the content hash.
    let hash = report().content_hash().unwrap();
    assert!(texts[n - 1].contains(&hash));
    assert!(texts[..n - 1].iter().all(|t| !t.contains(&hash)));
}

#[test]
fn the_font_is_embedded_as_a_small_subset() {
    let pdf = portrait_pdf();
    assert!(pdf.len() < 1_000_000, "{} bytes", pdf.len());
    let doc = Document::load_mem(pdf).unwrap();
    let mut base_fonts = Vec::new();
    let mut programs = Vec::new();
    for object in doc.objects.values() {
        if let Ok(dict) = object.as_dict() {
            if let Ok(Object::Name(name)) = dict.get(b"FontName") {
                base_fonts.push(String::from_utf8_lossy(name).into_owned());
                for key in [&b"FontFile2"[..], b"FontFile3"] {
                    if let Ok(r) = dict.get(key) {
                        programs.push(r.as_reference().unwrap());
                    }
                }
            }
        }
    }
    assert_eq!(base_fonts.len(), 1, "{base_fonts:?}");
    let (tag, name) = base_fonts[0].split_once('+').unwrap();
    assert_eq!(name, "NotoSansSC-Regular");
    assert!(
        tag.len() == 6 && tag.chars().all(|c| c.is_ascii_uppercase()),
        "{tag}"
    );
    assert_eq!(programs.len(), 1, "one embedded font program");
    let stream = doc.get_object(programs[0]).unwrap().as_stream().unwrap();
    let program = stream
        .decompressed_content()
        .unwrap_or_else(|_| stream.content.clone());
    // The full face is 8 MB; a report uses a few hundred glyphs.
    assert!(
        program.len() < 400_000,
        "font program {} bytes",
        program.len()
    );
}

#[test]
fn landscape_pages_are_wider_than_tall() {
    let pdf =
        keyworks_report::render_pdf(report(), &options(Lang::Zh, Orientation::Landscape)).unwrap();
    let doc = Document::load_mem(&pdf).unwrap();
    let pages = doc.get_pages();
    assert!(pages.len() > 1);
    for id in pages.values() {
        let page = doc.get_dictionary(*id).unwrap();
        let media = page.get(b"MediaBox").unwrap().as_array().unwrap();
        let v: Vec<f32> = media.iter().map(|o| o.as_float().unwrap()).collect();
        let (w, h) = (v[2] - v[0], v[3] - v[1]);
        assert!(w > h, "{w} x {h}");
        assert!(
            (w - 841.89).abs() < 1.0 && (h - 595.28).abs() < 1.0,
            "A4: {w} x {h}"
        );
    }
    assert_inside_margins(
        &keyworks_report::layout(report(), &options(Lang::Zh, Orientation::Landscape)).unwrap(),
    );
}

#[test]
fn english_labels_switch_the_words_not_the_content() {
    let opts = options(Lang::En, Orientation::Portrait);
    let doc = keyworks_report::layout(report(), &opts).unwrap();
    let texts: Vec<&str> = doc.pages.iter().flat_map(|p| p.texts()).collect();
    let all = texts.concat();
    assert!(all.contains("Key Projects Weekly Report"));
    assert!(all.contains("Overdue milestones"));
    assert!(
        all.contains("三星二期二阶段"),
        "project names stay as entered"
    );
    let n = doc.pages.len();
    assert!(texts.contains(&format!("Page 1 of {n}").as_str()));
    assert_inside_margins(&doc);
}

#[test]
fn the_seeded_report_stays_inside_the_margins() {
    let doc = keyworks_report::layout(report(), &options(Lang::Zh, Orientation::Portrait)).unwrap();
    assert_inside_margins(&doc);
    // Statuses print as words next to their colour, for black-and-white printers.
    let first: Vec<&str> = doc.pages[0].texts().collect();
    for word in ["绿", "黄", "红"] {
        assert!(first.contains(&word), "{word} missing on the summary page");
    }
}

#[test]
fn long_text_wraps_and_breaks_across_pages_inside_the_margins() {
    let mut r = report().clone();
    let sentence = "本周完成主体结构施工及机电安装（含SMT产线基础、洁净室围护），现场作业人员约1,200人，\
        累计完成投资占年度计划的62.5%；下周继续推进 curtain-wall installation 与设备搬入。";
    let narrative = sentence.repeat(40);
    let long_name = "超长名称的重点项目".repeat(22);
    assert!(long_name.chars().count() >= 198);
    let p = &mut r.projects[2];
    p.update.as_mut().unwrap().narrative = narrative.clone();
    p.name = long_name.clone();
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

    let doc = keyworks_report::layout(&r, &options(Lang::Zh, Orientation::Portrait)).unwrap();
    assert_inside_margins(&doc);

    // The narrative was cut into lines that together hold all of it, over several pages.
    let marker = "累计完成投资占年度计划的";
    let narrative_pages: Vec<usize> = doc
        .pages
        .iter()
        .enumerate()
        .filter(|(_, p)| {
            p.texts()
                .any(|t| t.contains(marker) || t.contains("curtain"))
        })
        .map(|(i, _)| i)
        .collect();
    assert!(
        narrative_pages.len() >= 2,
        "narrative on pages {narrative_pages:?}"
    );
    let body_lines: usize = doc
        .pages
        .iter()
        .flat_map(|p| p.texts())
        .filter(|t| t.contains("SMT") || t.contains("curtain"))
        .count();
    assert!(body_lines >= 40, "{body_lines} lines");

    // The 300-row milestone table repeats its header on every page it runs over.
    let rows_on = |p: &keyworks_report::layout::PageLayout| {
        p.texts()
            .filter(|t| t.starts_with("第") && t.contains("个里程碑"))
            .count()
    };
    // (Page 1's overview names the first of them as the project's next milestone.)
    let table_pages: Vec<_> = doc.pages[1..].iter().filter(|p| rows_on(p) > 0).collect();
    assert!(table_pages.len() >= 5, "{} pages", table_pages.len());
    for p in &table_pages {
        for title in ["计划日期", "实际日期", "验收标准"] {
            assert!(
                p.texts().any(|t| t == title),
                "header {title} missing on a table page"
            );
        }
    }
    let rows: usize = doc.pages[1..].iter().map(rows_on).sum();
    assert_eq!(rows, 300);

    // Text lines never overlap on a page: each line box starts below the one above it
    // in the same column, and the right edge of every line stays inside.
    for page in &doc.pages {
        let mut boxes: Vec<(f32, f32, f32, f32)> = page
            .marks
            .iter()
            .filter_map(|m| match m {
                Mark::Text { x, y, w, h, .. } => Some((*x, *y, *x + *w, *y + *h)),
                _ => None,
            })
            .collect();
        boxes.sort_by(|a, b| a.1.total_cmp(&b.1));
        for (i, a) in boxes.iter().enumerate() {
            for b in &boxes[i + 1..] {
                let overlap_x = a.0 < b.2 - 0.01 && b.0 < a.2 - 0.01;
                let overlap_y = a.1 < b.3 - 0.01 && b.1 < a.3 - 0.01;
                assert!(!(overlap_x && overlap_y), "text boxes overlap: {a:?} {b:?}");
            }
        }
    }

    // And the PDF of it is still small and well-formed.
    let pdf = to_pdf(&doc, options(Lang::Zh, Orientation::Portrait).generated_at).unwrap();
    let parsed = Document::load_mem(&pdf).unwrap();
    assert_eq!(parsed.get_pages().len(), doc.pages.len());
}
