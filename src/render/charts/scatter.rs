//! Difficulty × impact: one bubble per initiative, its area by budget, its colour and centre
//! marker by status; key initiatives are ringed and labelled where a label fits.
//!
//! Difficulty and impact are small integers, so many initiatives share a spot. The points of a
//! spot are spread on a sunflower spiral around it: deterministic (ordered by size and label),
//! evenly packed, and the largest bubble stays in the middle.

use std::collections::BTreeMap;

use plotters::style::text_anchor::{HPos, VPos};

use super::draw::{
    palette::*, px, render_svg, status_color, status_shape, tint, Canvas, Font, Shape, SMALL_PX,
};
use super::font::{ellipsize, text_width};
use super::legend::{Item, Swatch};
use super::scale::Ticks;
use super::xy::Frame;
use super::Status;

#[derive(Debug, Clone, PartialEq)]
pub struct ScatterPoint {
    pub label: String,
    /// 1 (routine) … 5 (very hard).
    pub difficulty: f64,
    /// 1 … 5.
    pub impact: f64,
    /// The approved envelope; sets the bubble's area. None: the smallest bubble.
    pub budget: Option<f64>,
    pub status: Status,
    /// A key initiative: ringed and labelled.
    pub key: bool,
}

#[derive(Debug, Clone)]
pub struct Scatter {
    pub title: String,
    pub currency: String,
    pub points: Vec<ScatterPoint>,
    pub width: u32,
    pub height: u32,
}

impl Default for Scatter {
    fn default() -> Self {
        Scatter {
            title: String::new(),
            currency: String::new(),
            points: Vec::new(),
            width: 960,
            height: 620,
        }
    }
}

const MIN_R: f64 = 4.0;
const GOLDEN_ANGLE: f64 = 2.399_963_229_728_653;

/// The 1–5 scale with half a step of room on both ends.
fn scale() -> Ticks {
    Ticks {
        min: 0.5,
        max: 5.5,
        step: 1.0,
        values: vec![1.0, 2.0, 3.0, 4.0, 5.0],
    }
}

/// A placed bubble: input index, centre and radius in pixels.
struct Bubble {
    index: usize,
    x: f64,
    y: f64,
    r: f64,
}

/// Draw the difficulty × impact chart.
pub fn difficulty_impact(chart: &Scatter) -> String {
    let frame = Frame::new(
        chart.width,
        chart.height,
        "Impact (1 low – 5 high)",
        legend(chart),
        scale(),
        46,
    );
    // The x axis uses the same 1–5 scale across the plot's width.
    let x_of = |v: f64| scale().map(v, f64::from(frame.x0), f64::from(frame.x1));
    let bubbles = place(chart, &frame, &x_of);
    render_svg(frame.width as u32, frame.height as u32, &chart.title, |c| {
        frame.draw(c, &chart.title);
        paint_x_axis(c, &frame, &x_of);
        for b in &bubbles {
            paint_bubble(c, &chart.points[b.index], b);
        }
        paint_labels(c, chart, &frame, &bubbles);
    })
}

fn legend(chart: &Scatter) -> Vec<Item> {
    let mut items: Vec<Item> = Status::ALL
        .into_iter()
        .filter(|s| chart.points.iter().any(|p| p.status == *s))
        .map(|s| Item::new(Swatch::Marker(status_shape(s), status_color(s)), s.label()))
        .collect();
    items.push(Item::new(
        Swatch::Marker(Shape::Ring, INK),
        "Key initiative",
    ));
    let area = if chart.currency.is_empty() {
        "Bubble area: budget".to_string()
    } else {
        format!("Bubble area: budget ({})", chart.currency)
    };
    items.push(Item::new(Swatch::Marker(Shape::Ring, AXIS), area));
    items
}

fn paint_x_axis(c: &Canvas, frame: &Frame, x_of: &dyn Fn(f64) -> f64) {
    let font = Font::new(SMALL_PX)
        .color(MUTED)
        .anchor(HPos::Center, VPos::Center);
    for v in 1..=5 {
        let x = px(x_of(f64::from(v)));
        c.line(&[(x, frame.y0), (x, frame.y1)], GRID, 1);
        c.text(x, frame.y1 + 12, &v.to_string(), font);
    }
    let title = Font::new(13.0)
        .color(MUTED)
        .anchor(HPos::Center, VPos::Center);
    c.text(
        (frame.x0 + frame.x1) / 2,
        frame.y1 + 34,
        "Difficulty (1 routine – 5 very hard)",
        title,
    );
}

/// The spot a value belongs to: values are rounded to halves and kept on the scale.
fn spot(v: f64) -> i64 {
    let v = if v.is_finite() { v } else { 3.0 };
    (v.clamp(1.0, 5.0) * 2.0).round() as i64
}

fn place(chart: &Scatter, frame: &Frame, x_of: &dyn Fn(f64) -> f64) -> Vec<Bubble> {
    let mut spots: BTreeMap<(i64, i64), Vec<usize>> = BTreeMap::new();
    for (i, p) in chart.points.iter().enumerate() {
        spots
            .entry((spot(p.difficulty), spot(p.impact)))
            .or_default()
            .push(i);
    }
    let budget = |i: usize| {
        chart.points[i]
            .budget
            .filter(|b| b.is_finite() && *b > 0.0)
            .unwrap_or(0.0)
    };
    let max_budget = (0..chart.points.len()).map(budget).fold(0.0, f64::max);
    // Half a grid step is the room a spot may fill; the most crowded spot sets the bubble scale
    // so that areas stay comparable across the chart.
    let room =
        (f64::from(frame.x1 - frame.x0) / 10.0).min(f64::from(frame.y1 - frame.y0) / 10.0) * 0.9;
    let crowd = spots.values().map(Vec::len).max().unwrap_or(1) as f64;
    let max_r = (room / crowd.sqrt()).clamp(MIN_R + 1.0, 26.0);
    let mut out = Vec::with_capacity(chart.points.len());
    for ((sx, sy), mut members) in spots {
        members.sort_by(|&a, &b| {
            budget(b)
                .total_cmp(&budget(a))
                .then_with(|| chart.points[a].label.cmp(&chart.points[b].label))
                .then(a.cmp(&b))
        });
        let (cx, cy) = (x_of(sx as f64 / 2.0), f64::from(frame.y(sy as f64 / 2.0)));
        let spacing = room / (members.len() as f64).sqrt().max(1.0);
        for (k, &i) in members.iter().enumerate() {
            let r = if max_budget > 0.0 {
                (budget(i) / max_budget).sqrt() * max_r
            } else {
                MIN_R
            };
            let (dist, angle) = ((k as f64).sqrt() * spacing * 0.95, k as f64 * GOLDEN_ANGLE);
            out.push(Bubble {
                index: i,
                x: cx + dist * angle.cos(),
                y: cy + dist * angle.sin(),
                r: r.max(MIN_R),
            });
        }
    }
    // Big bubbles first, so small ones stay visible on top of them.
    out.sort_by(|a, b| b.r.total_cmp(&a.r).then(a.index.cmp(&b.index)));
    out
}

fn paint_bubble(c: &Canvas, p: &ScatterPoint, b: &Bubble) {
    let (x, y) = (px(b.x), px(b.y));
    let color = status_color(p.status);
    let r = b.r.round() as u32;
    if p.key {
        c.ring(x, y, r + 3, INK, 2);
    }
    if b.r > 7.0 {
        c.circle(x, y, r, tint(color, 0.6));
        c.stroke_circle(x, y, r, color, 1);
    }
    c.status_marker(p.status, x, y, 4);
}

/// Labels for key initiatives, biggest first, at the first side of the bubble where the label
/// overlaps neither another label nor the plot's edge; a label that fits nowhere is left out
/// (the data table beside the chart lists every point).
fn paint_labels(c: &Canvas, chart: &Scatter, frame: &Frame, bubbles: &[Bubble]) {
    let mut taken: Vec<(f64, f64, f64, f64)> = Vec::new();
    let h = 15.0;
    for b in bubbles.iter().filter(|b| chart.points[b.index].key) {
        let label = ellipsize(&chart.points[b.index].label, SMALL_PX, false, 180.0);
        let w = text_width(&label, SMALL_PX, false);
        let gap = b.r + 5.0;
        let candidates = [
            (b.x + gap, b.y - h / 2.0),
            (b.x - gap - w, b.y - h / 2.0),
            (b.x - w / 2.0, b.y - gap - h),
            (b.x - w / 2.0, b.y + gap),
        ];
        let fits = |&(x, y): &(f64, f64)| {
            x >= f64::from(frame.x0)
                && x + w <= f64::from(frame.x1)
                && y >= f64::from(frame.y0)
                && y + h <= f64::from(frame.y1)
                && taken
                    .iter()
                    .all(|&(a, b2, c2, d)| x + w < a || x > c2 || y + h < b2 || y > d)
        };
        let clear =
            |&(x, y): &(f64, f64)| !bubbles.iter().any(|o| circle_meets_rect(o, x, y, w, h));
        // Rather a spot clear of bubbles too; failing that, one that at least hides no label.
        let chosen = candidates
            .iter()
            .find(|p| fits(p) && clear(p))
            .or_else(|| candidates.iter().find(|p| fits(p)));
        if let Some(&(x, y)) = chosen {
            taken.push((x, y, x + w, y + h));
            let font = Font::new(SMALL_PX)
                .color(INK)
                .anchor(HPos::Left, VPos::Center);
            c.rect(px(x - 1.0), px(y), px(x + w + 1.0), px(y + h), WHITE);
            c.text(px(x), px(y + h / 2.0), &label, font);
        }
    }
}

fn circle_meets_rect(b: &Bubble, x: f64, y: f64, w: f64, h: f64) -> bool {
    let nx = b.x.clamp(x, x + w);
    let ny = b.y.clamp(y, y + h);
    (nx - b.x).powi(2) + (ny - b.y).powi(2) < b.r * b.r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(i: usize, key: bool) -> ScatterPoint {
        ScatterPoint {
            label: format!("Initiative {i}"),
            difficulty: (i % 5 + 1) as f64,
            impact: ((i / 5) % 5 + 1) as f64,
            budget: Some(10_000.0 * (i % 7 + 1) as f64),
            status: Status::ALL[i % 7],
            key,
        }
    }

    fn sample(n: usize) -> Scatter {
        Scatter {
            title: "Difficulty and impact".into(),
            currency: "EUR".into(),
            points: (0..n).map(|i| point(i, i % 4 == 0)).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn key_points_are_labelled_and_output_is_stable() {
        let svg = difficulty_impact(&sample(12));
        for text in [
            "Initiative 0",
            "Initiative 4",
            "Difficulty (1 routine – 5 very hard)",
            "Impact (1 low – 5 high)",
            "Key initiative",
        ] {
            assert!(svg.contains(text), "missing {text}");
        }
        assert!(
            !svg.contains("Initiative 1\n"),
            "only key points are labelled"
        );
        assert_eq!(svg, difficulty_impact(&sample(12)));
    }

    #[test]
    fn crowded_spots_spread_their_points() {
        let mut chart = sample(0);
        chart.points = (0..50)
            .map(|i| ScatterPoint {
                difficulty: 3.0,
                impact: 3.0,
                ..point(i, false)
            })
            .collect();
        let frame = Frame::new(960, 620, "", vec![], scale(), 46);
        let x_of = |v: f64| scale().map(v, f64::from(frame.x0), f64::from(frame.x1));
        let bubbles = place(&chart, &frame, &x_of);
        let mut centres: Vec<(i32, i32)> = bubbles.iter().map(|b| (px(b.x), px(b.y))).collect();
        centres.sort();
        centres.dedup();
        assert_eq!(centres.len(), 50);
    }

    #[test]
    fn odd_input_does_not_panic() {
        let mut odd = sample(3);
        odd.points[0].difficulty = f64::NAN;
        odd.points[1].impact = 99.0;
        odd.points[2].budget = Some(-5.0);
        for chart in [odd, sample(0), sample(2000)] {
            assert!(!difficulty_impact(&chart).contains("NaN"));
        }
    }
}
