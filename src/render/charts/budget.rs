//! Budget charts: planned / forecast / actual per category or department (horizontal grouped
//! bars), and by period (vertical grouped bars with an optional cap per period).
//!
//! The three series differ by colour, by lightness and by texture (forecast is hatched, like every
//! uncertain quantity on the site), and always come in the same order.

use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::RGBColor;

use super::draw::{palette::*, px, render_svg, Canvas, Font, LABEL_PX, SMALL_PX, TITLE_PX};
use super::font::{ellipsize, text_width};
use super::legend::{Item, Legend, Swatch};
use super::scale::{ticks_for, Ticks};
use super::xy::{finite, Frame, MARGIN};

/// Planned, forecast and actual amounts of one category, department or period.
#[derive(Debug, Clone, Default)]
pub struct BudgetRow {
    pub label: String,
    pub planned: Option<f64>,
    pub forecast: Option<f64>,
    pub actual: Option<f64>,
}

/// Grouped horizontal bars, one group per row (category or department).
#[derive(Debug, Clone)]
pub struct BudgetBars {
    pub title: String,
    /// ISO 4217 code shown in the axis title.
    pub currency: String,
    pub rows: Vec<BudgetRow>,
    pub width: u32,
}

impl Default for BudgetBars {
    fn default() -> Self {
        BudgetBars {
            title: String::new(),
            currency: String::new(),
            rows: Vec::new(),
            width: 960,
        }
    }
}

/// One period (quarter) of the by-period chart.
#[derive(Debug, Clone, Default)]
pub struct PeriodAmounts {
    pub amounts: BudgetRow,
    /// The cap that applies to this period, drawn as a line over its bars.
    pub cap: Option<f64>,
}

/// Grouped vertical bars per period.
#[derive(Debug, Clone)]
pub struct BudgetByPeriod {
    pub title: String,
    pub currency: String,
    pub periods: Vec<PeriodAmounts>,
    pub width: u32,
    pub height: u32,
}

impl Default for BudgetByPeriod {
    fn default() -> Self {
        BudgetByPeriod {
            title: String::new(),
            currency: String::new(),
            periods: Vec::new(),
            width: 960,
            height: 420,
        }
    }
}

const PLANNED_FILL: RGBColor = RGBColor(0xBD, 0xBD, 0xBD);

/// The three series as (fill, hatched) in drawing order.
const SERIES: [(RGBColor, bool); 3] = [(PLANNED_FILL, false), (ORANGE, true), (BLUE, false)];

fn values(row: &BudgetRow) -> [Option<f64>; 3] {
    [
        finite(row.planned),
        finite(row.forecast),
        finite(row.actual),
    ]
}

fn legend_items(cap: bool) -> Vec<Item> {
    let mut items = vec![
        Item::new(Swatch::Block(PLANNED_FILL, None), "Planned"),
        Item::new(Swatch::Hatched(ORANGE), "Forecast"),
        Item::new(Swatch::Block(BLUE, None), "Actual"),
    ];
    if cap {
        items.push(Item::cap());
    }
    items
}

fn axis_title(currency: &str) -> String {
    if currency.is_empty() {
        "Amount".to_string()
    } else {
        format!("Amount ({currency})")
    }
}

/// A bar from `a` to `b` (either order) across `c0..c1`, hatched for the forecast.
fn bar(c: &Canvas, horizontal: bool, a: i32, b: i32, c0: i32, c1: i32, series: usize) {
    let (fill, hatched) = SERIES[series];
    let (x0, y0, x1, y1) = if horizontal {
        (a.min(b), c0, a.max(b).max(a.min(b) + 1), c1)
    } else {
        (c0, a.min(b), c1, a.max(b).max(a.min(b) + 1))
    };
    if hatched {
        c.hatched(x0, y0, x1, y1, fill, 0.6);
    } else {
        c.rect(x0, y0, x1, y1, fill);
    }
}

const GROUP_H: i32 = 40;
const BAR_H: i32 = 8;

/// Horizontal grouped bars; the height grows with the number of rows.
pub fn budget_bars(chart: &BudgetBars) -> String {
    let width = chart.width.clamp(320, 20_000) as i32;
    let legend = Legend::layout(
        legend_items(false),
        f64::from(MARGIN),
        f64::from(width - MARGIN),
    );
    let label_w = (f64::from(width) * 0.22).clamp(100.0, 260.0) as i32;
    let (x0, x1) = (MARGIN + label_w + 12, width - MARGIN - 24);
    let all = chart
        .rows
        .iter()
        .flat_map(|r| values(r).into_iter().flatten());
    let ticks = ticks_for(
        all.chain([0.0]),
        (f64::from(x1 - x0) / 110.0).max(2.0) as usize,
    );
    let top = 40 + legend.height() + 8;
    let plot_top = top + 20;
    let plot_bottom = plot_top + GROUP_H * chart.rows.len().max(1) as i32;
    let height = plot_bottom + 20 + 28;
    let x = |v: f64| px(ticks.map(v, f64::from(x0), f64::from(x1)));
    render_svg(width as u32, height as u32, &chart.title, |c| {
        c.text(MARGIN, 22, &chart.title, Font::new(TITLE_PX).bold());
        legend.draw(c, 36);
        value_axis(c, &ticks, plot_top, plot_bottom, &x);
        let label_font = Font::new(LABEL_PX);
        for (i, row) in chart.rows.iter().enumerate() {
            let gy = plot_top + GROUP_H * i as i32;
            let label = ellipsize(&row.label, LABEL_PX, false, f64::from(label_w));
            c.text(MARGIN, gy + GROUP_H / 2, &label, label_font);
            for (s, v) in values(row).into_iter().enumerate() {
                if let Some(v) = v {
                    let by = gy + 6 + s as i32 * (BAR_H + 2);
                    bar(c, true, x(0.0), x(v), by, by + BAR_H, s);
                }
            }
        }
        let title = Font::new(LABEL_PX)
            .color(MUTED)
            .anchor(HPos::Center, VPos::Center);
        c.text(
            (x0 + x1) / 2,
            height - 12,
            &axis_title(&chart.currency),
            title,
        );
    })
}

/// Vertical grid lines with tick labels above and below the plot.
fn value_axis(c: &Canvas, ticks: &Ticks, top: i32, bottom: i32, x: &dyn Fn(f64) -> i32) {
    let font = Font::new(SMALL_PX)
        .color(MUTED)
        .anchor(HPos::Center, VPos::Center);
    for &v in &ticks.values {
        let xv = x(v);
        let color = if v == 0.0 { AXIS } else { GRID };
        c.line(&[(xv, top), (xv, bottom)], color, 1);
        let label = ticks.label(v);
        c.text(xv, top - 10, &label, font);
        c.text(xv, bottom + 10, &label, font);
    }
}

/// Vertical grouped bars per period, with each period's cap.
pub fn budget_by_period(chart: &BudgetByPeriod) -> String {
    let has_cap = chart.periods.iter().any(|p| finite(p.cap).is_some());
    let all = chart.periods.iter().flat_map(|p| {
        values(&p.amounts)
            .into_iter()
            .flatten()
            .chain(finite(p.cap))
    });
    let ticks = ticks_for(all.chain([0.0]), 5);
    let frame = Frame::new(
        chart.width,
        chart.height,
        &axis_title(&chart.currency),
        legend_items(has_cap),
        ticks,
        28,
    );
    render_svg(frame.width as u32, frame.height as u32, &chart.title, |c| {
        frame.draw(c, &chart.title);
        paint_periods(c, chart, &frame);
    })
}

fn paint_periods(c: &Canvas, chart: &BudgetByPeriod, frame: &Frame) {
    let n = chart.periods.len().max(1);
    let slot = f64::from(frame.x1 - frame.x0) / n as f64;
    let bar_w = (slot * 0.72 / 3.0).clamp(1.0, 40.0);
    let zero = frame.y(0.0);
    for (i, p) in chart.periods.iter().enumerate() {
        let centre = f64::from(frame.x0) + slot * (i as f64 + 0.5);
        let left = centre - bar_w * 1.5;
        for (s, v) in values(&p.amounts).into_iter().enumerate() {
            if let Some(v) = v {
                let a = px(left + bar_w * s as f64);
                let b = px(left + bar_w * (s as f64 + 1.0)) - 1;
                bar(c, false, zero, frame.y(v), a, b.max(a + 1), s);
            }
        }
        if let Some(cap) = finite(p.cap) {
            let y = frame.y(cap);
            let (a, b) = (px(centre - slot * 0.45), px(centre + slot * 0.45));
            c.dashed(&[(a, y), (b, y)], VERMILLION, 2, 6, 3);
        }
    }
    slot_labels(
        c,
        frame,
        chart.periods.iter().map(|p| p.amounts.label.as_str()),
        slot,
    );
}

/// Category labels under the slots, thinned to every k-th so that none overlap.
pub(crate) fn slot_labels<'a>(
    c: &Canvas,
    frame: &Frame,
    labels: impl Iterator<Item = &'a str>,
    slot: f64,
) {
    let labels: Vec<&str> = labels.collect();
    let widest = labels
        .iter()
        .map(|l| text_width(l, SMALL_PX, false))
        .fold(0.0, f64::max);
    let k = ((widest + 10.0) / slot.max(1.0)).ceil().max(1.0) as usize;
    let font = Font::new(SMALL_PX)
        .color(MUTED)
        .anchor(HPos::Center, VPos::Center);
    for (i, label) in labels.iter().enumerate().step_by(k) {
        let centre = px(f64::from(frame.x0) + slot * (i as f64 + 0.5));
        c.text(centre, frame.y1 + 14, label, font);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(label: &str, p: f64, f: f64, a: Option<f64>) -> BudgetRow {
        BudgetRow {
            label: label.into(),
            planned: Some(p),
            forecast: Some(f),
            actual: a,
        }
    }

    fn bars() -> BudgetBars {
        BudgetBars {
            title: "Budget by department".into(),
            currency: "EUR".into(),
            rows: vec![
                row("Engineering", 1_200_000.0, 1_250_000.0, Some(600_000.0)),
                row("Sales", 800_000.0, 760_000.0, None),
                row("Savings", -50_000.0, -40_000.0, Some(-10_000.0)),
            ],
            ..Default::default()
        }
    }

    fn count(svg: &str, needle: &str) -> usize {
        svg.matches(needle).count()
    }

    #[test]
    fn bars_show_every_row_and_series() {
        let svg = budget_bars(&bars());
        assert!(svg.contains("<title>Budget by department</title>"));
        for text in [
            "Engineering",
            "Sales",
            "Savings",
            "Amount (EUR)",
            "Planned",
            "Forecast",
            "Actual",
            "1M",
        ] {
            assert!(svg.contains(text), "missing {text}");
        }
        // One planned bar per row, in the planned colour (plus its legend swatch).
        assert_eq!(count(&svg, "fill=\"#BDBDBD\""), 3 + 1);
        assert!(!svg.contains("NaN"));
        assert_eq!(svg, budget_bars(&bars()));
    }

    #[test]
    fn periods_with_caps() {
        let chart = BudgetByPeriod {
            title: "By quarter".into(),
            currency: "EUR".into(),
            periods: (1..=8)
                .map(|q| PeriodAmounts {
                    amounts: row(
                        &format!("FY2027-Q{q}"),
                        300_000.0,
                        320_000.0,
                        Some(280_000.0),
                    ),
                    cap: Some(350_000.0),
                })
                .collect(),
            ..Default::default()
        };
        let svg = budget_by_period(&chart);
        assert!(svg.contains("FY2027-Q1") && svg.contains("Cap"));
        assert_eq!(count(&svg, "fill=\"#0072B2\""), 8 + 1);
        assert!(!svg.contains("NaN"));
    }

    #[test]
    fn odd_input_does_not_panic() {
        for rows in [
            vec![],
            vec![BudgetRow::default()],
            vec![row("zero", 0.0, 0.0, Some(0.0))],
            vec![row("nan", f64::NAN, f64::INFINITY, Some(-f64::INFINITY))],
            vec![row("huge", 1e300, -1e300, Some(1.0))],
        ] {
            let chart = BudgetBars {
                rows: rows.clone(),
                width: 0,
                ..Default::default()
            };
            assert!(!budget_bars(&chart).contains("NaN"));
            let periods = rows
                .into_iter()
                .map(|amounts| PeriodAmounts {
                    amounts,
                    cap: Some(f64::NAN),
                })
                .collect();
            let chart = BudgetByPeriod {
                periods,
                height: 0,
                ..Default::default()
            };
            assert!(!budget_by_period(&chart).contains("NaN"));
        }
    }
}
