//! Resource load per month against capacity: bars of load, the part above capacity hatched in
//! vermillion and labelled with its value, and capacity as a step line.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use plotters::style::text_anchor::{HPos, VPos};

use super::draw::{palette::*, px, render_svg, Canvas, Font, SMALL_PX};
use super::font::text_width;
use super::kpi::span;
use super::legend::{Item, Swatch};
use super::scale::{compact, ticks_for};
use super::time::{month_index, month_start, TimeAxis};
use super::xy::{Frame, TIME_AXIS_H};

/// A person's (or a team's) load and capacity in one month.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LoadMonth {
    /// Any day of the month.
    pub month: NaiveDate,
    pub load: f64,
    pub capacity: f64,
}

#[derive(Debug, Clone)]
pub struct ResourceLoad {
    pub title: String,
    /// The unit of load, for the axis title ("FTE").
    pub unit: String,
    pub months: Vec<LoadMonth>,
    pub fiscal_year_start: u32,
    pub width: u32,
    pub height: u32,
}

impl Default for ResourceLoad {
    fn default() -> Self {
        ResourceLoad {
            title: String::new(),
            unit: "FTE".to_string(),
            months: Vec::new(),
            fiscal_year_start: 1,
            width: 960,
            height: 360,
        }
    }
}

/// Load summed and capacity (the largest given) per month index, in month order.
fn by_month(months: &[LoadMonth]) -> BTreeMap<i64, (f64, f64)> {
    let mut out: BTreeMap<i64, (f64, f64)> = BTreeMap::new();
    for m in months {
        let load = if m.load.is_finite() { m.load } else { 0.0 };
        let cap = if m.capacity.is_finite() {
            m.capacity
        } else {
            0.0
        };
        let e = out
            .entry(month_index(m.month))
            .or_insert((0.0, f64::NEG_INFINITY));
        e.0 += load;
        e.1 = e.1.max(cap);
    }
    out
}

/// Draw the load chart.
pub fn resource_load(chart: &ResourceLoad) -> String {
    let months = by_month(&chart.months);
    let values = months.values().flat_map(|&(l, c)| [l, c]);
    let ticks = ticks_for(values.chain([0.0]), 5);
    let unit = if chart.unit.trim().is_empty() {
        "Load"
    } else {
        chart.unit.trim()
    };
    let frame = Frame::new(
        chart.width,
        chart.height,
        unit,
        legend(),
        ticks,
        TIME_AXIS_H,
    );
    let first = months.keys().next().map(|&m| month_start(m));
    let last = months.keys().next_back().map(|&m| month_start(m));
    let (first, last) = span(first.into_iter().chain(last));
    let axis = frame.time_axis(first, last, chart.fiscal_year_start, true);
    render_svg(frame.width as u32, frame.height as u32, &chart.title, |c| {
        frame.draw_over_time(c, &chart.title, &axis);
        // Bars, overloads, then labels (none overlaps another), so that like elements follow each
        // other and are written as one.
        for (&m, &(load, cap)) in &months {
            paint_within(c, &frame, axis.month_span(m), load, cap);
        }
        for (&m, &(load, cap)) in &months {
            paint_over(c, &frame, axis.month_span(m), load, cap);
        }
        for (&m, &(load, cap)) in &months {
            label_over(c, &frame, axis.month_span(m), load, cap);
        }
        paint_capacity(c, &frame, &axis, &months);
    })
}

fn legend() -> Vec<Item> {
    vec![
        Item::new(Swatch::Block(BLUE, None), "Load within capacity"),
        Item::new(Swatch::Hatched(VERMILLION), "Over capacity"),
        Item::new(
            Swatch::Line {
                color: INK,
                width: 2,
                dashed: false,
                marker: None,
            },
            "Capacity",
        ),
    ]
}

/// The bar's horizontal extent within its month.
fn bar_x((a, b): (f64, f64)) -> (i32, i32) {
    let inset = ((b - a) * 0.15).min(6.0);
    (px(a + inset), px(b - inset).max(px(a + inset) + 1))
}

/// The load up to capacity, solid.
fn paint_within(c: &Canvas, frame: &Frame, span: (f64, f64), load: f64, cap: f64) {
    let (x0, x1) = bar_x(span);
    let within = if load > cap { cap.max(0.0) } else { load };
    c.rect(x0, frame.y(0.0), x1, frame.y(within), BLUE);
}

/// The load above capacity, hatched.
fn paint_over(c: &Canvas, frame: &Frame, span: (f64, f64), load: f64, cap: f64) {
    if load > cap {
        let (x0, x1) = bar_x(span);
        c.hatched(
            x0,
            frame.y(load),
            x1,
            frame.y(cap.max(0.0)),
            VERMILLION,
            0.65,
        );
    }
}

/// The value of an overload, in words as well as colour, where the month has room.
fn label_over(c: &Canvas, frame: &Frame, (a, b): (f64, f64), load: f64, cap: f64) {
    if load <= cap {
        return;
    }
    let label = compact(load, 0.01);
    if text_width(&label, SMALL_PX, true) + 2.0 <= b - a {
        let (x0, x1) = bar_x((a, b));
        let font = Font::new(SMALL_PX)
            .bold()
            .color(VERMILLION)
            .anchor(HPos::Center, VPos::Bottom);
        c.text((x0 + x1) / 2, frame.y(load) - 3, &label, font);
    }
}

/// Capacity as a step line over the months shown, broken where months are missing.
fn paint_capacity(c: &Canvas, frame: &Frame, axis: &TimeAxis, months: &BTreeMap<i64, (f64, f64)>) {
    let mut run: Vec<(i32, i32)> = Vec::new();
    let mut previous: Option<i64> = None;
    for (&m, &(_, cap)) in months {
        if previous.is_some_and(|p| p + 1 != m) {
            c.line(&run, INK, 2);
            run.clear();
        }
        let (a, b) = axis.month_span(m);
        let y = frame.y(cap);
        run.push((px(a), y));
        run.push((px(b), y));
        previous = Some(m);
    }
    c.line(&run, INK, 2);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, 1).unwrap()
    }

    fn sample() -> ResourceLoad {
        ResourceLoad {
            title: "Bob: load".into(),
            months: (1..=12)
                .map(|m| LoadMonth {
                    month: d(2026, m),
                    load: 0.6 + f64::from(m % 5) * 0.15,
                    capacity: 1.0,
                })
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn over_capacity_months_are_labelled() {
        let svg = resource_load(&sample());
        // Loads of 1.2 (m % 5 == 4: April, September) exceed capacity 1.0.
        assert_eq!(svg.matches(">1.2</text>").count(), 2);
        for text in ["FTE", "Over capacity", "Capacity", "Jan", "2026"] {
            assert!(svg.contains(text), "missing {text}");
        }
        assert_eq!(svg, resource_load(&sample()));
    }

    #[test]
    fn odd_input_does_not_panic() {
        let mut odd = sample();
        odd.months.push(LoadMonth {
            month: NaiveDate::MAX,
            load: f64::NAN,
            capacity: -1.0,
        });
        odd.months.push(LoadMonth {
            month: d(2026, 1),
            load: -3.0,
            capacity: f64::INFINITY,
        });
        let mut one = sample();
        one.months.truncate(1);
        for chart in [odd, one, ResourceLoad::default()] {
            assert!(!resource_load(&chart).contains("NaN"));
        }
    }
}
