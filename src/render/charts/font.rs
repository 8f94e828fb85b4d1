//! The chart font: DejaVu Sans, shipped with the theme, parsed once, and used to measure every
//! label so that truncation and placement match what the browser draws.

use std::cell::RefCell;
// Fx, not SipHash (~175 instructions per label): the keys are the site's own labels.
use rustc_hash::FxHashMap as HashMap;
use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, GlyphId, ScaleFont};

/// The CSS family name the SVG text uses. A generic fallback is part of the name: a page without
/// the `@font-face` still gets a sans-serif face instead of the browser's serif default.
pub const FONT_FAMILY: &str = "DejaVu Sans, sans-serif";

/// The font files the page must serve (relative to the theme's `static/`) for the
/// `@font-face` rules of [`FONT_FAMILY`]: (path, weight).
pub const FONT_FILES: [(&str, u16); 2] = [
    ("fonts/DejaVuSans.ttf", 400),
    ("fonts/DejaVuSans-Bold.ttf", 700),
];

/// The `@font-face` rules a page needs for the charts it inlines; `prefix` leads from the page to
/// the site's static files (for example `"../static/"`).
pub fn font_face_css(prefix: &str) -> String {
    FONT_FILES
        .iter()
        .map(|(file, weight)| {
            format!(
                "@font-face {{ font-family: \"DejaVu Sans\"; src: url(\"{prefix}{file}\") format(\"truetype\"); font-weight: {weight}; font-style: normal; }}\n"
            )
        })
        .collect()
}

static REGULAR: &[u8] = include_bytes!("../../../themes/default/static/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../../themes/default/static/fonts/DejaVuSans-Bold.ttf");

/// The size measured at; large so that the integer rounding of a width costs no precision.
const PROBE_SIZE: f64 = 1000.0;

/// ab_glyph scales a font so that ascent − descent equals the size, while a browser scales the
/// em square to the font size. `em_ratio` = (ascent − descent) / units-per-em converts one into the
/// other; it is read from the font's own tables.
struct Metrics {
    em_ratio: f64,
    /// Regular and bold, parsed once. Measured with ab_glyph directly, the way plotters' ab_glyph
    /// backend lays text out (advance, then kerning with the previous glyph, summed in `f32` and
    /// truncated), so that widths are the same as when charts measured through plotters; doing
    /// it here lets [`ellipsize`] measure every prefix of a name in one pass.
    faces: [Option<FontRef<'static>>; 2],
}

static METRICS: OnceLock<Metrics> = OnceLock::new();

/// The fonts' metrics, read once per process.
fn metrics() -> &'static Metrics {
    METRICS.get_or_init(|| Metrics {
        em_ratio: em_ratio(REGULAR).unwrap_or(1.0),
        // A font that fails to parse would be a build defect (the bytes are embedded); text is
        // then written unmeasured rather than failing a whole site build.
        faces: [
            FontRef::try_from_slice(REGULAR).ok(),
            FontRef::try_from_slice(BOLD).ok(),
        ],
    })
}

/// (hhea ascender − hhea descender) / head unitsPerEm, or None for a malformed font.
fn em_ratio(font: &[u8]) -> Option<f64> {
    let be16 = |at: usize| -> Option<u16> {
        font.get(at..at + 2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
    };
    let be32 = |at: usize| -> Option<u32> {
        font.get(at..at + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    let tables = usize::from(be16(4)?);
    let find = |tag: &[u8; 4]| -> Option<usize> {
        (0..tables)
            .map(|i| 12 + 16 * i)
            .find(|&rec| font.get(rec..rec + 4) == Some(&tag[..]))
            .and_then(|rec| be32(rec + 8))
            .map(|off| off as usize)
    };
    let units_per_em = f64::from(be16(find(b"head")? + 18)?);
    let hhea = find(b"hhea")?;
    let ascent = f64::from(be16(hhea + 4)? as i16);
    let descent = f64::from(be16(hhea + 6)? as i16);
    (units_per_em > 0.0).then(|| (ascent - descent) / units_per_em)
}

/// The width in CSS pixels of `text` set in the chart font at `px` pixels.
pub fn text_width(text: &str, px: f64, bold: bool) -> f64 {
    width_from(probe_width(text, bold), text, px)
}

fn width_from(probe: Option<u32>, text: &str, px: f64) -> f64 {
    match probe {
        Some(w) => f64::from(w) * metrics().em_ratio * px / PROBE_SIZE,
        // Unmeasurable: assume a generous average glyph width so nothing overlaps.
        None => text.chars().count() as f64 * px * 0.62,
    }
}

/// Widths at the probe size, regular and bold, per thread: charts measure the same axis
/// labels, legends and names over and over, and laying out glyphs with kerning costs far more
/// than a lookup.
type WidthCache = RefCell<[HashMap<String, Option<u32>>; 2]>;

thread_local! {
    static WIDTHS: WidthCache = RefCell::default();
}

/// Enough for every distinct label of a large site; past it the cache starts over rather than
/// grow without bound in a long `serve` session.
const CACHE_LIMIT: usize = 50_000;

fn probe_width(text: &str, bold: bool) -> Option<u32> {
    WIDTHS.with(|cache| {
        let style = usize::from(bold);
        if let Some(w) = cache.borrow()[style].get(text) {
            return *w;
        }
        let w = measure(text, bold);
        let mut cache = cache.borrow_mut();
        if cache[style].len() >= CACHE_LIMIT {
            cache[style].clear();
        }
        cache[style].insert(text.to_string(), w);
        w
    })
}

/// The regular or bold face at the probe size; `None` when it did not parse.
fn scaled(bold: bool) -> Option<Scaled> {
    let face = metrics().faces[usize::from(bold)].as_ref()?;
    Some(face.as_scaled(PROBE_SIZE as f32))
}

/// A face at the probe size, with its ASCII glyphs' ids and advances looked up once: a label
/// is laid out glyph by glyph, and the font's tables cost ~500 instructions a glyph.
struct Face {
    font: Scaled,
    style: usize,
    ids: [GlyphId; 128],
    advances: [f32; 128],
}

static FACES: OnceLock<[Option<Face>; 2]> = OnceLock::new();

/// The regular or bold [`Face`], made once per process; `None` when the font did not parse.
fn face(bold: bool) -> Option<&'static Face> {
    FACES.get_or_init(|| [make_face(false), make_face(true)])[usize::from(bold)].as_ref()
}

fn make_face(bold: bool) -> Option<Face> {
    let font = scaled(bold)?;
    let ids: [GlyphId; 128] = std::array::from_fn(|c| font.glyph_id(char::from(c as u8)));
    let advances = ids.map(|g| font.h_advance(g));
    Some(Face {
        font,
        style: usize::from(bold),
        ids,
        advances,
    })
}

/// Kerning between two ASCII characters, per face, filled in as pairs come up (NaN: not yet
/// looked up). The same values the font gives, so widths are the same to the last bit.
type KernCache = RefCell<[Vec<f32>; 2]>;

thread_local! {
    static KERNS: KernCache = RefCell::new([vec![f32::NAN; 128 * 128], vec![f32::NAN; 128 * 128]]);
}

fn measure(text: &str, bold: bool) -> Option<u32> {
    let face = face(bold)?;
    let mut run = Run::default();
    for c in text.chars() {
        run.push_char(face, c);
    }
    Some(run.width())
}

/// Text laid out glyph by glyph, as plotters' ab_glyph backend does it.
#[derive(Clone, Copy, Default)]
struct Run {
    x: f32,
    prev: Option<GlyphId>,
    /// The previous character when it was ASCII, for the kerning cache.
    prev_ascii: Option<u8>,
}

impl Run {
    fn push(&mut self, font: &Scaled, g: GlyphId) {
        self.x += font.h_advance(g);
        if let Some(p) = self.prev {
            self.x += font.kern(p, g);
        }
        self.prev = Some(g);
        self.prev_ascii = None;
    }

    /// `push` of `c`'s glyph, from the face's tables when `c` is ASCII. The advance and the
    /// kerning are added in the same order as `push` adds them.
    fn push_char(&mut self, face: &Face, c: char) {
        let Some(a) = u8::try_from(c).ok().filter(u8::is_ascii) else {
            return self.push(&face.font, face.font.glyph_id(c));
        };
        let g = face.ids[usize::from(a)];
        self.x += face.advances[usize::from(a)];
        match (self.prev_ascii, self.prev) {
            (Some(p), _) => self.x += kern_ascii(face, p, a),
            (None, Some(p)) => self.x += face.font.kern(p, g),
            (None, None) => {}
        }
        self.prev = Some(g);
        self.prev_ascii = Some(a);
    }

    /// The width at the probe size, truncated like plotters' layout box.
    fn width(&self) -> u32 {
        (self.x as i32).unsigned_abs()
    }
}

/// `text` shortened with an ellipsis so that it fits in `max` pixels (possibly just "…", or
/// nothing when not even that fits).
pub(crate) fn ellipsize(text: &str, px: f64, bold: bool, max: f64) -> String {
    if text_width(text, px, bold) <= max {
        return text.to_string();
    }
    // The same names are cut to the same widths in chart after chart (an initiative appears in
    // the timeline and in the Gantt chart of every department above it).
    let key = (text.to_string(), bold, px.to_bits(), max.to_bits());
    if let Some(cut) = CUTS.with(|c| c.borrow().get(&key).cloned()) {
        return cut;
    }
    let cut = cut_to_fit(text, px, bold, max);
    CUTS.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= CACHE_LIMIT {
            c.clear();
        }
        c.insert(key, cut.clone());
    });
    cut
}

type CutCache = RefCell<HashMap<(String, bool, u64, u64), String>>;

thread_local! {
    static CUTS: CutCache = RefCell::default();
}

fn cut_to_fit(text: &str, px: f64, bold: bool, max: f64) -> String {
    let chars: Vec<char> = text.chars().collect();
    // Each candidate is a prefix without its trailing white space, then "…": laid out glyph by
    // glyph, its width is the prefix's run (measured once for all prefixes here) plus the
    // ellipsis, summed in the same order as measuring the candidate string itself would.
    let widths = prefix_widths(&chars, bold);
    let kept = |n: usize| {
        chars[..n]
            .iter()
            .rposition(|c| !c.is_whitespace())
            .map_or(0, |i| i + 1)
    };
    let fits = |n: usize| {
        let width = match &widths {
            Some((runs, font, ellipsis)) => {
                let mut run = runs[kept(n)];
                run.push(font, *ellipsis);
                width_from(Some(run.width()), "", px)
            }
            None => width_from(None, &candidate(&chars, kept(n)), px),
        };
        width <= max
    };
    longest_fitting(chars.len(), fits).map_or_else(String::new, |n| candidate(&chars, kept(n)))
}

/// The largest n ≤ `len` for which `fits(n)`, or `None` when not even 0 fits. Widths grow with
/// the prefix length, so it is found by bisection.
fn longest_fitting(len: usize, fits: impl Fn(usize) -> bool) -> Option<usize> {
    let (mut lo, mut hi) = (0usize, len);
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if fits(mid) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    (lo > 0 || fits(0)).then_some(lo)
}

fn candidate(chars: &[char], n: usize) -> String {
    let mut c: String = chars[..n].iter().collect();
    c.push('…');
    c
}

type Scaled = ab_glyph::PxScaleFont<&'static FontRef<'static>>;

fn kern_ascii(face: &Face, prev: u8, c: u8) -> f32 {
    let at = usize::from(prev) * 128 + usize::from(c);
    KERNS.with(|cache| {
        let cached = cache.borrow()[face.style][at];
        if !cached.is_nan() {
            return cached;
        }
        let k = face
            .font
            .kern(face.ids[usize::from(prev)], face.ids[usize::from(c)]);
        cache.borrow_mut()[face.style][at] = k;
        k
    })
}

/// The run after each prefix of `chars` (`runs[n]` for the first n), the scaled font and the
/// ellipsis glyph; `None` when the font did not parse.
fn prefix_widths(chars: &[char], bold: bool) -> Option<(Vec<Run>, Scaled, GlyphId)> {
    let face = face(bold)?;
    let mut runs = Vec::with_capacity(chars.len() + 1);
    let mut run = Run::default();
    runs.push(run);
    for &c in chars {
        run.push_char(face, c);
        runs.push(run);
    }
    let ellipsis = face.font.glyph_id('…');
    Some((runs, face.font, ellipsis))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_come_from_the_font() {
        // DejaVu Sans: ascender 1901, descender −483, 2048 units per em.
        let ratio = em_ratio(REGULAR).unwrap();
        assert!((ratio - 2384.0 / 2048.0).abs() < 1e-9);
    }

    /// The tables of ASCII glyphs and the kerning cache give the widths the font's own tables
    /// give, to the last bit, for ASCII, mixed and non-ASCII text, and again once cached.
    #[test]
    fn cached_glyphs_measure_as_the_font_does() {
        let by_font = |text: &str, bold: bool| {
            let font = scaled(bold).unwrap();
            let mut run = Run::default();
            text.chars().for_each(|c| run.push(&font, font.glyph_id(c)));
            run.x
        };
        let texts = [
            "AV WAVE Ty To Va kerning pairs: AVAVAV TTT",
            "Wartungsfenster für Rechenzentrum Süd · Übergabe",
            "“Quoted” — T€st Ÿes 2027-Q3 ~{|}",
            "\u{7f}\u{0}\ttabs",
            "",
        ];
        for _ in 0..2 {
            for text in texts {
                for bold in [false, true] {
                    let face = face(bold).unwrap();
                    let mut run = Run::default();
                    text.chars().for_each(|c| run.push_char(face, c));
                    assert_eq!(run.x.to_bits(), by_font(text, bold).to_bits(), "{text:?}");
                }
            }
        }
    }

    #[test]
    fn widths_match_the_fonts_advances() {
        // The digits of DejaVu Sans are 1303 units wide: 0.636 em.
        let w = text_width("0000000000", 10.0, false);
        assert!((w - 10.0 * 10.0 * 1303.0 / 2048.0).abs() < 0.2, "{w}");
        assert!(text_width("Bold", 13.0, true) > text_width("Bold", 13.0, false));
        assert_eq!(text_width("", 13.0, false), 0.0);
    }

    /// The cut as it was made before prefixes were measured in one pass: every candidate
    /// string laid out on its own (the same search, the old measuring).
    fn cut_by_measuring_each_candidate(text: &str, px: f64, bold: bool, max: f64) -> String {
        let chars: Vec<char> = text.chars().collect();
        let candidate = |n: usize| {
            let mut c: String = chars[..n].iter().collect();
            c.truncate(c.trim_end().len());
            c.push('…');
            c
        };
        let fits = |n: usize| text_width(&candidate(n), px, bold) <= max;
        longest_fitting(chars.len(), fits).map_or_else(String::new, candidate)
    }

    #[test]
    fn one_pass_cuts_equal_measuring_each_candidate() {
        let names = [
            "A very long initiative title that cannot possibly fit in the column",
            "Customer data platform  — phase 2 (EU rollout)",
            "Wartungsfenster für Rechenzentrum Süd · Übergabe",
            "AV WAVE Ty To Va kerning pairs: AVAVAV TTT",
            "trailing spaces before the cut                    and after",
            "x",
        ];
        for name in names {
            for bold in [false, true] {
                for max in [0.5, 9.0, 14.0, 40.0, 77.7, 120.0, 250.0] {
                    assert_eq!(
                        cut_to_fit(name, 13.0, bold, max),
                        cut_by_measuring_each_candidate(name, 13.0, bold, max),
                        "{name:?} bold {bold} in {max} px"
                    );
                }
            }
        }
    }

    #[test]
    fn ellipsis_fits_and_keeps_short_text() {
        assert_eq!(ellipsize("Short", 13.0, false, 200.0), "Short");
        let long = "A very long initiative title that cannot possibly fit in the column";
        let cut = ellipsize(long, 13.0, false, 120.0);
        assert!(cut.ends_with('…'));
        assert!(text_width(&cut, 13.0, false) <= 120.0);
        assert_eq!(ellipsize(long, 13.0, false, 1.0), "");
    }
}
