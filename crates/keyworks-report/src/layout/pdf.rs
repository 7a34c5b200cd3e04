//! The laid-out pages written as PDF with printpdf, the font embedded as a subset of the
//! glyphs used.

use super::*;

pub(super) fn pdf_colour(c: Colour) -> Color {
    Color::Rgb(printpdf::Rgb::new(
        f32::from(c.0) / 255.0,
        f32::from(c.1) / 255.0,
        f32::from(c.2) / 255.0,
        None,
    ))
}

pub(super) fn point(x: f32, y: f32, height: f32) -> Point {
    Point {
        x: Pt(x / PT),
        y: Pt((height - y) / PT),
    }
}

/// Six capital letters naming this subset (ISO 32000-1 §9.6.4), from its characters, so
/// that the same text gives the same tag.
pub(super) fn subset_tag(chars: &BTreeSet<char>) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for c in chars {
        h ^= u64::from(u32::from(*c));
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (0..6)
        .map(|i| char::from(b'A' + ((h >> (i * 5)) % 26) as u8))
        .collect()
}

/// Writes placed pages as PDF, with the font subset to the characters they use.
pub fn to_pdf(
    doc: &DocumentLayout,
    generated_at: DateTime<FixedOffset>,
) -> Result<Vec<u8>, String> {
    let m = Metrics::get()?;
    let chars: BTreeSet<char> = doc
        .pages
        .iter()
        .flat_map(PageLayout::texts)
        .flat_map(str::chars)
        .collect();
    let subset = m.subset(&chars)?;
    let mut font_warnings = Vec::new();
    let mut font = ParsedFont::from_bytes(&subset, 0, &mut font_warnings)
        .ok_or_else(|| format!("子集字体无法读取：{font_warnings:?}"))?;
    font.font_name = Some(format!("{}+{}", subset_tag(&chars), FONT_NAME));

    let mut pdf = PdfDocument::new(&doc.title);
    let when = printpdf::OffsetDateTime::from_unix_timestamp(generated_at.timestamp())
        .map_err(str::to_owned)?;
    let info = &mut pdf.metadata.info;
    info.creation_date = when;
    info.modification_date = when;
    info.metadata_date = when;
    info.creator = "KeyWorks".into();
    info.producer = "KeyWorks (printpdf)".into();
    let font_id = pdf.add_font(&font);
    let h = doc.height;
    // Each photo's JPEG goes into the file once, as it is stored (DCTDecode: no re-encoding).
    let mut images: std::collections::HashMap<*const Vec<u8>, printpdf::XObjectId> =
        std::collections::HashMap::new();
    for mark in doc.pages.iter().flat_map(|p| &p.marks) {
        if let Mark::Image {
            photo, px_w, px_h, ..
        } = mark
        {
            images
                .entry(std::sync::Arc::as_ptr(photo))
                .or_insert_with(|| pdf.add_xobject(&jpeg_xobject(photo, *px_w, *px_h)));
        }
    }

    let pages = doc
        .pages
        .iter()
        .map(|page| {
            let mut ops = Vec::with_capacity(page.marks.len() * 4);
            let mut in_text = false;
            for mark in &page.marks {
                let is_text = matches!(mark, Mark::Text { .. });
                if in_text && !is_text {
                    ops.push(Op::EndTextSection);
                    in_text = false;
                }
                match mark {
                    Mark::Text {
                        x,
                        y,
                        h: lh,
                        size,
                        colour,
                        text,
                        ..
                    } => {
                        if !in_text {
                            ops.push(Op::StartTextSection);
                            in_text = true;
                        }
                        // Baseline so that an ideograph's em box sits centred in the line box.
                        let baseline = y + lh / 2.0 + 0.38 * size * PT;
                        ops.push(Op::SetFont {
                            font: PdfFontHandle::External(font_id.clone()),
                            size: Pt(*size),
                        });
                        ops.push(Op::SetFillColor {
                            col: pdf_colour(*colour),
                        });
                        let p = point(*x, baseline, h);
                        ops.push(Op::SetTextMatrix {
                            matrix: TextMatrix::Translate(p.x, p.y),
                        });
                        ops.push(Op::ShowText {
                            items: vec![TextItem::Text(text.clone())],
                        });
                    }
                    Mark::Rect {
                        x,
                        y,
                        w,
                        h: rh,
                        fill,
                        stroke,
                    } => {
                        if let Some(c) = fill {
                            ops.push(Op::SetFillColor {
                                col: pdf_colour(*c),
                            });
                        }
                        if let Some(c) = stroke {
                            ops.push(Op::SetOutlineColor {
                                col: pdf_colour(*c),
                            });
                            ops.push(Op::SetOutlineThickness { pt: Pt(0.4) });
                        }
                        let mode = match (fill, stroke) {
                            (Some(_), Some(_)) => PaintMode::FillStroke,
                            (None, Some(_)) => PaintMode::Stroke,
                            _ => PaintMode::Fill,
                        };
                        let lower_left = point(*x, y + rh, h);
                        ops.push(Op::DrawRectangle {
                            rectangle: Rect {
                                x: lower_left.x,
                                y: lower_left.y,
                                width: Pt(w / PT),
                                height: Pt(rh / PT),
                                // Without a paint mode printpdf draws nothing.
                                mode: Some(mode),
                                winding_order: None,
                            },
                        });
                    }
                    Mark::Image {
                        x,
                        y,
                        w,
                        h: ih,
                        photo,
                        ..
                    } => {
                        if let Some(id) = images.get(&std::sync::Arc::as_ptr(photo)) {
                            let lower_left = point(*x, y + ih, h);
                            ops.push(Op::UseXobject {
                                id: id.clone(),
                                transform: printpdf::XObjectTransform {
                                    translate_x: Some(lower_left.x),
                                    translate_y: Some(lower_left.y),
                                    scale_x: Some(w / PT),
                                    scale_y: Some(ih / PT),
                                    ..printpdf::XObjectTransform::default()
                                },
                            });
                        }
                    }
                    Mark::Rule {
                        x1,
                        y1,
                        x2,
                        y2,
                        width,
                        colour,
                    } => {
                        ops.push(Op::SetOutlineColor {
                            col: pdf_colour(*colour),
                        });
                        ops.push(Op::SetOutlineThickness { pt: Pt(*width) });
                        ops.push(Op::DrawLine {
                            line: Line {
                                points: vec![
                                    LinePoint {
                                        p: point(*x1, *y1, h),
                                        bezier: false,
                                    },
                                    LinePoint {
                                        p: point(*x2, *y2, h),
                                        bezier: false,
                                    },
                                ],
                                is_closed: false,
                            },
                        });
                    }
                    Mark::Diamond {
                        cx,
                        cy,
                        r,
                        fill,
                        stroke,
                    } => {
                        ops.push(Op::SetFillColor {
                            col: pdf_colour(*fill),
                        });
                        ops.push(Op::SetOutlineColor {
                            col: pdf_colour(*stroke),
                        });
                        ops.push(Op::SetOutlineThickness { pt: Pt(0.8) });
                        // Drawn a little inside `r` so that the stroke stays within the bounds.
                        let k = r - 0.15;
                        let corners = [(0.0, -k), (k, 0.0), (0.0, k), (-k, 0.0)];
                        ops.push(Op::DrawPolygon {
                            polygon: Polygon {
                                rings: vec![PolygonRing {
                                    points: corners
                                        .iter()
                                        .map(|(dx, dy)| LinePoint {
                                            p: point(cx + dx, cy + dy, h),
                                            bezier: false,
                                        })
                                        .collect(),
                                }],
                                mode: PaintMode::FillStroke,
                                winding_order: WindingOrder::NonZero,
                            },
                        });
                    }
                }
            }
            if in_text {
                ops.push(Op::EndTextSection);
            }
            PdfPage::new(Mm(doc.width), Mm(doc.height), ops)
        })
        .collect();

    let opts = PdfSaveOptions {
        // The font is a subset already; printpdf's own subsetting needs `text_layout`.
        subset_fonts: false,
        ..PdfSaveOptions::default()
    };
    let mut warnings = Vec::new();
    let bytes = pdf.with_pages(pages).save(&opts, &mut warnings);
    if bytes.is_empty() {
        return Err(format!("printpdf 未生成任何内容：{warnings:?}"));
    }
    Ok(bytes)
}

/// A JPEG as a PDF image XObject that viewers decode themselves (ISO 32000-1 §8.9.5, DCTDecode).
/// With no size of its own, the placing transform maps its unit square onto the page.
fn jpeg_xobject(jpeg: &[u8], px_w: u32, px_h: u32) -> printpdf::ExternalXObject {
    use printpdf::DictItem;
    let name = |n: &str| DictItem::Name(n.as_bytes().to_vec());
    let dict = [
        ("Type", name("XObject")),
        ("Subtype", name("Image")),
        ("Width", DictItem::Int(i64::from(px_w))),
        ("Height", DictItem::Int(i64::from(px_h))),
        ("ColorSpace", name("DeviceRGB")),
        ("BitsPerComponent", DictItem::Int(8)),
        ("Filter", name("DCTDecode")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    printpdf::ExternalXObject {
        stream: printpdf::ExternalStream {
            dict,
            content: jpeg.to_vec(),
            // Already compressed; deflating a JPEG again gains nothing.
            compress: false,
        },
        width: None,
        height: None,
        dpi: None,
    }
}

/// Lays out `report` and writes it as PDF bytes.
pub fn render_pdf(report: &WeeklyReport, opts: &LayoutOptions) -> Result<Vec<u8>, String> {
    let doc = layout(report, opts)?;
    to_pdf(&doc, opts.generated_at)
}
