//! Camera-like JPEGs for the photo tests and benchmark: smooth light and shade with fine
//! texture and sensor noise (so that they compress like site photos, not like flat colour),
//! an EXIF block with the date taken and an orientation, as a phone writes them.

use std::io::Cursor;

use exif::experimental::Writer;
use exif::{Field, In, Tag, Value};
use image::codecs::jpeg::JpegEncoder;
use image::{ExtendedColorType, ImageEncoder, RgbImage};

/// A `width` × `height` photo-like picture; `seed` varies its texture.
pub fn scene(width: u32, height: u32, seed: u32) -> RgbImage {
    let mut state = 0x9E37_79B9_u32 ^ seed.wrapping_mul(0x85EB_CA6B);
    let mut noise = move || {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        (state % 25) as f32 - 12.0
    };
    let s = seed as f32;
    RgbImage::from_fn(width, height, |x, y| {
        let (fx, fy) = (x as f32, y as f32);
        let sky = fy / height as f32;
        let texture = (fx / (23.0 + s)).sin() * (fy / 31.0).cos() * 40.0;
        let shade = ((fx + fy) / (410.0 + 7.0 * s)).sin() * 60.0;
        let r = 120.0 + shade + texture + noise() - 40.0 * sky;
        let g = 130.0 + shade * 0.8 + texture * 0.6 + noise();
        let b = 150.0 - shade * 0.5 + texture * 0.3 + noise() + 50.0 * (1.0 - sky);
        image::Rgb([
            r.clamp(0.0, 255.0) as u8,
            g.clamp(0.0, 255.0) as u8,
            b.clamp(0.0, 255.0) as u8,
        ])
    })
}

/// The TIFF bytes of an EXIF block: `taken` as "2021:06:10 09:30:00" and an orientation 1–8.
pub fn exif_block(taken: &str, orientation: u16) -> Vec<u8> {
    let date = Field {
        tag: Tag::DateTimeOriginal,
        ifd_num: In::PRIMARY,
        value: Value::Ascii(vec![taken.as_bytes().to_vec()]),
    };
    let turn = Field {
        tag: Tag::Orientation,
        ifd_num: In::PRIMARY,
        value: Value::Short(vec![orientation]),
    };
    let mut w = Writer::new();
    w.push_field(&date);
    w.push_field(&turn);
    let mut out = Cursor::new(Vec::new());
    w.write(&mut out, false).unwrap();
    out.into_inner()
}

/// `picture` as a camera JPEG at quality 92 with the given EXIF block.
pub fn camera_jpeg(picture: &RgbImage, exif: Option<Vec<u8>>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = JpegEncoder::new_with_quality(&mut out, 92);
    if let Some(exif) = exif {
        enc.set_exif_metadata(exif).unwrap();
    }
    enc.write_image(
        picture.as_raw(),
        picture.width(),
        picture.height(),
        ExtendedColorType::Rgb8,
    )
    .unwrap();
    out
}
