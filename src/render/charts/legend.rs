//! Legends: a swatch and a label per item, flowed into as many rows as the width needs.

use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::RGBColor;

use super::draw::{palette::*, px, Canvas, Font, Shape, SMALL_PX};
use super::font::text_width;

/// What an item's swatch looks like.
#[derive(Clone, Copy)]
pub(crate) enum Swatch {
    /// A filled block, optionally outlined.
    Block(RGBColor, Option<RGBColor>),
    /// A hatched block (forecasts, overruns).
    Hatched(RGBColor),
    /// A line, solid or dashed, with an optional marker on it.
    Line {
        color: RGBColor,
        width: u32,
        dashed: bool,
        marker: Option<Shape>,
    },
    /// A marker alone.
    Marker(Shape, RGBColor),
    /// An arrow (dependencies), solid or dashed.
    Arrow(RGBColor, bool),
    /// A vertical arrow: which way is better (true: up).
    Direction(bool),
}

pub(crate) struct Item {
    pub swatch: Swatch,
    pub label: String,
}

impl Item {
    pub fn new(swatch: Swatch, label: impl Into<String>) -> Self {
        Item {
            swatch,
            label: label.into(),
        }
    }

    /// A budget cap: the dashed vermillion line of the budget charts.
    pub fn cap() -> Self {
        Item::new(
            Swatch::Line {
                color: super::draw::palette::VERMILLION,
                width: 2,
                dashed: true,
                marker: None,
            },
            "Cap",
        )
    }
}

const SWATCH_W: f64 = 22.0;
const GAP: f64 = 6.0;
const ITEM_GAP: f64 = 18.0;
pub(crate) const ROW_H: i32 = 20;

/// Items placed at (x, row) positions within `x0..x1`.
pub(crate) struct Legend {
    items: Vec<(Item, f64, i32)>,
    pub rows: i32,
}

impl Legend {
    pub fn layout(items: Vec<Item>, x0: f64, x1: f64) -> Legend {
        let (mut x, mut row) = (x0, 0);
        let mut placed = Vec::with_capacity(items.len());
        for item in items {
            let w = SWATCH_W + GAP + text_width(&item.label, SMALL_PX, false);
            if x > x0 && x + w > x1 {
                row += 1;
                x = x0;
            }
            placed.push((item, x, row));
            x += w + ITEM_GAP;
        }
        let rows = if placed.is_empty() { 0 } else { row + 1 };
        Legend {
            items: placed,
            rows,
        }
    }

    pub fn height(&self) -> i32 {
        self.rows * ROW_H
    }

    /// Draw with the first row's centre line at `y + ROW_H / 2`.
    pub fn draw(&self, c: &Canvas, y: i32) {
        let font = Font::new(SMALL_PX)
            .color(INK)
            .anchor(HPos::Left, VPos::Center);
        let cy = |row: &i32| y + row * ROW_H + ROW_H / 2;
        // Swatches, then labels: nothing overlaps, and the labels share one style element.
        for (item, x, row) in &self.items {
            draw_swatch(c, item.swatch, px(*x), cy(row));
        }
        for (item, x, row) in &self.items {
            c.text(px(x + SWATCH_W + GAP), cy(row), &item.label, font);
        }
    }
}

fn draw_swatch(c: &Canvas, swatch: Swatch, x: i32, cy: i32) {
    let w = SWATCH_W as i32;
    match swatch {
        Swatch::Block(fill, stroke) => {
            c.rect(x, cy - 6, x + w, cy + 6, fill);
            if let Some(s) = stroke {
                c.outline(x, cy - 6, x + w, cy + 6, s, 2);
            }
        }
        Swatch::Hatched(color) => {
            c.hatched(x, cy - 6, x + w, cy + 6, color, 0.75);
        }
        Swatch::Line {
            color,
            width,
            dashed,
            marker,
        } => {
            if dashed {
                c.dashed(&[(x, cy), (x + w, cy)], color, width, 5, 3);
            } else {
                c.line(&[(x, cy), (x + w, cy)], color, width);
            }
            if let Some(shape) = marker {
                c.marker(shape, x + w / 2, cy, 4, color);
            }
        }
        Swatch::Marker(shape, color) => c.marker(shape, x + w / 2, cy, 5, color),
        Swatch::Arrow(color, dashed) => {
            if dashed {
                c.dashed(&[(x, cy), (x + w - 5, cy)], color, 2, 4, 3);
            } else {
                c.line(&[(x, cy), (x + w - 5, cy)], color, 1);
            }
            c.polygon(
                &[(x + w, cy), (x + w - 6, cy - 4), (x + w - 6, cy + 4)],
                color,
            );
        }
        Swatch::Direction(up) => {
            let (tip, base) = if up {
                (cy - 7, cy + 7)
            } else {
                (cy + 7, cy - 7)
            };
            let back = if up { tip + 6 } else { tip - 6 };
            let mid = x + w / 2;
            c.line(&[(mid, base), (mid, back)], INK, 2);
            c.polygon(&[(mid, tip), (mid - 5, back), (mid + 5, back)], INK);
        }
    }
}
