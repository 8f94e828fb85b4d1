//! A time axis in fiscal years, quarters and months.
//!
//! Quarters start at `fiscal_year_start` and its multiples of three months; a fiscal year is named
//! after the calendar year it ends in (FY2027 = Apr 2026 – Mar 2027 when it starts in April), and
//! plain calendar years are named by their number. The axis picks the finest level whose labels
//! fit and thins the year labels out so that no two labels ever overlap.

use chrono::{Datelike, NaiveDate};

use super::draw::{palette::*, Canvas, Font, SMALL_PX};
use super::font::text_width;
use plotters::style::text_anchor::{HPos, VPos};

/// Height of one band of labels.
pub(crate) const BAND_H: i32 = 20;
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const QUARTERS: [&str; 4] = ["Q1", "Q2", "Q3", "Q4"];

/// A month counted from year 0: year × 12 + month − 1.
pub(crate) fn month_index(d: NaiveDate) -> i64 {
    i64::from(d.year()) * 12 + i64::from(d.month0())
}

/// The first day of a month index, clamped to chrono's range.
pub(crate) fn month_start(idx: i64) -> NaiveDate {
    let year = idx
        .div_euclid(12)
        .clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32;
    let month = idx.rem_euclid(12) as u32 + 1;
    NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(if idx < 0 {
        NaiveDate::MIN
    } else {
        NaiveDate::MAX
    })
}

/// Lower-band granularity.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Level {
    Months,
    Quarters,
    None,
}

pub(crate) struct TimeAxis {
    /// First month shown (inclusive) and the month after the last one shown.
    first: i64,
    after: i64,
    start: NaiveDate,
    days: f64,
    x0: f64,
    x1: f64,
    /// Months between January and the fiscal year's first month (0 for calendar years).
    offset: i64,
    pub level: Level,
    /// `x` of the first day of every month from `first` to `after`, for axes of up to a century:
    /// charts ask for month spans hundreds of times, and each is two dates' worth of calendar
    /// arithmetic otherwise.
    month_x: Vec<f64>,
}

impl TimeAxis {
    /// An axis over `from..=to` in pixels `x0..x1`, rounded out to whole quarters (or months when
    /// `months` is set, for charts whose data is monthly).
    pub fn new(
        from: NaiveDate,
        to: NaiveDate,
        fiscal_year_start: u32,
        x0: f64,
        x1: f64,
        months: bool,
    ) -> Self {
        let (from, to) = (from.min(to), from.max(to));
        let offset = i64::from(fiscal_year_start.clamp(1, 12)) - 1;
        let unit = if months { 1 } else { 3 };
        let round_down = |m: i64| (m - offset).div_euclid(unit) * unit + offset;
        let first = round_down(month_index(from));
        let after = round_down(month_index(to)) + unit;
        let start = month_start(first);
        let days = ((month_start(after) - start).num_days() as f64).max(1.0);
        let mut axis = TimeAxis {
            first,
            after,
            start,
            days,
            x0,
            x1: x1.max(x0 + 1.0),
            offset,
            level: Level::None,
            month_x: Vec::new(),
        };
        axis.level = axis.pick_level();
        if after - first <= 1200 {
            axis.month_x = (first..=after).map(|m| axis.x(month_start(m))).collect();
        }
        axis
    }

    pub fn x(&self, d: NaiveDate) -> f64 {
        let days = (d - self.start).num_days() as f64;
        self.x0 + days / self.days * (self.x1 - self.x0)
    }

    /// The pixel span of the month with index `idx` (for monthly bars).
    pub fn month_span(&self, idx: i64) -> (f64, f64) {
        (self.month_x(idx), self.month_x(idx + 1))
    }

    fn month_x(&self, idx: i64) -> f64 {
        idx.checked_sub(self.first)
            .and_then(|i| usize::try_from(i).ok())
            .and_then(|i| self.month_x.get(i).copied())
            .unwrap_or_else(|| self.x(month_start(idx)))
    }

    fn width_of_months(&self, n: i64) -> f64 {
        // The shortest case: February-led spans are a little narrower; 28/30.4 of the average.
        let per_month = (self.x1 - self.x0) / (self.after - self.first).max(1) as f64;
        per_month * n as f64 * 0.92
    }

    fn pick_level(&self) -> Level {
        if self.width_of_months(1) >= text_width("May", SMALL_PX, false) + 10.0 {
            Level::Months
        } else if self.width_of_months(3) >= text_width("Q4", SMALL_PX, false) + 10.0 {
            Level::Quarters
        } else {
            Level::None
        }
    }

    fn year_label(&self, fy_first_month: i64) -> String {
        let year = fy_first_month.div_euclid(12);
        if self.offset == 0 {
            format!("{year}")
        } else {
            format!("FY{}", year + 1)
        }
    }

    /// The first month of every fiscal year to label, thinned so labels fit: every k-th year.
    fn labelled_years(&self) -> Vec<i64> {
        let widest = text_width(&self.year_label(self.after), SMALL_PX, false) + 12.0;
        let year_px = self.width_of_months(12) / 0.92;
        let k = [
            1i64, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 100_000, 1_000_000,
        ]
        .into_iter()
        .find(|&k| k as f64 * year_px >= widest)
        .unwrap_or(10_000_000);
        let fy_of = |m: i64| (m - self.offset).div_euclid(12);
        let (first_fy, last_fy) = (fy_of(self.first), fy_of(self.after - 1));
        let mut fy = first_fy.div_euclid(k) * k;
        let mut out = Vec::new();
        while fy <= last_fy {
            if fy >= first_fy || k == 1 {
                out.push(fy * 12 + self.offset);
            }
            fy += k;
        }
        out
    }

    /// Lower-band segments: (first month index, months, label). The labels are constants:
    /// every chart on a time axis draws them, thousands of times per site.
    fn lower_segments(&self) -> Vec<(i64, i64, &'static str)> {
        match self.level {
            Level::None => Vec::new(),
            Level::Months => (self.first..self.after)
                .map(|m| (m, 1, MONTHS[m.rem_euclid(12) as usize]))
                .collect(),
            Level::Quarters => (self.first..self.after)
                .step_by(3)
                .map(|m| {
                    (
                        m,
                        3,
                        QUARTERS[((m - self.offset).rem_euclid(12) / 3) as usize],
                    )
                })
                .collect(),
        }
    }

    /// Draw the two label bands from `y` down: years above the quarters/months when
    /// `years_first`, below them otherwise (a bottom axis). Returns the height used.
    pub fn draw_bands(&self, c: &Canvas, y: i32, years_first: bool) -> i32 {
        let lower = self.lower_segments();
        let has_lower = !lower.is_empty();
        let (year_y, lower_y) = if years_first || !has_lower {
            (y, y + BAND_H)
        } else {
            (y + BAND_H, y)
        };
        let years: Vec<(i64, i64, String)> = self
            .labelled_years()
            .into_iter()
            .map(|m| (m, 12, self.year_label(m)))
            .collect();
        // Labels, then the ticks between them (they never overlap): like elements in a row are
        // written as one.
        self.band_labels(c, year_y, &years, true);
        self.band_labels(c, lower_y, &lower, false);
        self.band_ticks(c, year_y, &years);
        self.band_ticks(c, lower_y, &lower);
        if has_lower {
            2 * BAND_H
        } else {
            BAND_H
        }
    }

    /// The span of a segment on the axis, clipped to the plot.
    fn segment_span(&self, first: i64, months: i64) -> (f64, f64) {
        let (a, _) = self.month_span(first);
        let (_, b) = self.month_span(first + months - 1);
        (a.max(self.x0), b.min(self.x1))
    }

    fn band_labels(
        &self,
        c: &Canvas,
        y: i32,
        segments: &[(i64, i64, impl AsRef<str>)],
        bold: bool,
    ) {
        let font = Font::new(SMALL_PX)
            .color(if bold { INK } else { MUTED })
            .anchor(HPos::Center, VPos::Center);
        let font = if bold { font.bold() } else { font };
        for (first, months, label) in segments {
            let label = label.as_ref();
            let (a, b) = self.segment_span(*first, *months);
            if b - a >= text_width(label, SMALL_PX, bold) + 6.0 {
                c.text(super::draw::px((a + b) / 2.0), y + BAND_H / 2, label, font);
            }
        }
    }

    fn band_ticks(&self, c: &Canvas, y: i32, segments: &[(i64, i64, impl AsRef<str>)]) {
        for (first, months, _) in segments {
            let (a, _) = self.segment_span(*first, *months);
            if a > self.x0 {
                let tick = super::draw::px(a);
                c.line(&[(tick, y + 3), (tick, y + BAND_H - 3)], PALE, 1);
            }
        }
    }

    /// Vertical grid lines from `y0` to `y1`: light at quarters/months, darker at years.
    pub fn draw_grid(&self, c: &Canvas, y0: i32, y1: i32) {
        for (m, _, _) in self.lower_segments() {
            let x = super::draw::px(self.month_x(m));
            if (m - self.offset).rem_euclid(12) != 0 && f64::from(x) > self.x0 {
                c.line(&[(x, y0), (x, y1)], GRID, 1);
            }
        }
        for m in self.labelled_years() {
            let x = self.month_x(m);
            if x > self.x0 && x < self.x1 {
                let x = super::draw::px(x);
                c.line(&[(x, y0), (x, y1)], PALE, 1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn fiscal_years_are_named_by_their_end() {
        let axis = TimeAxis::new(d(2026, 5, 10), d(2027, 2, 1), 4, 0.0, 1000.0, false);
        // Rounded out to fiscal quarters: Apr 2026 .. Apr 2027.
        assert_eq!(axis.start, d(2026, 4, 1));
        assert_eq!(month_start(axis.after), d(2027, 4, 1));
        assert_eq!(axis.year_label(axis.labelled_years()[0]), "FY2027");
        let quarters: Vec<&str> = axis.lower_segments().into_iter().map(|s| s.2).collect();
        assert_eq!(axis.level, Level::Months);
        assert_eq!(quarters.len(), 12);
    }

    #[test]
    fn calendar_quarters() {
        let axis = TimeAxis::new(d(2026, 1, 1), d(2029, 12, 31), 1, 0.0, 900.0, false);
        assert_eq!(axis.level, Level::Quarters);
        let labels: Vec<&str> = axis.lower_segments().into_iter().map(|s| s.2).collect();
        assert_eq!(labels[..4], ["Q1", "Q2", "Q3", "Q4"]);
        assert_eq!(axis.year_label(axis.labelled_years()[0]), "2026");
    }

    #[test]
    fn far_apart_dates_thin_the_years() {
        let axis = TimeAxis::new(NaiveDate::MIN, NaiveDate::MAX, 7, 0.0, 1000.0, false);
        assert_eq!(axis.level, Level::None);
        assert!(axis.labelled_years().len() < 40);
        assert!(axis.x(NaiveDate::MAX).is_finite());
    }
}
