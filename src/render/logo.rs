//! The creator's logo: a PNG checked once when it is sent (`decode`), and drawn at the top of
//! invoices as flat 8-bit RGB (transparency flattened onto white: PDF/A stays simple, and the
//! page is white anyway).

use std::io::Cursor;

/// Largest PNG accepted, in bytes.
pub const MAX_BYTES: usize = 1024 * 1024;
/// Smallest and largest side accepted, in pixels.
pub const MIN_SIDE: u32 = 16;
pub const MAX_SIDE: u32 = 2000;

const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// A decoded logo, ready to be embedded as a DeviceRGB image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logo {
    pub width: u32,
    pub height: u32,
    /// `width × height` pixels, 3 bytes each, rows top to bottom.
    pub rgb: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LogoError {
    #[error("not a PNG image")]
    NotPng,
    #[error("the PNG is larger than the limit")]
    TooLarge,
    #[error("the image is {width}×{height} pixels")]
    BadSize { width: u32, height: u32 },
}

impl Logo {
    /// The logo shrunk to at most `max_w × max_h` pixels, proportions kept, each new pixel the
    /// average of the pixels it covers; as it is when it already fits. Printing more pixels than
    /// the paper shows only makes every invoice heavier.
    #[must_use]
    pub fn fit(&self, max_w: u32, max_h: u32) -> Logo {
        let scale = (f64::from(max_w) / f64::from(self.width))
            .min(f64::from(max_h) / f64::from(self.height));
        if scale >= 1.0 {
            return self.clone();
        }
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "scale < 1 and sides ≤ MAX_SIDE: the result is a small positive number"
        )]
        let shrink = |side: u32| ((f64::from(side) * scale).round() as u32).max(1);
        let (width, height) = (shrink(self.width), shrink(self.height));
        // Source pixels `[start, end)` that the new pixel `i` of `n` covers, out of `total`.
        let span = |i: u32, n: u32, total: u32| {
            let at = |k: u32| usize::try_from(u64::from(k) * u64::from(total) / u64::from(n));
            let start = at(i).unwrap_or(0);
            (start, at(i + 1).unwrap_or(start + 1).max(start + 1))
        };
        let stride = self.width as usize * 3;
        let mut rgb = Vec::with_capacity(width as usize * height as usize * 3);
        for y in 0..height {
            let (y0, y1) = span(y, height, self.height);
            for x in 0..width {
                let (x0, x1) = span(x, width, self.width);
                let mut sum = [0u64; 3];
                for row in y0..y1 {
                    for px in self.rgb[row * stride + x0 * 3..row * stride + x1 * 3].chunks_exact(3)
                    {
                        for (s, &c) in sum.iter_mut().zip(px) {
                            *s += u64::from(c);
                        }
                    }
                }
                let count = ((y1 - y0) * (x1 - x0)) as u64;
                rgb.extend(sum.map(|s| u8::try_from((s + count / 2) / count).unwrap_or(u8::MAX)));
            }
        }
        Logo { width, height, rgb }
    }
}

/// Whether `bytes` start like a PNG file (the signature, whatever the name or MIME type says).
pub fn looks_like_png(bytes: &[u8]) -> bool {
    bytes.starts_with(SIGNATURE)
}

/// Checks and decodes a PNG: signature, size, dimensions, every row readable.
pub fn decode(bytes: &[u8]) -> Result<Logo, LogoError> {
    if !looks_like_png(bytes) {
        return Err(LogoError::NotPng);
    }
    if bytes.len() > MAX_BYTES {
        return Err(LogoError::TooLarge);
    }
    let mut decoder = png::Decoder::new(Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(|_| LogoError::NotPng)?;
    let (width, height) = {
        let info = reader.info();
        (info.width, info.height)
    };
    let fits = |side: u32| (MIN_SIDE..=MAX_SIDE).contains(&side);
    if !fits(width) || !fits(height) {
        return Err(LogoError::BadSize { width, height });
    }
    let size = reader.output_buffer_size().ok_or(LogoError::NotPng)?;
    let mut pixels = vec![0; size];
    let frame = reader
        .next_frame(&mut pixels)
        .map_err(|_| LogoError::NotPng)?;
    pixels.truncate(frame.buffer_size());
    let rgb = flatten(&pixels, frame.color_type).ok_or(LogoError::NotPng)?;
    Ok(Logo { width, height, rgb })
}

/// 8-bit pixels of any colour type to RGB on white.
fn flatten(pixels: &[u8], color: png::ColorType) -> Option<Vec<u8>> {
    // Blends a channel with white by its alpha.
    let on_white = |c: u8, a: u8| {
        let (c, a) = (u32::from(c), u32::from(a));
        u8::try_from((c * a + 255 * (255 - a) + 127) / 255).unwrap_or(u8::MAX)
    };
    let out = match color {
        png::ColorType::Rgb => pixels.to_vec(),
        png::ColorType::Rgba => pixels
            .chunks_exact(4)
            .flat_map(|p| [0, 1, 2].map(|i| on_white(p[i], p[3])))
            .collect(),
        png::ColorType::Grayscale => pixels.iter().flat_map(|&g| [g, g, g]).collect(),
        png::ColorType::GrayscaleAlpha => pixels
            .chunks_exact(2)
            .flat_map(|p| [on_white(p[0], p[1]); 3])
            .collect(),
        png::ColorType::Indexed => return None,
    };
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32, color: png::ColorType, pixel: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(color);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().unwrap();
        let data: Vec<u8> = (0..width * height).flat_map(|_| pixel.to_vec()).collect();
        writer.write_image_data(&data).unwrap();
        writer.finish().unwrap();
        out
    }

    #[test]
    fn transparency_is_flattened_onto_white() {
        let half_red = png(20, 20, png::ColorType::Rgba, &[255, 0, 0, 128]);
        let logo = decode(&half_red).unwrap();
        assert_eq!((logo.width, logo.height), (20, 20));
        assert_eq!(logo.rgb.len(), 20 * 20 * 3);
        assert_eq!(&logo.rgb[..3], &[255, 127, 127]);
        let gray = decode(&png(16, 16, png::ColorType::GrayscaleAlpha, &[0, 0])).unwrap();
        assert_eq!(&gray.rgb[..3], &[255, 255, 255]);
    }

    #[test]
    fn a_large_logo_is_averaged_down_to_fit_and_a_small_one_kept() {
        // Black and white columns: each 2×2 square averages to mid grey.
        let stripes = Logo {
            width: 4,
            height: 2,
            rgb: (0..8)
                .flat_map(|i| [if i % 2 == 0 { 0 } else { 255 }; 3])
                .collect(),
        };
        let half = stripes.fit(2, 2);
        assert_eq!((half.width, half.height), (2, 1));
        assert_eq!(half.rgb, vec![128; 6]);
        assert_eq!(stripes.fit(10, 10), stripes);

        let solid = |width: u32, height: u32| Logo {
            width,
            height,
            rgb: vec![7; width as usize * height as usize * 3],
        };
        let fitted = solid(2000, 500).fit(473, 237);
        assert_eq!((fitted.width, fitted.height), (473, 118));
        assert_eq!(fitted.rgb.len(), 473 * 118 * 3);
        assert!(fitted.rgb.iter().all(|&c| c == 7));
        let fitted = solid(30, 1900).fit(473, 237);
        assert_eq!((fitted.width, fitted.height), (4, 237));
    }

    #[test]
    fn palette_logos_are_read_with_their_transparency() {
        // pngquant and most logo exporters write palette PNGs, often with a transparent entry.
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, 16, 16);
        encoder.set_color(png::ColorType::Indexed);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_palette(vec![10, 20, 30, 0, 0, 0]);
        encoder.set_trns(vec![255, 0]);
        let mut writer = encoder.write_header().unwrap();
        let data: Vec<u8> = (0..256).map(|i| u8::from(i >= 128)).collect();
        writer.write_image_data(&data).unwrap();
        writer.finish().unwrap();
        let logo = decode(&out).unwrap();
        assert_eq!(&logo.rgb[..3], &[10, 20, 30]);
        assert_eq!(&logo.rgb[logo.rgb.len() - 3..], &[255, 255, 255]);
    }

    #[test]
    fn refuses_what_is_not_a_usable_png() {
        assert_eq!(decode(b"GIF89a..."), Err(LogoError::NotPng));
        let mut truncated = png(32, 32, png::ColorType::Rgb, &[1, 2, 3]);
        truncated.truncate(40);
        assert_eq!(decode(&truncated), Err(LogoError::NotPng));
        assert_eq!(
            decode(&png(8, 40, png::ColorType::Rgb, &[0, 0, 0])),
            Err(LogoError::BadSize {
                width: 8,
                height: 40
            })
        );
        let mut huge = png(16, 16, png::ColorType::Rgb, &[0, 0, 0]);
        huge.resize(MAX_BYTES + 1, 0);
        assert_eq!(decode(&huge), Err(LogoError::TooLarge));
    }
}
