//! analyze: the derived figures of a plan, pure functions of the `Plan`.
//!
//! Every figure the site shows beyond what the authors wrote is computed here, once, so that
//! pages, charts and the JSON export agree. Each concern has its own module; `analyze` runs
//! them (in parallel where they do not depend on each other) and gathers the results.
//!
//! Conventions shared by every module:
//! - Money is summed exactly (`Money`); percentages are `f64` 0–100.
//! - Vectors named after an entity kind (`kpis`, `initiatives`, `departments`, …) are indexed by
//!   that entity's index in the `Plan`; maps are `BTreeMap`s, so output order never depends on
//!   hashing.
//! - "Elapsed share" of a span of days at a date counts whole days, the status date included:
//!   `(at − first + 1) / (last − first + 1)`, clamped to 0–1. So on the first day of a quarter
//!   1/90 of it has elapsed, and on its last day all of it.

pub mod appraisal;
pub mod budget;
pub mod coordination;
pub mod dashboard;
pub mod diagnostics;
pub mod initiative;
pub mod kpi;
pub mod load;
pub mod rollup;
pub mod schedule;
pub(crate) mod ser;
#[cfg(test)]
pub(crate) mod testutil;

use std::sync::Arc;

use crate::model::{Date, Plan};

/// Every derived figure of a plan.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Analysis {
    /// The status date every figure is computed at.
    #[serde(serialize_with = "ser::date")]
    pub as_of: Date,
    /// Shared, so that `serve` can keep it across edits that leave its inputs unchanged.
    pub budget: Arc<budget::Budget>,
    /// By `KpiIx`. Shared, like the budget.
    pub kpis: Arc<Vec<kpi::KpiFigures>>,
    /// By `InitiativeIx`.
    pub initiatives: Vec<initiative::InitiativeFigures>,
    pub schedule: schedule::Schedule,
    /// Shared, like the budget.
    pub load: Arc<load::Load>,
    pub rollups: rollup::Rollups,
    pub coordination: coordination::Coordination,
    /// None when the plan has no appraisal.toml.
    pub appraisal: Option<appraisal::Appraisals>,
    pub dashboard: dashboard::Dashboard,
}

/// Compute every derived figure of `plan`. The independent parts run in parallel; the result
/// does not depend on scheduling.
pub fn analyze(plan: &Plan) -> Analysis {
    analyze_with(plan, Known::default()).0
}

/// Parts of an earlier analysis, each with what it was made from
/// ([`budget::BudgetInputs`], [`load::LoadInputs`]).
#[derive(Clone, Default)]
pub(crate) struct Known {
    pub budget: Option<Kept<budget::BudgetInputs, budget::Budget>>,
    pub load: Option<Kept<load::LoadInputs, load::Load>>,
    pub kpis: Option<Kept<kpi::KpiInputs, Vec<kpi::KpiFigures>>>,
    /// Whether the caller keeps the parts for the next analysis: then a part made anew comes
    /// back with its inputs.
    pub keep: bool,
}

/// A part of an analysis and its inputs. Shared, so that the caller keeps them too and can
/// tell whether the part was taken (`Arc::ptr_eq`).
pub(crate) struct Kept<I, T> {
    pub inputs: Arc<I>,
    pub part: Arc<T>,
}

impl<I, T> Clone for Kept<I, T> {
    fn clone(&self) -> Self {
        Kept {
            inputs: Arc::clone(&self.inputs),
            part: Arc::clone(&self.part),
        }
    }
}

impl<I: Send, T: Send> Kept<I, T> {
    /// The part, when `same` says the plan has its inputs; else a new one from `make`, with
    /// its inputs from `inputs` when `keep`. Compared and made here, on the analysis' threads,
    /// rather than before it starts or after it ends: comparing the budget's inputs, or
    /// copying them, takes as long as some of the parts made beside it.
    fn or_make(
        kept: Option<Self>,
        keep: bool,
        same: impl FnOnce(&I) -> bool,
        (make, inputs): (impl FnOnce() -> T + Send, impl FnOnce() -> I + Send),
    ) -> (Arc<T>, Option<Self>) {
        match kept {
            Some(k) if same(&k.inputs) => (Arc::clone(&k.part), Some(k)),
            _ if keep => {
                let (part, inputs) = rayon::join(make, inputs);
                let part = Arc::new(part);
                let kept = Kept {
                    inputs: Arc::new(inputs),
                    part: Arc::clone(&part),
                };
                (part, Some(kept))
            }
            _ => (Arc::new(make()), None),
        }
    }
}

/// [`analyze`], taking a part in `known` as it is when the plan has its inputs; with the parts
/// to keep for the next call (none unless `known.keep`).
pub(crate) fn analyze_with(plan: &Plan, known: Known) -> (Analysis, Known) {
    let Known {
        budget,
        load,
        kpis,
        keep,
    } = known;
    let (((budget, kept_budget), (kpis, kept_kpis)), (initiatives, (load, kept_load))) =
        rayon::join(
            || {
                rayon::join(
                    || {
                        let make = || budget::budget(plan);
                        let inputs = || budget::BudgetInputs::of(plan);
                        Kept::or_make(budget, keep, |i| i.matches(plan), (make, inputs))
                    },
                    || {
                        let dates = checkin_dates(plan);
                        let make = || kpi::kpis(plan, &dates);
                        let inputs = || kpi::KpiInputs::of(plan, &dates);
                        Kept::or_make(kpis, keep, |i| i.matches(plan, &dates), (make, inputs))
                    },
                )
            },
            || {
                rayon::join(
                    || initiative::initiatives(plan),
                    || {
                        let make = || load::load(plan);
                        let inputs = || load::LoadInputs::of(plan);
                        Kept::or_make(load, keep, |i| i.matches(plan), (make, inputs))
                    },
                )
            },
        );
    let cancelled: Vec<bool> = initiatives
        .iter()
        .map(|f| f.status.state == initiative::InitiativeState::Cancelled)
        .collect();
    let schedule = schedule::schedule(plan, &cancelled);
    let readings: Vec<&[kpi::ReadingPoint]> = kpis.iter().map(|f| f.readings.as_slice()).collect();
    // Independent of each other; together ~15 ms of an enterprise plan, which `check` and
    // every `serve` rebuild wait for.
    let ((rollups, coordination), (appraisal, dashboard)) = rayon::join(
        || {
            rayon::join(
                || rollup::rollups(plan, &kpis, &initiatives),
                || coordination::coordination(plan, &schedule.edges, &initiatives),
            )
        },
        || {
            rayon::join(
                || appraisal::appraisals(plan, readings, &initiatives, &budget.lines),
                || dashboard::dashboard(plan, &kpis, &initiatives, &budget.lines),
            )
        },
    );
    let analysis = Analysis {
        as_of: plan.settings.as_of,
        rollups,
        coordination,
        appraisal,
        dashboard,
        budget,
        kpis,
        initiatives,
        schedule,
        load,
    };
    let kept = Known {
        budget: kept_budget,
        load: kept_load,
        kpis: kept_kpis,
        keep,
    };
    (analysis, kept)
}

/// The distinct check-in dates of the plan, in order.
pub fn checkin_dates(plan: &Plan) -> Vec<Date> {
    let mut v: Vec<Date> = plan.checkins.iter().map(|c| c.date).collect();
    v.sort();
    v.dedup();
    v
}

/// Share of the days `first..=last` that have elapsed at the end of day `at`, 0–1.
pub fn elapsed_share(first: Date, last: Date, at: Date) -> f64 {
    let total = (last - first).num_days() + 1;
    if total <= 0 {
        return if at >= first { 1.0 } else { 0.0 };
    }
    let done = ((at - first).num_days() + 1).clamp(0, total);
    done as f64 / total as f64
}

/// Days from `a` to `b` (positive when `b` is later).
pub fn days_between(a: Date, b: Date) -> i64 {
    (b - a).num_days()
}

/// A number as people read it in an explanation: at most `dp` decimals, no trailing zeros.
pub fn num(v: f64, dp: usize) -> String {
    crate::model::digits::trimmed(v, dp)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn elapsed_share_counts_the_status_day() {
        // 2026-Q2 has 91 days; on its first day 1/91 has elapsed.
        assert_eq!(
            elapsed_share(d("2026-04-01"), d("2026-06-30"), d("2026-04-01")),
            1.0 / 91.0
        );
        assert_eq!(
            elapsed_share(d("2026-04-01"), d("2026-06-30"), d("2026-06-30")),
            1.0
        );
        assert_eq!(
            elapsed_share(d("2026-04-01"), d("2026-06-30"), d("2026-03-31")),
            0.0
        );
        assert_eq!(
            elapsed_share(d("2026-04-01"), d("2026-06-30"), d("2027-01-01")),
            1.0
        );
    }

    #[test]
    fn analysis_is_deterministic_and_money_is_a_string() {
        use testutil::{dept, plan, plan_toml};
        let p = plan(&[
            ("plan.toml", &plan_toml(4, "2026-09-30")),
            ("departments/a/department.md", &dept("A", None)),
            (
                "departments/a/budget.toml",
                "[[line]]\ncategory = \"x\"\nperiod = \"FY2027\"\nplanned = \"100.10\"\n",
            ),
        ]);
        let a = serde_json::to_string(&analyze(&p)).unwrap();
        let b = serde_json::to_string(&analyze(&p)).unwrap();
        assert_eq!(a, b);
        assert!(a.contains("\"planned\":\"100.1\""), "{a}");
        assert!(a.contains("\"as_of\":\"2026-09-30\""));
    }

    #[test]
    fn numbers_trim_zeros() {
        assert_eq!(num(12.50, 2), "12.5");
        assert_eq!(num(3.0, 2), "3");
        assert_eq!(num(-0.0001, 2), "0");
        assert_eq!(num(2.0 / 3.0, 3), "0.667");
    }
}
