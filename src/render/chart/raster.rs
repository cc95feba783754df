//! Pixels: the RGB image, the painting of a [`Plot`] onto it, the PNG encoding, and the SSIM
//! used to compare a render with its 2× supersampled reference.
//!
//! plotters (bitmap backend over our buffer) draws the grid, bars and swatches: every rectangle
//! sits on whole logical pixels, so it is exact at any scale. Lines are ours: plotters
//! draws thick lines without anti-aliasing, so series are stroked here from the distance of each
//! pixel centre to the polyline (round joins and caps, one blend per pixel). Text is `text`'s.

use std::cell::RefCell;

use plotters::prelude::{BitMapBackend, DrawingArea, IntoDrawingArea, RGBColor, Rectangle};
use plotters::style::Color as _;

use super::plot::{Key, Label, Plot, Rect};
use super::text;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `self` laid over `under` with opacity `alpha` (0–1), as one opaque colour.
    pub fn over(self, under: Rgb, alpha: f32) -> Rgb {
        let mix =
            |a: u8, b: u8| (f32::from(a) * alpha + f32::from(b) * (1.0 - alpha)).round() as u8;
        Rgb(
            mix(self.0, under.0),
            mix(self.1, under.1),
            mix(self.2, under.2),
        )
    }
}

/// An 8-bit RGB image, rows top to bottom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RgbImage {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}

impl RgbImage {
    pub fn new(width: u32, height: u32) -> RgbImage {
        RgbImage {
            width,
            height,
            pixels: vec![0; width as usize * height as usize * 3],
        }
    }

    /// An image of one colour (written once, not zeroed first).
    pub fn filled(width: u32, height: u32, color: Rgb) -> RgbImage {
        RgbImage {
            width,
            height,
            pixels: [color.0, color.1, color.2].repeat(width as usize * height as usize),
        }
    }

    pub fn pixel(&self, x: u32, y: u32) -> Option<Rgb> {
        if x >= self.width || y >= self.height {
            return None;
        }
        let i = (y as usize * self.width as usize + x as usize) * 3;
        Some(Rgb(self.pixels[i], self.pixels[i + 1], self.pixels[i + 2]))
    }

    fn blend(&mut self, index: usize, color: Rgb, alpha: u8) {
        let Some(pixel) = self.pixels.get_mut(index * 3..index * 3 + 3) else {
            return;
        };
        match alpha {
            0 => {}
            255 => pixel.copy_from_slice(&[color.0, color.1, color.2]),
            _ => {
                let a = u32::from(alpha);
                for (dst, src) in pixel.iter_mut().zip([color.0, color.1, color.2]) {
                    *dst = ((u32::from(src) * a + u32::from(*dst) * (255 - a) + 127) / 255) as u8;
                }
            }
        }
    }

    /// Blends `color` through a coverage mask whose top-left pixel lands on (`left`, `top`).
    pub fn blend_mask(&mut self, left: i32, top: i32, width: usize, alpha: &[u8], color: Rgb) {
        if width == 0 {
            return;
        }
        let (w, h) = (self.width as i32, self.height as i32);
        for (row, line) in alpha.chunks_exact(width).enumerate() {
            let y = top + row as i32;
            if !(0..h).contains(&y) {
                continue;
            }
            for (col, &a) in line.iter().enumerate() {
                let x = left + col as i32;
                if a > 0 && (0..w).contains(&x) {
                    self.blend(y as usize * w as usize + x as usize, color, a);
                }
            }
        }
    }

    /// Each 2×2 block averaged into one pixel: turns a 2× render into the reference.
    pub fn downscale_2x(&self) -> RgbImage {
        let (w, h) = (self.width / 2, self.height / 2);
        let mut out = RgbImage::new(w, h);
        let stride = self.width as usize * 3;
        for y in 0..h as usize {
            for x in 0..w as usize {
                for c in 0..3 {
                    let i = 2 * y * stride + 2 * x * 3 + c;
                    let sum = u32::from(self.pixels[i])
                        + u32::from(self.pixels[i + 3])
                        + u32::from(self.pixels[i + stride])
                        + u32::from(self.pixels[i + stride + 3]);
                    out.pixels[(y * w as usize + x) * 3 + c] = ((sum + 2) / 4) as u8;
                }
            }
        }
        out
    }
}

/// Coverage of the line being stroked and of its halo, kept between calls so no buffer is
/// allocated per line; only the pixels touched are blended and cleared.
struct Stroker {
    line: Vec<u8>,
    halo: Vec<u8>,
    touched: Vec<u32>,
    width: usize,
    height: usize,
}

/// 0–1 → 0–255, rounded (`f32::round` is a libm call on the default target).
fn to_byte(cover: f32) -> u8 {
    (cover.clamp(0.0, 1.0) * 255.0 + 0.5) as u8
}

impl Stroker {
    fn new(width: u32, height: u32) -> Stroker {
        let pixels = width as usize * height as usize;
        Stroker {
            line: vec![0; pixels],
            halo: vec![0; pixels],
            touched: Vec::new(),
            width: width as usize,
            height: height as usize,
        }
    }

    /// Adds a capsule (the segment `a`–`b` with round ends) of half-width `radius` to the line's
    /// coverage and of half-width `halo` (≥ `radius`) to the halo's, from each pixel centre's
    /// distance to the segment. Overlapping capsules keep the maximum, so joins are blended once.
    fn capsule(&mut self, a: (f32, f32), b: (f32, f32), radius: f32, halo: f32) {
        let reach = halo + 0.5;
        let solid = (radius - 0.5).max(0.0);
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let length2 = dx * dx + dy * dy;
        let inverse = if length2 > f32::EPSILON {
            1.0 / length2
        } else {
            0.0
        };
        let y0 = (a.1.min(b.1) - reach).floor().max(0.0) as usize;
        let y1 = ((a.1.max(b.1) + reach).ceil().max(0.0) as usize).min(self.height);
        let x_min = (a.0.min(b.0) - reach).floor().max(0.0);
        let x_max = ((a.0.max(b.0) + reach).ceil().max(0.0)).min(self.width as f32);
        // Pixels within `reach` of the segment's line lie within this many pixels of where the
        // line crosses a row.
        let half_band = (dy.abs() > f32::EPSILON).then(|| reach * length2.sqrt() / dy.abs());
        for y in y0..y1 {
            let qy = y as f32 + 0.5 - a.1;
            let (mut from, mut to) = (x_min, x_max);
            if let Some(half) = half_band {
                let cross = a.0 + qy * dx / dy;
                from = from.max((cross - half).floor());
                to = to.min((cross + half).ceil());
            }
            let row = y * self.width;
            for x in from as usize..(to.max(from) as usize) {
                let qx = x as f32 + 0.5 - a.0;
                let t = ((qx * dx + qy * dy) * inverse).clamp(0.0, 1.0);
                let (ex, ey) = (qx - t * dx, qy - t * dy);
                let distance2 = ex * ex + ey * ey;
                if distance2 >= reach * reach {
                    continue;
                }
                let index = row + x;
                if self.halo[index] == 0 {
                    self.touched.push(index as u32);
                }
                // Inside the line's solid core, both coverages are full: no square root.
                let (halo_cover, line_cover) = if distance2 <= solid * solid {
                    (255, 255)
                } else {
                    let distance = distance2.sqrt();
                    (to_byte(reach - distance), to_byte(radius + 0.5 - distance))
                };
                self.halo[index] = self.halo[index].max(halo_cover);
                self.line[index] = self.line[index].max(line_cover);
            }
        }
    }

    /// Strokes `points` (a dot if there is one) in `color`, over a halo in `halo_color` that
    /// reaches `halo` pixels from the centre line; then clears the coverage.
    fn polyline(
        &mut self,
        image: &mut RgbImage,
        points: &[(f32, f32)],
        (radius, color): (f32, Rgb),
        (halo, halo_color): (f32, Option<Rgb>),
    ) {
        let halo = halo.max(radius);
        match points {
            [] => {}
            // A day with data between two gaps: a dot, so it does not vanish.
            [only] => self.capsule(*only, *only, radius * 1.6, halo + radius * 0.6),
            _ => {
                for pair in points.windows(2) {
                    self.capsule(pair[0], pair[1], radius, halo);
                }
            }
        }
        for &index in &self.touched {
            let index = index as usize;
            let line = self.line[index];
            if let Some(halo_color) = halo_color
                && line < 255
            {
                image.blend(index, halo_color, self.halo[index]);
            }
            image.blend(index, color, line);
            self.halo[index] = 0;
            self.line[index] = 0;
        }
        self.touched.clear();
    }
}

fn fill(
    area: &DrawingArea<BitMapBackend<'_>, plotters::coord::Shift>,
    rect: Rect,
    color: Rgb,
    scale: i32,
) -> anyhow::Result<()> {
    let corners = [
        (rect.x0 * scale, rect.y0 * scale),
        (rect.x1 * scale, rect.y1 * scale),
    ];
    let style = RGBColor(color.0, color.1, color.2).filled();
    area.draw(&Rectangle::new(corners, style))
        .map_err(|e| anyhow::anyhow!("drawing a rectangle: {e}"))
}

/// The chart's pixels at `scale` × its logical size (1 for the PNG, 2 for the reference).
pub fn paint(plot: &Plot, scale: u32) -> anyhow::Result<RgbImage> {
    let scale = scale.clamp(1, 8);
    let mut image = RgbImage::filled(plot.width * scale, plot.height * scale, plot.background);
    let s = scale as i32;
    {
        let size = (image.width, image.height);
        let area = BitMapBackend::with_buffer(&mut image.pixels, size).into_drawing_area();
        for rect in &plot.grid {
            fill(&area, *rect, plot.grid_color, s)?;
        }
        for tick in &plot.day_ticks {
            fill(&area, tick.mark, plot.axis_color, s)?;
        }
        for bar in &plot.bars {
            fill(&area, bar.rect, bar.color, s)?;
        }
        fill(&area, plot.zero_line, plot.axis_color, s)?;
        for entry in &plot.legend {
            fill(&area, entry.swatch, entry.color, s)?;
        }
        for axis in [&plot.views, &plot.followers] {
            if let Key::Bar(rect) = axis.key {
                fill(&area, rect, axis.key_color, s)?;
            }
        }
        area.present()
            .map_err(|e| anyhow::anyhow!("finishing the bitmap: {e}"))?;
    }

    let sf = scale as f32;
    STROKER.with_borrow_mut(|stroker| {
        if stroker.width != image.width as usize || stroker.height != image.height as usize {
            *stroker = Stroker::new(image.width, image.height);
        }
        stroke_lines(stroker, &mut image, plot, sf);
    });

    let labels = std::iter::once(&plot.title)
        .chain(plot.legend.iter().map(|e| &e.label))
        .chain([&plot.views.caption, &plot.followers.caption])
        .chain(plot.views.ticks.iter().filter_map(|t| t.label.as_ref()))
        .chain(plot.followers.ticks.iter().filter_map(|t| t.label.as_ref()))
        .chain(plot.day_ticks.iter().map(|t| &t.label));
    for label in labels {
        draw_label(&mut image, label, sf);
    }
    Ok(image)
}

thread_local! {
    /// Coverage buffers reused from chart to chart on a thread (cleared as they are used).
    static STROKER: RefCell<Stroker> = RefCell::new(Stroker::new(0, 0));
}

/// The series' lines, each over its halo, then the views axis' key.
fn stroke_lines(stroker: &mut Stroker, image: &mut RgbImage, plot: &Plot, sf: f32) {
    let scaled = |points: &[(f32, f32)]| -> Vec<(f32, f32)> {
        points.iter().map(|&(x, y)| (x * sf, y * sf)).collect()
    };
    let radius = plot.line_width * sf / 2.0;
    let halo = (radius + plot.halo_width * sf, Some(plot.background));
    for line in &plot.lines {
        for run in &line.runs {
            stroker.polyline(image, &scaled(run), (radius, line.color), halo);
        }
    }
    for axis in [&plot.views, &plot.followers] {
        if let Key::Line(points) = axis.key {
            let pen = (radius, axis.key_color);
            stroker.polyline(image, &scaled(&points), pen, (radius, None));
        }
    }
}

fn draw_label(image: &mut RgbImage, label: &Label, scale: f32) {
    text::draw(
        image,
        label.weight,
        label.size * scale,
        (label.x * scale, label.baseline * scale),
        &label.text,
        label.color,
    );
}

/// PNG, 8-bit RGB, fdeflate's fast mode with the Paeth filter: half the time of the adaptive
/// filter for about the same size (~85 KB), a third of Up's size for 20 % more time.
pub fn encode_png(image: &RgbImage) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(image.pixels.len() / 8);
    let mut encoder = png::Encoder::new(&mut out, image.width, image.height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    encoder.set_filter(png::Filter::Paeth);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&image.pixels)?;
    writer.finish()?;
    Ok(out)
}

/// Mean structural similarity of two images' luma (BT.601), over 8×8 windows every 4 pixels.
/// 1.0 for identical images; images of different sizes compare as 0.
pub fn ssim(a: &RgbImage, b: &RgbImage) -> f64 {
    const WINDOW: usize = 8;
    const STEP: usize = 4;
    const C1: f64 = (0.01 * 255.0) * (0.01 * 255.0);
    const C2: f64 = (0.03 * 255.0) * (0.03 * 255.0);
    if a.width != b.width || a.height != b.height {
        return 0.0;
    }
    let luma = |image: &RgbImage| -> Vec<f64> {
        image
            .pixels
            .chunks_exact(3)
            .map(|p| 0.299 * f64::from(p[0]) + 0.587 * f64::from(p[1]) + 0.114 * f64::from(p[2]))
            .collect()
    };
    let (la, lb) = (luma(a), luma(b));
    let (w, h) = (a.width as usize, a.height as usize);
    if w < WINDOW || h < WINDOW {
        return if la == lb { 1.0 } else { 0.0 };
    }
    let n = (WINDOW * WINDOW) as f64;
    let (mut total, mut windows) = (0.0, 0_u32);
    for y in (0..=h - WINDOW).step_by(STEP) {
        for x in (0..=w - WINDOW).step_by(STEP) {
            let (mut sa, mut sb, mut saa, mut sbb, mut sab) = (0.0, 0.0, 0.0, 0.0, 0.0);
            for row in y..y + WINDOW {
                let start = row * w + x;
                for (&p, &q) in la[start..start + WINDOW]
                    .iter()
                    .zip(&lb[start..start + WINDOW])
                {
                    sa += p;
                    sb += q;
                    saa += p * p;
                    sbb += q * q;
                    sab += p * q;
                }
            }
            let (ma, mb) = (sa / n, sb / n);
            let va = (saa / n - ma * ma).max(0.0);
            let vb = (sbb / n - mb * mb).max(0.0);
            let cov = sab / n - ma * mb;
            total += ((2.0 * ma * mb + C1) * (2.0 * cov + C2))
                / ((ma * ma + mb * mb + C1) * (va + vb + C2));
            windows += 1;
        }
    }
    total / f64::from(windows.max(1))
}
