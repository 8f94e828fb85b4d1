//! A pixel canvas for the charts: the few primitives they need, the shared palette and marker
//! shapes. The SVG is written by [`super::svg`], compact and with an accessible name.
//!
//! Charts lay themselves out in integer pixels and draw here; plotters' chart builder is not used
//! because the charts need grouped rows, fiscal time axes and measured truncation it cannot do,
//! and its SVG backend is not used either: one element per shape with every attribute spelled
//! out made the charts most of the site's bytes, and its text path re-resolved the font for
//! every label. Plotters still measures text (see `font.rs`).

use std::cell::RefCell;

use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::RGBColor;

use super::font::FONT_FAMILY;
use super::svg::{Stroke, TextStyle, Writer};
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

/// The x-height of DejaVu Sans in em: it has no OS/2 x-height, so browsers measure its "x",
/// 1120 of 2048 units tall.
const X_HEIGHT_EM: f64 = 1120.0 / 2048.0;
/// A label hanging from its anchor has its baseline this far below: the ascent of capitals.
const HANGING_EM: f64 = 0.76;

/// How far below its anchor point a label's baseline goes, in whole pixels. SVG places text by
/// its baseline; a label centred on y sits half an x-height (CSS `0.5ex`) lower. Browsers round
/// the x-height to a pixel and the baseline to the nearest pixel, so computing the shift the same
/// way places every label on the pixel row a `dy="0.5ex"` attribute would, without the attribute.
fn baseline_shift(v: VPos, px: f64) -> i32 {
    let half_ex = 0.5 * (X_HEIGHT_EM * px).round();
    let shift = match v {
        VPos::Top => HANGING_EM * px,
        VPos::Center => half_ex,
        VPos::Bottom => -half_ex,
    };
    (shift + 0.5).floor() as i32
}

pub(crate) struct Canvas {
    svg: RefCell<Writer>,
}

impl Canvas {
    pub fn rect(&self, x0: i32, y0: i32, x1: i32, y1: i32, fill: RGBColor) {
        self.svg.borrow_mut().rect(x0, y0, x1, y1, fill);
    }

    /// A frame `width` pixels wide just inside the rectangle.
    pub fn outline(&self, x0: i32, y0: i32, x1: i32, y1: i32, color: RGBColor, width: u32) {
        let (w, h) = ((x1 - x0).abs(), (y1 - y0).abs());
        let width = (width.max(1) as i32).min(w / 2).min(h / 2).max(1) as u32;
        let stroke = Stroke {
            color,
            width,
            dash: None,
        };
        self.svg.borrow_mut().frame(x0, y0, x1, y1, stroke);
    }

    pub fn line(&self, points: &[(i32, i32)], color: RGBColor, width: u32) {
        let stroke = Stroke {
            color,
            width,
            dash: None,
        };
        self.svg.borrow_mut().line(points, stroke);
    }

    /// A dashed polyline: one element with an SVG dash pattern, however long the line.
    pub fn dashed(&self, points: &[(i32, i32)], color: RGBColor, width: u32, dash: i32, gap: i32) {
        let stroke = Stroke {
            color,
            width,
            dash: Some((dash.max(1), gap.max(1))),
        };
        self.svg.borrow_mut().line(points, stroke);
    }

    pub fn polygon(&self, points: &[(i32, i32)], fill: RGBColor) {
        self.svg.borrow_mut().polygon(points, fill);
    }

    pub fn circle(&self, x: i32, y: i32, r: u32, fill: RGBColor) {
        self.svg.borrow_mut().disc(x, y, r, fill);
    }

    /// A white disc in a `color` ring.
    pub fn ring(&self, x: i32, y: i32, r: u32, color: RGBColor, width: u32) {
        let stroke = Stroke {
            color,
            width,
            dash: None,
        };
        self.svg
            .borrow_mut()
            .outlined_circle(x, y, r, WHITE, stroke);
    }

    pub fn stroke_circle(&self, x: i32, y: i32, r: u32, color: RGBColor, width: u32) {
        let stroke = Stroke {
            color,
            width,
            dash: None,
        };
        self.svg.borrow_mut().circle(x, y, r, stroke);
    }

    /// `text` set in `font` at the anchor point (x, y).
    pub fn text(&self, x: i32, y: i32, text: &str, font: Font) {
        if text.is_empty() {
            return;
        }
        let style = TextStyle {
            px: font.px,
            bold: font.bold,
            color: font.color,
            anchor: match font.h {
                HPos::Left => None,
                HPos::Center => Some("middle"),
                HPos::Right => Some("end"),
            },
        };
        let dy = baseline_shift(font.v, font.px);
        let mut svg = self.svg.borrow_mut();
        if font.vertical {
            svg.vertical_text(x, y, dy, text, style);
        } else {
            svg.text(x, y.saturating_add(dy), text, style);
        }
    }

    /// A rectangle hatched with diagonal `color` lines on a `lightness` tint of it, framed in
    /// `color`: the "not certain" texture (forecasts, overruns), distinguishable without colour.
    pub fn hatched(&self, x0: i32, y0: i32, x1: i32, y1: i32, color: RGBColor, lightness: f64) {
        let fill = tint(color, lightness);
        self.svg.borrow_mut().hatched(x0, y0, x1, y1, fill, color);
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
            Shape::HollowSquare => self.svg.borrow_mut().outlined_rect(
                x - r + 1,
                y - r + 1,
                x + r - 1,
                y + r - 1,
                WHITE,
                thick(color),
            ),
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
                let d = diamond(x, y, r);
                self.svg
                    .borrow_mut()
                    .outlined_polygon(&d, WHITE, thick(color));
            }
        }
    }

    pub fn status_marker(&self, status: Status, x: i32, y: i32, r: i32) {
        self.marker(status_shape(status), x, y, r, status_color(status));
    }
}

/// The 2-pixel outline of hollow markers.
fn thick(color: RGBColor) -> Stroke {
    Stroke {
        color,
        width: 2,
        dash: None,
    }
}

fn diamond(x: i32, y: i32, r: i32) -> [(i32, i32); 4] {
    [(x, y - r), (x + r, y), (x, y + r), (x - r, y)]
}

/// Draw a chart of `width` × `height` pixels with `paint` and return the finished SVG, named
/// `title` for assistive technology.
pub(crate) fn render_svg(
    width: u32,
    height: u32,
    title: &str,
    paint: impl FnOnce(&Canvas),
) -> String {
    crate::clock::time(crate::clock::Part::Charts, || {
        let (width, height) = (width.clamp(1, 100_000), height.clamp(1, 10_000_000));
        let canvas = Canvas {
            svg: RefCell::new(Writer::new(width, height, title, FONT_FAMILY, title)),
        };
        canvas.rect(0, 0, width as i32, height as i32, WHITE);
        paint(&canvas);
        canvas.svg.into_inner().finish()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_sit_where_browsers_put_dy_ex() {
        // Measured in Chromium against `dy="0.5ex"`, `dy="-0.5ex"` and `dy="0.76em"`.
        assert_eq!(baseline_shift(VPos::Center, SMALL_PX), 4);
        assert_eq!(baseline_shift(VPos::Center, LABEL_PX), 4);
        assert_eq!(baseline_shift(VPos::Center, TITLE_PX), 5);
        assert_eq!(baseline_shift(VPos::Bottom, SMALL_PX), -3);
        assert_eq!(baseline_shift(VPos::Bottom, LABEL_PX), -3);
        assert_eq!(baseline_shift(VPos::Top, SMALL_PX), 9);
        assert_eq!(baseline_shift(VPos::Top, TITLE_PX), 12);
    }
}
