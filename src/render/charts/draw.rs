//! A thin pixel canvas over plotters' SVG backend: the few primitives the charts need, the shared
//! palette and marker shapes, and the finishing of the SVG (accessible title, root font).
//!
//! Charts lay themselves out in integer pixels and draw here; plotters' chart builder is not used
//! because the charts need grouped rows, fiscal time axes and measured truncation it cannot do.

use plotters::backend::SVGBackend;
use plotters::coord::Shift;
use plotters::drawing::{DrawingArea, IntoDrawingArea};
use plotters::element::{Circle, PathElement, Polygon, Rectangle, Text};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, RGBColor};
use plotters::style::{FontDesc, FontFamily, FontStyle, FontTransform};

use super::font::{ensure_registered, FONT_FAMILY, PLOTTERS_SIZE_FACTOR};
use super::Status;

/// Okabe–Ito, the palette that stays distinguishable with every common colour-vision deficiency.
pub(crate) mod palette {
    use plotters::style::RGBColor;
    pub const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
    pub const GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
    pub const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
    pub const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
    pub const PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
    // Neutrals for text, axes and grids.
    pub const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
    pub const MUTED: RGBColor = RGBColor(0x5F, 0x5F, 0x5F);
    pub const AXIS: RGBColor = RGBColor(0x9A, 0x9A, 0x9A);
    pub const GRID: RGBColor = RGBColor(0xE4, 0xE4, 0xE4);
    pub const BAND: RGBColor = RGBColor(0xF3, 0xF5, 0xF7);
    pub const STRIPE: RGBColor = RGBColor(0xFA, 0xFA, 0xFA);
    pub const PALE: RGBColor = RGBColor(0xD4, 0xD4, 0xD4);
    pub const WHITE: RGBColor = RGBColor(0xFF, 0xFF, 0xFF);
}

use palette::*;

/// Text sizes in CSS pixels.
pub(crate) const TITLE_PX: f64 = 16.0;
pub(crate) const LABEL_PX: f64 = 13.0;
pub(crate) const SMALL_PX: f64 = 12.0;

/// How a piece of text is set.
#[derive(Clone, Copy)]
pub(crate) struct Font {
    pub px: f64,
    pub bold: bool,
    pub color: RGBColor,
    pub h: HPos,
    pub v: VPos,
    pub vertical: bool,
}

impl Font {
    pub fn new(px: f64) -> Self {
        Font {
            px,
            bold: false,
            color: INK,
            h: HPos::Left,
            v: VPos::Center,
            vertical: false,
        }
    }
    pub fn bold(self) -> Self {
        Font { bold: true, ..self }
    }
    pub fn color(self, color: RGBColor) -> Self {
        Font { color, ..self }
    }
    pub fn anchor(self, h: HPos, v: VPos) -> Self {
        Font { h, v, ..self }
    }
    /// Read bottom to top (the y-axis title).
    pub fn vertical(self) -> Self {
        Font {
            vertical: true,
            ..self
        }
    }
}

/// A marker's shape, the non-colour half of a status or series cue.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Shape {
    Circle,
    Ring,
    Triangle,
    Square,
    HollowSquare,
    Check,
    Cross,
    Diamond,
    HollowDiamond,
}

/// The colour of a status's bar and marker.
pub(crate) fn status_color(status: Status) -> RGBColor {
    match status {
        Status::NotStarted => RGBColor(0x8C, 0x8C, 0x8C),
        Status::OnTrack => GREEN,
        Status::AtRisk => ORANGE,
        Status::OffTrack => VERMILLION,
        Status::Done => BLUE,
        Status::Cancelled => RGBColor(0x6E, 0x6E, 0x6E),
        Status::NoUpdate => PURPLE,
    }
}

/// The bar fill of a status: lighter for states with no progress to show.
pub(crate) fn status_fill(status: Status) -> RGBColor {
    match status {
        Status::NotStarted => RGBColor(0xCF, 0xCF, 0xCF),
        Status::Cancelled => RGBColor(0xEC, 0xEC, 0xEC),
        other => status_color(other),
    }
}

pub(crate) fn status_shape(status: Status) -> Shape {
    match status {
        Status::NotStarted => Shape::Ring,
        Status::OnTrack => Shape::Circle,
        Status::AtRisk => Shape::Triangle,
        Status::OffTrack => Shape::Square,
        Status::Done => Shape::Check,
        Status::Cancelled => Shape::Cross,
        Status::NoUpdate => Shape::HollowSquare,
    }
}

/// A lighter tint of `c` (t = 0: c, t = 1: white), for fills behind hatching.
pub(crate) fn tint(c: RGBColor, t: f64) -> RGBColor {
    let mix = |v: u8| {
        (f64::from(v) + (255.0 - f64::from(v)) * t)
            .round()
            .clamp(0.0, 255.0) as u8
    };
    RGBColor(mix(c.0), mix(c.1), mix(c.2))
}

/// Round a layout coordinate to the pixel grid, saturating instead of overflowing.
pub(crate) fn px(v: f64) -> i32 {
    if v.is_finite() {
        v.round().clamp(-1.0e6, 1.0e7) as i32
    } else {
        0
    }
}

pub(crate) struct Canvas<'a> {
    area: DrawingArea<SVGBackend<'a>, Shift>,
}

// Drawing into a String cannot fail once the font is registered, so the Results of the
// individual draw calls carry nothing worth propagating; they are deliberately ignored.
impl Canvas<'_> {
    pub fn rect(&self, x0: i32, y0: i32, x1: i32, y1: i32, fill: RGBColor) {
        // SVG rejects negative widths: normalise the corners.
        let (x0, x1) = (x0.min(x1), x0.max(x1));
        let (y0, y1) = (y0.min(y1), y0.max(y1));
        let _ = self
            .area
            .draw(&Rectangle::new([(x0, y0), (x1, y1)], fill.filled()));
    }

    /// A frame `width` pixels wide just inside the rectangle. Drawn as filled strips because
    /// plotters' SVG rectangles ignore the stroke width, and strips stay crisp on the pixel grid.
    pub fn outline(&self, x0: i32, y0: i32, x1: i32, y1: i32, color: RGBColor, width: u32) {
        let (x0, x1) = (x0.min(x1), x0.max(x1));
        let (y0, y1) = (y0.min(y1), y0.max(y1));
        let w = (width.max(1) as i32)
            .min((x1 - x0) / 2)
            .min((y1 - y0) / 2)
            .max(1);
        self.rect(x0, y0, x1, y0 + w, color);
        self.rect(x0, y1 - w, x1, y1, color);
        self.rect(x0, y0 + w, x0 + w, y1 - w, color);
        self.rect(x1 - w, y0 + w, x1, y1 - w, color);
    }

    pub fn line(&self, points: &[(i32, i32)], color: RGBColor, width: u32) {
        if points.len() < 2 {
            return;
        }
        let _ = self.area.draw(&PathElement::new(
            points.to_vec(),
            color.stroke_width(width),
        ));
    }

    /// A dashed polyline. Plotters would draw every dash as its own element (tens of thousands
    /// on a long dependency arrow), so the line is drawn whole with a sentinel opacity that
    /// [`finish`] turns into an SVG `stroke-dasharray`.
    pub fn dashed(&self, points: &[(i32, i32)], color: RGBColor, width: u32, dash: i32, gap: i32) {
        if points.len() < 2 {
            return;
        }
        let pattern = DASHES
            .iter()
            .position(|&(d, g, _)| (d, g) == (dash, gap))
            .unwrap_or(0);
        let style = color.mix(DASHES[pattern].2).stroke_width(width);
        let _ = self.area.draw(&PathElement::new(points.to_vec(), style));
    }

    pub fn polygon(&self, points: &[(i32, i32)], fill: RGBColor) {
        if points.len() < 3 {
            return;
        }
        let _ = self
            .area
            .draw(&Polygon::new(points.to_vec(), fill.filled()));
    }

    pub fn circle(&self, x: i32, y: i32, r: u32, fill: RGBColor) {
        let _ = self.area.draw(&Circle::new((x, y), r, fill.filled()));
    }

    pub fn ring(&self, x: i32, y: i32, r: u32, color: RGBColor, width: u32) {
        let _ = self.area.draw(&Circle::new((x, y), r, WHITE.filled()));
        self.stroke_circle(x, y, r, color, width);
    }

    pub fn stroke_circle(&self, x: i32, y: i32, r: u32, color: RGBColor, width: u32) {
        let _ = self
            .area
            .draw(&Circle::new((x, y), r, color.stroke_width(width)));
    }

    pub fn text(&self, x: i32, y: i32, text: &str, font: Font) {
        if text.is_empty() {
            return;
        }
        let style = if font.bold {
            FontStyle::Bold
        } else {
            FontStyle::Normal
        };
        let mut desc = FontDesc::new(
            FontFamily::Name(FONT_FAMILY),
            font.px * PLOTTERS_SIZE_FACTOR,
            style,
        );
        if font.vertical {
            desc = desc.transform(FontTransform::Rotate270);
        }
        let style = desc.color(&font.color).pos(Pos::new(font.h, font.v));
        let _ = self.area.draw(&Text::new(text.to_string(), (x, y), style));
    }

    /// Diagonal hatching inside a rectangle: the "not certain" texture (forecasts, overruns).
    /// One zigzag polyline whose joins run along the rectangle's edges, which callers outline,
    /// instead of one element per stroke.
    pub fn hatch(&self, x0: i32, y0: i32, x1: i32, y1: i32, color: RGBColor, spacing: i32) {
        let (x0, x1) = (x0.min(x1), x0.max(x1));
        let (y0, y1) = (y0.min(y1), y0.max(y1));
        let spacing = spacing.max(2);
        let mut points = Vec::new();
        // Lines x + y = k, clipped to the rectangle, walked alternately up and down.
        let mut k = x0 + y0 + spacing;
        let mut up = true;
        while k < x1 + y1 {
            let xa = x0.max(k - y1);
            let xb = x1.min(k - y0);
            if xa < xb {
                let (a, b) = ((xa, k - xa), (xb, k - xb));
                points.extend(if up { [a, b] } else { [b, a] });
                up = !up;
            }
            k += spacing;
        }
        self.line(&points, color, 1);
    }

    /// A marker of `shape` centred on (x, y) with radius `r`.
    pub fn marker(&self, shape: Shape, x: i32, y: i32, r: i32, color: RGBColor) {
        let r = r.max(2);
        let ru = r as u32;
        match shape {
            Shape::Circle => self.circle(x, y, ru, color),
            Shape::Ring => self.ring(x, y, ru.saturating_sub(1).max(1), color, 2),
            Shape::Triangle => self.polygon(
                &[(x, y - r - 1), (x + r + 1, y + r), (x - r - 1, y + r)],
                color,
            ),
            Shape::Square => self.rect(x - r + 1, y - r + 1, x + r - 1, y + r - 1, color),
            Shape::HollowSquare => {
                self.rect(x - r + 1, y - r + 1, x + r - 1, y + r - 1, WHITE);
                self.outline(x - r + 1, y - r + 1, x + r - 1, y + r - 1, color, 2);
            }
            Shape::Check => self.line(
                &[(x - r, y), (x - r / 3, y + r - 1), (x + r, y - r)],
                color,
                3,
            ),
            Shape::Cross => {
                self.line(&[(x - r + 1, y - r + 1), (x + r - 1, y + r - 1)], color, 2);
                self.line(&[(x - r + 1, y + r - 1), (x + r - 1, y - r + 1)], color, 2);
            }
            Shape::Diamond => self.polygon(&diamond(x, y, r), color),
            Shape::HollowDiamond => {
                self.polygon(&diamond(x, y, r), WHITE);
                let mut d = diamond(x, y, r).to_vec();
                d.push(d[0]);
                self.line(&d, color, 2);
            }
        }
    }

    pub fn status_marker(&self, status: Status, x: i32, y: i32, r: i32) {
        self.marker(status_shape(status), x, y, r, status_color(status));
    }
}

/// Dash patterns (dash, gap) and the opacity that marks each in plotters' output; no chart
/// draws anything else with these opacities.
const DASHES: [(i32, i32, f64); 4] = [(6, 4, 0.991), (5, 3, 0.992), (6, 3, 0.993), (4, 3, 0.994)];

fn diamond(x: i32, y: i32, r: i32) -> [(i32, i32); 4] {
    [(x, y - r), (x + r, y), (x, y + r), (x - r, y)]
}

/// Draw a chart of `width` × `height` pixels with `paint` and return the finished SVG.
pub(crate) fn render_svg(
    width: u32,
    height: u32,
    title: &str,
    paint: impl FnOnce(&Canvas),
) -> String {
    ensure_registered();
    let (width, height) = (width.clamp(1, 100_000), height.clamp(1, 10_000_000));
    let mut buf = String::new();
    {
        let area = SVGBackend::with_string(&mut buf, (width, height)).into_drawing_area();
        let _ = area.fill(&WHITE);
        let canvas = Canvas { area };
        paint(&canvas);
        let _ = canvas.area.present();
    }
    finish(buf, title)
}

/// Give the SVG an accessible name and the chart font on its root element.
fn finish(svg: String, title: &str) -> String {
    let title = escape(title);
    let root_end = "xmlns=\"http://www.w3.org/2000/svg\">";
    let extra = format!(
        "xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"{title}\" font-family=\"{}\">\n<title>{title}</title>",
        escape(FONT_FAMILY)
    );
    let mut svg = svg.replacen(root_end, &extra, 1);
    for (dash, gap, alpha) in DASHES {
        let sentinel = format!("opacity=\"{alpha}\"");
        let dashed = format!("opacity=\"1\" stroke-dasharray=\"{dash} {gap}\"");
        svg = svg.replace(&sentinel, &dashed);
    }
    svg
}

pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}
