//! Time spent in the parts of a build that run side by side on rayon's threads (the rules beside
//! the analysis, charts inside pages, files written as pages are made), summed over threads,
//! for `plansite build --timings`. Wall time per phase cannot separate them; thread time can.
//! Off unless [`turn_on`] was called: then [`time`] reads no clock at all.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A part of the build whose time is summed over the threads that run it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// TOML and front matter into the model, references resolved.
    Parse,
    /// The structural rules (`check`).
    Rules,
    /// The site's own checks: links in Markdown bodies, templates.
    SiteChecks,
    /// The figures and the rules that read them.
    Analysis,
    /// Making pages, their charts and Markdown included.
    Pages,
    /// Drawing charts (also counted in `Pages`).
    Charts,
    /// Comparing pages and assets with the previous site and writing those that changed.
    Writing,
    /// The data exports (JSON, CSV), made and written.
    Exports,
}

impl Part {
    pub const ALL: [Part; 8] = [
        Part::Parse,
        Part::Rules,
        Part::SiteChecks,
        Part::Analysis,
        Part::Pages,
        Part::Charts,
        Part::Writing,
        Part::Exports,
    ];
}

static ON: AtomicBool = AtomicBool::new(false);
static NANOS: [AtomicU64; Part::ALL.len()] = [const { AtomicU64::new(0) }; Part::ALL.len()];

/// Start summing: from now on [`time`] measures what it runs.
pub fn turn_on() {
    ON.store(true, Ordering::Relaxed);
}

/// Run `f`, adding its duration to `part` when the clock is on.
pub fn time<R>(part: Part, f: impl FnOnce() -> R) -> R {
    if !ON.load(Ordering::Relaxed) {
        return f();
    }
    let start = Instant::now();
    let out = f();
    let nanos = u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX);
    NANOS[part as usize].fetch_add(nanos, Ordering::Relaxed);
    out
}

/// The time summed for `part` so far.
pub fn spent(part: Part) -> Duration {
    Duration::from_nanos(NANOS[part as usize].load(Ordering::Relaxed))
}

#[cfg(test)]
mod tests {
    use super::*;

    // The clock is global and other tests run beside this one: they may add to a part once it
    // is on (never take away), and only this test turns it on.
    #[test]
    fn sums_only_once_turned_on() {
        time(Part::Exports, || {
            std::thread::sleep(Duration::from_millis(2))
        });
        assert_eq!(spent(Part::Exports), Duration::ZERO, "off: nothing summed");
        turn_on();
        let before = spent(Part::Exports);
        let got = time(Part::Exports, || {
            std::thread::sleep(Duration::from_millis(3));
            7
        });
        assert_eq!(got, 7);
        assert!(spent(Part::Exports) - before >= Duration::from_millis(3));
    }
}
