//! The frame shared by the value-over-x charts: title, legend, a value axis with grid and compact
//! tick labels, the axis title, and the plot rectangle the chart draws into.

use chrono::NaiveDate;
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::RGBColor;

use super::draw::{palette::*, px, Canvas, Font, Shape, LABEL_PX, SMALL_PX, TITLE_PX};
use super::font::text_width;
use super::legend::{Item, Legend, Swatch};
use super::scale::Ticks;
use super::time::{TimeAxis, BAND_H};

pub(crate) const MARGIN: i32 = 16;
/// Height reserved under the plot for a two-band time axis.
pub(crate) const TIME_AXIS_H: i32 = 2 * BAND_H + 6;

pub(crate) struct Frame {
    pub width: i32,
    pub height: i32,
    pub x0: i32,
    pub y0: i32,
    pub x1: i32,
    pub y1: i32,
    pub ticks: Ticks,
    legend: Legend,
    y_label: String,
}

impl Frame {
    /// Lay out a chart of `width` × `height` with `below` pixels under the plot for the x axis.
    pub fn new(
        width: u32,
        height: u32,
        y_label: &str,
        items: Vec<Item>,
        ticks: Ticks,
        below: i32,
    ) -> Frame {
        let width = width.clamp(320, 20_000) as i32;
        let legend = Legend::layout(items, f64::from(MARGIN), f64::from(width - MARGIN));
        let y0 = 40 + legend.height() + 14;
        let widest = ticks
            .values
            .iter()
            .map(|&v| text_width(&ticks.label(v), SMALL_PX, false))
            .fold(0.0, f64::max);
        let x0 = MARGIN + 22 + widest.ceil() as i32 + 8;
        // Never squash the plot below a usable height, whatever the caller asked for.
        let height = (height as i32).max(y0 + 120 + below + 8);
        Frame {
            width,
            height,
            x0,
            y0,
            x1: width - MARGIN - 8,
            y1: height - below - 8,
            ticks,
            legend,
            y_label: y_label.to_string(),
        }
    }

    pub fn y(&self, v: f64) -> i32 {
        px(self.ticks.map(v, f64::from(self.y1), f64::from(self.y0)))
    }

    /// A time axis across the plot area (`months`: whole months per slot, for bar charts).
    pub fn time_axis(
        &self,
        first: NaiveDate,
        last: NaiveDate,
        fiscal_year_start: u32,
        months: bool,
    ) -> TimeAxis {
        TimeAxis::new(
            first,
            last,
            fiscal_year_start,
            f64::from(self.x0),
            f64::from(self.x1),
            months,
        )
    }

    /// The background every chart over time shares: the frame, the month grid, the year bands.
    pub fn draw_over_time(&self, c: &Canvas, title: &str, axis: &TimeAxis) {
        self.draw(c, title);
        axis.draw_grid(c, self.y0, self.y1);
        axis.draw_bands(c, self.y1 + 4, false);
    }

    /// Title, legend, horizontal grid with labels, the zero line and the axis title.
    pub fn draw(&self, c: &Canvas, title: &str) {
        c.text(MARGIN, 22, title, Font::new(TITLE_PX).bold());
        self.legend.draw(c, 36);
        let label = Font::new(SMALL_PX)
            .color(MUTED)
            .anchor(HPos::Right, VPos::Center);
        // Lines first, then labels: the labels sit left of the plot, so the order does not change
        // the picture, and like elements in a row are written as one.
        for &v in &self.ticks.values {
            let color = if v == 0.0 { AXIS } else { GRID };
            c.line(&[(self.x0, self.y(v)), (self.x1, self.y(v))], color, 1);
        }
        c.line(&[(self.x0, self.y1), (self.x1, self.y1)], AXIS, 1);
        for &v in &self.ticks.values {
            c.text(self.x0 - 6, self.y(v), &self.ticks.label(v), label);
        }
        let title = Font::new(LABEL_PX)
            .color(MUTED)
            .anchor(HPos::Center, VPos::Center)
            .vertical();
        c.text(MARGIN + 6, (self.y0 + self.y1) / 2, &self.y_label, title);
    }

    /// A vertical "as of" line across the plot with its date on top.
    pub fn as_of(&self, c: &Canvas, x: f64, date: NaiveDate) {
        let x = px(x);
        if x < self.x0 || x > self.x1 {
            return;
        }
        c.line(&[(x, self.y0 - 4), (x, self.y1)], INK, 1);
        let text = format!("As of {}", date.format("%Y-%m-%d"));
        let w = text_width(&text, SMALL_PX, false).ceil() as i32;
        let (tx, h) = if x + 4 + w > self.x1 {
            (x - 4, HPos::Right)
        } else {
            (x + 4, HPos::Left)
        };
        c.text(
            tx,
            self.y0 + 2,
            &text,
            Font::new(SMALL_PX).color(INK).anchor(h, VPos::Top),
        );
    }
}

/// How a data series looks: colour, line and marker, used by lines and legends alike so that
/// series differ by more than colour.
#[derive(Clone, Copy)]
pub(crate) struct Series {
    pub color: RGBColor,
    pub dashed: bool,
    pub marker: Option<Shape>,
}

impl Series {
    pub fn item(self, label: &str) -> Item {
        Item::new(
            Swatch::Line {
                color: self.color,
                width: 2,
                dashed: self.dashed,
                marker: self.marker,
            },
            label,
        )
    }

    /// Draw the polyline through `points` and a marker on each.
    pub fn draw(self, c: &Canvas, points: &[(i32, i32)]) {
        if self.dashed {
            c.dashed(points, self.color, 2, 6, 4);
        } else {
            c.line(points, self.color, 2);
        }
        if let Some(shape) = self.marker {
            for &(x, y) in points {
                c.marker(shape, x, y, 4, self.color);
            }
        }
    }
}

/// The budget series, the same in every budget chart.
pub(crate) const PLANNED: Series = Series {
    color: RGBColor(0x8C, 0x8C, 0x8C),
    dashed: false,
    marker: Some(Shape::Square),
};
pub(crate) const FORECAST: Series = Series {
    color: ORANGE,
    dashed: true,
    marker: Some(Shape::Triangle),
};
pub(crate) const ACTUAL: Series = Series {
    color: BLUE,
    dashed: false,
    marker: Some(Shape::Circle),
};

/// Keep only finite values: geometry has no place for NaN or infinities.
pub(crate) fn finite(v: Option<f64>) -> Option<f64> {
    v.filter(|v| v.is_finite())
}
