//! Numbers, money and dates as the plan's `language` writes them. Formatting is done here,
//! never by the browser, so output is byte-identical wherever it is built.

use chrono::Datelike;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::model::{digits, Date, Language, Money};

/// How one language writes numbers and dates.
#[derive(Clone, Copy, Debug)]
pub struct Locale {
    pub lang: Language,
    group: &'static str,
    decimal: char,
    months: [&'static str; 12],
}

impl Locale {
    pub fn new(lang: Language) -> Locale {
        match lang {
            Language::En => Locale {
                lang,
                group: ",",
                decimal: '.',
                months: [
                    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                    "Dec",
                ],
            },
            Language::De => Locale {
                lang,
                group: ".",
                decimal: ',',
                months: [
                    "Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.",
                    "Nov.", "Dez.",
                ],
            },
            Language::Fr => Locale {
                lang,
                // French groups digits with a narrow no-break space.
                group: "\u{202f}",
                decimal: ',',
                months: [
                    "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.",
                    "oct.", "nov.", "déc.",
                ],
            },
        }
    }

    /// A decimal with `dp` places, grouped.
    pub fn decimal(&self, d: Decimal, dp: u32) -> String {
        let d = d.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
        self.assemble_owned(d.is_sign_negative() && !d.is_zero(), fixed_digits(d, dp))
    }

    /// Plain digits (`1234.50`) as this language writes them: sign, grouping, decimal mark.
    fn assemble(&self, negative: bool, digits: &str) -> String {
        let (int, frac) = match point(digits) {
            Some(p) => (&digits[..p], Some(&digits[p + 1..])),
            None => (digits, None),
        };
        // Table cells format tens of thousands of numbers per build: one allocation each.
        let mut out = String::with_capacity(digits.len() + int.len() / 3 * self.group.len() + 4);
        if negative {
            out.push('−');
        }
        self.push_grouped(&mut out, int);
        if let Some(f) = frac {
            out.push(self.decimal);
            out.push_str(f);
        }
        out
    }

    /// [`Locale::assemble`] for digits the caller owns: handed back as they are when this
    /// language writes them unchanged (no sign, no group, or a point for the decimal mark),
    /// which is most table cells.
    fn assemble_owned(&self, negative: bool, digits: String) -> String {
        let int_len = point(digits.as_str()).unwrap_or(digits.len());
        if !negative && int_len <= 3 && (self.decimal == '.' || int_len == digits.len()) {
            return digits;
        }
        self.assemble(negative, &digits)
    }

    fn push_grouped(&self, out: &mut String, int: &str) {
        let n = int.len();
        for (i, c) in int.char_indices() {
            if i > 0 && (n - i).is_multiple_of(3) {
                out.push_str(self.group);
            }
            out.push(c);
        }
    }

    /// A float for display (KPI values, FTE), trailing zeros kept to `dp`.
    pub fn number(&self, v: f64, dp: u32) -> String {
        if let Some((negative, digits)) = digits::rounded(v, dp) {
            return self.assemble_owned(negative, digits);
        }
        match Decimal::from_f64_retain(v) {
            Some(d) if v.is_finite() => self.decimal(d, dp),
            _ => "–".to_string(),
        }
    }

    /// A KPI-style value: up to two decimals, no trailing zeros.
    pub fn value(&self, v: f64) -> String {
        if let Some((negative, mut digits)) = digits::rounded(v, 2) {
            let kept = digits.trim_end_matches('0').trim_end_matches('.').len();
            digits.truncate(kept);
            return self.assemble_owned(negative, digits);
        }
        let Some(d) = Decimal::from_f64_retain(v).filter(|_| v.is_finite()) else {
            return "–".into();
        };
        let d = d
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
            .normalize();
        self.decimal(d, d.scale())
    }

    pub fn percent(&self, v: f64, dp: u32) -> String {
        let sep = if self.lang == Language::En {
            ""
        } else {
            "\u{202f}"
        };
        let mut out = self.number(v, dp);
        out.push_str(sep);
        out.push('%');
        out
    }

    /// Money in the currency's minor units, with the code: `EUR 1,250,000.50` / `1.250.000,50 EUR`.
    pub fn money(&self, m: Money, code: &str, minor_units: u32) -> String {
        let n = self.decimal(m.0, minor_units);
        match self.lang {
            Language::En => format!("{code} {n}"),
            _ => format!("{n} {code}"),
        }
    }

    /// Money without the currency, for table cells under a header that names it.
    pub fn amount(&self, m: Money, minor_units: u32) -> String {
        self.decimal(m.0, minor_units)
    }

    pub fn date(&self, d: Date) -> String {
        // Pushed piece by piece: `format!` cost more than the rest of the `date` filter, which
        // nearly every table row calls.
        // "30 September 2026", "30. September 2026" fit.
        let mut out = String::with_capacity(24);
        push_int(&mut out, i64::from(d.day()));
        out.push_str(if self.lang == Language::De { ". " } else { " " });
        out.push_str(self.months[d.month0() as usize]);
        out.push(' ');
        push_int(&mut out, i64::from(d.year()));
        out
    }

    /// [`Locale::date`] of a date as text (the page variables write `YYYY-MM-DD`); `None`
    /// when it is not a date.
    pub fn date_str(&self, s: &str) -> Option<String> {
        parse_iso_date(s)
            .or_else(|| s.parse().ok())
            .map(|d| self.date(d))
    }
}

/// Where the decimal point of plain digits is. A byte scan: `str::find` with a `char` costs
/// several times as much on strings this short, and every number cell asks.
fn point(digits: &str) -> Option<usize> {
    digits.bytes().position(|b| b == b'.')
}

/// `d`'s absolute value with exactly `dp` decimals (`12.50`): `Decimal`'s `Display` with a
/// precision cost as much as the rest of a money cell, and panicked on amounts near
/// `Decimal::MAX` with three or more decimals. `d` is already rounded to `dp` places.
fn fixed_digits(d: Decimal, dp: u32) -> String {
    let mut out = String::with_capacity(40);
    digits::push_decimal(&mut out, d, Some(dp));
    out
}

/// An integer's digits appended without `fmt` (dates in table cells, coordinates in charts).
pub(crate) fn push_int(out: &mut String, v: i64) {
    digits::push_int(out, v);
}

/// `YYYY-MM-DD` without chrono's general parser, which dominated the `date` filter.
fn parse_iso_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let year = i32::try_from(num(0..4)?).ok()?;
    Date::from_ymd_opt(year, num(5..7)?, num(8..10)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    /// Handing owned digits back unchanged must give what assembling them gives.
    #[test]
    fn owned_digits_come_back_as_assembled() {
        for lang in [Language::En, Language::De, Language::Fr] {
            let loc = Locale::new(lang);
            for digits in ["0", "7", "12.5", "999", "999.99", "1000", "1234.5", "0.05"] {
                for negative in [false, true] {
                    assert_eq!(
                        loc.assemble_owned(negative, digits.to_string()),
                        loc.assemble(negative, digits),
                        "{lang:?} {negative} {digits}"
                    );
                }
            }
        }
    }

    #[test]
    fn fixed_digits_are_what_display_wrote() {
        for c in [
            "0",
            "-0",
            "0.00",
            "1250000.5",
            "-300",
            "0.05",
            "-0.005",
            "12.345",
            "99.995",
            "0.1",
            "1000",
            "79228162514264337593543950335",
            "-0.0000000000000000000000000001",
            "123456789012345678901234.5678",
        ] {
            let d: Decimal = c.parse().unwrap();
            for dp in 0..=4 {
                let r = d.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
                // rust_decimal's `Display` panics past 32 characters (see below).
                if r.abs().trunc().to_string().len() + 1 + dp as usize <= 32 {
                    assert_eq!(
                        fixed_digits(r, dp),
                        format!("{:.*}", dp as usize, r.abs()),
                        "{c} to {dp}"
                    );
                }
            }
        }
        // Where `format!("{:.4}")` panicked with "CapacityError: insufficient capacity".
        let max: Decimal = "-79228162514264337593543950335".parse().unwrap();
        assert_eq!(fixed_digits(max, 4), "79228162514264337593543950335.0000");
    }

    #[test]
    fn money_in_three_languages() {
        let v = m("1250000.5");
        assert_eq!(
            Locale::new(Language::En).money(v, "EUR", 2),
            "EUR 1,250,000.50"
        );
        assert_eq!(
            Locale::new(Language::De).money(v, "EUR", 2),
            "1.250.000,50 EUR"
        );
        assert_eq!(
            Locale::new(Language::Fr).money(v, "EUR", 2),
            "1\u{202f}250\u{202f}000,50 EUR"
        );
        assert_eq!(
            Locale::new(Language::En).money(m("-300"), "JPY", 0),
            "JPY −300"
        );
        assert_eq!(
            Locale::new(Language::En).amount(m("999.995"), 2),
            "1,000.00"
        );
    }

    #[test]
    fn dates_and_values() {
        let d = Date::from_ymd_opt(2026, 3, 5).unwrap();
        assert_eq!(Locale::new(Language::En).date(d), "5 Mar 2026");
        assert_eq!(Locale::new(Language::De).date(d), "5. März 2026");
        assert_eq!(Locale::new(Language::Fr).date(d), "5 mars 2026");
        let en = Locale::new(Language::En);
        assert_eq!(en.date_str("2026-03-05").as_deref(), Some("5 Mar 2026"));
        assert_eq!(en.date_str("2026-02-30"), None);
        for (y, m, day) in [(1, 1, 1), (999, 12, 31), (10000, 7, 4), (-44, 3, 15)] {
            let d = Date::from_ymd_opt(y, m, day).unwrap();
            let want = format!(
                "{} {} {}",
                d.day(),
                en.months[d.month0() as usize],
                d.year()
            );
            assert_eq!(en.date(d), want);
        }
        for bad in [
            "2026-02-30",
            "2026-3-05",
            "2026/03/05",
            "20260305xx",
            "",
            "2026-03-0x",
        ] {
            assert_eq!(parse_iso_date(bad), None, "{bad}");
        }
        assert_eq!(en.decimal(Decimal::new(-12345678, 2), 2), "−123,456.78");
        // The f64 path gives what the exact path gives, ties and signs included.
        let exact = |v: f64, dp: u32| en.decimal(Decimal::from_f64_retain(v).unwrap(), dp);
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for i in 0..20_000u32 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let mag = 10f64.powi((i % 9) as i32 - 2);
            let v = (x % 2_000_001) as f64 / 1000.0 * mag - 1000.0 * mag;
            for v in [v, (v * 8.0).round() / 8.0, (v * 1000.0).round() / 1000.0] {
                for dp in 0..4 {
                    assert_eq!(en.number(v, dp), exact(v, dp), "{v} dp {dp}");
                }
                let d = Decimal::from_f64_retain(v).unwrap();
                let d = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
                assert_eq!(
                    en.value(v),
                    en.decimal(d.normalize(), d.normalize().scale()),
                    "{v}"
                );
            }
        }
        assert_eq!(en.number(0.125, 2), "0.13");
        assert_eq!(en.number(-0.004, 2), "0.00");
        assert_eq!(en.number(-2.5, 0), "−3");
        assert_eq!(en.value(-0.0), "0");
        assert_eq!(en.number(f64::NAN, 1), "–");
        assert_eq!(en.decimal(Decimal::new(-1, 3), 2), "0.00");
        assert_eq!(
            Locale::new(Language::Fr).decimal(Decimal::new(1234, 0), 0),
            "1\u{202f}234"
        );
        assert_eq!(Locale::new(Language::En).value(99.95), "99.95");
        assert_eq!(Locale::new(Language::De).value(1234.5), "1.234,5");
        assert_eq!(Locale::new(Language::En).value(12.0), "12");
        assert_eq!(Locale::new(Language::En).percent(40.0, 0), "40%");
        assert_eq!(Locale::new(Language::Fr).percent(40.0, 0), "40\u{202f}%");
    }
}
