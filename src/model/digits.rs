//! Numbers as decimal text without `fmt`: amounts, dates, table numbers and chart coordinates
//! are written hundreds of thousands of times a build, and the formatting machinery cost more
//! than the rest of writing them. `itoa` makes the digits; this module places zeros and points.

use std::cell::RefCell;

thread_local! {
    static SCRATCH: RefCell<String> = const { RefCell::new(String::new()) };
}

/// `f` given an empty string kept by the thread, for text that is only passed on (an amount or
/// a date handed to the JSON serializer): the export writes ~650,000 of them, and a new
/// `String` each was an allocation and a free per value. A nested call gets a fresh string.
pub fn with_scratch<R>(f: impl FnOnce(&mut String) -> R) -> R {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut text) => {
            text.clear();
            f(&mut text)
        }
        Err(_) => f(&mut String::new()),
    })
}

/// `v`'s digits, with a `-` when negative.
pub fn push_int(out: &mut String, v: impl itoa::Integer) {
    out.push_str(itoa::Buffer::new().format(v));
}

/// `v` with at least `width` digits, zeros in front (`2026-04`'s `04`).
pub fn push_padded(out: &mut String, v: u32, width: usize) {
    let mut buf = itoa::Buffer::new();
    let digits = buf.format(v);
    (digits.len()..width).for_each(|_| out.push('0'));
    out.push_str(digits);
}

/// `digits` (an unsigned integer's) read as that integer ÷ 10^`dp`, with exactly `dp` decimals
/// and at least one digit before the point: `("5", 2)` is `0.05`, `("1250", 1)` is `125.0`.
pub fn push_fixed(out: &mut String, digits: &str, dp: usize) {
    if digits.len() <= dp {
        out.push_str("0.");
        (digits.len()..dp).for_each(|_| out.push('0'));
        out.push_str(digits);
    } else {
        let (int, frac) = digits.split_at(digits.len() - dp);
        out.push_str(int);
        if dp > 0 {
            out.push('.');
            out.push_str(frac);
        }
    }
}

/// `v` rounded half away from zero to `dp` places, as plain digits (`"1234.50"`) and whether it
/// is negative, computed in f64 (converting every number to an exact decimal first, or
/// `format!("{v:.dp$}")`, was the dearest part of writing a number). `None` leaves it to an
/// exact path: when the value is too large for f64 rounding to be exact to well under a
/// millionth, or so close to a half that the error of the multiplication could decide the
/// rounding. Away from a half, every exact rounding rule gives these digits.
pub fn rounded(v: f64, dp: u32) -> Option<(bool, String)> {
    if !v.is_finite() || dp > 6 {
        return None;
    }
    let scaled = v.abs() * 10f64.powi(dp as i32);
    if scaled >= 1e9 || (scaled - scaled.floor() - 0.5).abs() < 1e-6 {
        return None;
    }
    let r = scaled.round() as u64;
    Some((v < 0.0 && r != 0, fixed_point(r, dp as usize)))
}

/// `v` with at most `dp` decimals and no trailing zeros (`12.5`, `3`, never `-0`): what
/// `format!("{v:.dp$}")` writes, trimmed, without `format!` away from a tie.
pub fn trimmed(v: f64, dp: usize) -> String {
    let fast = u32::try_from(dp)
        .ok()
        .and_then(|dp| rounded(v, dp))
        .map(|(negative, digits)| {
            if negative {
                "-".to_string() + &digits
            } else {
                digits
            }
        });
    trim_zeros(fast.unwrap_or_else(|| format!("{v:.dp$}")))
}

/// `12.50` as `12.5`, `3.00` as `3`, and `-0` as `0`.
fn trim_zeros(s: String) -> String {
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" {
        "0".into()
    } else {
        s
    }
}

/// The digits of `d`'s absolute value, from its mantissa and scale without `Decimal`'s
/// `Display`: with exactly `dp` decimals when given (`d` already has at most that many), or,
/// without, with no trailing zeros, as `Decimal::normalize` would give them without its 96-bit
/// division per zero.
pub fn push_decimal(out: &mut String, d: rust_decimal::Decimal, dp: Option<u32>) {
    let mut buf = itoa::Buffer::new();
    let magnitude = d.mantissa().unsigned_abs();
    // Nearly every amount fits in 64 bits, whose digits cost a fraction of 128 bits' ones.
    let mut digits = match u64::try_from(magnitude) {
        Ok(small) => buf.format(small),
        Err(_) => buf.format(magnitude),
    };
    let mut scale = d.scale();
    match dp {
        Some(dp) => {
            debug_assert!(scale <= dp, "round to {dp} places first");
            push_fixed(out, digits, scale as usize);
            if dp > scale {
                if scale == 0 {
                    out.push('.');
                }
                (scale..dp).for_each(|_| out.push('0'));
            }
        }
        None => {
            while scale > 0 && digits.ends_with('0') && digits.len() > 1 {
                digits = &digits[..digits.len() - 1];
                scale -= 1;
            }
            if digits == "0" {
                scale = 0;
            }
            push_fixed(out, digits, scale as usize);
        }
    }
}

/// `r` / 10^dp with exactly `dp` decimals (`fixed_point(5, 2)` is `"0.05"`).
pub fn fixed_point(r: u64, dp: usize) -> String {
    let mut out = String::with_capacity(24);
    push_fixed(&mut out, itoa::Buffer::new().format(r), dp);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scratch_string_starts_empty_and_a_nested_call_does_not_touch_the_outer_one() {
        with_scratch(|outer| outer.push_str("left over"));
        let seen = with_scratch(|outer| {
            let was_empty = outer.is_empty();
            outer.push_str("2026-04");
            let inner = with_scratch(|inner| {
                inner.push_str("30");
                inner.clone()
            });
            (was_empty, outer.clone(), inner)
        });
        assert_eq!(seen, (true, "2026-04".to_string(), "30".to_string()));
    }

    fn text(f: impl FnOnce(&mut String)) -> String {
        let mut s = String::new();
        f(&mut s);
        s
    }

    #[test]
    fn integers_padding_and_points() {
        assert_eq!(text(|s| push_int(s, -1234i64)), "-1234");
        assert_eq!(text(|s| push_int(s, u128::MAX)), u128::MAX.to_string());
        assert_eq!(text(|s| push_padded(s, 4, 2)), "04");
        assert_eq!(text(|s| push_padded(s, 2026, 4)), "2026");
        assert_eq!(text(|s| push_padded(s, 12345, 4)), "12345");
        for (digits, dp, want) in [
            ("0", 0, "0"),
            ("0", 2, "0.00"),
            ("5", 2, "0.05"),
            ("123", 0, "123"),
            ("123", 1, "12.3"),
            ("123", 3, "0.123"),
            ("123", 6, "0.000123"),
        ] {
            assert_eq!(text(|s| push_fixed(s, digits, dp)), want, "{digits} {dp}");
        }
    }

    #[test]
    fn trimmed_writes_what_format_did() {
        // The fast path writes what `format!` did, ties and all.
        let slow = |v: f64, dp: usize| trim_zeros(format!("{v:.dp$}"));
        for v in [
            0.0, -0.0, 0.5, 1.5, 2.5, -2.5, 0.125, 0.375, 1.005, 2.675, 1e-7, -1e-7,
        ]
        .into_iter()
        .chain((0..2000).map(|i| f64::from(i) * 0.0137 - 13.0))
        .chain([123_456.789, 9.999_999_5e8, 1e12 / 3.0, f64::MAX, f64::NAN])
        {
            for dp in 0..=8 {
                assert_eq!(trimmed(v, dp), slow(v, dp), "{v} to {dp} places");
            }
        }
    }

    #[test]
    fn fixed_point_pads_and_places_the_point() {
        for (r, dp, want) in [
            (0, 0, "0"),
            (0, 2, "0.00"),
            (5, 2, "0.05"),
            (123, 0, "123"),
            (123, 1, "12.3"),
            (123, 3, "0.123"),
            (123, 6, "0.000123"),
            (999_999_999, 6, "999.999999"),
            (u64::MAX, 0, "18446744073709551615"),
        ] {
            assert_eq!(fixed_point(r, dp), want, "{r} {dp}");
            // What it replaced.
            let mut old = format!("{r:0width$}", width = dp + 1);
            if dp > 0 {
                old.insert(old.len() - dp, '.');
            }
            assert_eq!(fixed_point(r, dp), old, "{r} {dp}");
        }
    }
}
