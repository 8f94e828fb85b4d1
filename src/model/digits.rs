//! Numbers as decimal text without `fmt`: amounts, dates, table numbers and chart coordinates
//! are written hundreds of thousands of times a build, and the formatting machinery cost more
//! than the rest of writing them. `itoa` makes the digits; this module places zeros and points.

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

/// `r` / 10^dp with exactly `dp` decimals (`fixed_point(5, 2)` is `"0.05"`).
pub fn fixed_point(r: u64, dp: usize) -> String {
    let mut out = String::with_capacity(24);
    push_fixed(&mut out, itoa::Buffer::new().format(r), dp);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
