//! Money: exact decimals in the plan's one currency. Never summed as a float.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub};

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

use super::digits::with_scratch;

/// An exact amount of money in the plan's currency.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(pub Decimal);

impl Money {
    pub const ZERO: Money = Money(Decimal::ZERO);

    pub fn from_int(v: i64) -> Money {
        Money(Decimal::from(v))
    }

    /// Parse the string form (`"1250000.50"`, also `"-300"`); `_` may group digits.
    pub fn parse(s: &str) -> Option<Money> {
        let cleaned: String = s.trim().chars().filter(|c| *c != '_').collect();
        if cleaned.is_empty() || cleaned.contains(['e', 'E']) {
            return None;
        }
        cleaned.parse::<Decimal>().ok().map(Money)
    }

    /// A TOML float, rounded half away from zero to the currency's minor unit.
    pub fn from_float(v: f64, minor_units: u32) -> Option<Money> {
        if !v.is_finite() {
            return None;
        }
        // Go through the shortest decimal text of the float so 0.1 stays 0.1.
        let d = Decimal::from_str_exact(&format!("{v}"))
            .ok()
            .or_else(|| Decimal::from_f64_retain(v))?;
        Some(Money(d.round_dp_with_strategy(
            minor_units,
            RoundingStrategy::MidpointAwayFromZero,
        )))
    }

    /// The largest amount a plan may write, in either direction: a quintillion. Every sum of a
    /// plan's amounts then stays far inside `Decimal`'s 28 digits (a million lines of the
    /// largest amount add up to 10^24), so summing never overflows.
    pub const LIMIT: Money = Money(Decimal::from_parts(2_808_348_672, 232_830_643, 0, false, 0));

    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }
    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }
    pub fn abs(self) -> Money {
        Money(self.0.abs())
    }

    /// For chart geometry only: never for sums.
    pub fn to_f64(self) -> f64 {
        self.0.to_f64().unwrap_or(0.0)
    }

    /// Split into `n` parts that sum exactly to `self`, the last part taking the leftover
    /// minor units (the plan format's rule for spreading an amount over months).
    pub fn spread(self, n: u32, minor_units: u32) -> Vec<Money> {
        if n == 0 {
            return Vec::new();
        }
        let each = (self.0 / Decimal::from(n))
            .round_dp_with_strategy(minor_units, RoundingStrategy::ToZero);
        let mut parts = vec![Money(each); n as usize];
        let rest = self.0 - each * Decimal::from(n - 1);
        if let Some(last) = parts.last_mut() {
            *last = Money(rest);
        }
        parts
    }

    /// Fraction `self / total` as f64, for shares and percentages shown to people; `None` for a
    /// zero total, and for a quotient beyond `Decimal` (a tiny total such as 10^-28), where `/`
    /// would panic.
    pub fn ratio(self, total: Money) -> Option<f64> {
        self.0.checked_div(total.0)?.to_f64()
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, o: Money) -> Money {
        Money(self.0 + o.0)
    }
}
impl AddAssign for Money {
    fn add_assign(&mut self, o: Money) {
        self.0 += o.0;
    }
}
impl Sub for Money {
    type Output = Money;
    fn sub(self, o: Money) -> Money {
        Money(self.0 - o.0)
    }
}
impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}
impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}
impl<'a> Sum<&'a Money> for Money {
    fn sum<I: Iterator<Item = &'a Money>>(iter: I) -> Money {
        iter.copied().sum()
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        with_scratch(|text| {
            self.push_plain(text);
            f.write_str(text)
        })
    }
}

impl Money {
    /// The amount without trailing zeros (`1250000.5`, `-300`, `0.05`). The JSON export writes
    /// hundreds of thousands of amounts; this is several times faster than going through
    /// `Decimal`'s `Display` and a formatter.
    pub fn push_plain(&self, out: &mut String) {
        if self.0.is_sign_negative() && !self.0.is_zero() {
            out.push('-');
        }
        super::digits::push_decimal(out, self.0, None);
    }
}

impl serde::Serialize for Money {
    /// Money is written as a decimal string so that no consumer reads it as a float.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        with_scratch(|text| {
            self.push_plain(text);
            s.serialize_str(text)
        })
    }
}

/// The plan's currency: an ISO 4217 code and its minor unit.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Currency {
    pub code: String,
    pub minor_units: u32,
}

impl Currency {
    /// Minor units of ISO 4217 currencies; `None` for a code that is not a currency.
    pub fn lookup(code: &str) -> Option<Currency> {
        let minor = match code {
            "JPY" | "KRW" | "ISK" | "CLP" | "VND" | "XAF" | "XOF" | "UGX" | "PYG" | "RWF"
            | "KMF" | "GNF" | "DJF" | "VUV" | "XPF" | "BIF" => 0,
            "KWD" | "BHD" | "OMR" | "JOD" | "TND" | "LYD" | "IQD" => 3,
            "EUR" | "USD" | "GBP" | "CHF" | "CAD" | "AUD" | "NZD" | "SEK" | "NOK" | "DKK"
            | "PLN" | "CZK" | "HUF" | "RON" | "BGN" | "CNY" | "HKD" | "SGD" | "INR" | "BRL"
            | "MXN" | "ZAR" | "TRY" | "ILS" | "AED" | "SAR" | "QAR" | "THB" | "MYR" | "IDR"
            | "PHP" | "TWD" | "ARS" | "COP" | "PEN" | "EGP" | "NGN" | "KES" | "MAD" | "PKR"
            | "BDT" | "UAH" | "RSD" | "GEL" | "KZT" => 2,
            _ => return None,
        };
        Some(Currency {
            code: code.to_string(),
            minor_units: minor,
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn plain_form_matches_decimal_display() {
        let cases = [
            "0",
            "-0",
            "0.00",
            "1250000.50",
            "-300",
            "0.05",
            "-0.005",
            "100",
            "1e0",
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
            "0.0000000000000000000000000001",
            "-7.9228162514264337593543950335",
            "18446744073709551616",
            "18446744073709551615.5",
            "123456789012345678901234.5678",
            "-0.00",
            "100.00",
            "1000.000",
            "-12.3400",
            "0.10",
            "7922816251426433759354395033.5",
            "1.0000000000000000000000000000",
        ];
        for c in cases {
            let Ok(d) = c.parse::<Decimal>() else {
                continue;
            };
            let m = Money(d);
            assert_eq!(m.to_string(), d.normalize().to_string(), "{c}");
            assert_eq!(
                serde_json::to_string(&m).unwrap(),
                format!("\"{}\"", d.normalize()),
                "{c}"
            );
        }
    }

    use super::*;

    #[test]
    fn ratios_of_zero_and_tiny_totals_are_none() {
        let tiny = Money::parse("0.0000000000000000000000000001").unwrap();
        assert_eq!(Money::from_int(8).ratio(tiny), None);
        assert_eq!(Money::from_int(8).ratio(Money::ZERO), None);
        assert_eq!(Money::from_int(1).ratio(Money::from_int(4)), Some(0.25));
    }

    #[test]
    fn the_limit_is_a_quintillion() {
        assert_eq!(Money::LIMIT, Money::from_int(1_000_000_000_000_000_000));
    }

    #[test]
    fn parses_strings_exactly() {
        assert_eq!(Money::parse("1250000.50").unwrap().to_string(), "1250000.5");
        assert_eq!(Money::parse("-300").unwrap(), Money::from_int(-300));
        assert_eq!(Money::parse("1_000").unwrap(), Money::from_int(1000));
        assert!(Money::parse("12k").is_none());
        assert!(Money::parse("").is_none());
        assert!(Money::parse("1e5").is_none());
    }

    #[test]
    fn floats_round_half_away_from_zero() {
        assert_eq!(Money::from_float(0.125, 2), Money::parse("0.13"));
        assert_eq!(Money::from_float(-0.125, 2), Money::parse("-0.13"));
        assert_eq!(Money::from_float(1.5, 0), Money::parse("2"));
        assert_eq!(Money::from_float(0.1, 2), Money::parse("0.1"));
        assert!(Money::from_float(f64::NAN, 2).is_none());
    }

    #[test]
    fn spread_keeps_the_sum_and_gives_leftover_to_the_last() {
        let parts = Money::parse("100.00").unwrap().spread(3, 2);
        assert_eq!(parts[0], Money::parse("33.33").unwrap());
        assert_eq!(parts[2], Money::parse("33.34").unwrap());
        assert_eq!(parts.iter().sum::<Money>(), Money::from_int(100));
        let neg = Money::from_int(-100).spread(3, 2);
        assert_eq!(neg.iter().sum::<Money>(), Money::from_int(-100));
        assert_eq!(neg[0], Money::parse("-33.33").unwrap());
    }

    #[test]
    fn currencies() {
        assert_eq!(Currency::lookup("JPY").unwrap().minor_units, 0);
        assert_eq!(Currency::lookup("KWD").unwrap().minor_units, 3);
        assert!(Currency::lookup("XXX").is_none());
    }
}
