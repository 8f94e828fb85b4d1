//! Dates and months as ISO 8601 text (`2026-04-30`, `2026-04`) without `fmt`: for the JSON
//! export, page variables and tables, which write hundreds of thousands of them a build. The
//! text is the one `Display` writes; chrono's own `Serialize` goes through `Display`, about
//! 1,000 instructions a date.

use chrono::Datelike;
use serde::Serializer;

use super::{digits, Date, Month};

/// A date that serializes as [`date`] writes it: for page variables built with `json!`, which
/// otherwise formats each date through chrono's `Display` (~1,000 instructions; an enterprise
/// site puts some 300,000 dates into its pages).
#[derive(Clone, Copy, Debug)]
pub struct IsoDate(pub Date);

impl serde::Serialize for IsoDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        date(&self.0, s)
    }
}

/// A date as `2026-04-30`.
pub fn date<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
    digits::with_scratch(|text| {
        if iso(text, d.year(), &[d.month(), d.day()]) {
            s.serialize_str(text)
        } else {
            s.collect_str(d)
        }
    })
}

pub fn opt_date<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => date(d, s),
        None => s.serialize_none(),
    }
}

/// A month as `2026-04`.
pub fn month<S: Serializer>(m: &Month, s: S) -> Result<S::Ok, S::Error> {
    digits::with_scratch(|text| {
        if iso(text, m.year(), &[m.month()]) {
            s.serialize_str(text)
        } else {
            s.collect_str(m)
        }
    })
}

/// A date as [`date`] writes it, as a string of its own (a CSV cell): the same text as its
/// `Display`, without the formatting machinery (~1,000 instructions a date).
pub fn date_text(d: &Date) -> String {
    let mut out = String::with_capacity(10);
    if iso(&mut out, d.year(), &[d.month(), d.day()]) {
        out
    } else {
        d.to_string()
    }
}

/// A month as [`month`] writes it, as a string of its own.
pub fn month_text(m: &Month) -> String {
    let mut out = String::with_capacity(7);
    if iso(&mut out, m.year(), &[m.month()]) {
        out
    } else {
        m.to_string()
    }
}

/// `YYYY-MM[-DD]` without `fmt` (the JSON export writes some 200,000 dates and months, and
/// `collect_str` went through the formatting machinery for each), added to `out`. False, with
/// `out` as it was, for a year outside 0–9999, which `Display` writes instead.
fn iso(out: &mut String, year: i32, parts: &[u32]) -> bool {
    let Some(year) = u32::try_from(year).ok().filter(|y| *y <= 9999) else {
        return false;
    };
    digits::push_padded(out, year, 4);
    for &p in parts {
        out.push('-');
        digits::push_padded(out, p, 2);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_months_as_display_writes_them() {
        let cases = ["0001-01-01", "2026-04-30", "2031-12-09", "9999-12-31"];
        for case in cases {
            let d: Date = case.parse().unwrap();
            let mut out = Vec::new();
            date(&d, &mut serde_json::Serializer::new(&mut out)).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), format!("\"{d}\""));
            let m = Month::of(d);
            let mut out = Vec::new();
            month(&m, &mut serde_json::Serializer::new(&mut out)).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), format!("\"{m}\""));
        }
        // Outside four digits, Display's form.
        let far = Date::from_ymd_opt(12345, 1, 2).unwrap();
        let mut out = Vec::new();
        date(&far, &mut serde_json::Serializer::new(&mut out)).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), format!("\"{far}\""));
    }

    #[test]
    fn date_and_month_texts_are_display() {
        let far = Date::from_ymd_opt(12345, 1, 2).unwrap();
        let before = Date::from_ymd_opt(-44, 3, 15).unwrap();
        let cases = ["0001-01-01", "2026-04-30", "9999-12-31"];
        let dates = cases.iter().map(|c| c.parse::<Date>().unwrap());
        for d in dates.chain([far, before]) {
            assert_eq!(date_text(&d), d.to_string());
            let m = Month::of(d);
            assert_eq!(month_text(&m), m.to_string());
        }
    }
}
