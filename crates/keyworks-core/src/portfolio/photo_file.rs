//! A site photo made ready to keep in the KeyWorks file (no database here): read with the
//! `image` crate under limits, turned upright by its EXIF orientation, brought down to at most
//! 1,600 px on its long side, re-encoded as JPEG within the size budget, with a thumbnail. Its
//! EXIF date is kept (in the new JPEG's own EXIF and in the row); its orientation is applied to
//! the pixels and recorded, so every viewer, the app and the PDF alike, shows it upright.
//!
//! Anything that is not a JPEG or PNG photo is refused with a sentence saying what it is, before
//! anything is written: a PDF renamed .jpg, an iPhone HEIC photo, a file cut short, a header
//! claiming 30,000 × 30,000 pixels.

use std::io::Cursor;

use chrono::{NaiveDate, NaiveDateTime};
use exif::experimental::Writer;
use exif::{Field, In, Tag, Value};
use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::metadata::Orientation;
use image::{
    DynamicImage, ExtendedColorType, ImageDecoder, ImageEncoder, ImageError, ImageFormat,
    ImageReader, Limits,
};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// The stored photo's long side, in pixels.
pub const LONG_SIDE: u32 = 1_600;
/// The most a photo adds to the file: its JPEG, thumbnail and row together.
pub const MAX_STORED_BYTES: usize = 300 * 1024;
/// The thumbnail's long side, in pixels.
pub const THUMB_SIDE: u32 = 240;
/// Kept back from the budget for the row, its change-log entry and SQLite's pages.
const ROW_ALLOWANCE: usize = 6 * 1024;
/// The largest side a photo may claim: a 200-megapixel phone makes about 16,000 px.
const MAX_SIDE: u32 = 20_000;
/// The most memory one decode may take; a 100-megapixel RGB image needs 300 MB.
const MAX_DECODE_BYTES: u64 = 400 * 1024 * 1024;
/// JPEG qualities tried in turn until the photo fits its budget.
const QUALITIES: [u8; 7] = [85, 78, 70, 62, 55, 48, 40];

/// A photo as it will be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedPhoto {
    /// The name it came with, without its folder.
    pub file_name: String,
    /// Lower-case hex SHA-256 of `jpeg`.
    pub sha256: String,
    pub jpeg: Vec<u8>,
    pub thumbnail: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// When the camera says it was taken (EXIF DateTimeOriginal, else DateTime), local time.
    pub taken_at: Option<NaiveDateTime>,
    /// The EXIF orientation it came with (1–8), now applied to the pixels.
    pub orientation: u8,
}

fn refuse(name: &str, why: &str) -> Error {
    Error::invalid("照片", name, why)
}

/// What the file is, when it is not a photo KeyWorks reads; None for JPEG and PNG.
fn not_a_photo(bytes: &[u8]) -> Option<&'static str> {
    // ISO base media files (HEIF, AVIF, MP4) carry `ftyp` at offset 4 and a brand after it.
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        return Some(match &bytes[8..12] {
            b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis" | b"mif1" | b"msf1" => {
                "这是 HEIC 格式的照片（苹果手机的默认格式），KeyWorks 读不了；请在手机或电脑上把它导出为 JPEG 后再附上（iPhone：设置 → 相机 → 格式 → 兼容性最佳）"
            }
            b"avif" | b"avis" => "这是 AVIF 格式的图片，KeyWorks 读不了；请导出为 JPEG 后再附上",
            _ => "这是视频或其他媒体文件，不是照片；请附 JPEG 或 PNG 照片",
        });
    }
    if bytes.starts_with(b"%PDF") {
        return Some("这是 PDF 文件，不是照片；请附 JPEG 或 PNG 照片");
    }
    match image::guess_format(bytes) {
        Ok(ImageFormat::Jpeg | ImageFormat::Png) => None,
        Ok(_) => Some("不支持这种图片格式；请附 JPEG 或 PNG 照片"),
        Err(_) if bytes.is_empty() => Some("文件是空的"),
        Err(_) => Some("不是图片文件；请附 JPEG 或 PNG 照片"),
    }
}

/// A JPEG ends with its end-of-image marker; one cut short in copying does not, and decoders
/// quietly paint its missing part grey. Cameras may append data after the marker (a second
/// image, a motion clip), so the marker is looked for after the last start-of-scan.
fn jpeg_is_whole(bytes: &[u8]) -> bool {
    let Some(scan) = bytes.windows(2).rposition(|w| w == [0xFF, 0xDA]) else {
        return false;
    };
    bytes[scan..].windows(2).any(|w| w == [0xFF, 0xD9])
}

fn decode_error(name: &str, e: &ImageError) -> Error {
    match e {
        ImageError::Limits(_) => refuse(
            name,
            "图片尺寸超出上限（每边最多 20,000 像素）：文件可能已损坏，或不是一张照片",
        ),
        ImageError::Unsupported(_) => {
            refuse(name, "图片的编码方式不受支持；请另存为 JPEG 后再附上")
        }
        _ => refuse(
            name,
            &format!("图片文件已损坏，无法读取（{e}）；请从相机或手机重新拷贝"),
        ),
    }
}

/// Reads, checks and re-encodes the photo `bytes` that came as `file_name`.
pub fn prepare_photo(file_name: &str, bytes: &[u8]) -> Result<PreparedPhoto> {
    let name = file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(file_name)
        .to_owned();
    if let Some(why) = not_a_photo(bytes) {
        return Err(refuse(&name, why));
    }
    let format = image::guess_format(bytes).map_err(|e| decode_error(&name, &e))?;
    if format == ImageFormat::Jpeg && !jpeg_is_whole(bytes) {
        return Err(refuse(
            &name,
            "JPEG 文件不完整（在拷贝或传输中被截断）；请从相机或手机重新拷贝",
        ));
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| decode_error(&name, &e))?;
    let exif_raw = decoder.exif_metadata().ok().flatten();
    let orientation = exif_raw
        .as_deref()
        .and_then(Orientation::from_exif_chunk)
        .unwrap_or(Orientation::NoTransforms);
    let taken_at = exif_raw.and_then(exif_date);
    let mut picture = DynamicImage::from_decoder(decoder).map_err(|e| decode_error(&name, &e))?;
    picture.apply_orientation(orientation);

    let thumbnail = encode(&picture.thumbnail(THUMB_SIDE, THUMB_SIDE), 70, None)?;
    let budget = MAX_STORED_BYTES - ROW_ALLOWANCE - thumbnail.len();
    let mut side = LONG_SIDE;
    loop {
        let sized = if picture.width().max(picture.height()) > side {
            picture.resize(side, side, FilterType::Triangle)
        } else {
            picture.clone()
        };
        for quality in QUALITIES {
            let jpeg = encode(&sized, quality, taken_at)?;
            if jpeg.len() <= budget {
                return Ok(PreparedPhoto {
                    file_name: name,
                    sha256: sha256_hex(&jpeg),
                    width: sized.width(),
                    height: sized.height(),
                    jpeg,
                    thumbnail,
                    taken_at,
                    orientation: orientation.to_exif(),
                });
            }
        }
        // Still too large at the lowest quality (a very detailed scene): a smaller picture.
        side = side * 3 / 4;
    }
}

/// Reads and prepares the photo at `path` (what the CLI's `--photo` and a file dropped on the
/// app's form give).
pub fn prepare_photo_file(path: &std::path::Path) -> Result<PreparedPhoto> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    prepare_photo(&path.to_string_lossy(), &bytes)
}

/// The long side of a photo as printed in a report: about 300 dpi at the 64 mm it is shown.
pub const PRINT_SIDE: u32 = 800;
/// The most one printed photo may add to a report, so that fifteen stay within 2 MB.
pub const PRINT_MAX_BYTES: usize = 110 * 1024;

/// A stored photo made smaller for printing (`PRINT_SIDE`, within `PRINT_MAX_BYTES`): the
/// report shows it at a few centimetres, where the stored 1,600 px would only make the PDF
/// heavy to mail. Answers (jpeg, width, height).
pub fn print_rendition(stored_jpeg: &[u8]) -> Result<(Vec<u8>, u32, u32)> {
    let picture = image::load_from_memory_with_format(stored_jpeg, ImageFormat::Jpeg)
        .map_err(|e| Error::Internal(format!("a stored photo cannot be read: {e}")))?;
    let mut side = PRINT_SIDE;
    loop {
        let small = if picture.width().max(picture.height()) > side {
            picture.resize(side, side, FilterType::Triangle)
        } else {
            picture.clone()
        };
        for quality in [75, 65, 55, 45] {
            let jpeg = encode(&small, quality, None)?;
            if jpeg.len() <= PRINT_MAX_BYTES {
                return Ok((jpeg, small.width(), small.height()));
            }
        }
        side = side * 3 / 4;
    }
}

/// Lower-case hex SHA-256, the key a photo's bytes are stored under.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The photo as RGB JPEG at `quality`, with an EXIF block holding its date (and orientation
/// 1, the pixels being upright already) when it has one.
fn encode(picture: &DynamicImage, quality: u8, taken_at: Option<NaiveDateTime>) -> Result<Vec<u8>> {
    let rgb = picture.to_rgb8();
    let mut out = Vec::new();
    let mut encoder = JpegEncoder::new_with_quality(&mut out, quality);
    if let Some(at) = taken_at {
        let exif = exif_block(at)?;
        encoder
            .set_exif_metadata(exif)
            .map_err(|e| Error::Internal(format!("EXIF not accepted by the JPEG encoder: {e}")))?;
    }
    encoder
        .write_image(
            rgb.as_raw(),
            rgb.width(),
            rgb.height(),
            ExtendedColorType::Rgb8,
        )
        .map_err(|e| Error::Internal(format!("JPEG encoding failed: {e}")))?;
    Ok(out)
}

/// A minimal EXIF block (TIFF bytes): DateTimeOriginal and Orientation 1.
fn exif_block(at: NaiveDateTime) -> Result<Vec<u8>> {
    let text = at.format("%Y:%m:%d %H:%M:%S").to_string().into_bytes();
    let date = Field {
        tag: Tag::DateTimeOriginal,
        ifd_num: In::PRIMARY,
        value: Value::Ascii(vec![text]),
    };
    let upright = Field {
        tag: Tag::Orientation,
        ifd_num: In::PRIMARY,
        value: Value::Short(vec![1]),
    };
    let mut writer = Writer::new();
    writer.push_field(&date);
    writer.push_field(&upright);
    let mut out = Cursor::new(Vec::new());
    writer
        .write(&mut out, false)
        .map_err(|e| Error::Internal(format!("EXIF block not written: {e}")))?;
    Ok(out.into_inner())
}

/// The date the camera gives: DateTimeOriginal, else DateTime; None when absent or unreadable.
fn exif_date(raw: Vec<u8>) -> Option<NaiveDateTime> {
    let exif = exif::Reader::new().read_raw(raw).ok()?;
    [Tag::DateTimeOriginal, Tag::DateTime]
        .into_iter()
        .find_map(|tag| {
            let field = exif.get_field(tag, In::PRIMARY)?;
            let Value::Ascii(parts) = &field.value else {
                return None;
            };
            let dt = exif::DateTime::from_ascii(parts.first()?).ok()?;
            NaiveDate::from_ymd_opt(i32::from(dt.year), u32::from(dt.month), u32::from(dt.day))?
                .and_hms_opt(
                    u32::from(dt.hour),
                    u32::from(dt.minute),
                    u32::from(dt.second),
                )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_jpeg_is_whole_only_with_its_end_marker_after_the_last_scan() {
        let whole = [0xFF, 0xD8, 0xFF, 0xDA, 1, 2, 3, 0xFF, 0xD9];
        assert!(jpeg_is_whole(&whole));
        assert!(!jpeg_is_whole(&whole[..7]));
        // A camera's trailer after the end marker does not make it incomplete.
        let mut trailer = whole.to_vec();
        trailer.extend_from_slice(b"MotionPhoto_Data");
        assert!(jpeg_is_whole(&trailer));
    }

    #[test]
    fn what_is_not_a_photo_is_named() {
        let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic";
        assert!(not_a_photo(heic).unwrap_or_default().contains("HEIC"));
        assert!(
            not_a_photo(b"%PDF-1.7\n")
                .unwrap_or_default()
                .contains("PDF")
        );
        assert!(
            not_a_photo(b"hello")
                .unwrap_or_default()
                .contains("不是图片")
        );
        assert!(not_a_photo(b"").unwrap_or_default().contains("空"));
    }
}
