//! The one font of every report, Noto Sans SC (SIL OFL 1.1, see assets/fonts/): its advance
//! widths for line breaking, and a subset of it holding only the glyphs a document uses.
//!
//! printpdf 0.12 subsets fonts only with its `text_layout` feature, which doubles the build;
//! without it the whole 8 MB face would go into every PDF. So we subset with allsorts (which
//! printpdf already depends on) and hand printpdf a font that is already small.

use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{CmapTarget, SubsetProfile, subset};
use allsorts::tables::cmap::Cmap;
use allsorts::tables::{FontTableProvider, HeadTable, HheaTable, HmtxTable, MaxpTable};
use allsorts::tag;

/// Noto Sans SC Regular 2.004: simplified and traditional Chinese, Latin, digits and the
/// punctuation the reports use, in one face (printpdf has no font fallback).
pub const FONT_BYTES: &[u8] = include_bytes!("../../../assets/fonts/NotoSansSC-Regular.otf");

/// PostScript name, as the PDF's font dictionary shows it after the subset tag.
pub const FONT_NAME: &str = "NotoSansSC-Regular";

/// Drawn in place of a character the font lacks (e.g. an emoji pasted into a narrative):
/// 〓, the conventional mark for a missing character in CJK typesetting, so that nothing
/// prints as an empty box and the reader can see something was there.
pub const MISSING: char = '\u{3013}';

#[derive(Debug)]
pub struct Metrics {
    glyphs: HashMap<char, (u16, u16)>,
    units_per_em: f32,
    /// Ascender and descender (positive down), in em.
    pub ascent: f32,
    pub descent: f32,
}

impl Metrics {
    /// The embedded font's metrics, read once per process: they depend on nothing else.
    pub fn get() -> Result<&'static Metrics, String> {
        static METRICS: OnceLock<Result<Metrics, String>> = OnceLock::new();
        METRICS
            .get_or_init(Metrics::read)
            .as_ref()
            .map_err(Clone::clone)
    }

    fn read() -> Result<Metrics, String> {
        let err = |what: &str, e: &dyn std::fmt::Display| {
            format!("字体 {FONT_NAME} 的 {what} 无法读取：{e}")
        };
        let data = ReadScope::new(FONT_BYTES)
            .read::<FontData<'_>>()
            .map_err(|e| err("文件", &e))?;
        let provider = data.table_provider(0).map_err(|e| err("文件", &e))?;
        let table = |t: u32, name: &str| {
            provider
                .read_table_data(t)
                .map(|d| d.into_owned())
                .map_err(|e| err(name, &e))
        };
        let head_data = table(tag::HEAD, "head")?;
        let head = ReadScope::new(&head_data)
            .read::<HeadTable>()
            .map_err(|e| err("head", &e))?;
        let hhea_data = table(tag::HHEA, "hhea")?;
        let hhea = ReadScope::new(&hhea_data)
            .read::<HheaTable>()
            .map_err(|e| err("hhea", &e))?;
        let maxp_data = table(tag::MAXP, "maxp")?;
        let maxp = ReadScope::new(&maxp_data)
            .read::<MaxpTable>()
            .map_err(|e| err("maxp", &e))?;
        let hmtx_data = table(tag::HMTX, "hmtx")?;
        let hmtx = ReadScope::new(&hmtx_data)
            .read_dep::<HmtxTable<'_>>((
                usize::from(maxp.num_glyphs),
                usize::from(hhea.num_h_metrics),
            ))
            .map_err(|e| err("hmtx", &e))?;
        let cmap_data = table(tag::CMAP, "cmap")?;
        let cmap = ReadScope::new(&cmap_data)
            .read::<Cmap<'_>>()
            .map_err(|e| err("cmap", &e))?;
        let (_, subtable) = allsorts::font::read_cmap_subtable(&cmap)
            .map_err(|e| err("cmap", &e))?
            .ok_or_else(|| err("cmap", &"没有 Unicode 子表"))?;
        let mut glyphs = HashMap::with_capacity(50_000);
        subtable
            .mappings_fn(|cp, gid| {
                if let Some(c) = char::from_u32(cp) {
                    let advance = hmtx.horizontal_advance(gid).unwrap_or(0);
                    glyphs.insert(c, (gid, advance));
                }
            })
            .map_err(|e| err("cmap", &e))?;
        let upm = f32::from(head.units_per_em.max(1));
        Ok(Metrics {
            glyphs,
            units_per_em: upm,
            ascent: f32::from(hhea.ascender) / upm,
            descent: -f32::from(hhea.descender) / upm,
        })
    }

    pub fn has(&self, c: char) -> bool {
        self.glyphs.contains_key(&c)
    }

    /// Advance width of `c` in em; a character the font lacks measures as `MISSING`.
    pub fn advance(&self, c: char) -> f32 {
        let units = self
            .glyphs
            .get(&c)
            .or_else(|| self.glyphs.get(&MISSING))
            .map_or(self.units_per_em, |g| f32::from(g.1));
        units / self.units_per_em
    }

    /// Width of `text` in em.
    pub fn width_em(&self, text: &str) -> f32 {
        text.chars().map(|c| self.advance(c)).sum()
    }

    /// The font cut down to the glyphs of `chars` (plus .notdef), as an OpenType file.
    pub fn subset(&self, chars: &BTreeSet<char>) -> Result<Vec<u8>, String> {
        // .notdef must come first; allsorts renumbers glyphs in the order given.
        let mut ids: Vec<u16> = vec![0];
        let used: BTreeSet<u16> = chars
            .iter()
            .filter_map(|c| self.glyphs.get(c).map(|g| g.0))
            .filter(|g| *g != 0)
            .collect();
        ids.extend(used);
        let data = ReadScope::new(FONT_BYTES)
            .read::<FontData<'_>>()
            .map_err(|e| format!("字体读取失败：{e}"))?;
        let provider = data
            .table_provider(0)
            .map_err(|e| format!("字体读取失败：{e}"))?;
        subset(&provider, &ids, &SubsetProfile::Pdf, CmapTarget::Unicode)
            .map_err(|e| format!("字体子集化失败：{e}"))
    }
}

/// Replaces what the font cannot draw: control characters become spaces (tabs, stray
/// carriage returns), characters without a glyph become `MISSING`.
pub fn printable(metrics: &Metrics, text: &str) -> String {
    text.chars()
        .filter(|c| *c != '\r')
        .map(|c| {
            if c.is_control() {
                ' '
            } else if metrics.has(c) {
                c
            } else {
                MISSING
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_face_covers_simplified_traditional_latin_and_our_marks() {
        let m = Metrics::get().unwrap();
        for c in
            "西安高新区重点项目周报臺灣體門龍ABCxyz0123456789%+-—–·→「」（），。：；、…■◆▲★✓①〓"
                .chars()
        {
            assert!(m.has(c), "font lacks {c:?} U+{:04X}", c as u32);
        }
        // CJK ideographs are one em wide; Latin is proportional and narrower.
        assert!((m.advance('国') - 1.0).abs() < 0.01);
        assert!(m.advance('i') < m.advance('W'));
        assert!(m.ascent > 0.8 && m.descent > 0.1);
    }

    #[test]
    fn missing_characters_become_a_visible_mark() {
        let m = Metrics::get().unwrap();
        assert_eq!(printable(m, "进度\t😀好\r"), format!("进度 {MISSING}好"));
    }

    #[test]
    fn a_subset_is_small() {
        let m = Metrics::get().unwrap();
        let chars: BTreeSet<char> = "第 1 页 / 共 9 页 西安高新区".chars().collect();
        let bytes = m.subset(&chars).unwrap();
        assert!(bytes.len() < 40_000, "{} bytes", bytes.len());
        assert_eq!(&bytes[..4], b"OTTO");
    }
}
