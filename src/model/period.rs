//! Months and periods: spans of whole months, calendar or fiscal.

use std::fmt;

use chrono::{Datelike, NaiveDate};

/// A calendar date (a TOML local date).
pub type Date = NaiveDate;

/// A calendar month, counted from year 0 so that months compare and subtract as integers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month(pub i32);

impl Month {
    pub fn new(year: i32, month: u32) -> Month {
        Month(year * 12 + month as i32 - 1)
    }
    pub fn of(date: Date) -> Month {
        Month::new(date.year(), date.month())
    }
    pub fn year(self) -> i32 {
        self.0.div_euclid(12)
    }
    /// 1–12.
    pub fn month(self) -> u32 {
        self.0.rem_euclid(12) as u32 + 1
    }
    pub fn first_day(self) -> Date {
        NaiveDate::from_ymd_opt(self.year(), self.month(), 1).unwrap_or(NaiveDate::MIN)
    }
    pub fn last_day(self) -> Date {
        self.next().first_day().pred_opt().unwrap_or(NaiveDate::MAX)
    }
    pub fn days(self) -> i64 {
        (self.next().first_day() - self.first_day()).num_days()
    }
    pub fn next(self) -> Month {
        Month(self.0 + 1)
    }
    pub fn plus(self, n: i32) -> Month {
        Month(self.0 + n)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

/// The granularity of a period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Grain {
    Month,
    Quarter,
    Half,
    Year,
}

/// A span of whole months, as the plan wrote it (`"2026-Q2"`, `"FY2027-H1"`, …).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Period {
    pub label: String,
    pub grain: Grain,
    pub fiscal: bool,
    /// First month.
    pub start: Month,
    /// Number of months.
    pub len: u32,
}

impl Period {
    /// Parse a period; `fiscal_year_start` is 1–12.
    pub fn parse(s: &str, fiscal_year_start: u32) -> Result<Period, String> {
        let (fiscal, rest) = match s.strip_prefix("FY") {
            Some(r) => (true, r),
            None => (false, s),
        };
        let (year, suffix) = match rest.split_once('-') {
            Some((y, suf)) => (y, Some(suf)),
            None => (rest, None),
        };
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("`{s}` does not start with a four-digit year"));
        }
        let year: i32 = year.parse().map_err(|_| format!("bad year in `{s}`"))?;
        let year_start = if fiscal {
            fiscal_year(year, fiscal_year_start)
        } else {
            Month::new(year, 1)
        };
        let (grain, offset, len) = match suffix {
            None => (Grain::Year, 0, 12),
            Some(q) if q.len() == 2 && q.starts_with('Q') => match q[1..].parse::<i32>() {
                Ok(n @ 1..=4) => (Grain::Quarter, (n - 1) * 3, 3),
                _ => return Err(format!("`{s}`: quarters are Q1 to Q4")),
            },
            Some(h) if h.len() == 2 && h.starts_with('H') => match h[1..].parse::<i32>() {
                Ok(n @ 1..=2) => (Grain::Half, (n - 1) * 6, 6),
                _ => return Err(format!("`{s}`: halves are H1 and H2")),
            },
            Some(m) if m.len() == 2 && m.bytes().all(|b| b.is_ascii_digit()) && !fiscal => {
                match m.parse::<i32>() {
                    Ok(n @ 1..=12) => (Grain::Month, n - 1, 1),
                    _ => return Err(format!("`{s}`: months are 01 to 12")),
                }
            }
            Some(_) => {
                return Err(format!(
                    "`{s}` is not a period; write `2026`, `2026-H1`, `2026-Q2`, `2026-04`, `FY2027`, `FY2027-H2` or `FY2027-Q1`"
                ))
            }
        };
        Ok(Period {
            label: s.to_string(),
            grain,
            fiscal,
            start: year_start.plus(offset),
            len,
        })
    }

    /// The fiscal year `fy` (the one that ends in calendar `fy`) as a period.
    pub fn fiscal_year(fy: i32, fiscal_year_start: u32) -> Period {
        let label = if fiscal_year_start == 1 {
            format!("{fy}")
        } else {
            format!("FY{fy}")
        };
        Period {
            label,
            grain: Grain::Year,
            fiscal: fiscal_year_start != 1,
            start: fiscal_year(fy, fiscal_year_start),
            len: 12,
        }
    }

    /// One past the last month.
    pub fn end(&self) -> Month {
        self.start.plus(self.len as i32)
    }
    pub fn last(&self) -> Month {
        self.start.plus(self.len as i32 - 1)
    }
    pub fn first_day(&self) -> Date {
        self.start.first_day()
    }
    pub fn last_day(&self) -> Date {
        self.last().last_day()
    }
    pub fn months(&self) -> impl Iterator<Item = Month> {
        let s = self.start.0;
        (s..s + self.len as i32).map(Month)
    }
    pub fn contains_month(&self, m: Month) -> bool {
        m >= self.start && m < self.end()
    }
    pub fn contains_date(&self, d: Date) -> bool {
        self.contains_month(Month::of(d))
    }
    /// Months the two periods share.
    pub fn overlap(&self, other: &Period) -> u32 {
        let s = self.start.max(other.start);
        let e = self.end().min(other.end());
        (e.0 - s.0).max(0) as u32
    }
    pub fn contains(&self, other: &Period) -> bool {
        other.start >= self.start && other.end() <= self.end()
    }
    /// Days in the period.
    pub fn days(&self) -> i64 {
        (self.last_day() - self.first_day()).num_days() + 1
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label)
    }
}

impl serde::Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.label)
    }
}

/// First month of fiscal year `fy` (which ends in calendar year `fy`).
pub fn fiscal_year(fy: i32, fiscal_year_start: u32) -> Month {
    if fiscal_year_start <= 1 {
        Month::new(fy, 1)
    } else {
        Month::new(fy - 1, fiscal_year_start)
    }
}

/// The fiscal year that holds a month.
pub fn fiscal_year_of(m: Month, fiscal_year_start: u32) -> i32 {
    if fiscal_year_start <= 1 || m.month() < fiscal_year_start {
        m.year()
    } else {
        m.year() + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_periods() {
        let q = Period::parse("2026-Q2", 4).unwrap();
        assert_eq!((q.start, q.len), (Month::new(2026, 4), 3));
        let m = Period::parse("2026-04", 1).unwrap();
        assert_eq!(
            (m.start, m.len, m.grain),
            (Month::new(2026, 4), 1, Grain::Month)
        );
        let h = Period::parse("2026-H2", 1).unwrap();
        assert_eq!(h.start, Month::new(2026, 7));
        assert_eq!(Period::parse("2026", 4).unwrap().len, 12);
    }

    #[test]
    fn fiscal_periods_cross_calendar_years() {
        let fy = Period::parse("FY2027", 4).unwrap();
        assert_eq!(fy.first_day(), NaiveDate::from_ymd_opt(2026, 4, 1).unwrap());
        assert_eq!(fy.last_day(), NaiveDate::from_ymd_opt(2027, 3, 31).unwrap());
        let q1 = Period::parse("FY2027-Q1", 4).unwrap();
        assert_eq!(q1.start, Month::new(2026, 4));
        let q4 = Period::parse("FY2027-Q4", 4).unwrap();
        assert_eq!(q4.start, Month::new(2027, 1));
        let h2 = Period::parse("FY2027-H2", 4).unwrap();
        assert_eq!(h2.start, Month::new(2026, 10));
        let cal = Period::parse("FY2027", 1).unwrap();
        assert_eq!(cal.start, Month::new(2027, 1));
        assert_eq!(fiscal_year_of(Month::new(2026, 4), 4), 2027);
        assert_eq!(fiscal_year_of(Month::new(2026, 3), 4), 2026);
    }

    #[test]
    fn bad_periods_are_refused() {
        for bad in [
            "2026-Q5",
            "26",
            "2026-13",
            "FY2027-05",
            "Q1-2026",
            "2026-H3",
            "",
            "FY",
        ] {
            assert!(Period::parse(bad, 1).is_err(), "{bad}");
        }
    }

    #[test]
    fn overlap_counts_months() {
        let y = Period::parse("2026", 1).unwrap();
        let fy = Period::parse("FY2027", 4).unwrap();
        assert_eq!(y.overlap(&fy), 9);
        assert!(y.contains(&Period::parse("2026-Q3", 1).unwrap()));
        assert_eq!(Month::new(2024, 2).days(), 29);
    }
}
