//! A KPI over time: readings as a line with markers, the baseline as a dashed level, targets as
//! steps over their periods, the `as_of` line, and which direction is better.

use chrono::NaiveDate;
use plotters::style::text_anchor::{HPos, VPos};

use super::draw::{palette::*, px, render_svg, Canvas, Font, Shape, SMALL_PX};
use super::font::text_width;
use super::legend::{Item, Swatch};
use super::scale::{plain, ticks_for};
use super::time::TimeAxis;
use super::xy::{Frame, Series, TIME_AXIS_H};

/// Which way a KPI should move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KpiReading {
    pub date: NaiveDate,
    pub value: f64,
}

/// A target `value` over `start..=end` (the days of its period).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KpiTarget {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub value: f64,
}

#[derive(Debug, Clone)]
pub struct KpiChart {
    pub title: String,
    /// Shown in the value axis title ("Value (%)").
    pub unit: String,
    pub direction: Direction,
    pub readings: Vec<KpiReading>,
    pub baseline: Option<KpiReading>,
    pub targets: Vec<KpiTarget>,
    pub as_of: Option<NaiveDate>,
    pub fiscal_year_start: u32,
    pub width: u32,
    pub height: u32,
}

impl Default for KpiChart {
    fn default() -> Self {
        KpiChart {
            title: String::new(),
            unit: String::new(),
            direction: Direction::Up,
            readings: Vec::new(),
            baseline: None,
            targets: Vec::new(),
            as_of: None,
            fiscal_year_start: 1,
            width: 960,
            height: 400,
        }
    }
}

const READINGS: Series = Series {
    color: BLUE,
    dashed: false,
    marker: Some(Shape::Circle),
};
const BASELINE: Series = Series {
    color: MUTED,
    dashed: true,
    marker: None,
};

pub(crate) fn value_title(unit: &str) -> String {
    if unit.trim().is_empty() {
        "Value".to_string()
    } else {
        format!("Value ({})", unit.trim())
    }
}

/// The earliest and latest of `dates`, or a fixed day when there are none.
pub(crate) fn span(dates: impl IntoIterator<Item = NaiveDate>) -> (NaiveDate, NaiveDate) {
    let mut it = dates.into_iter();
    let Some(first) = it.next() else {
        let day = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default();
        return (day, day);
    };
    it.fold((first, first), |(a, b), d| (a.min(d), b.max(d)))
}

/// Draw the KPI chart.
pub fn kpi_chart(chart: &KpiChart) -> String {
    let readings: Vec<KpiReading> = {
        let mut r: Vec<KpiReading> = chart
            .readings
            .iter()
            .copied()
            .filter(|r| r.value.is_finite())
            .collect();
        r.sort_by_key(|r| r.date);
        r
    };
    let baseline = chart.baseline.filter(|b| b.value.is_finite());
    let targets: Vec<KpiTarget> = chart
        .targets
        .iter()
        .copied()
        .filter(|t| t.value.is_finite())
        .collect();
    let values = readings
        .iter()
        .map(|r| r.value)
        .chain(baseline.map(|b| b.value))
        .chain(targets.iter().map(|t| t.value));
    let frame = Frame::new(
        chart.width,
        chart.height,
        &value_title(&chart.unit),
        legend(chart.direction),
        ticks_for(values, 5),
        TIME_AXIS_H,
    );
    let dates = readings
        .iter()
        .map(|r| r.date)
        .chain(baseline.map(|b| b.date))
        .chain(targets.iter().flat_map(|t| [t.start, t.end]))
        .chain(chart.as_of);
    let (first, last) = span(dates);
    let axis = frame.time_axis(first, last, chart.fiscal_year_start, false);
    render_svg(frame.width as u32, frame.height as u32, &chart.title, |c| {
        frame.draw_over_time(c, &chart.title, &axis);
        if let Some(b) = baseline {
            paint_baseline(c, &frame, &axis, b);
        }
        paint_targets(c, &frame, &axis, &targets);
        let points: Vec<(i32, i32)> = readings
            .iter()
            .map(|r| (px(axis.x(r.date)), frame.y(r.value)))
            .collect();
        READINGS.draw(c, &points);
        if let Some(d) = chart.as_of {
            frame.as_of(c, axis.x(d), d);
        }
    })
}

fn legend(direction: Direction) -> Vec<Item> {
    let better = match direction {
        Direction::Up => "Higher is better",
        Direction::Down => "Lower is better",
    };
    vec![
        READINGS.item("Reading"),
        Item::new(
            Swatch::Line {
                color: GREEN,
                width: 3,
                dashed: false,
                marker: None,
            },
            "Target",
        ),
        Item::new(
            Swatch::Line {
                color: MUTED,
                width: 2,
                dashed: true,
                marker: Some(Shape::HollowDiamond),
            },
            "Baseline",
        ),
        Item::new(
            Swatch::Line {
                color: INK,
                width: 1,
                dashed: false,
                marker: None,
            },
            "As of",
        ),
        Item::new(Swatch::Direction(direction == Direction::Up), better),
    ]
}

fn paint_baseline(c: &Canvas, frame: &Frame, axis: &TimeAxis, b: KpiReading) {
    let y = frame.y(b.value);
    BASELINE.draw(c, &[(frame.x0, y), (frame.x1, y)]);
    let x = px(axis.x(b.date));
    c.marker(Shape::HollowDiamond, x, y, 5, MUTED);
    let label = format!("Baseline {}", plain(b.value));
    let font = Font::new(SMALL_PX)
        .color(MUTED)
        .anchor(HPos::Left, VPos::Bottom);
    c.text(frame.x0 + 4, y - 4, &label, font);
}

/// Each target as a thick level over its period, labelled where the label has room.
fn paint_targets(c: &Canvas, frame: &Frame, axis: &TimeAxis, targets: &[KpiTarget]) {
    let mut sorted = targets.to_vec();
    sorted.sort_by_key(|t| (t.start, t.end));
    let mut free_from = i32::MIN;
    let font = Font::new(SMALL_PX)
        .color(GREEN)
        .anchor(HPos::Left, VPos::Bottom)
        .bold();
    for t in sorted {
        let (start, end) = (t.start.min(t.end), t.start.max(t.end));
        let x0 = px(axis.x(start));
        let x1 = px(axis.x(end.succ_opt().unwrap_or(end))).max(x0 + 2);
        let y = frame.y(t.value);
        c.line(&[(x0, y), (x1, y)], GREEN, 3);
        let label = format!("Target {}", plain(t.value));
        let w = text_width(&label, SMALL_PX, true).ceil() as i32;
        if x0 >= free_from && x0 + w <= frame.x1 {
            c.text(x0 + 2, y - 4, &label, font);
            free_from = x0 + w + 8;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn sample() -> KpiChart {
        KpiChart {
            title: "Platform uptime".into(),
            unit: "%".into(),
            readings: (1..=6)
                .map(|m| KpiReading {
                    date: d(2026, m, 28),
                    value: 99.5 + f64::from(m) * 0.05,
                })
                .collect(),
            baseline: Some(KpiReading {
                date: d(2025, 12, 31),
                value: 99.5,
            }),
            targets: vec![
                KpiTarget {
                    start: d(2026, 1, 1),
                    end: d(2026, 12, 31),
                    value: 99.9,
                },
                KpiTarget {
                    start: d(2027, 1, 1),
                    end: d(2027, 12, 31),
                    value: 99.95,
                },
            ],
            as_of: Some(d(2026, 6, 30)),
            ..Default::default()
        }
    }

    #[test]
    fn shows_readings_targets_and_direction() {
        let svg = kpi_chart(&sample());
        for text in [
            "<title>Platform uptime</title>",
            "Value (%)",
            "Higher is better",
            "Target 99.9",
            "Target 99.95",
            "Baseline 99.5",
            "As of 2026-06-30",
            "2027",
        ] {
            assert!(svg.contains(text), "missing {text}");
        }
        // Six reading markers plus the legend's, as subpaths of blue-filled paths.
        let markers: usize = svg
            .lines()
            .filter(|l| l.starts_with("<path fill=\"#0072B2\""))
            .map(|l| l.matches('M').count())
            .sum();
        assert_eq!(markers, 7);
        assert_eq!(svg, kpi_chart(&sample()));
        assert!(!svg.contains("NaN"));
    }

    #[test]
    fn odd_input_does_not_panic() {
        let mut one = sample();
        one.readings.truncate(1);
        one.targets.clear();
        one.baseline = None;
        let mut odd = sample();
        odd.readings.push(KpiReading {
            date: NaiveDate::MAX,
            value: f64::NAN,
        });
        odd.targets.push(KpiTarget {
            start: d(2030, 1, 1),
            end: d(2020, 1, 1),
            value: -5.0,
        });
        odd.direction = Direction::Down;
        for chart in [KpiChart::default(), one, odd] {
            assert!(!kpi_chart(&chart).contains("NaN"));
        }
    }
}
