//! kpi: readings per KPI, status at `as_of` (and at every check-in date), and attainment.
//!
//! Status follows the plan format: the latest reading on or before the date, held against the
//! target of the shortest period that holds the date (the first written wins a tie of equal
//! lengths). A cumulative KPI's target is prorated from the baseline (or 0) by the elapsed share
//! of that period, counted in whole days with the status day included (see
//! [`crate::analyze::elapsed_share`]): on 2026-06-30 a `2026` target is 181/365 elapsed.

use std::sync::Arc;

use rayon::prelude::*;

use super::{elapsed_share, ser};
use crate::model::{Date, Direction, Kpi, KpiKind, Period, Plan, Target};

/// Where a KPI stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum KpiState {
    OnTrack,
    AtRisk,
    OffTrack,
    NoData,
}

impl KpiState {
    pub const ALL: [KpiState; 4] = [
        KpiState::OnTrack,
        KpiState::AtRisk,
        KpiState::OffTrack,
        KpiState::NoData,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            KpiState::OnTrack => "on-track",
            KpiState::AtRisk => "at-risk",
            KpiState::OffTrack => "off-track",
            KpiState::NoData => "no-data",
        }
    }
}

/// One reading of a KPI, from a check-in.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReadingPoint {
    #[serde(serialize_with = "ser::date")]
    pub date: Date,
    pub value: f64,
    pub note: Option<Arc<str>>,
    /// Readings after `as_of` are shown but never used for status.
    pub after_as_of: bool,
}

/// A KPI's status at one date, with every input that decided it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct KpiStatus {
    pub state: KpiState,
    /// The reading used (the latest on or before the date).
    pub value: Option<f64>,
    #[serde(serialize_with = "ser::opt_date")]
    pub reading_date: Option<Date>,
    /// The period whose target applies (the shortest that holds the date).
    pub target_period: Option<Period>,
    /// The target as written for that period.
    pub period_target: Option<f64>,
    /// The target the value is held against: `period_target`, prorated for a cumulative KPI.
    pub target: Option<f64>,
    /// For a cumulative KPI, the elapsed share (0–1) of the target period used to prorate.
    pub elapsed_share: Option<f64>,
    /// Direction-aware gap: percent of |target|, or own units when the target is zero.
    pub gap: Option<f64>,
    /// True when `gap` and `tolerance` are in the KPI's own units (a zero target).
    pub gap_in_units: bool,
    pub tolerance: f64,
    /// The reading is older than two `frequency` intervals.
    pub stale: bool,
}

/// The status at one check-in date.
#[derive(Debug, Clone, serde::Serialize)]
pub struct HistoryPoint {
    #[serde(serialize_with = "ser::date")]
    pub date: Date,
    pub state: KpiState,
    pub value: Option<f64>,
}

/// Every derived figure of one KPI.
#[derive(Debug, Clone, serde::Serialize)]
pub struct KpiFigures {
    /// Sorted by date.
    pub readings: Vec<ReadingPoint>,
    /// At `as_of`.
    pub status: KpiStatus,
    /// The status at each check-in date on or before `as_of` (of the whole plan), in order.
    pub history: Vec<HistoryPoint>,
}

/// Figures for every KPI, by `KpiIx`.
pub fn kpis(plan: &Plan, checkin_dates: &[Date]) -> Vec<KpiFigures> {
    let as_of = plan.settings.as_of;
    let readings = readings(plan);
    plan.kpis
        .par_iter()
        .zip(readings)
        .map(|(kpi, readings)| {
            let status = status_at(kpi, &readings, as_of);
            let history = checkin_dates
                .iter()
                .filter(|&&d| d <= as_of)
                .map(|&date| {
                    let s = status_at(kpi, &readings, date);
                    HistoryPoint {
                        date,
                        state: s.state,
                        value: s.value,
                    }
                })
                .collect();
            KpiFigures {
                readings,
                status,
                history,
            }
        })
        .collect()
}

/// Everything the KPIs' figures are made from, places in files left out: figures made from
/// equal inputs are the figures of any plan that has them. Numbers are compared by their bits,
/// as the load's are.
#[derive(Clone, Debug)]
pub(crate) struct KpiInputs {
    kpis: Vec<KpiKey>,
    /// Every reading of every check-in, in plan order: date, KPI, value, note.
    readings: Vec<(Date, usize, u64, Option<Arc<str>>)>,
    as_of: Date,
    /// The plan's check-in dates (the histories' points).
    dates: Vec<Date>,
}

/// What the figures read of one KPI.
#[derive(Clone, Debug, PartialEq)]
struct KpiKey {
    direction: Direction,
    kind: KpiKind,
    frequency: Option<crate::model::Frequency>,
    baseline: Option<(u64, Option<Date>)>,
    targets: Vec<(Period, u64)>,
    tolerance: u64,
}

impl KpiKey {
    fn of(k: &Kpi) -> KpiKey {
        KpiKey {
            direction: k.direction,
            kind: k.kind,
            frequency: k.frequency,
            baseline: k.baseline.as_ref().map(|b| (b.value.to_bits(), b.date)),
            targets: (k.targets.iter())
                .map(|t| (t.period.clone(), t.value.to_bits()))
                .collect(),
            tolerance: k.tolerance.to_bits(),
        }
    }

    fn is_of(&self, k: &Kpi) -> bool {
        self.direction == k.direction
            && self.kind == k.kind
            && self.frequency == k.frequency
            && self.baseline == k.baseline.as_ref().map(|b| (b.value.to_bits(), b.date))
            && self.tolerance == k.tolerance.to_bits()
            && self.targets.len() == k.targets.len()
            && (self.targets.iter().zip(&k.targets))
                .all(|((p, v), t)| *p == t.period && *v == t.value.to_bits())
    }
}

/// Every reading of the plan as `KpiInputs` keeps it, in plan order.
fn all_readings(plan: &Plan) -> impl Iterator<Item = (Date, usize, u64, &Option<Arc<str>>)> {
    (plan.checkins.iter()).flat_map(|c| {
        (c.readings.iter()).map(move |r| (c.date, r.kpi.to.ix(), r.value.to_bits(), &r.note))
    })
}

impl KpiInputs {
    pub fn of(plan: &Plan, dates: &[Date]) -> KpiInputs {
        KpiInputs {
            kpis: plan.kpis.iter().map(KpiKey::of).collect(),
            readings: all_readings(plan)
                .map(|(d, k, v, n)| (d, k, v, n.clone()))
                .collect(),
            as_of: plan.settings.as_of,
            dates: dates.to_vec(),
        }
    }

    /// Whether `plan` has these inputs; cheaper than building its own and comparing.
    pub fn matches(&self, plan: &Plan, dates: &[Date]) -> bool {
        let mut fresh = all_readings(plan);
        self.as_of == plan.settings.as_of
            && self.dates == dates
            && self.kpis.len() == plan.kpis.len()
            && (self.kpis.iter().zip(&plan.kpis)).all(|(key, k)| key.is_of(k))
            && (self.readings.iter()).all(|(d, k, v, n)| {
                fresh
                    .next()
                    .is_some_and(|f| f.0 == *d && f.1 == *k && f.2 == *v && f.3 == n)
            })
            && fresh.next().is_none()
    }
}

/// The readings of every KPI (by `KpiIx`), each sorted by date.
pub fn readings(plan: &Plan) -> Vec<Vec<ReadingPoint>> {
    let as_of = plan.settings.as_of;
    let mut out: Vec<Vec<ReadingPoint>> = vec![Vec::new(); plan.kpis.len()];
    for c in &plan.checkins {
        for r in &c.readings {
            if let Some(v) = out.get_mut(r.kpi.to.ix()) {
                v.push(ReadingPoint {
                    date: c.date,
                    value: r.value,
                    note: r.note.clone(),
                    after_as_of: c.date > as_of,
                });
            }
        }
    }
    for v in &mut out {
        // Check-ins come sorted by date; a stable sort keeps that promise if that ever changes.
        v.sort_by_key(|r| r.date);
    }
    out
}

/// The latest reading dated on or before `at`.
pub fn latest_at(readings: &[ReadingPoint], at: Date) -> Option<&ReadingPoint> {
    let n = readings.partition_point(|r| r.date <= at);
    n.checked_sub(1).and_then(|i| readings.get(i))
}

/// The target of the shortest period that holds `at` (the first written on a tie).
pub fn target_at(kpi: &Kpi, at: Date) -> Option<&Target> {
    kpi.targets
        .iter()
        .filter(|t| t.period.contains_date(at))
        .min_by_key(|t| t.period.len)
}

/// The target at `at` as the status uses it: (target, elapsed share when prorated).
/// A cumulative KPI's target is prorated from the baseline (or 0).
pub fn effective_target(kpi: &Kpi, t: &Target, at: Date) -> (f64, Option<f64>) {
    match kpi.kind {
        KpiKind::Level => (t.value, None),
        KpiKind::Cumulative => {
            let share = elapsed_share(t.period.first_day(), t.period.last_day(), at);
            let from = kpi.baseline.as_ref().map_or(0.0, |b| b.value);
            (from + (t.value - from) * share, Some(share))
        }
    }
}

/// The gap of `value` to `target`: `(target − value) / |target| × 100` for up, `(value −
/// target) / |target| × 100` for down; with a zero target the difference in own units.
/// Returns (gap, in own units).
pub fn gap(direction: Direction, target: f64, value: f64) -> (f64, bool) {
    let diff = match direction {
        Direction::Up => target - value,
        Direction::Down => value - target,
    };
    if target == 0.0 {
        (diff, true)
    } else {
        (diff / target.abs() * 100.0, false)
    }
}

/// on track when the gap is ≤ 0, at risk when ≤ tolerance, else off track.
pub fn state_of_gap(gap: f64, tolerance: f64) -> KpiState {
    if gap <= 0.0 {
        KpiState::OnTrack
    } else if gap <= tolerance {
        KpiState::AtRisk
    } else {
        KpiState::OffTrack
    }
}

/// A KPI's status at `at` from its readings (sorted by date).
pub fn status_at(kpi: &Kpi, readings: &[ReadingPoint], at: Date) -> KpiStatus {
    let reading = latest_at(readings, at);
    let target = target_at(kpi, at);
    let mut s = KpiStatus {
        state: KpiState::NoData,
        value: reading.map(|r| r.value),
        reading_date: reading.map(|r| r.date),
        target_period: target.map(|t| t.period.clone()),
        period_target: target.map(|t| t.value),
        target: None,
        elapsed_share: None,
        gap: None,
        gap_in_units: false,
        tolerance: kpi.tolerance,
        stale: false,
    };
    if let Some(t) = target {
        let (eff, share) = effective_target(kpi, t, at);
        s.target = Some(eff);
        s.elapsed_share = share;
    }
    if let (Some(r), Some(t)) = (reading, s.target) {
        let (g, units) = gap(kpi.direction, t, r.value);
        s.gap = Some(g);
        s.gap_in_units = units;
        s.state = state_of_gap(g, kpi.tolerance);
    }
    if let (Some(r), Some(f)) = (reading, kpi.frequency) {
        s.stale = (at - r.date).num_days() > 2 * f.days();
    }
    s
}

/// Attainment of `value` against `target` as the appraisal defines it, not clamped: with a
/// baseline `(value − baseline) / (target − baseline)`; without, `value / target` for up and
/// `target / value` for down. Where that divides by zero: a value at or better than the target
/// counts 1.0 (1.2 when strictly better, and always for a value of 0 against down), else 0.
pub fn attainment(direction: Direction, baseline: Option<f64>, target: f64, value: f64) -> f64 {
    let better = match direction {
        Direction::Up => value - target,
        Direction::Down => target - value,
    };
    let at_or_better = || -> f64 {
        if better > 0.0 {
            1.2
        } else if better == 0.0 {
            1.0
        } else {
            0.0
        }
    };
    match (baseline, direction) {
        (Some(b), _) if target == b => at_or_better().min(1.0),
        (Some(b), _) => (value - b) / (target - b),
        (None, Direction::Up) if target == 0.0 => at_or_better(),
        (None, Direction::Up) => value / target,
        (None, Direction::Down) if value == 0.0 => 1.2,
        (None, Direction::Down) => target / value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::testutil::{d, plan, plan_toml};

    const KPIS: &str = r#"
[[kpi]]
id = "uptime"
name = "Uptime"
direction = "up"
frequency = "monthly"
baseline = { value = 99.5 }
targets = [ { period = "2026", value = 99.9 }, { period = "2026-Q2", value = 99.8 } ]
tolerance = 5

[[kpi]]
id = "incidents"
name = "Incidents"
direction = "down"
frequency = "quarterly"
targets = [ { period = "2026", value = 2 } ]

[[kpi]]
id = "revenue"
name = "Revenue"
direction = "up"
kind = "cumulative"
baseline = { value = 100 }
targets = [ { period = "2026", value = 465 } ]

[[kpi]]
id = "defects"
name = "Defects"
direction = "down"
frequency = "weekly"
targets = [ { period = "2026", value = 0 } ]
tolerance = 1

[[kpi]]
id = "silent"
name = "Silent"
direction = "up"
targets = [ { period = "2026", value = 1 } ]

[[kpi]]
id = "untargeted"
name = "Untargeted"
direction = "up"
"#;

    const Q1: &str = "date = 2026-03-31\n[[kpi]]\nid = \"uptime\"\nvalue = 99.7\n\
        [[kpi]]\nid = \"incidents\"\nvalue = 3\n[[kpi]]\nid = \"untargeted\"\nvalue = 5\n";
    const JUN1: &str = "date = 2026-06-01\n[[kpi]]\nid = \"defects\"\nvalue = 1\n";
    const Q2: &str = "date = 2026-06-30\n[[kpi]]\nid = \"uptime\"\nvalue = 99.75\n\
        [[kpi]]\nid = \"revenue\"\nvalue = 270\n";
    const JUL: &str = "date = 2026-07-31\n[[kpi]]\nid = \"uptime\"\nvalue = 99.95\n";

    fn fixture() -> (Plan, Vec<KpiFigures>) {
        let p = plan(&[
            ("plan.toml", &plan_toml(1, "2026-06-30")),
            ("kpis.toml", KPIS),
            ("progress/a.toml", Q1),
            ("progress/b.toml", JUN1),
            ("progress/c.toml", Q2),
            ("progress/d.toml", JUL),
        ]);
        let dates: Vec<Date> = p.checkins.iter().map(|c| c.date).collect();
        let k = kpis(&p, &dates);
        (p, k)
    }

    fn get<'a>(p: &Plan, k: &'a [KpiFigures], id: &str) -> &'a KpiFigures {
        &k[p.index.kpis[id].ix()]
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn shortest_target_period_and_later_readings_ignored() {
        let (p, k) = fixture();
        let up = get(&p, &k, "uptime");
        assert_eq!(up.readings.len(), 3);
        assert!(up.readings[2].after_as_of);
        let s = &up.status;
        // 2026-Q2 (99.8) beats 2026 (99.9); the July reading is after as_of.
        assert_eq!(s.value, Some(99.75));
        assert_eq!(s.target, Some(99.8));
        assert_eq!(s.target_period.as_ref().unwrap().label, "2026-Q2");
        // (99.8 − 99.75) / 99.8 × 100 = 0.0501 %, within the 5 % tolerance.
        assert!(close(s.gap.unwrap(), 0.05 / 99.8 * 100.0));
        assert_eq!(s.state, KpiState::AtRisk);
        assert!(!s.stale);
    }

    #[test]
    fn direction_down_gap() {
        let (p, k) = fixture();
        let s = &get(&p, &k, "incidents").status;
        // (3 − 2) / 2 × 100 = 50 % > 10 %.
        assert_eq!(s.gap, Some(50.0));
        assert_eq!(s.state, KpiState::OffTrack);
        // 91 days old, quarterly (2 × 92 days): not stale.
        assert!(!s.stale);
    }

    #[test]
    fn cumulative_target_is_prorated_from_the_baseline() {
        let (p, k) = fixture();
        let s = &get(&p, &k, "revenue").status;
        // 181 of 365 days of 2026 have elapsed at 2026-06-30: 100 + 365 × 181/365 = 281.
        assert!(close(s.elapsed_share.unwrap(), 181.0 / 365.0));
        assert!(close(s.target.unwrap(), 281.0));
        assert_eq!(s.period_target, Some(465.0));
        // (281 − 270) / 281 × 100 = 3.91 %.
        assert!(close(s.gap.unwrap(), 11.0 / 281.0 * 100.0));
        assert_eq!(s.state, KpiState::AtRisk);
    }

    #[test]
    fn zero_target_uses_own_units_and_stale_readings_are_marked() {
        let (p, k) = fixture();
        let s = &get(&p, &k, "defects").status;
        assert_eq!(s.gap, Some(1.0));
        assert!(s.gap_in_units);
        assert_eq!(s.state, KpiState::AtRisk); // 1 defect, tolerance 1 defect
                                               // Weekly: 29 days > 2 × 7.
        assert!(s.stale);
    }

    #[test]
    fn no_reading_or_no_target_is_no_data() {
        let (p, k) = fixture();
        let s = &get(&p, &k, "silent").status;
        assert_eq!((s.state, s.value, s.gap), (KpiState::NoData, None, None));
        let s = &get(&p, &k, "untargeted").status;
        assert_eq!(
            (s.state, s.value, s.target),
            (KpiState::NoData, Some(5.0), None)
        );
    }

    #[test]
    fn history_at_each_check_in_date_up_to_as_of() {
        let (p, k) = fixture();
        let h = &get(&p, &k, "uptime").history;
        let dates: Vec<_> = h.iter().map(|x| x.date).collect();
        assert_eq!(dates, [d("2026-03-31"), d("2026-06-01"), d("2026-06-30")]);
        // On 2026-03-31 the year target 99.9 applies: gap 0.2/99.9 = 0.2 % → at risk.
        assert_eq!(h[0].state, KpiState::AtRisk);
        assert_eq!(h[1].value, Some(99.7));
        let h = &get(&p, &k, "revenue").history;
        assert_eq!(h[0].state, KpiState::NoData);
    }

    #[test]
    fn attainment_formulas() {
        assert!(close(
            attainment(Direction::Up, Some(99.5), 99.9, 99.7),
            0.5
        ));
        // Down with a baseline: from 10 incidents toward 2, now 6: half way.
        assert!(close(
            attainment(Direction::Down, Some(10.0), 2.0, 6.0),
            0.5
        ));
        assert!(close(attainment(Direction::Up, None, 100.0, 90.0), 0.9));
        assert!(close(attainment(Direction::Down, None, 2.0, 4.0), 0.5));
        assert_eq!(attainment(Direction::Down, None, 2.0, 0.0), 1.2);
        assert_eq!(attainment(Direction::Up, None, 0.0, 5.0), 1.2);
        assert_eq!(attainment(Direction::Up, None, 0.0, -1.0), 0.0);
        assert_eq!(attainment(Direction::Up, Some(5.0), 5.0, 6.0), 1.0);
        assert_eq!(attainment(Direction::Up, Some(5.0), 5.0, 4.0), 0.0);
    }
}
