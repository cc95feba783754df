//! The chart's text: Inter (regular and semibold) embedded in the binary, laid out with its GPOS
//! pair kerning at fractional positions, and drawn as anti-aliased coverage onto the image.
//! plotters 0.3.7 rounds each pen position and drops the glyphs' left bearings ("Ab onnés"), so
//! no text goes through plotters.
//!
//! Characters Inter has no glyph for never become empty boxes: [`sanitize`] drops emoji (with their
//! joiners, variation selectors and skin tones) and invisible format characters, and replaces
//! each run of other missing characters (CJK, Arabic…) with one "…", so a reader sees that
//! something was left out. No shaping: Latin, Greek and Cyrillic read fine, nothing else is drawn.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::OnceLock;

use ab_glyph::{Font as _, FontRef, GlyphId, PxScale, point};
use ttf_parser::gpos::{PairAdjustment, PositioningSubtable};
use ttf_parser::opentype_layout::LayoutTable;

use super::raster::{Rgb, RgbImage};

static REGULAR_OTF: &[u8] = include_bytes!("../../../assets/fonts/Inter-Regular.otf");
static SEMIBOLD_OTF: &[u8] = include_bytes!("../../../assets/fonts/Inter-SemiBold.otf");

/// What replaces a run of characters the font cannot draw.
pub const REPLACEMENT: char = '…';

/// Rasterized glyphs kept per thread (a few hundred in practice; cleared when it passes this).
const CACHE_LIMIT: usize = 4096;
/// Horizontal positions are rounded to a quarter of a pixel before a glyph is rasterized.
const SUBPIXEL_STEPS: f32 = 4.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Weight {
    Regular,
    SemiBold,
}

struct Face {
    font: FontRef<'static>,
    gpos: Option<LayoutTable<'static>>,
    /// The GPOS lookups of every `kern` feature, in lookup order.
    kern_lookups: Vec<u16>,
    /// Pixels per em → ab_glyph's `PxScale` (which measures ascent − descent, not the em).
    em_to_px_scale: f32,
    units_per_em: f32,
}

impl Face {
    fn load(bytes: &'static [u8]) -> Option<Face> {
        let font = FontRef::try_from_slice(bytes).ok()?;
        let face = ttf_parser::Face::parse(bytes, 0).ok()?;
        let gpos = face.tables().gpos;
        let kern = ttf_parser::Tag::from_bytes(b"kern");
        let mut kern_lookups: Vec<u16> = gpos
            .iter()
            .flat_map(|table| table.features)
            .filter(|feature| feature.tag == kern)
            .flat_map(|feature| feature.lookup_indices)
            .collect();
        kern_lookups.sort_unstable();
        kern_lookups.dedup();
        let units_per_em = font.units_per_em()?;
        Some(Face {
            em_to_px_scale: font.height_unscaled() / units_per_em,
            font,
            gpos,
            kern_lookups,
            units_per_em,
        })
    }

    /// The pair adjustment between two glyphs, in font units (0 when none applies).
    fn kern_units(&self, left: GlyphId, right: GlyphId) -> i32 {
        let Some(gpos) = &self.gpos else { return 0 };
        let (left, right) = (ttf_parser::GlyphId(left.0), ttf_parser::GlyphId(right.0));
        let mut total = 0;
        for &index in &self.kern_lookups {
            let Some(lookup) = gpos.lookups.get(index) else {
                continue;
            };
            // Within one lookup the first subtable that covers the pair applies.
            for subtable in lookup.subtables.into_iter::<PositioningSubtable>() {
                if let PositioningSubtable::Pair(pair) = subtable
                    && let Some(value) = pair_advance(pair, left, right)
                {
                    total += value;
                    break;
                }
            }
        }
        total
    }
}

fn pair_advance(
    pair: PairAdjustment<'_>,
    left: ttf_parser::GlyphId,
    right: ttf_parser::GlyphId,
) -> Option<i32> {
    match pair {
        PairAdjustment::Format1 { coverage, sets } => {
            let (first, _) = sets.get(coverage.get(left)?)?.get(right)?;
            Some(first.x_advance.into())
        }
        PairAdjustment::Format2 {
            coverage,
            classes,
            matrix,
        } => {
            coverage.get(left)?;
            let (first, _) = matrix.get((classes.0.get(left), classes.1.get(right)))?;
            Some(first.x_advance.into())
        }
    }
}

struct Fonts {
    regular: Face,
    semibold: Face,
}

impl Fonts {
    fn face(&self, weight: Weight) -> &Face {
        match weight {
            Weight::Regular => &self.regular,
            Weight::SemiBold => &self.semibold,
        }
    }
}

/// The embedded fonts, parsed once per process.
fn fonts() -> Option<&'static Fonts> {
    static FONTS: OnceLock<Option<Fonts>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            Some(Fonts {
                regular: Face::load(REGULAR_OTF)?,
                semibold: Face::load(SEMIBOLD_OTF)?,
            })
        })
        .as_ref()
}

/// Fails once, early, if the embedded fonts cannot be read (a broken build, not bad input).
pub fn check_fonts() -> Result<(), super::ChartError> {
    fonts().map(|_| ()).ok_or(super::ChartError::Font)
}

/// Emoji and the characters that only make sense inside an emoji sequence.
fn is_emoji_part(c: char) -> bool {
    matches!(u32::from(c),
        0x1F000..=0x1FAFF // pictographs, emoticons, flags (regional indicators), skin tones
        | 0x2600..=0x27BF // miscellaneous symbols, dingbats
        | 0x2B00..=0x2BFF // arrows and stars (⭐)
        | 0x2300..=0x23FF // ⌚ ⏰ …
        | 0x3030 | 0x303D | 0x3297 | 0x3299
        | 0x20E3 // combining keycap
        | 0x200D // zero-width joiner
        | 0xFE00..=0xFE0F // variation selectors
        | 0xE0020..=0xE007F // tag characters (subdivision flags)
    )
}

/// Invisible format characters: nothing to draw, nothing lost.
fn is_invisible(c: char) -> bool {
    matches!(u32::from(c),
        0x00AD | 0x061C | 0x180E | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F
        | 0xFEFF | 0xFFF9..=0xFFFB | 0xE0001 | 0xE0100..=0xE01EF
    )
}

fn drawable(fonts: &Fonts, c: char) -> bool {
    c == ' ' || (fonts.regular.font.glyph_id(c).0 != 0 && fonts.semibold.font.glyph_id(c).0 != 0)
}

/// The text as the chart draws it: one line, every character drawable. Emoji and invisible
/// characters are dropped; each run of other characters the font lacks becomes one "…"; line
/// breaks and tabs become spaces; runs of spaces collapse; the ends are trimmed.
pub fn sanitize(text: &str) -> String {
    let Some(fonts) = fonts() else {
        return String::new();
    };
    let mut out = String::with_capacity(text.len());
    let mut in_missing_run = false;
    for c in text.chars() {
        let c = if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
            ' '
        } else {
            c
        };
        if is_invisible(c) {
            // Dropped even where the font has a (blank) glyph for it.
        } else if drawable(fonts, c) {
            if !(c == ' ' && (out.is_empty() || out.ends_with(' '))) {
                out.push(c);
            }
            in_missing_run = false;
        } else if is_emoji_part(c) {
            // Dropped; a run of missing characters around it stays one run.
        } else if !in_missing_run {
            out.push(REPLACEMENT);
            in_missing_run = true;
        }
    }
    out.truncate(out.trim_end().len());
    out
}

/// One glyph of a laid-out line: its pen position from the line's start, in pixels.
#[derive(Debug, Clone, Copy)]
struct Placed {
    id: GlyphId,
    x: f32,
    /// Where the next glyph's pen would be without kerning.
    end: f32,
    /// Byte offset of the character in the text.
    byte: usize,
}

fn layout(fonts: &Fonts, weight: Weight, size: f32, text: &str) -> (Vec<Placed>, f32) {
    let face = fonts.face(weight);
    let per_unit = size / face.units_per_em;
    let mut placed = Vec::with_capacity(text.len());
    let mut pen = 0.0_f32;
    let mut previous: Option<GlyphId> = None;
    for (byte, c) in text.char_indices() {
        let id = face.font.glyph_id(c);
        if let Some(left) = previous {
            pen += kern(face, weight, left, id) as f32 * per_unit;
        }
        let end = pen + face.font.h_advance_unscaled(id) * per_unit;
        placed.push(Placed {
            id,
            x: pen,
            end,
            byte,
        });
        pen = end;
        previous = Some(id);
    }
    (placed, pen)
}

/// The width of `text` at `size` pixels per em.
pub fn measure(weight: Weight, size: f32, text: &str) -> f32 {
    fonts().map_or(0.0, |fonts| layout(fonts, weight, size, text).1)
}

/// `text`, cut and ended with "…" if it is wider than `max` pixels.
pub fn fit(weight: Weight, size: f32, text: &str, max: f32) -> String {
    let Some(fonts) = fonts() else {
        return String::new();
    };
    let (placed, width) = layout(fonts, weight, size, text);
    if width <= max {
        return text.to_owned();
    }
    let room = max - layout(fonts, weight, size, "…").1;
    let cut = placed
        .iter()
        .take_while(|g| g.end <= room)
        .last()
        .map_or(0, |g| {
            g.byte + text[g.byte..].chars().next().map_or(0, char::len_utf8)
        });
    format!("{}…", text[..cut].trim_end())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct GlyphKey {
    weight: Weight,
    id: u16,
    size_bits: u32,
    subpixel: u8,
}

/// A glyph's coverage, placed relative to its pen position on the baseline.
struct Coverage {
    left: i32,
    top: i32,
    width: usize,
    alpha: Vec<u8>,
}

#[derive(Default)]
struct Cache {
    glyphs: HashMap<GlyphKey, Coverage>,
    kerning: HashMap<(Weight, u16, u16), i32>,
}

thread_local! {
    static CACHE: RefCell<Cache> = RefCell::new(Cache::default());
}

fn kern(face: &Face, weight: Weight, left: GlyphId, right: GlyphId) -> i32 {
    CACHE.with_borrow_mut(|cache| {
        if cache.kerning.len() >= CACHE_LIMIT {
            cache.kerning.clear();
        }
        *cache
            .kerning
            .entry((weight, left.0, right.0))
            .or_insert_with(|| face.kern_units(left, right))
    })
}

fn rasterize(face: &Face, key: GlyphKey, size: f32) -> Coverage {
    let glyph = GlyphId(key.id).with_scale_and_position(
        PxScale::from(size * face.em_to_px_scale),
        point(f32::from(key.subpixel) / SUBPIXEL_STEPS, 0.0),
    );
    let Some(outline) = face.font.outline_glyph(glyph) else {
        return Coverage {
            left: 0,
            top: 0,
            width: 0,
            alpha: Vec::new(),
        };
    };
    let bounds = outline.px_bounds();
    let width = bounds.width() as usize;
    let mut alpha = vec![0_u8; width * bounds.height() as usize];
    outline.draw(|x, y, c| {
        if let Some(a) = alpha.get_mut(y as usize * width + x as usize) {
            *a = (c.clamp(0.0, 1.0) * 255.0).round() as u8;
        }
    });
    Coverage {
        left: bounds.min.x as i32,
        top: bounds.min.y as i32,
        width,
        alpha,
    }
}

/// Draws `text` with its pen starting at `x` on the baseline `baseline` (pixels of `image`).
pub fn draw(
    image: &mut RgbImage,
    weight: Weight,
    size: f32,
    (x, baseline): (f32, f32),
    text: &str,
    color: Rgb,
) {
    let Some(fonts) = fonts() else { return };
    let face = fonts.face(weight);
    let baseline = baseline.round() as i32;
    let (placed, _) = layout(fonts, weight, size, text);
    CACHE.with_borrow_mut(|cache| {
        if cache.glyphs.len() + placed.len() > CACHE_LIMIT {
            cache.glyphs.clear();
        }
        for glyph in placed {
            let pen = x + glyph.x;
            let mut whole = pen.floor();
            let mut subpixel = ((pen - whole) * SUBPIXEL_STEPS).round() as u8;
            if f32::from(subpixel) >= SUBPIXEL_STEPS {
                whole += 1.0;
                subpixel = 0;
            }
            let key = GlyphKey {
                weight,
                id: glyph.id.0,
                size_bits: size.to_bits(),
                subpixel,
            };
            let coverage = cache
                .glyphs
                .entry(key)
                .or_insert_with(|| rasterize(face, key, size));
            image.blend_mask(
                whole as i32 + coverage.left,
                baseline + coverage.top,
                coverage.width,
                &coverage.alpha,
                color,
            );
        }
    });
}
