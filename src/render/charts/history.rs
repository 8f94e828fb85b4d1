//! Two charts of progress over time: an initiative's reported progress against the expected
//! progress line, and the budget burn (cumulative actual against planned) of a unit.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use plotters::style::text_anchor::{HPos, VPos};

use super::draw::{palette::*, px, render_svg, status_shape, Canvas, Font, SMALL_PX};
use super::kpi::span;
use super::legend::{Item, Swatch};
use super::scale::{plain, ticks_for};
use super::time::{month_index, month_start};
use super::xy::{finite, Frame, Series, ACTUAL, FORECAST, PLANNED, TIME_AXIS_H};
use super::Status;

/// One check-in of an initiative.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProgressPoint {
    pub date: NaiveDate,
    /// Percent complete, 0–100.
    pub progress: f64,
    pub status: Status,
}

/// An initiative's status history.
#[derive(Debug, Clone)]
pub struct ProgressHistory {
    pub title: String,
    /// The initiative's planned dates; expected progress rises linearly between them.
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub checkins: Vec<ProgressPoint>,
    pub as_of: Option<NaiveDate>,
    pub fiscal_year_start: u32,
    pub width: u32,
    pub height: u32,
}

impl Default for ProgressHistory {
    fn default() -> Self {
        let day = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default();
        ProgressHistory {
            title: String::new(),
            start: day,
            end: day,
            checkins: Vec::new(),
            as_of: None,
            fiscal_year_start: 1,
            width: 960,
            height: 360,
        }
    }
}

const REPORTED: Series = Series {
    color: BLUE,
    dashed: false,
    marker: None,
};
const EXPECTED: Series = Series {
    color: MUTED,
    dashed: true,
    marker: None,
};

/// Draw reported progress (markers by status) against expected progress.
pub fn progress_history(chart: &ProgressHistory) -> String {
    let mut points: Vec<ProgressPoint> = chart
        .checkins
        .iter()
        .copied()
        .filter(|p| p.progress.is_finite())
        .collect();
    points.sort_by_key(|p| p.date);
    let (start, end) = (chart.start.min(chart.end), chart.start.max(chart.end));
    let ticks = ticks_for(points.iter().map(|p| p.progress).chain([0.0, 100.0]), 4);
    let frame = Frame::new(
        chart.width,
        chart.height,
        "Progress (%)",
        history_legend(&points),
        ticks,
        TIME_AXIS_H,
    );
    let dates = points
        .iter()
        .map(|p| p.date)
        .chain([start, end])
        .chain(chart.as_of);
    let (first, last) = span(dates);
    let axis = frame.time_axis(first, last, chart.fiscal_year_start, false);
    render_svg(frame.width as u32, frame.height as u32, &chart.title, |c| {
        let (xs, xe) = (px(axis.x(start)), px(axis.x(end.succ_opt().unwrap_or(end))));
        c.rect(xs, frame.y0, xe, frame.y1, BAND);
        frame.draw_over_time(c, &chart.title, &axis);
        let (y0, y100) = (frame.y(0.0), frame.y(100.0));
        EXPECTED.draw(c, &[(frame.x0, y0), (xs, y0), (xe, y100), (frame.x1, y100)]);
        let line: Vec<(i32, i32)> = points
            .iter()
            .map(|p| (px(axis.x(p.date)), frame.y(p.progress)))
            .collect();
        REPORTED.draw(c, &line);
        for (p, &(x, y)) in points.iter().zip(&line) {
            c.status_marker(p.status, x, y, 5);
        }
        if let Some(d) = chart.as_of {
            frame.as_of(c, axis.x(d), d);
        }
    })
}

/// The series, then one marker per status that occurs (legends list only what the chart shows).
fn history_legend(points: &[ProgressPoint]) -> Vec<Item> {
    let mut items = vec![
        Item::new(Swatch::Block(BAND, Some(PALE)), "Planned dates"),
        EXPECTED.item("Expected progress"),
        REPORTED.item("Reported progress"),
    ];
    for status in Status::ALL {
        if points.iter().any(|p| p.status == status) {
            let color = super::draw::status_color(status);
            items.push(Item::new(
                Swatch::Marker(status_shape(status), color),
                status.label(),
            ));
        }
    }
    items
}

/// One month of a unit's budget.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BurnMonth {
    /// Any day of the month.
    pub month: NaiveDate,
    pub planned: f64,
    pub forecast: Option<f64>,
    pub actual: Option<f64>,
}

/// Cumulative planned, forecast and actual spend over months.
#[derive(Debug, Clone)]
pub struct BudgetBurn {
    pub title: String,
    pub currency: String,
    pub months: Vec<BurnMonth>,
    /// A cap on the cumulative total, drawn as a level.
    pub cap: Option<f64>,
    pub as_of: Option<NaiveDate>,
    pub fiscal_year_start: u32,
    pub width: u32,
    pub height: u32,
}

impl Default for BudgetBurn {
    fn default() -> Self {
        BudgetBurn {
            title: String::new(),
            currency: String::new(),
            months: Vec::new(),
            cap: None,
            as_of: None,
            fiscal_year_start: 1,
            width: 960,
            height: 400,
        }
    }
}

/// Running totals per month, in month order; duplicate months are added together.
struct Cumulative {
    months: Vec<i64>,
    planned: Vec<f64>,
    forecast: Option<Vec<f64>>,
    /// Up to the last month that has an actual figure.
    actual: Vec<f64>,
}

/// Planned, forecast and actual of one month.
type MonthSums = (f64, Option<f64>, Option<f64>);

fn cumulate(months: &[BurnMonth]) -> Cumulative {
    let mut by_month: BTreeMap<i64, MonthSums> = BTreeMap::new();
    for m in months {
        let e = by_month
            .entry(month_index(m.month))
            .or_insert((0.0, None, None));
        e.0 += finite(Some(m.planned)).unwrap_or(0.0);
        if let Some(f) = finite(m.forecast) {
            e.1 = Some(e.1.unwrap_or(0.0) + f);
        }
        if let Some(a) = finite(m.actual) {
            e.2 = Some(e.2.unwrap_or(0.0) + a);
        }
    }
    let running = |pick: &dyn Fn(&MonthSums) -> f64| -> Vec<f64> {
        by_month
            .values()
            .scan(0.0, |sum, v| {
                *sum += pick(v);
                Some(*sum)
            })
            .collect()
    };
    let last_actual = by_month.values().rposition(|v| v.2.is_some());
    let mut actual = running(&|v| v.2.unwrap_or(0.0));
    actual.truncate(last_actual.map_or(0, |i| i + 1));
    let any_forecast = by_month.values().any(|v| v.1.is_some());
    Cumulative {
        months: by_month.keys().copied().collect(),
        planned: running(&|v| v.0),
        forecast: any_forecast.then(|| running(&|v| v.1.unwrap_or(0.0))),
        actual,
    }
}

/// Draw the budget burn chart.
pub fn budget_burn(chart: &BudgetBurn) -> String {
    let cum = cumulate(&chart.months);
    let cap = finite(chart.cap);
    let values = cum
        .planned
        .iter()
        .chain(cum.forecast.iter().flatten())
        .chain(&cum.actual)
        .copied();
    let ticks = ticks_for(values.chain([0.0]).chain(cap), 5);
    let title = if chart.currency.is_empty() {
        "Cumulative amount".to_string()
    } else {
        format!("Cumulative ({})", chart.currency)
    };
    let frame = Frame::new(
        chart.width,
        chart.height,
        &title,
        burn_legend(&cum, cap.is_some()),
        ticks,
        TIME_AXIS_H,
    );
    let first = cum.months.first().map(|&m| month_start(m));
    let last = cum.months.last().map(|&m| month_start(m));
    let (first, last) = span(first.into_iter().chain(last).chain(chart.as_of));
    let axis = frame.time_axis(first, last, chart.fiscal_year_start, true);
    render_svg(frame.width as u32, frame.height as u32, &chart.title, |c| {
        frame.draw_over_time(c, &chart.title, &axis);
        if let Some(cap) = cap {
            paint_cap(c, &frame, cap);
        }
        let line = |values: &[f64]| -> Vec<(i32, i32)> {
            let start = cum
                .months
                .first()
                .map(|&m| (px(axis.month_span(m).0), frame.y(0.0)));
            let ends = cum
                .months
                .iter()
                .zip(values)
                .map(|(&m, &v)| (px(axis.month_span(m).1), frame.y(v)));
            start.into_iter().chain(ends).collect()
        };
        PLANNED.draw(c, &line(&cum.planned));
        if let Some(f) = &cum.forecast {
            FORECAST.draw(c, &line(f));
        }
        if !cum.actual.is_empty() {
            ACTUAL.draw(c, &line(&cum.actual));
        }
        if let Some(d) = chart.as_of {
            frame.as_of(c, axis.x(d), d);
        }
    })
}

fn burn_legend(cum: &Cumulative, cap: bool) -> Vec<Item> {
    let mut items = vec![PLANNED.item("Planned")];
    if cum.forecast.is_some() {
        items.push(FORECAST.item("Forecast"));
    }
    items.push(ACTUAL.item("Actual"));
    if cap {
        items.push(Item::cap());
    }
    items
}

fn paint_cap(c: &Canvas, frame: &Frame, cap: f64) {
    let y = frame.y(cap);
    c.dashed(&[(frame.x0, y), (frame.x1, y)], VERMILLION, 2, 6, 4);
    let label = format!("Cap {}", plain(cap));
    let font = Font::new(SMALL_PX)
        .bold()
        .color(VERMILLION)
        .anchor(HPos::Left, VPos::Bottom);
    // Cumulative lines start low, so the left end of the cap is where the label stays clear.
    c.text(frame.x0 + 4, y - 4, &label, font);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn history() -> ProgressHistory {
        ProgressHistory {
            title: "Platform v2: progress".into(),
            start: d(2026, 4, 1),
            end: d(2026, 12, 15),
            checkins: vec![
                ProgressPoint {
                    date: d(2026, 5, 31),
                    progress: 10.0,
                    status: Status::OnTrack,
                },
                ProgressPoint {
                    date: d(2026, 4, 30),
                    progress: 5.0,
                    status: Status::OnTrack,
                },
                ProgressPoint {
                    date: d(2026, 6, 30),
                    progress: 20.0,
                    status: Status::AtRisk,
                },
            ],
            as_of: Some(d(2026, 6, 30)),
            fiscal_year_start: 4,
            ..Default::default()
        }
    }

    #[test]
    fn history_shows_checkins_and_expectation() {
        let svg = progress_history(&history());
        for text in [
            "Progress (%)",
            "Expected progress",
            "At risk",
            "On track",
            "FY2027",
            "100",
        ] {
            assert!(svg.contains(text), "missing {text}");
        }
        assert!(
            !svg.contains("Off track"),
            "legend lists only statuses shown"
        );
        assert_eq!(svg, progress_history(&history()));
    }

    fn burn() -> BudgetBurn {
        BudgetBurn {
            title: "Engineering: budget burn".into(),
            currency: "EUR".into(),
            months: (1..=12)
                .map(|m| BurnMonth {
                    month: d(2026, m, 1),
                    planned: 100_000.0,
                    forecast: Some(110_000.0),
                    actual: (m <= 6).then_some(95_000.0),
                })
                .collect(),
            cap: Some(1_300_000.0),
            as_of: Some(d(2026, 6, 30)),
            ..Default::default()
        }
    }

    #[test]
    fn burn_is_cumulative() {
        let cum = cumulate(&burn().months);
        assert_eq!(cum.planned.last(), Some(&1_200_000.0));
        assert_eq!(cum.actual.len(), 6);
        let svg = budget_burn(&burn());
        for text in [
            "Cumulative (EUR)",
            "Cap 1.3M",
            "Forecast",
            "As of 2026-06-30",
            "Jun",
        ] {
            assert!(svg.contains(text), "missing {text}");
        }
        assert!(!svg.contains("NaN"));
    }

    #[test]
    fn odd_input_does_not_panic() {
        let mut one = burn();
        one.months.truncate(1);
        one.months[0].planned = f64::NAN;
        let empty = BudgetBurn::default();
        for chart in [one, empty] {
            assert!(!budget_burn(&chart).contains("NaN"));
        }
        let mut odd = history();
        odd.start = d(2030, 1, 1);
        odd.checkins.push(ProgressPoint {
            date: NaiveDate::MIN,
            progress: f64::INFINITY,
            status: Status::Done,
        });
        for chart in [odd, ProgressHistory::default()] {
            assert!(!progress_history(&chart).contains("NaN"));
        }
    }
}
