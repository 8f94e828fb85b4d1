//! The timeline (Gantt) of initiatives, grouped by department, with status, slips, critical path,
//! milestones, dependencies, the `as_of` line and a fiscal time axis at top and bottom.

use std::collections::HashMap;

use chrono::NaiveDate;
use plotters::style::text_anchor::{HPos, VPos};

use super::draw::{
    palette::*, px, render_svg, status_color, status_fill, Canvas, Font, Shape, LABEL_PX, SMALL_PX,
    TITLE_PX,
};
use super::font::{ellipsize, text_width};
use super::legend::{Item, Legend, Swatch};
use super::time::{TimeAxis, BAND_H};
use super::Status;

/// A Gantt chart's input.
#[derive(Debug, Clone)]
pub struct GanttChart {
    pub title: String,
    /// Rows in the order to show them; rows of one `group` are gathered under its first
    /// appearance. An empty group name draws no group header.
    pub rows: Vec<GanttRow>,
    pub dependencies: Vec<GanttDependency>,
    pub as_of: Option<NaiveDate>,
    /// The month (1–12) quarters and fiscal years start in.
    pub fiscal_year_start: u32,
    /// Total width in pixels; the height follows from the number of rows.
    pub width: u32,
}

impl Default for GanttChart {
    fn default() -> Self {
        GanttChart {
            title: String::new(),
            rows: Vec::new(),
            dependencies: Vec::new(),
            as_of: None,
            fiscal_year_start: 1,
            width: 1400,
        }
    }
}

/// One initiative.
#[derive(Debug, Clone)]
pub struct GanttRow {
    /// Identifies the row for dependencies.
    pub id: String,
    /// The department (group header).
    pub group: String,
    pub label: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// The end now expected; a later date draws the slip as a hatched extension.
    pub forecast_end: Option<NaiveDate>,
    pub status: Status,
    /// On the critical path: outlined.
    pub critical: bool,
    pub milestones: Vec<Milestone>,
}

#[derive(Debug, Clone)]
pub struct Milestone {
    pub date: NaiveDate,
    pub title: String,
    /// Reached: a filled diamond; still due: a hollow one.
    pub reached: bool,
}

/// `to` depends on `from`: drawn from the end of `from` to the start of `to`.
#[derive(Debug, Clone)]
pub struct GanttDependency {
    pub from: String,
    pub to: String,
}

/// The SVG and the drawing order of the input rows (indices into `GanttChart::rows`), so that the
/// page's data table lists the rows as the chart shows them.
#[derive(Debug, Clone)]
pub struct GanttOutput {
    pub svg: String,
    pub order: Vec<usize>,
}

const MARGIN: i32 = 16;
const ROW_H: i32 = 24;
const GROUP_H: i32 = 28;
const BAR_HALF: i32 = 6;
const STATUS_W: i32 = 96;
const AS_OF_H: i32 = 20;

/// One drawn line of the chart, top to bottom.
enum Line<'a> {
    Group(&'a str, usize),
    Row(usize),
}

struct Layout<'a> {
    width: i32,
    label_x: i32,
    status_x: i32,
    legend: Legend,
    legend_y: i32,
    axis_y: i32,
    rows_y: i32,
    lines: Vec<Line<'a>>,
    axis: TimeAxis,
}

impl Layout<'_> {
    fn rows_bottom(&self) -> i32 {
        self.rows_y
            + self
                .lines
                .iter()
                .map(|l| match l {
                    Line::Group(..) => GROUP_H,
                    Line::Row(_) => ROW_H,
                })
                .sum::<i32>()
    }

    fn height(&self) -> i32 {
        self.rows_bottom() + 6 + 2 * BAND_H + 12
    }
}

/// Draw the Gantt chart.
pub fn gantt(chart: &GanttChart) -> GanttOutput {
    let layout = layout(chart);
    let order = layout
        .lines
        .iter()
        .filter_map(|l| match l {
            Line::Row(i) => Some(*i),
            Line::Group(..) => None,
        })
        .collect();
    let svg = render_svg(
        layout.width as u32,
        layout.height() as u32,
        &chart.title,
        |c| paint(c, chart, &layout),
    );
    GanttOutput { svg, order }
}

/// Group the rows under their departments, keeping first-appearance order.
fn group_lines(rows: &[GanttRow]) -> Vec<Line<'_>> {
    let mut groups: Vec<(&str, Vec<usize>)> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, row) in rows.iter().enumerate() {
        let g = *index.entry(row.group.as_str()).or_insert_with(|| {
            groups.push((row.group.as_str(), Vec::new()));
            groups.len() - 1
        });
        groups[g].1.push(i);
    }
    let mut lines = Vec::with_capacity(rows.len() + groups.len());
    for (name, members) in groups {
        if !name.is_empty() {
            lines.push(Line::Group(name, members.len()));
        }
        lines.extend(members.into_iter().map(Line::Row));
    }
    lines
}

/// The date range the axis must cover: every bar, slip, milestone and the `as_of` day.
fn date_range(chart: &GanttChart) -> (NaiveDate, NaiveDate) {
    let dates = chart.rows.iter().flat_map(|r| {
        let ms = r.milestones.iter().map(|m| m.date);
        [r.start, r.end].into_iter().chain(r.forecast_end).chain(ms)
    });
    let all: Vec<NaiveDate> = dates.chain(chart.as_of).collect();
    let first = all.iter().min().copied();
    let last = all.iter().max().copied();
    match (first, last) {
        (Some(a), Some(b)) => (a, b),
        _ => {
            let today = chart
                .as_of
                .unwrap_or(NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default());
            (today, today)
        }
    }
}

fn layout(chart: &GanttChart) -> Layout<'_> {
    let width = chart.width.clamp(480, 20_000) as i32;
    let label_w = (f64::from(width) * 0.2).clamp(140.0, 320.0) as i32;
    let status_x = MARGIN + label_w;
    let tl_x0 = status_x + STATUS_W + 8;
    let tl_x1 = width - MARGIN - 8;
    let legend = Legend::layout(legend_items(), f64::from(MARGIN), f64::from(width - MARGIN));
    let legend_y = 40;
    let axis_y = legend_y + legend.height() + 8 + if chart.as_of.is_some() { AS_OF_H } else { 0 };
    let (first, last) = date_range(chart);
    let axis = TimeAxis::new(
        first,
        last,
        chart.fiscal_year_start,
        f64::from(tl_x0),
        f64::from(tl_x1),
        false,
    );
    Layout {
        width,
        label_x: MARGIN,
        status_x,
        legend,
        legend_y,
        axis_y,
        rows_y: axis_y + 2 * BAND_H + 4,
        lines: group_lines(&chart.rows),
        axis,
    }
}

fn legend_items() -> Vec<Item> {
    let mut items: Vec<Item> = Status::ALL
        .iter()
        .map(|&s| {
            Item::new(
                Swatch::Marker(super::draw::status_shape(s), status_color(s)),
                s.label(),
            )
        })
        .collect();
    items.extend([
        Item::new(Swatch::Block(PALE, Some(INK)), "Critical path"),
        Item::new(Swatch::Hatched(MUTED), "Forecast slip"),
        Item::new(Swatch::Marker(Shape::Diamond, INK), "Milestone reached"),
        Item::new(Swatch::Marker(Shape::HollowDiamond, INK), "Milestone due"),
        Item::new(Swatch::Arrow(MUTED, false), "Dependency"),
        Item::new(Swatch::Arrow(VERMILLION, true), "Dependency conflict"),
    ]);
    items
}

/// Where each drawn row sits: its centre line, per input row index.
fn row_centres(layout: &Layout) -> HashMap<usize, i32> {
    let mut y = layout.rows_y;
    let mut centres = HashMap::new();
    for line in &layout.lines {
        match line {
            Line::Group(..) => y += GROUP_H,
            Line::Row(i) => {
                centres.insert(*i, y + ROW_H / 2);
                y += ROW_H;
            }
        }
    }
    centres
}

fn paint(c: &Canvas, chart: &GanttChart, layout: &Layout) {
    c.text(MARGIN, 22, &chart.title, Font::new(TITLE_PX).bold());
    layout.legend.draw(c, layout.legend_y);
    let bottom = layout.rows_bottom();
    paint_rows_background(c, chart, layout);
    layout.axis.draw_grid(c, layout.rows_y, bottom);
    paint_header(c, layout, layout.axis_y, true);
    paint_header(c, layout, bottom + 6, false);
    let centres = row_centres(layout);
    paint_bars(c, chart, &layout.axis, &sorted(&centres));
    paint_as_of(c, chart, layout, bottom);
    paint_dependencies(c, chart, layout, &centres);
    for (i, y) in sorted(&centres) {
        paint_milestones(c, &chart.rows[i], &layout.axis, y);
    }
}

/// Map entries in row order, so the SVG's element order never depends on hashing.
fn sorted(centres: &HashMap<usize, i32>) -> Vec<(usize, i32)> {
    let mut v: Vec<(usize, i32)> = centres.iter().map(|(&i, &y)| (i, y)).collect();
    v.sort_by_key(|&(_, y)| y);
    v
}

/// A drawn line of the chart with its top edge.
fn placed_lines<'a>(layout: &'a Layout) -> impl Iterator<Item = (usize, &'a Line<'a>, i32)> + 'a {
    let mut y = layout.rows_y;
    layout.lines.iter().enumerate().map(move |(n, line)| {
        let top = y;
        y += match line {
            Line::Group(..) => GROUP_H,
            Line::Row(_) => ROW_H,
        };
        (n, line, top)
    })
}

/// Group bands, row stripes, labels and status words. Drawn layer by layer (none overlaps
/// another within a layer or across layers), so that each layer's like elements follow each
/// other and are written as one; markers go status by status for the same reason.
fn paint_rows_background(c: &Canvas, chart: &GanttChart, layout: &Layout) {
    let right = layout.width - MARGIN;
    for (n, line, y) in placed_lines(layout) {
        match line {
            Line::Group(..) => c.rect(MARGIN, y + 2, right, y + GROUP_H - 2, BAND),
            Line::Row(_) if n % 2 == 0 => c.rect(MARGIN, y, right, y + ROW_H, STRIPE),
            Line::Row(_) => {}
        }
    }
    paint_group_names(c, layout);
    let label_max = f64::from(layout.status_x - layout.label_x - 20);
    for (_, line, y) in placed_lines(layout) {
        if let Line::Row(i) = line {
            let label = ellipsize(&chart.rows[*i].label, LABEL_PX, false, label_max);
            let font = Font::new(LABEL_PX);
            c.text(layout.label_x + 18, y + ROW_H / 2, &label, font);
        }
    }
    for status in Status::ALL {
        for (_, line, y) in placed_lines(layout) {
            if matches!(line, Line::Row(i) if chart.rows[*i].status == status) {
                c.status_marker(status, layout.status_x + 8, y + ROW_H / 2, 5);
            }
        }
    }
    let word = Font::new(SMALL_PX).color(MUTED);
    for (_, line, y) in placed_lines(layout) {
        if let Line::Row(i) = line {
            let status = chart.rows[*i].status.label();
            c.text(layout.status_x + 20, y + ROW_H / 2, status, word);
        }
    }
}

/// Department names in bold, then the number of rows beside each.
fn paint_group_names(c: &Canvas, layout: &Layout) {
    let label_max = f64::from(layout.status_x - layout.label_x - 20);
    let names: Vec<(String, i32, usize)> = placed_lines(layout)
        .filter_map(|(_, line, y)| match line {
            Line::Group(name, count) => {
                let name = ellipsize(name, LABEL_PX, true, label_max + 12.0);
                Some((name, y + GROUP_H / 2, *count))
            }
            Line::Row(_) => None,
        })
        .collect();
    for (name, cy, _) in &names {
        c.text(layout.label_x + 6, *cy, name, Font::new(LABEL_PX).bold());
    }
    for (name, cy, count) in &names {
        let x = layout.label_x + 6 + text_width(name, LABEL_PX, true).ceil() as i32 + 8;
        let font = Font::new(SMALL_PX).color(MUTED);
        c.text(x, *cy, &count.to_string(), font);
    }
}

/// Axis bands with the column titles beside them.
fn paint_header(c: &Canvas, layout: &Layout, y: i32, top: bool) {
    c.line(&[(MARGIN, y), (layout.width - MARGIN, y)], PALE, 1);
    let used = layout.axis.draw_bands(c, y, top);
    c.line(
        &[(MARGIN, y + used), (layout.width - MARGIN, y + used)],
        PALE,
        1,
    );
    let font = Font::new(SMALL_PX).bold().color(MUTED);
    let cy = if top {
        y + used - BAND_H / 2
    } else {
        y + BAND_H / 2
    };
    c.text(layout.label_x + 6, cy, "Initiative", font);
    c.text(layout.status_x + 4, cy, "Status", font);
}

/// The day after `d`: bars end at the end of their last day.
fn after(d: NaiveDate) -> NaiveDate {
    d.succ_opt().unwrap_or(d)
}

fn bar_span(row: &GanttRow, axis: &TimeAxis) -> (i32, i32) {
    let (start, end) = (row.start.min(row.end), row.start.max(row.end));
    let x0 = px(axis.x(start));
    let x1 = px(axis.x(after(end))).max(x0 + 2);
    (x0, x1)
}

/// Bars in layers: critical frames (outside the bars), bars by status, cancelled frames, slips.
/// Rows never overlap, so the layers paint what row-by-row drawing would, with like elements
/// next to each other.
fn paint_bars(c: &Canvas, chart: &GanttChart, axis: &TimeAxis, rows: &[(usize, i32)]) {
    let spans: Vec<(&GanttRow, i32, i32, i32, i32)> = rows
        .iter()
        .map(|&(i, y)| {
            let row = &chart.rows[i];
            let (x0, x1) = bar_span(row, axis);
            (row, y, x0, x1, slip_end(row, axis, x1))
        })
        .collect();
    for &(row, y, x0, _, right) in &spans {
        if row.critical {
            c.outline(
                x0 - 2,
                y - BAR_HALF - 2,
                right + 2,
                y + BAR_HALF + 2,
                INK,
                2,
            );
        }
    }
    for status in Status::ALL {
        for &(row, y, x0, x1, _) in spans.iter().filter(|s| s.0.status == status) {
            c.rect(x0, y - BAR_HALF, x1, y + BAR_HALF, status_fill(row.status));
        }
    }
    for &(row, y, x0, x1, right) in &spans {
        let color = status_color(row.status);
        if row.status == Status::Cancelled {
            c.outline(x0, y - BAR_HALF, x1, y + BAR_HALF, color, 1);
        }
        if right > x1 {
            c.hatched(x1, y - BAR_HALF, right, y + BAR_HALF, color, 0.8);
        }
    }
}

/// Where the forecast slip of a row ends (`x1`, the bar's end, when there is none).
fn slip_end(row: &GanttRow, axis: &TimeAxis, x1: i32) -> i32 {
    let slip = row.forecast_end.filter(|f| *f > row.end.max(row.start));
    slip.map_or(x1, |s| px(axis.x(after(s))).max(x1 + 2))
}

fn paint_milestones(c: &Canvas, row: &GanttRow, axis: &TimeAxis, y: i32) {
    for m in &row.milestones {
        let x = px(axis.x(m.date));
        let shape = if m.reached {
            Shape::Diamond
        } else {
            Shape::HollowDiamond
        };
        c.marker(shape, x, y, 7, INK);
    }
}

fn paint_as_of(c: &Canvas, chart: &GanttChart, layout: &Layout, bottom: i32) {
    let Some(as_of) = chart.as_of else { return };
    let x = px(layout.axis.x(as_of));
    c.line(&[(x, layout.axis_y - 4), (x, bottom)], INK, 2);
    let label = format!("As of {}", as_of.format("%Y-%m-%d"));
    let w = text_width(&label, SMALL_PX, true).ceil() as i32;
    // Keep the label inside the chart: flip it to the left of the line near the right edge.
    let (tx, anchor) = if x + 4 + w > layout.width - MARGIN {
        (x - 4, HPos::Right)
    } else {
        (x + 4, HPos::Left)
    };
    let font = Font::new(SMALL_PX).bold().anchor(anchor, VPos::Center);
    c.text(tx, layout.axis_y - AS_OF_H / 2 - 2, &label, font);
}

/// Elbow arrows from the end of each prerequisite to the start of its dependent.
fn paint_dependencies(
    c: &Canvas,
    chart: &GanttChart,
    layout: &Layout,
    centres: &HashMap<usize, i32>,
) {
    let ids: HashMap<&str, usize> = chart
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .rev() // the first row with an id wins
        .collect();
    for dep in &chart.dependencies {
        let (Some(&from), Some(&to)) = (ids.get(dep.from.as_str()), ids.get(dep.to.as_str()))
        else {
            continue;
        };
        let (Some(&yf), Some(&yt)) = (centres.get(&from), centres.get(&to)) else {
            continue;
        };
        let (a, b) = (&chart.rows[from], &chart.rows[to]);
        let end = a.forecast_end.unwrap_or(a.end).max(a.end);
        let conflict = b.start < end;
        let xe = px(layout.axis.x(after(end)));
        let xs = bar_span(b, &layout.axis).0;
        let points = elbow(xe, yf, xs, yt);
        let color = if conflict { VERMILLION } else { MUTED };
        if conflict {
            c.dashed(&points, color, 2, 5, 3);
        } else {
            c.line(&points, color, 1);
        }
        c.polygon(&[(xs, yt), (xs - 6, yt - 4), (xs - 6, yt + 4)], color);
    }
}

/// The path of a dependency arrow: straight down before the dependent when there is room,
/// otherwise out, along the row boundary, and back in.
fn elbow(xe: i32, yf: i32, xs: i32, yt: i32) -> Vec<(i32, i32)> {
    if yf == yt {
        return vec![(xe, yf), (xs - 6, yt)];
    }
    if xs - 10 >= xe + 4 {
        let xm = xs - 10;
        return vec![(xe, yf), (xm, yf), (xm, yt), (xs - 6, yt)];
    }
    let boundary = if yt > yf {
        yt - ROW_H / 2
    } else {
        yt + ROW_H / 2
    };
    vec![
        (xe, yf),
        (xe + 6, yf),
        (xe + 6, boundary),
        (xs - 10, boundary),
        (xs - 10, yt),
        (xs - 6, yt),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn row(id: &str, group: &str, start: NaiveDate, end: NaiveDate) -> GanttRow {
        GanttRow {
            id: id.into(),
            group: group.into(),
            label: format!("Initiative {id}"),
            start,
            end,
            forecast_end: None,
            status: Status::OnTrack,
            critical: false,
            milestones: vec![],
        }
    }

    fn sample() -> GanttChart {
        let mut a = row("a", "Sales", d(2026, 4, 1), d(2026, 9, 30));
        a.forecast_end = Some(d(2026, 11, 15));
        a.critical = true;
        a.milestones.push(Milestone {
            date: d(2026, 6, 1),
            title: "Beta".into(),
            reached: true,
        });
        let b = row("b", "Engineering", d(2026, 10, 1), d(2027, 3, 31));
        let c = row("c", "Sales", d(2026, 5, 1), d(2026, 5, 1));
        GanttChart {
            title: "Organization timeline".into(),
            rows: vec![a, b, c],
            dependencies: vec![GanttDependency {
                from: "a".into(),
                to: "b".into(),
            }],
            as_of: Some(d(2026, 6, 30)),
            fiscal_year_start: 4,
            ..Default::default()
        }
    }

    #[test]
    fn rows_are_grouped_in_first_appearance_order() {
        let out = gantt(&sample());
        assert_eq!(out.order, vec![0, 2, 1]);
    }

    #[test]
    fn svg_shows_labels_axis_and_legend() {
        let svg = gantt(&sample()).svg;
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("<title>Organization timeline</title>"));
        for text in [
            "Initiative a",
            "Initiative b",
            "Sales",
            "Engineering",
            "FY2027",
            "Apr",
        ] {
            assert!(svg.contains(text), "missing {text}");
        }
        assert!(svg.contains("As of 2026-06-30"));
        assert!(svg.contains("Dependency conflict"));
        // a's slip runs past b's start: a conflict, dashed by the SVG itself, not dash by dash.
        assert!(svg.contains("stroke-dasharray=\"5 3\""));
        assert!(!svg.contains("opacity=\"0.99"));
        assert!(svg.contains("font-family=\"DejaVu Sans, sans-serif\""));
        assert!(!svg.contains("NaN"));
    }

    #[test]
    fn one_bar_per_row() {
        let mut chart = sample();
        chart.rows[0].forecast_end = None;
        let svg = gantt(&chart).svg;
        // Rectangles are the subpaths with a vertical step ("v"); markers have none.
        let bars = svg
            .lines()
            .filter(|l| l.starts_with("<path fill=\"#009E73\""))
            .flat_map(|l| l.split('M').filter(|sub| sub.contains('v')))
            .count();
        assert_eq!(bars, 3);
        // The dependency is met (b starts the day after a ends): no conflict line.
        assert!(!svg.contains("stroke-dasharray=\"5 3\""));
    }

    #[test]
    fn output_is_deterministic() {
        assert_eq!(gantt(&sample()).svg, gantt(&sample()).svg);
    }

    #[test]
    fn odd_input_does_not_panic() {
        let empty = GanttChart::default();
        assert!(gantt(&empty).svg.contains("</svg>"));
        let mut odd = sample();
        odd.rows[0].start = d(2030, 1, 1); // start after end
        odd.rows[1].end = NaiveDate::MAX;
        odd.rows[2].start = NaiveDate::MIN;
        odd.fiscal_year_start = 0;
        odd.width = 1;
        odd.dependencies.push(GanttDependency {
            from: "missing".into(),
            to: "a".into(),
        });
        let svg = gantt(&odd).svg;
        assert!(!svg.contains("NaN"));
    }

    #[test]
    fn two_thousand_rows_in_forty_departments() {
        let rows: Vec<GanttRow> = (0..2000)
            .map(|i| {
                let start = d(2026, 1 + (i % 12) as u32, 1);
                let mut r = row(
                    &format!("r{i}"),
                    &format!("Department {}", i % 40),
                    start,
                    start + chrono::Months::new(6),
                );
                r.status = Status::ALL[i % 7];
                r
            })
            .collect();
        let chart = GanttChart { rows, ..sample() };
        let out = gantt(&chart);
        assert_eq!(out.order.len(), 2000);
        // Every row keeps its full height: 2,000 rows and 40 group headers.
        let height: i32 = out
            .svg
            .split("height=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(height >= 2000 * ROW_H + 40 * GROUP_H);
        assert!(!out.svg.contains("NaN"));
    }

    #[test]
    fn long_labels_are_truncated() {
        let mut chart = sample();
        chart.rows[0].label = "word ".repeat(100);
        let svg = gantt(&chart).svg;
        assert!(svg.contains('…'));
    }
}
