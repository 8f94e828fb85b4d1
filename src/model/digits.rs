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
}
