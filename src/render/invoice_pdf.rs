//! The invoice PDF: A4, DejaVu Sans embedded as a subset, one model in (`InvoiceDoc`, every
//! sentence already translated), bytes out.
//!
//! printpdf draws no fallback glyphs and shapes nothing: text is checked first. Characters the
//! font lacks (CJK) and scripts that need shaping or right-to-left layout (Arabic, Hebrew, Indic
//! scripts) are refused by name — never drawn as empty boxes.

use std::cell::RefCell;
use std::sync::OnceLock;

use flate2::{Compress, Compression, FlushCompress, Status};

use printpdf::{
    Color, Line, LinePoint, Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Pt, Rgb, TextItem,
};

use crate::render::logo::Logo;
use crate::render::pdfa::{self, FacturX};

/// zlib level of the content, font and XML streams. Measured with `creatorpilot bench invoice`
/// (Factur-X sample): level 1 ~970/s at 22.4 KB, 3 ~890/s at 21.4 KB, 6 ~740/s at 21.1 KB.
const FLATE_LEVEL: u32 = 3;

static REGULAR_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");
/// The same faces cut to Latin, Greek and Cyrillic, unhinted (`scripts/make-invoice-fonts`):
/// subsetting and compressing them per invoice costs half as much, and the PDF is smaller.
static LATIN_REGULAR_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Latin.ttf");
static LATIN_BOLD_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold-Latin.ttf");

/// An invoice as it is printed: every string final, in the invoice's language.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InvoiceDoc {
    pub title: String,
    /// Number, dates: label and value.
    pub meta: Vec<(String, String)>,
    /// The issuer's lines, the first one (legal name) in bold.
    pub issuer: Vec<String>,
    pub buyer_heading: String,
    pub buyer: Vec<String>,
    /// Description, quantity, unit price, VAT rate, net.
    pub columns: [String; 5],
    pub rows: Vec<[String; 5]>,
    /// Label and amount; the last one (amount due) in bold.
    pub totals: Vec<(String, String)>,
    /// Legal mentions and payment details, one paragraph each.
    pub mentions: Vec<String>,
    /// The creator's logo, above the issuer block.
    pub logo: Option<Logo>,
}

impl InvoiceDoc {
    /// Every piece of text the page will carry.
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.title.as_str())
            .chain(self.meta.iter().flat_map(|(a, b)| [a.as_str(), b.as_str()]))
            .chain(self.issuer.iter().map(String::as_str))
            .chain(std::iter::once(self.buyer_heading.as_str()))
            .chain(self.buyer.iter().map(String::as_str))
            .chain(self.columns.iter().map(String::as_str))
            .chain(self.rows.iter().flat_map(|r| r.iter().map(String::as_str)))
            .chain(
                self.totals
                    .iter()
                    .flat_map(|(a, b)| [a.as_str(), b.as_str()]),
            )
            .chain(self.mentions.iter().map(String::as_str))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    /// Characters of a script drawn right to left or with contextual shaping.
    #[error("text needs shaping: {0:?}")]
    NeedsShaping(Vec<char>),
    /// Characters the bundled font has no glyph for.
    #[error("no glyph for: {0:?}")]
    NoGlyph(Vec<char>),
    #[error("the bundled font could not be read")]
    Font,
    /// Serializing the document failed (a bug, not the creator's input).
    #[error("the PDF could not be written: {0}")]
    Write(String),
}

/// A regular and a bold face.
struct Pair {
    regular: ParsedFont,
    bold: ParsedFont,
}

impl Pair {
    fn parse(regular: &[u8], bold: &[u8]) -> Option<Pair> {
        Some(Pair {
            regular: ParsedFont::from_bytes(regular, 0, &mut Vec::new())?,
            bold: ParsedFont::from_bytes(bold, 0, &mut Vec::new())?,
        })
    }

    fn draws(&self, c: char) -> bool {
        self.regular.lookup_glyph_index(u32::from(c)).is_some()
            && self.bold.lookup_glyph_index(u32::from(c)).is_some()
    }
}

/// The full faces (what can be drawn at all) and their Latin cut (what invoices use when it
/// covers every character). Parsed once per process.
struct Fonts {
    full: Pair,
    latin: Pair,
}

impl Fonts {
    /// The Latin cut when it draws every character of `texts`, else the full faces.
    fn for_texts<'a>(&self, mut texts: impl Iterator<Item = &'a str>) -> &Pair {
        if texts.all(|t| t.chars().all(|c| c.is_control() || self.latin.draws(c))) {
            &self.latin
        } else {
            &self.full
        }
    }
}

fn fonts() -> Result<&'static Fonts, RenderError> {
    static FONTS: OnceLock<Option<Fonts>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            Some(Fonts {
                full: Pair::parse(REGULAR_TTF, BOLD_TTF)?,
                latin: Pair::parse(LATIN_REGULAR_TTF, LATIN_BOLD_TTF)?,
            })
        })
        .as_ref()
        .ok_or(RenderError::Font)
}

/// Right-to-left scripts and scripts whose letters change shape with their neighbours: Hebrew,
/// Arabic, Syriac, Thaana, N'Ko…, the Indic scripts, Tibetan, Myanmar, Khmer, and the Arabic and
/// Hebrew presentation forms.
fn needs_shaping(c: char) -> bool {
    matches!(u32::from(c),
        0x0590..=0x08FF | 0x0900..=0x0DFF | 0x0F00..=0x109F | 0x1780..=0x17FF
        | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF | 0x10800..=0x10FFF | 0x1E800..=0x1EFFF)
}

/// Fails when some text cannot be drawn faithfully, naming the characters (each once, in order).
pub fn check_drawable<'a>(texts: impl IntoIterator<Item = &'a str>) -> Result<(), RenderError> {
    let fonts = &fonts()?.full;
    let mut shaping = Vec::new();
    let mut missing = Vec::new();
    for text in texts {
        for c in text.chars() {
            if c.is_control() {
                continue;
            }
            if needs_shaping(c) {
                if !shaping.contains(&c) {
                    shaping.push(c);
                }
            } else if !fonts.draws(c) && !missing.contains(&c) {
                missing.push(c);
            }
        }
    }
    if !shaping.is_empty() {
        return Err(RenderError::NeedsShaping(shaping));
    }
    if !missing.is_empty() {
        return Err(RenderError::NoGlyph(missing));
    }
    Ok(())
}

const PAGE_W: f32 = 210.0;
const PAGE_H: f32 = 297.0;
const MARGIN: f32 = 18.0;
const BODY: f32 = 9.0;
const SMALL: f32 = 8.0;
const PT_PER_MM: f32 = 72.0 / 25.4;
/// The box a logo is scaled into (aspect ratio kept), in millimetres.
const LOGO_MAX_W: f32 = 40.0;
const LOGO_MAX_H: f32 = 20.0;
/// Pixels per inch a logo is embedded at, at most: what a printer shows; more only adds weight.
const LOGO_DPI: f32 = 300.0;

/// The logo's printed width and height in millimetres: as large as the box allows.
fn logo_size(logo: &Logo) -> (f32, f32) {
    #[expect(
        clippy::cast_precision_loss,
        reason = "logo sides are at most a few thousand pixels"
    )]
    let (w, h) = (logo.width as f32, logo.height as f32);
    let scale = (LOGO_MAX_W / w).min(LOGO_MAX_H / h);
    (w * scale, h * scale)
}

/// Draws `logo` on the first page with its top-left corner at `MARGIN` from the page's top-left,
/// as a DeviceRGB image XObject (compressed by `save` like every stream).
fn place_logo(pdf: &mut lopdf::Document, logo: &Logo) -> Result<(), RenderError> {
    let write = |e: lopdf::Error| RenderError::Write(e.to_string());
    let page = *pdf
        .get_pages()
        .get(&1)
        .ok_or_else(|| RenderError::Write("the invoice has no page".into()))?;
    let (w, h) = logo_size(logo);
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a box of a few centimetres at 300 dpi: a few hundred pixels"
    )]
    let pixels = |mm: f32| (mm / 25.4 * LOGO_DPI).ceil() as u32;
    let logo = logo.fit(pixels(LOGO_MAX_W), pixels(LOGO_MAX_H));
    let mut dict = lopdf::Dictionary::new();
    dict.set("Type", lopdf::Object::Name(b"XObject".to_vec()));
    dict.set("Subtype", lopdf::Object::Name(b"Image".to_vec()));
    dict.set("Width", i64::from(logo.width));
    dict.set("Height", i64::from(logo.height));
    dict.set("ColorSpace", lopdf::Object::Name(b"DeviceRGB".to_vec()));
    dict.set("BitsPerComponent", 8);
    let image = pdf.add_object(lopdf::Stream::new(dict, logo.rgb));
    pdf.add_xobject(page, "Logo", image).map_err(write)?;
    let (x, y) = (MARGIN * PT_PER_MM, (PAGE_H - MARGIN - h) * PT_PER_MM);
    let ops = format!(
        "q {:.3} 0 0 {:.3} {x:.3} {y:.3} cm /Logo Do Q",
        w * PT_PER_MM,
        h * PT_PER_MM
    );
    pdf.add_page_contents(page, ops.into_bytes()).map_err(write)
}

/// Width of `text` in millimetres at `size` points.
fn width_mm(font: &ParsedFont, text: &str, size: f32) -> f32 {
    let upem = f32::from(font.font_metrics.units_per_em.max(1));
    let units: u32 = text
        .chars()
        .map(|c| {
            font.lookup_glyph_index(u32::from(c))
                .map(|g| u32::from(font.get_horizontal_advance(g)))
                .unwrap_or(0)
        })
        .sum();
    #[expect(
        clippy::cast_precision_loss,
        reason = "text widths are far below 2^24 font units"
    )]
    let units = units as f32;
    units / upem * size / PT_PER_MM
}

/// Greedy word wrap to `max` millimetres; words longer than a line are cut.
fn wrap(font: &ParsedFont, text: &str, size: f32, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split(' ') {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if width_mm(font, &candidate, size) <= max {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            let mut piece = String::new();
            for c in word.chars() {
                piece.push(c);
                if width_mm(font, &piece, size) > max {
                    piece.pop();
                    lines.push(std::mem::take(&mut piece));
                    piece.push(c);
                }
            }
            line = piece;
        }
        lines.push(line);
    }
    lines
}

/// A page being laid out, top to bottom; a new page starts when the cursor reaches the margin.
struct Layout {
    pages: Vec<Vec<Op>>,
    y: f32,
    regular: printpdf::FontId,
    bold: printpdf::FontId,
}

#[derive(Clone, Copy)]
enum Align {
    Left,
    Right,
}

impl Layout {
    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn ensure(&mut self, height: f32) {
        if self.y - height < MARGIN {
            self.pages.push(Vec::new());
            self.y = PAGE_H - MARGIN;
        }
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "one drawing primitive, named at each call"
    )]
    fn text(&mut self, fonts: &Pair, x: f32, y: f32, s: &str, size: f32, bold: bool, align: Align) {
        let (font, id) = if bold {
            (&fonts.bold, self.bold.clone())
        } else {
            (&fonts.regular, self.regular.clone())
        };
        let x = match align {
            Align::Left => x,
            Align::Right => x - width_mm(font, s, size),
        };
        self.ops().extend([
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::External(id),
                size: Pt(size),
            },
            Op::SetTextCursor {
                pos: Point {
                    x: Mm(x).into(),
                    y: Mm(y).into(),
                },
            },
            Op::ShowText {
                items: vec![TextItem::Text(s.to_owned())],
            },
            Op::EndTextSection,
        ]);
    }

    fn rule(&mut self, x1: f32, x2: f32, y: f32) {
        let p = |x: f32| LinePoint {
            p: Point {
                x: Mm(x).into(),
                y: Mm(y).into(),
            },
            bezier: false,
        };
        self.ops().push(Op::DrawLine {
            line: Line {
                points: vec![p(x1), p(x2)],
                is_closed: false,
            },
        });
    }
}

/// Lays the invoice out into a lopdf document (font subsets made, streams not yet compressed).
fn layout(doc: &InvoiceDoc) -> Result<lopdf::Document, RenderError> {
    check_drawable(doc.texts())?;
    let fonts = fonts()?.for_texts(doc.texts());
    let mut pdf = PdfDocument::new(&doc.title);
    let mut l = Layout {
        pages: vec![Vec::new()],
        y: PAGE_H - MARGIN,
        regular: pdf.add_font(&fonts.regular),
        bold: pdf.add_font(&fonts.bold),
    };
    let line_h = |size: f32| size * 1.35 / PT_PER_MM;
    let right = PAGE_W - MARGIN;
    let col_w = 82.0;
    l.ops().extend([
        Op::SetOutlineColor {
            col: Color::Rgb(Rgb {
                r: 0.6,
                g: 0.6,
                b: 0.6,
                icc_profile: None,
            }),
        },
        Op::SetOutlineThickness { pt: Pt(0.5) },
    ]);

    // Logo and issuer (left), title with number and dates (right).
    let top = l.y;
    let mut y = match &doc.logo {
        Some(logo) => top - logo_size(logo).1 - 2.0,
        None => top,
    };
    for (i, line) in doc.issuer.iter().enumerate() {
        for piece in wrap(&fonts.regular, line, BODY, col_w) {
            y -= line_h(BODY);
            l.text(fonts, MARGIN, y, &piece, BODY, i == 0, Align::Left);
        }
    }
    let mut ry = top - line_h(18.0);
    l.text(fonts, right, ry, &doc.title, 18.0, true, Align::Right);
    ry -= 2.0;
    for (label, value) in &doc.meta {
        ry -= line_h(BODY);
        l.text(fonts, right - 32.0, ry, label, BODY, false, Align::Right);
        l.text(fonts, right, ry, value, BODY, true, Align::Right);
    }

    // Buyer, on the right under the title.
    ry = ry.min(y) - 8.0;
    let bx = PAGE_W - MARGIN - col_w;
    l.text(fonts, bx, ry, &doc.buyer_heading, SMALL, true, Align::Left);
    for (i, line) in doc.buyer.iter().enumerate() {
        for piece in wrap(&fonts.regular, line, BODY, col_w) {
            ry -= line_h(BODY);
            l.text(fonts, bx, ry, &piece, BODY, i == 0, Align::Left);
        }
    }
    l.y = ry - 10.0;

    // Lines table: description wraps, the four numbers are right-aligned.
    let xs = [MARGIN, 112.0, 142.0, 160.0, right];
    let desc_w = xs[1] - 12.0 - MARGIN;
    let header = |l: &mut Layout| {
        let y = l.y;
        l.text(fonts, xs[0], y, &doc.columns[0], SMALL, true, Align::Left);
        for (i, x) in [(1, xs[1]), (2, xs[2]), (3, xs[3]), (4, xs[4])] {
            l.text(fonts, x, y, &doc.columns[i], SMALL, true, Align::Right);
        }
        l.rule(MARGIN, right, y - 1.8);
        l.y = y - 1.8;
    };
    l.ensure(20.0);
    header(&mut l);
    for row in &doc.rows {
        let pieces = wrap(&fonts.regular, &row[0], BODY, desc_w);
        let h = line_h(BODY) * pieces.len() as f32 + 1.5;
        if l.y - h < MARGIN {
            l.ensure(h + 20.0);
            header(&mut l);
        }
        let first = l.y - line_h(BODY);
        for (i, piece) in pieces.iter().enumerate() {
            l.text(
                fonts,
                xs[0],
                first - line_h(BODY) * i as f32,
                piece,
                BODY,
                false,
                Align::Left,
            );
        }
        for (i, x) in [(1, xs[1]), (2, xs[2]), (3, xs[3]), (4, xs[4])] {
            l.text(fonts, x, first, &row[i], BODY, false, Align::Right);
        }
        l.y -= h;
    }
    l.rule(MARGIN, right, l.y - 0.5);
    l.y -= 2.0;

    // Totals, right-aligned; the amount due in bold.
    l.ensure(line_h(BODY) * doc.totals.len() as f32 + 4.0);
    for (i, (label, amount)) in doc.totals.iter().enumerate() {
        let last = i + 1 == doc.totals.len();
        let label_lines = wrap(&fonts.regular, label, BODY, 70.0);
        for (j, piece) in label_lines.iter().enumerate() {
            l.y -= line_h(BODY);
            l.text(fonts, right - 36.0, l.y, piece, BODY, last, Align::Right);
            if j == 0 {
                l.text(fonts, right, l.y, amount, BODY, last, Align::Right);
            }
        }
    }
    l.y -= 8.0;

    // Mentions, full width, small.
    for paragraph in &doc.mentions {
        let pieces = wrap(&fonts.regular, paragraph, SMALL, right - MARGIN);
        l.ensure(line_h(SMALL) * pieces.len() as f32);
        for piece in pieces {
            l.y -= line_h(SMALL);
            let y = l.y;
            l.text(fonts, MARGIN, y, &piece, SMALL, false, Align::Left);
        }
        l.y -= 1.2;
    }

    let pages = l
        .pages
        .into_iter()
        .map(|ops| PdfPage::new(Mm(PAGE_W), Mm(PAGE_H), ops))
        .collect();
    let options = PdfSaveOptions {
        subset_fonts: true,
        // Streams are compressed by `save` below, at a level chosen for speed.
        optimize: false,
        ..PdfSaveOptions::default()
    };
    let mut pdf = pdf
        .with_pages(pages)
        .to_lopdf_document(&options, &mut Vec::new());
    if let Some(logo) = &doc.logo {
        place_logo(&mut pdf, logo)?;
    }
    Ok(pdf)
}

/// Compresses every stream that allows it (zlib level `FLATE_LEVEL`) and writes the file.
fn save(mut doc: lopdf::Document) -> Result<Vec<u8>, RenderError> {
    for object in doc.objects.values_mut() {
        if let lopdf::Object::Stream(stream) = object
            && stream.allows_compression
            && stream.dict.get(b"Filter").is_err()
        {
            let packed = deflate(&stream.content)?;
            if packed.len() < stream.content.len() {
                stream.dict.set("Filter", "FlateDecode");
                stream.set_content(packed);
            }
        }
    }
    let mut bytes = Vec::with_capacity(48 * 1024);
    doc.save_to(&mut bytes)
        .map_err(|e| RenderError::Write(e.to_string()))?;
    Ok(bytes)
}

/// zlib-compresses `data`. One compressor per thread, reset between streams: setting one up
/// allocates and clears a few hundred kilobytes, more than compressing a small stream costs.
fn deflate(data: &[u8]) -> Result<Vec<u8>, RenderError> {
    thread_local! {
        static COMPRESSOR: RefCell<Option<Compress>> = const { RefCell::new(None) };
    }
    COMPRESSOR.with(|cell| {
        let mut cell = cell.borrow_mut();
        let c = cell.get_or_insert_with(|| Compress::new(Compression::new(FLATE_LEVEL), true));
        c.reset();
        let mut out = Vec::with_capacity(data.len() / 2 + 64);
        loop {
            let read = usize::try_from(c.total_in())
                .unwrap_or(data.len())
                .min(data.len());
            let status = c
                .compress_vec(&data[read..], &mut out, FlushCompress::Finish)
                .map_err(|e| RenderError::Write(e.to_string()))?;
            if status == Status::StreamEnd {
                return Ok(out);
            }
            out.reserve(out.capacity().max(1024));
        }
    })
}

/// Renders the invoice as a plain PDF. Text is checked first (`check_drawable`).
pub fn render(doc: &InvoiceDoc) -> Result<Vec<u8>, RenderError> {
    save(layout(doc)?)
}

/// Renders the invoice as a Factur-X PDF/A-3b carrying `fx.xml` (see `render::pdfa`).
pub fn render_facturx(doc: &InvoiceDoc, fx: &FacturX<'_>) -> Result<Vec<u8>, RenderError> {
    let mut pdf = layout(doc)?;
    pdfa::make_facturx(&mut pdf, fx).map_err(|e| RenderError::Write(e.to_string()))?;
    save(pdf)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub fn sample() -> InvoiceDoc {
        InvoiceDoc {
            title: "FACTURE".into(),
            meta: vec![
                ("Numéro".into(), "2026-0001".into()),
                ("Date".into(), "25/11/2026".into()),
            ],
            issuer: vec![
                "Alex Martin EI".into(),
                "12 rue de la Paix, 75002 Paris".into(),
            ],
            buyer_heading: "Facturé à".into(),
            buyer: vec![
                "Marque SAS".into(),
                "1 avenue des Champs-Élysées, 75008 Paris".into(),
            ],
            columns: [
                "Description".into(),
                "Qté".into(),
                "PU HT".into(),
                "TVA".into(),
                "Total HT".into(),
            ],
            rows: vec![[
                "Intégration « Marque » — vidéo".into(),
                "1".into(),
                "1 500,00 €".into(),
                "0 %".into(),
                "1 500,00 €".into(),
            ]],
            totals: vec![
                ("Total HT".into(), "1 500,00 €".into()),
                ("Net à payer".into(), "1 500,00 €".into()),
            ],
            mentions: vec!["TVA non applicable, art. 293 B du CGI".into()],
            logo: None,
        }
    }

    #[test]
    fn refuses_what_it_cannot_draw() {
        assert_eq!(check_drawable(["Café « ok » €"]), Ok(()));
        assert_eq!(
            check_drawable(["Brand 日本"]),
            Err(RenderError::NoGlyph(vec!['日', '本']))
        );
        assert!(matches!(
            check_drawable(["شركة"]),
            Err(RenderError::NeedsShaping(_))
        ));
        let mut doc = sample();
        doc.buyer[0] = "株式会社".into();
        assert!(matches!(render(&doc), Err(RenderError::NoGlyph(_))));
    }

    #[test]
    fn long_words_wrap_inside_the_column() {
        let fonts = &fonts().unwrap().latin;
        let long = "x".repeat(500);
        let lines = wrap(&fonts.regular, &long, BODY, 50.0);
        assert!(lines.len() > 3);
        assert!(
            lines
                .iter()
                .all(|l| width_mm(&fonts.regular, l, BODY) <= 50.0)
        );
    }

    #[test]
    fn text_outside_the_latin_cut_uses_the_full_faces() {
        let fonts = fonts().unwrap();
        let pick = |t: &str| fonts.for_texts(std::iter::once(t));
        assert!(std::ptr::eq(pick("Café « 40 € » Ωμέγα Жук"), &fonts.latin));
        assert!(std::ptr::eq(pick("Երևան ∑"), &fonts.full));
        let mut doc = sample();
        doc.buyer[0] = "Երևան SAS".into();
        assert!(render(&doc).unwrap().starts_with(b"%PDF-"));
    }

    /// (width, height) of every image XObject in `pdf`.
    fn images(pdf: &[u8]) -> Vec<(i64, i64)> {
        let doc = lopdf::Document::load_mem(pdf).unwrap();
        doc.objects
            .values()
            .filter_map(|o| o.as_stream().ok())
            .filter(|s| s.dict.get(b"Subtype").and_then(|v| v.as_name()).ok() == Some(b"Image"))
            .map(|s| {
                let side = |k: &[u8]| s.dict.get(k).and_then(lopdf::Object::as_i64).unwrap();
                (side(b"Width"), side(b"Height"))
            })
            .collect()
    }

    #[test]
    fn a_logo_is_embedded_at_no_more_than_300_dpi_in_its_box() {
        let mut doc = sample();
        doc.logo = Some(Logo {
            width: 1800,
            height: 300,
            rgb: (0..1800 * 300 * 3).map(|i| (i % 251) as u8).collect(),
        });
        let big = render(&doc).unwrap();
        // 40 mm at 300 dpi is 473 pixels; the height follows the proportions.
        assert_eq!(images(&big), vec![(473, 79)]);
        doc.logo = Some(Logo {
            width: 100,
            height: 100,
            rgb: vec![0; 100 * 100 * 3],
        });
        assert_eq!(images(&render(&doc).unwrap()), vec![(100, 100)]);
        assert_eq!(images(&render(&sample()).unwrap()), vec![]);
    }

    #[test]
    fn renders_a_pdf() {
        let bytes = render(&sample()).unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        assert!(bytes.len() < 40_000, "{} bytes", bytes.len());
    }
}
