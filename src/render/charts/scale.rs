//! Value scales: "nice" tick steps and compact, stable number labels (1.2M, 350k).

/// The largest magnitude a value axis accepts; beyond it geometry turns to infinities.
const LIMIT: f64 = 1.0e300;

/// A value axis: its domain (rounded out to whole ticks) and the tick values.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Ticks {
    pub min: f64,
    pub max: f64,
    pub step: f64,
    pub values: Vec<f64>,
}

impl Ticks {
    /// Map `v` from the domain to the pixel range `a..b` (a ↦ min, b ↦ max).
    pub fn map(&self, v: f64, a: f64, b: f64) -> f64 {
        let span = self.max - self.min;
        if span.abs() < f64::MIN_POSITIVE || !v.is_finite() {
            return a;
        }
        a + (v.clamp(-LIMIT, LIMIT) - self.min) / span * (b - a)
    }

    pub fn label(&self, v: f64) -> String {
        compact(v, self.step)
    }
}

/// Ticks that cover every finite value of `values` with about `target` intervals.
pub(crate) fn ticks_for(values: impl IntoIterator<Item = f64>, target: usize) -> Ticks {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for v in values.into_iter().filter(|v| v.is_finite()) {
        let v = v.clamp(-LIMIT, LIMIT);
        lo = lo.min(v);
        hi = hi.max(v);
    }
    nice_ticks(lo, hi, target)
}

/// Round `lo..hi` out to a step of 1, 2, 2.5 or 5 × 10ⁿ.
pub(crate) fn nice_ticks(lo: f64, hi: f64, target: usize) -> Ticks {
    let (mut lo, mut hi) = if lo.is_finite() && hi.is_finite() && lo <= hi {
        (lo, hi)
    } else {
        (0.0, 1.0)
    };
    if hi - lo < 1e-9 * lo.abs().max(hi.abs()).max(1e-300) {
        // One value: give it room on both sides so it sits inside the plot.
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        lo -= pad;
        hi += pad;
    }
    let step = nice_step((hi - lo) / target.max(1) as f64);
    let min = (lo / step).floor() * step;
    let max = (hi / step).ceil() * step;
    let count = ((max - min) / step).round().clamp(1.0, 1000.0) as usize;
    let values = (0..=count)
        .map(|i| clean(min + step * i as f64, step))
        .collect();
    Ticks {
        min,
        max: min + step * count as f64,
        step,
        values,
    }
}

fn nice_step(raw: f64) -> f64 {
    let raw = if raw.is_finite() && raw > 0.0 {
        raw
    } else {
        1.0
    };
    let magnitude = 10f64.powf(raw.log10().floor());
    let fraction = raw / magnitude;
    let nice = [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .find(|&n| fraction <= n)
        .unwrap_or(10.0);
    nice * magnitude
}

/// Remove the float noise of `min + step × i` (0.30000000000000004) and negative zero.
fn clean(v: f64, step: f64) -> f64 {
    let snapped = (v / step).round() * step;
    if snapped.abs() < step * 1e-9 {
        0.0
    } else {
        snapped
    }
}

/// A single value (a target, a baseline, a cap) with the precision it was given, up to four
/// decimals, in compact form from a thousand upwards.
pub(crate) fn plain(v: f64) -> String {
    let step = if v.abs() >= 1000.0 {
        v.abs() / 1000.0
    } else {
        0.0001
    };
    compact(v, step)
}

/// `v` in a compact form (250k, 1.25M) precise enough to tell apart values `step` apart.
pub(crate) fn compact(v: f64, step: f64) -> String {
    if !v.is_finite() {
        return "–".to_string();
    }
    let (unit, suffix) = [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")]
        .into_iter()
        .find(|(u, _)| v.abs() >= *u)
        .unwrap_or((1.0, ""));
    let scaled = v / unit;
    if scaled.abs() >= 1e6 {
        return format!("{v:e}");
    }
    let rel = (step / unit).abs();
    let decimals = if rel > 0.0 && rel.is_finite() {
        (-rel.log10().floor()).clamp(0.0, 3.0) as usize
    } else {
        0
    };
    let decimals = if (rel * 10f64.powi(decimals as i32)).fract().abs() > 1e-6 {
        (decimals + 1).min(3)
    } else {
        decimals
    };
    let mut text = crate::model::digits::trimmed(scaled, decimals);
    text.push_str(suffix);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_ticks_cover_the_data() {
        let t = ticks_for([0.0, 1_234_567.0], 5);
        assert_eq!(t.min, 0.0);
        assert!(t.max >= 1_234_567.0);
        assert_eq!(t.step, 250_000.0);
        let labels: Vec<String> = t.values.iter().map(|&v| t.label(v)).collect();
        assert_eq!(labels, ["0", "250k", "500k", "750k", "1M", "1.25M"]);
    }

    #[test]
    fn odd_input_gives_a_usable_axis() {
        for t in [
            ticks_for([], 5),
            ticks_for([5.0], 5),
            ticks_for([0.0, 0.0], 5),
            ticks_for([f64::NAN, f64::INFINITY], 5),
            ticks_for([-1e308, 1e308], 5),
            ticks_for([1e-12, 2e-12], 5),
        ] {
            assert!(t.min < t.max, "{t:?}");
            assert!(t.values.len() >= 2 && t.values.len() <= 1001);
            assert!(t.values.iter().all(|v| v.is_finite()));
        }
    }

    #[test]
    fn compact_labels() {
        assert_eq!(compact(350_000.0, 50_000.0), "350k");
        assert_eq!(compact(1_200_000.0, 200_000.0), "1.2M");
        assert_eq!(compact(-40_000.0, 20_000.0), "-40k");
        assert_eq!(compact(0.30000000000000004, 0.1), "0.3");
        assert_eq!(compact(-0.0, 1.0), "0");
        assert_eq!(compact(99.95, 0.05), "99.95");
        assert_eq!(compact(f64::NAN, 1.0), "–");
        assert_eq!(plain(99.95), "99.95");
        assert_eq!(plain(1_400_000.0), "1.4M");
        assert_eq!(plain(1_234_567.0), "1.235M");
        assert_eq!(plain(2.0), "2");
    }
}
