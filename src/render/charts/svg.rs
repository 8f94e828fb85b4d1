//! A small SVG writer for the chart canvas: integer coordinates, no attribute that repeats a
//! default, and runs of consecutive shapes in one style merged into one element.
//!
//! Charts draw thousands of rectangles, lines and labels; written one element each with every
//! attribute spelled out (as plotters' SVG backend does) they were most of the bytes of the pages
//! that show them. Merging only *consecutive* shapes keeps the painting order, so the picture is
//! the same: filled shapes are all wound clockwise so that their union fills under the nonzero
//! rule, and SVG restarts dashes at every subpath as it would at every element.

use crate::render::format;
use crate::render::html::{escape, escape_into};
use plotters::style::RGBColor;

/// How a run of stroked shapes looks.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) struct Stroke {
    pub color: RGBColor,
    pub width: u32,
    /// (dash, gap) in pixels, for dashed lines.
    pub dash: Option<(i32, i32)>,
}

/// How a run of labels looks; everything but the position and the words.
#[derive(Clone, Copy, PartialEq)]
pub(super) struct TextStyle {
    pub px: f64,
    pub bold: bool,
    pub color: RGBColor,
    /// The SVG `text-anchor`, None for the default "start".
    pub anchor: Option<&'static str>,
}

/// The element that is open for merging.
#[derive(Clone, Copy, PartialEq)]
enum Run {
    None,
    /// `<path fill=… d="…`: filled rectangles, polygons and discs.
    Fill(RGBColor),
    /// `<path fill="none" stroke=… d="…`: lines, outlines and rings.
    Stroke(Stroke),
    /// Hatched areas with their outline: `<path fill="url(#…)" stroke=… d="…`.
    Hatch(usize),
    /// Filled and stroked shapes, `<path fill=… stroke=… d="…`. A path paints all its fill
    /// before all its stroke, so only shapes clear of each other share one: an outlined shape
    /// must still cover the outline of one it overlaps.
    Outlined(RGBColor, Stroke),
    /// `<text>` elements whose shared style is written when the run ends.
    Text(TextStyle),
}

/// A hatch pattern: diagonal `stroke` lines on a `fill` background.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Hatch {
    fill: RGBColor,
    stroke: RGBColor,
}

/// Pixels between hatch lines.
const HATCH_SPACING: i32 = 4;

pub(super) struct Writer {
    out: String,
    run: Run,
    /// Where the open text run starts in `out`, and how many texts it holds.
    run_start: usize,
    run_len: usize,
    hatches: Vec<Hatch>,
    /// The extents (x0, y0, x1, y1) of the shapes in the open outlined run.
    outlined: Vec<[i32; 4]>,
    /// Makes pattern ids unique among the charts of one page (see [`Writer::new`]).
    id_prefix: String,
    /// The points of the line being written, simplified (see [`Writer::line`]).
    simple: Vec<(i32, i32)>,
}

impl Writer {
    /// Start an SVG of `width` × `height` with its accessible name `title` and the chart font.
    /// `key` tells this chart apart from others on the same page (pattern ids derive from it).
    pub fn new(width: u32, height: u32, title: &str, font_family: &str, key: &str) -> Writer {
        let mut out = String::with_capacity(8 * 1024);
        let title = escape(title);
        out.push_str("<svg width=\"");
        push_int(&mut out, width as i32);
        out.push_str("\" height=\"");
        push_int(&mut out, height as i32);
        out.push_str("\" viewBox=\"0 0 ");
        push_int(&mut out, width as i32);
        out.push(' ');
        push_int(&mut out, height as i32);
        out.push_str("\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"");
        out.push_str(&title);
        out.push_str("\" font-family=\"");
        out.push_str(&escape(font_family));
        out.push_str("\">\n<title>");
        out.push_str(&title);
        out.push_str("</title>\n");
        let id_prefix = format!(
            "h{:08x}",
            fnv1a(&[key, "\0", &width.to_string(), "x", &height.to_string()])
        );
        Writer {
            out,
            run: Run::None,
            run_start: 0,
            run_len: 0,
            hatches: Vec::new(),
            outlined: Vec::new(),
            id_prefix,
            simple: Vec::new(),
        }
    }

    /// Close every open element, write the pattern definitions and return the SVG.
    pub fn finish(mut self) -> String {
        self.end_run();
        if !self.hatches.is_empty() {
            self.out.push_str("<defs>");
            for i in 0..self.hatches.len() {
                self.write_pattern(i);
            }
            self.out.push_str("</defs>\n");
        }
        self.out.push_str("</svg>\n");
        self.out
    }

    /// A filled axis-aligned rectangle (corners in any order; empty ones draw nothing).
    pub fn rect(&mut self, x0: i32, y0: i32, x1: i32, y1: i32, fill: RGBColor) {
        let (x0, y0, x1, y1) = ordered(x0, y0, x1, y1);
        if x0 == x1 || y0 == y1 {
            return;
        }
        self.begin(Run::Fill(fill));
        push_rect(&mut self.out, 2 * x0, 2 * y0, 2 * (x1 - x0), 2 * (y1 - y0));
    }

    /// A filled polygon, wound clockwise so that it unites with its neighbours in the run.
    pub fn polygon(&mut self, points: &[(i32, i32)], fill: RGBColor) {
        if points.len() < 3 {
            return;
        }
        self.begin(Run::Fill(fill));
        if signed_area(points) >= 0 {
            push_points(&mut self.out, points.iter().copied());
        } else {
            push_points(&mut self.out, points.iter().rev().copied());
        }
        self.out.push('z');
    }

    pub fn disc(&mut self, x: i32, y: i32, r: u32, fill: RGBColor) {
        self.begin(Run::Fill(fill));
        push_circle(&mut self.out, x, y, r);
    }

    /// An open polyline.
    pub fn line(&mut self, points: &[(i32, i32)], stroke: Stroke) {
        // Simplified into the writer's own buffer: a chart draws hundreds of lines, most of
        // them two points, and a new vector each was an allocation and a free.
        let mut simple = std::mem::take(&mut self.simple);
        simplify(points, &mut simple);
        if simple.len() >= 2 {
            self.begin(Run::Stroke(stroke));
            push_points(&mut self.out, simple.iter().copied());
        }
        self.simple = simple;
    }

    pub fn circle(&mut self, x: i32, y: i32, r: u32, stroke: Stroke) {
        self.begin(Run::Stroke(stroke));
        push_circle(&mut self.out, x, y, r);
    }

    /// A polygon filled with `fill` and outlined with `stroke`.
    pub fn outlined_polygon(&mut self, points: &[(i32, i32)], fill: RGBColor, stroke: Stroke) {
        if points.len() < 3 {
            return;
        }
        let xs = points.iter().map(|p| p.0);
        let ys = points.iter().map(|p| p.1);
        let (x0, x1) = (xs.clone().min().unwrap_or(0), xs.max().unwrap_or(0));
        let (y0, y1) = (ys.clone().min().unwrap_or(0), ys.max().unwrap_or(0));
        // Mitred corners reach out up to the miter limit (4) times half the width.
        let m = 2 * stroke.width.min(1000) as i32 + 1;
        self.begin_outlined(fill, stroke, [x0 - m, y0 - m, x1 + m, y1 + m]);
        push_points(&mut self.out, points.iter().copied());
        self.out.push('z');
    }

    /// A disc filled with `fill` and outlined with `stroke` along its edge.
    pub fn outlined_circle(&mut self, x: i32, y: i32, r: u32, fill: RGBColor, stroke: Stroke) {
        let m = r.min(1_000_000) as i32 + stroke.width.min(1000) as i32 + 1;
        self.begin_outlined(fill, stroke, [x - m, y - m, x + m, y + m]);
        push_circle(&mut self.out, x, y, r);
    }

    /// A rectangle filled with `fill` and framed `stroke.width` pixels wide inside its edge.
    pub fn outlined_rect(
        &mut self,
        x0: i32,
        y0: i32,
        x1: i32,
        y1: i32,
        fill: RGBColor,
        stroke: Stroke,
    ) {
        let (x0, y0, x1, y1) = ordered(x0, y0, x1, y1);
        let w = stroke.width as i32;
        if x1 - x0 <= 2 * w || y1 - y0 <= 2 * w {
            return self.rect(x0, y0, x1, y1, stroke.color);
        }
        self.begin_outlined(fill, stroke, [x0 - 1, y0 - 1, x1 + 1, y1 + 1]);
        push_inset_rect(&mut self.out, x0, y0, x1, y1, w);
    }

    /// Continue the outlined run when its style matches and the new shape (`extent`) is clear of
    /// every shape in it; otherwise start a new element.
    fn begin_outlined(&mut self, fill: RGBColor, stroke: Stroke, extent: [i32; 4]) {
        let run = Run::Outlined(fill, stroke);
        let clear = |b: &[i32; 4]| {
            extent[2] < b[0] || b[2] < extent[0] || extent[3] < b[1] || b[3] < extent[1]
        };
        if self.run != run || !self.outlined.iter().all(clear) || self.outlined.len() >= 64 {
            self.end_run();
            self.begin(run);
            self.outlined.clear();
        }
        self.outlined.push(extent);
    }

    /// A frame `stroke.width` pixels wide just inside the rectangle: one stroke along the
    /// rectangle inset by half the width, which covers exactly the strips of the frame.
    pub fn frame(&mut self, x0: i32, y0: i32, x1: i32, y1: i32, stroke: Stroke) {
        let (x0, y0, x1, y1) = ordered(x0, y0, x1, y1);
        let w = stroke.width as i32;
        if x1 - x0 <= 2 * w || y1 - y0 <= 2 * w {
            // The frame covers it all.
            return self.rect(x0, y0, x1, y1, stroke.color);
        }
        self.begin(Run::Stroke(stroke));
        push_inset_rect(&mut self.out, x0, y0, x1, y1, w);
    }

    /// A rectangle hatched in `stroke` on `fill`, framed by a 1-pixel `stroke` line.
    pub fn hatched(
        &mut self,
        x0: i32,
        y0: i32,
        x1: i32,
        y1: i32,
        fill: RGBColor,
        stroke: RGBColor,
    ) {
        let (x0, y0, x1, y1) = ordered(x0, y0, x1, y1);
        if x1 - x0 <= 2 || y1 - y0 <= 2 {
            return self.rect(x0, y0, x1, y1, stroke);
        }
        let hatch = Hatch { fill, stroke };
        let i = match self.hatches.iter().position(|&h| h == hatch) {
            Some(i) => i,
            None => {
                self.hatches.push(hatch);
                self.hatches.len() - 1
            }
        };
        self.begin(Run::Hatch(i));
        push_inset_rect(&mut self.out, x0, y0, x1, y1, 1);
    }

    /// A label with its baseline at `y` (the caller has applied the vertical anchor).
    pub fn text(&mut self, x: i32, y: i32, text: &str, style: TextStyle) {
        self.begin(Run::Text(style));
        self.run_len += 1;
        self.out.push_str("<text");
        push_text_at(&mut self.out, x, y, text);
    }

    /// A label read bottom to top, turned about (x, y): the anchor point before the baseline
    /// shift `dy`.
    pub fn vertical_text(&mut self, x: i32, y: i32, dy: i32, text: &str, style: TextStyle) {
        self.end_run();
        self.out.push_str("<text");
        push_text_style(&mut self.out, style);
        self.out.push_str(" transform=\"rotate(270 ");
        push_int(&mut self.out, x);
        self.out.push(' ');
        push_int(&mut self.out, y);
        self.out.push_str(")\"");
        push_text_at(&mut self.out, x, y.saturating_add(dy), text);
    }

    /// Continue the open run if it has this style, otherwise close it and open one.
    fn begin(&mut self, run: Run) {
        if self.run == run {
            return;
        }
        self.end_run();
        self.run = run;
        self.run_start = self.out.len();
        self.run_len = 0;
        match run {
            Run::None | Run::Text(_) => {}
            Run::Fill(color) => {
                self.out.push_str("<path fill=\"");
                push_color(&mut self.out, color);
                self.out.push_str("\" d=\"");
            }
            Run::Stroke(stroke) => {
                self.out.push_str("<path fill=\"none\"");
                push_stroke(&mut self.out, stroke);
                self.out.push_str(" d=\"");
            }
            Run::Outlined(fill, stroke) => {
                self.out.push_str("<path fill=\"");
                push_color(&mut self.out, fill);
                self.out.push('"');
                push_stroke(&mut self.out, stroke);
                self.out.push_str(" d=\"");
            }
            Run::Hatch(i) => {
                self.out.push_str("<path fill=\"url(#");
                self.push_pattern_id(i);
                self.out.push_str(")\" stroke=\"");
                push_color(&mut self.out, self.hatches[i].stroke);
                self.out.push_str("\" d=\"");
            }
        }
    }

    fn end_run(&mut self) {
        match self.run {
            Run::None => {}
            Run::Fill(_) | Run::Stroke(_) | Run::Hatch(_) | Run::Outlined(..) => {
                self.out.push_str("\"/>\n")
            }
            Run::Text(style) => self.end_text_run(style),
        }
        self.run = Run::None;
    }

    /// Put the run's shared style on its only text, or on a group around its texts.
    fn end_text_run(&mut self, style: TextStyle) {
        let mut attrs = String::with_capacity(64);
        push_text_style(&mut attrs, style);
        if self.run_len == 1 {
            self.out.insert_str(self.run_start + "<text".len(), &attrs);
        } else {
            self.out
                .insert_str(self.run_start, &format!("<g{attrs}>\n"));
            self.out.push_str("</g>\n");
        }
    }

    fn push_pattern_id(&mut self, i: usize) {
        let Hatch { fill, stroke } = self.hatches[i];
        self.out.push_str(&self.id_prefix);
        self.out.push('-');
        push_hex(&mut self.out, fill);
        push_hex(&mut self.out, stroke);
    }

    /// One tile of the hatch: its background and the diagonal through it, plus the two corner
    /// pieces of the neighbouring diagonals so that lines run on unbroken across tiles.
    fn write_pattern(&mut self, i: usize) {
        let s = HATCH_SPACING;
        self.out.push_str("<pattern id=\"");
        self.push_pattern_id(i);
        let Hatch { fill, stroke } = self.hatches[i];
        self.out.push_str(&format!(
            "\" width=\"{s}\" height=\"{s}\" patternUnits=\"userSpaceOnUse\"><rect width=\"{s}\" height=\"{s}\" fill=\""
        ));
        push_color(&mut self.out, fill);
        self.out.push_str(&format!(
            "\"/><path d=\"M-1 1l2-2M0 {s}l{s}-{s}M{} {}l2-2\" stroke=\"",
            s - 1,
            s + 1
        ));
        push_color(&mut self.out, stroke);
        self.out.push_str("\"/></pattern>");
    }
}

/// Twice the signed area: positive when the points run clockwise on screen (y grows down).
fn signed_area(points: &[(i32, i32)]) -> i64 {
    let next = points.iter().cycle().skip(1);
    points
        .iter()
        .zip(next)
        .map(|(&(x0, y0), &(x1, y1))| i64::from(x0) * i64::from(y1) - i64::from(x1) * i64::from(y0))
        .sum()
}

/// The polyline without repeated points, and without the points inside a straight horizontal
/// or vertical stretch (step lines repeat every month's corner): the same line, fewer numbers.
fn simplify(points: &[(i32, i32)], out: &mut Vec<(i32, i32)>) {
    out.clear();
    for &p in points {
        if out.last() == Some(&p) {
            continue;
        }
        match out[..] {
            [.., a, b] if passes_straight(a, b, p) => {
                let last = out.len() - 1;
                out[last] = p;
            }
            _ => out.push(p),
        }
    }
}

/// Whether the line a → b → c runs on in one horizontal or vertical direction through b.
fn passes_straight(a: (i32, i32), b: (i32, i32), c: (i32, i32)) -> bool {
    let on = |u: i32, v: i32, w: i32| (v - u).signum() == (w - v).signum();
    (a.1 == b.1 && b.1 == c.1 && on(a.0, b.0, c.0))
        || (a.0 == b.0 && b.0 == c.0 && on(a.1, b.1, c.1))
}

/// `M x y`, then each next point as a relative step (`h`, `v` or `l`), leaving out the letter
/// when it repeats, as SVG allows: steps between nearby points are shorter than coordinates.
fn push_points(out: &mut String, mut points: impl Iterator<Item = (i32, i32)>) {
    let Some((mut px, mut py)) = points.next() else {
        return;
    };
    out.push('M');
    push_pair(out, px, py);
    let mut last = 'M';
    for (x, y) in points {
        let (dx, dy) = (i64::from(x) - i64::from(px), i64::from(y) - i64::from(py));
        let (command, first) = match (dx, dy) {
            (_, 0) => ('h', dx),
            (0, _) => ('v', dy),
            _ => ('l', dx),
        };
        if command != last {
            out.push(command);
        } else if first >= 0 {
            out.push(' ');
        }
        format::push_int(out, first);
        if command == 'l' {
            if dy >= 0 {
                out.push(' ');
            }
            format::push_int(out, dy);
        }
        (px, py, last) = (x, y, command);
    }
}

/// A clockwise rectangle from doubled coordinates (so that half pixels stay exact).
fn push_rect(out: &mut String, x2: i32, y2: i32, w2: i32, h2: i32) {
    out.push('M');
    push_half(out, x2);
    out.push(' ');
    push_half(out, y2);
    out.push('h');
    push_half(out, w2);
    out.push('v');
    push_half(out, h2);
    out.push('h');
    push_half(out, -w2);
    out.push('z');
}

/// The rectangle inset by half of `w`, the centre line of a `w`-wide frame inside it.
fn push_inset_rect(out: &mut String, x0: i32, y0: i32, x1: i32, y1: i32, w: i32) {
    push_rect(
        out,
        2 * x0 + w,
        2 * y0 + w,
        2 * (x1 - x0 - w),
        2 * (y1 - y0 - w),
    );
}

/// A circle as two clockwise half arcs (one path can hold many; `<circle>` cannot).
fn push_circle(out: &mut String, x: i32, y: i32, r: u32) {
    let r = r.min(1_000_000) as i32;
    out.push('M');
    push_pair(out, x - r, y);
    for dx in [2 * r, -2 * r] {
        out.push('a');
        push_pair(out, r, r);
        out.push_str(" 0 1 1 ");
        push_pair(out, dx, 0);
    }
    out.push('z');
}

fn push_stroke(out: &mut String, stroke: Stroke) {
    out.push_str(" stroke=\"");
    push_color(out, stroke.color);
    out.push('"');
    // 1 is SVG's default width.
    if stroke.width != 1 {
        out.push_str(" stroke-width=\"");
        push_int(out, stroke.width.min(1000) as i32);
        out.push('"');
    }
    if let Some((dash, gap)) = stroke.dash {
        out.push_str(" stroke-dasharray=\"");
        push_pair(out, dash, gap);
        out.push('"');
    }
}

fn push_text_style(out: &mut String, style: TextStyle) {
    out.push_str(" font-size=\"");
    push_tenths(out, (style.px * 10.0).round() as i64);
    out.push_str("\" fill=\"");
    push_color(out, style.color);
    out.push('"');
    if style.bold {
        out.push_str(" font-weight=\"bold\"");
    }
    if let Some(anchor) = style.anchor {
        out.push_str(" text-anchor=\"");
        out.push_str(anchor);
        out.push('"');
    }
}

fn push_pair(out: &mut String, x: i32, y: i32) {
    push_int(out, x);
    out.push(' ');
    push_int(out, y);
}

/// The end of a `<text` element: its position, the escaped label, the closing tag.
fn push_text_at(out: &mut String, x: i32, y: i32, text: &str) {
    out.push_str(" x=\"");
    push_int(out, x);
    out.push_str("\" y=\"");
    push_int(out, y);
    out.push_str("\">");
    escape_into(out, text);
    out.push_str("</text>\n");
}

/// An integer without going through `fmt` (the writer's hottest path).
fn push_int(out: &mut String, v: i32) {
    format::push_int(out, i64::from(v));
}

/// `v2` / 2, with ".5" for odd values.
fn push_half(out: &mut String, v2: i32) {
    push_fraction(out, i64::from(v2), 2);
}

/// `v` / 10 with at most one decimal.
fn push_tenths(out: &mut String, v: i64) {
    push_fraction(out, v, 10);
}

fn push_fraction(out: &mut String, v: i64, per_unit: i64) {
    if v < 0 {
        out.push('-');
    }
    let a = v.unsigned_abs();
    let per_unit = per_unit.unsigned_abs();
    format::push_int(out, (a / per_unit) as i64);
    let rest = a % per_unit;
    if rest != 0 {
        out.push('.');
        format::push_int(out, (rest * 10 / per_unit) as i64);
    }
}

/// `#RGB` when every channel repeats its digit, `#RRGGBB` otherwise.
fn push_color(out: &mut String, c: RGBColor) {
    out.push('#');
    let short = [c.0, c.1, c.2].iter().all(|v| v >> 4 == v & 0xF);
    for v in [c.0, c.1, c.2] {
        if short {
            out.push(HEX[usize::from(v & 0xF)]);
        } else {
            out.push(HEX[usize::from(v >> 4)]);
            out.push(HEX[usize::from(v & 0xF)]);
        }
    }
}

fn push_hex(out: &mut String, c: RGBColor) {
    for v in [c.0, c.1, c.2] {
        out.push(HEX[usize::from(v >> 4)]);
        out.push(HEX[usize::from(v & 0xF)]);
    }
}

const HEX: [char; 16] = [
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'B', 'C', 'D', 'E', 'F',
];

/// FNV-1a over the parts: a stable hash (std's is seeded per process), for pattern ids.
fn fnv1a(parts: &[&str]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in parts.iter().flat_map(|p| p.bytes()) {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    h
}

/// The corners of a rectangle given in any order, as top-left and bottom-right.
fn ordered(x0: i32, y0: i32, x1: i32, y1: i32) -> (i32, i32, i32, i32) {
    (x0.min(x1), y0.min(y1), x0.max(x1), y0.max(y1))
}

#[cfg(test)]
mod tests {
    use super::*;

    const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
    const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);

    fn body(svg: &str) -> &str {
        let start = svg.find("</title>\n").unwrap() + "</title>\n".len();
        &svg[start..svg.len() - "</svg>\n".len()]
    }

    #[test]
    fn consecutive_shapes_of_one_style_share_an_element() {
        let mut w = Writer::new(100, 50, "T", "F", "k");
        w.rect(10, 10, 0, 0, BLUE);
        w.polygon(&[(0, 0), (0, 4), (4, 0)], BLUE); // counter-clockwise: reversed
        let thin = Stroke {
            color: INK,
            width: 1,
            dash: None,
        };
        w.line(&[(0, 5), (4, 5), (4, 5), (9, 5), (9, 8), (10, 9)], thin);
        w.line(&[(1, 1), (2, 2)], thin);
        w.line(&[(3, 3), (3, 3)], thin);
        assert_eq!(
            body(&w.finish()),
            "<path fill=\"#0072B2\" d=\"M0 0h10v10h-10zM4 0l-4 4v-4z\"/>\n\
             <path fill=\"none\" stroke=\"#222\" d=\"M0 5h9v3l1 1M1 1l1 1\"/>\n"
        );
    }

    #[test]
    fn text_runs_carry_their_style_once() {
        let style = TextStyle {
            px: 12.0,
            bold: false,
            color: INK,
            anchor: Some("end"),
        };
        let mut w = Writer::new(100, 50, "a < b", "F", "k");
        w.text(5, 12, "x & y", style);
        w.text(5, 13, "z", style);
        w.text(
            5,
            14,
            "bold",
            TextStyle {
                bold: true,
                anchor: None,
                ..style
            },
        );
        let svg = w.finish();
        assert!(svg.contains("aria-label=\"a &lt; b\""));
        assert_eq!(
            body(&svg),
            "<g font-size=\"12\" fill=\"#222\" text-anchor=\"end\">\n\
             <text x=\"5\" y=\"12\">x &amp; y</text>\n<text x=\"5\" y=\"13\">z</text>\n</g>\n\
             <text font-size=\"12\" fill=\"#222\" font-weight=\"bold\" x=\"5\" y=\"14\">bold</text>\n"
        );
    }

    #[test]
    fn vertical_text_turns_about_its_anchor() {
        let style = TextStyle {
            px: 13.0,
            bold: false,
            color: INK,
            anchor: Some("middle"),
        };
        let mut w = Writer::new(100, 50, "T", "F", "k");
        w.vertical_text(22, 160, 4, "FTE & more", style);
        assert_eq!(
            body(&w.finish()),
            "<text font-size=\"13\" fill=\"#222\" text-anchor=\"middle\" \
             transform=\"rotate(270 22 160)\" x=\"22\" y=\"164\">FTE &amp; more</text>\n"
        );
    }

    #[test]
    fn frames_and_hatches_stroke_half_a_pixel_inside() {
        let mut w = Writer::new(100, 50, "T", "F", "k");
        w.frame(
            0,
            0,
            10,
            6,
            Stroke {
                color: INK,
                width: 1,
                dash: None,
            },
        );
        w.hatched(0, 0, 10, 6, BLUE, INK);
        w.hatched(20, 0, 21, 6, BLUE, INK); // too thin to show a hatch
        let svg = w.finish();
        assert!(svg.contains("d=\"M0.5 0.5h9v5h-9z\"/>\n<path fill=\"url(#h"));
        assert!(svg.contains("<path fill=\"#222\" d=\"M20 0h1v6h-1z\"/>"));
        assert_eq!(svg.matches("<pattern ").count(), 1);
        assert!(svg.contains("-0072B2222222\" width=\"4\""));
    }

    #[test]
    fn outlined_shapes_share_an_element_only_when_clear_of_each_other() {
        let thick = Stroke {
            color: INK,
            width: 2,
            dash: None,
        };
        let mut w = Writer::new(100, 50, "T", "F", "k");
        w.outlined_polygon(&[(10, 3), (17, 10), (10, 17), (3, 10)], BLUE, thick);
        w.outlined_polygon(&[(40, 3), (47, 10), (40, 17), (33, 10)], BLUE, thick);
        w.outlined_polygon(&[(44, 3), (51, 10), (44, 17), (37, 10)], BLUE, thick);
        assert_eq!(
            body(&w.finish()),
            "<path fill=\"#0072B2\" stroke=\"#222\" stroke-width=\"2\" \
             d=\"M10 3l7 7-7 7-7-7zM40 3l7 7-7 7-7-7z\"/>\n\
             <path fill=\"#0072B2\" stroke=\"#222\" stroke-width=\"2\" d=\"M44 3l7 7-7 7-7-7z\"/>\n"
        );
    }

    #[test]
    fn numbers() {
        let mut s = String::new();
        push_int(&mut s, -1203);
        push_tenths(&mut s, -35);
        s.push(' ');
        push_tenths(&mut s, 120);
        s.push(' ');
        push_half(&mut s, -1);
        push_color(&mut s, RGBColor(0xFF, 0xFF, 0xFF));
        assert_eq!(s, "-1203-3.5 12 -0.5#FFF");
    }
}
