//! dashboard: the headline figures: initiatives and KPIs by status, budget burn in the fiscal
//! year of `as_of`, milestones due in the next 90 days and milestones missed.

use super::budget::LineFigures;
use super::initiative::{InitiativeFigures, InitiativeState};
use super::kpi::{KpiFigures, KpiState};
use super::rollup::{counts, state_pos, StateCount};
use super::{elapsed_share, ser};
use crate::model::period::fiscal_year_of;
use crate::model::{Date, InitiativeIx, Money, Month, Period, Plan};

/// How far ahead "upcoming" milestones look.
pub const UPCOMING_DAYS: i64 = 90;

/// Spending in the fiscal year that holds `as_of`.
///
/// `planned_to_date` counts the months that have ended by `as_of` (a line's months spread as
/// everywhere); `actual_to_date` counts every reported actual of the year's months, since an
/// actual is by nature what was spent up to the status date.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Burn {
    pub fiscal_year: Period,
    pub planned_year: Money,
    pub planned_to_date: Money,
    pub actual_to_date: Money,
    /// Elapsed share of the fiscal year in days, 0–100.
    pub elapsed_percent: f64,
    /// actual_to_date ÷ planned_year × 100.
    pub spent_percent: Option<f64>,
    /// planned_to_date ÷ planned_year × 100.
    pub planned_to_date_percent: Option<f64>,
}

/// A milestone named from its initiative.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MilestoneRef {
    #[serde(serialize_with = "ser::ix")]
    pub initiative: InitiativeIx,
    pub title: String,
    #[serde(serialize_with = "ser::date")]
    pub date: Date,
    /// date − as_of (negative for missed ones).
    pub days_from_as_of: i64,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Dashboard {
    pub initiatives_by_status: Vec<StateCount>,
    pub kpis_by_status: Vec<StateCount>,
    pub burn: Burn,
    /// Not reached, due after `as_of` and within 90 days, by date.
    pub upcoming_milestones: Vec<MilestoneRef>,
    /// Due before `as_of` and not reached (cancelled initiatives left out), by date.
    pub missed_milestones: Vec<MilestoneRef>,
}

pub fn dashboard(
    plan: &Plan,
    kpis: &[KpiFigures],
    inis: &[InitiativeFigures],
    lines: &[LineFigures],
) -> Dashboard {
    let mut ic = [0usize; 7];
    for f in inis {
        ic[state_pos(&InitiativeState::ALL, f.status.state)] += 1;
    }
    let mut kc = [0usize; 4];
    for f in kpis {
        kc[state_pos(&KpiState::ALL, f.status.state)] += 1;
    }
    let (upcoming_milestones, missed_milestones) = milestones(plan, inis);
    Dashboard {
        initiatives_by_status: counts(&InitiativeState::ALL, &ic, |s| s.as_str()),
        kpis_by_status: counts(&KpiState::ALL, &kc, |s| s.as_str()),
        burn: burn(plan, lines),
        upcoming_milestones,
        missed_milestones,
    }
}

pub fn burn(plan: &Plan, lines: &[LineFigures]) -> Burn {
    let as_of = plan.settings.as_of;
    let fys = plan.settings.fiscal_year_start;
    let fy = Period::fiscal_year(fiscal_year_of(Month::of(as_of), fys), fys);
    let (mut year, mut to_date, mut actual) = (Money::ZERO, Money::ZERO, Money::ZERO);
    for m in lines.iter().flat_map(|l| &l.months) {
        if !fy.contains_month(m.month) {
            continue;
        }
        year += m.totals.planned;
        actual += m.totals.actual;
        if m.month.last_day() <= as_of {
            to_date += m.totals.planned;
        }
    }
    Burn {
        elapsed_percent: elapsed_share(fy.first_day(), fy.last_day(), as_of) * 100.0,
        spent_percent: actual.ratio(year).map(|r| r * 100.0),
        planned_to_date_percent: to_date.ratio(year).map(|r| r * 100.0),
        fiscal_year: fy,
        planned_year: year,
        planned_to_date: to_date,
        actual_to_date: actual,
    }
}

fn milestones(plan: &Plan, inis: &[InitiativeFigures]) -> (Vec<MilestoneRef>, Vec<MilestoneRef>) {
    let as_of = plan.settings.as_of;
    let (mut up, mut missed) = (Vec::new(), Vec::new());
    for (i, f) in inis.iter().enumerate() {
        if f.status.state == InitiativeState::Cancelled {
            continue;
        }
        for m in f.milestones.iter().filter(|m| m.reached.is_none()) {
            let days = (m.date - as_of).num_days();
            let r = MilestoneRef {
                initiative: InitiativeIx::from(i),
                title: m.title.clone(),
                date: m.date,
                days_from_as_of: days,
            };
            if m.missed {
                missed.push(r);
            } else if (0..=UPCOMING_DAYS).contains(&days) {
                up.push(r);
            }
        }
    }
    up.sort_by_key(|r| (r.date, r.initiative));
    missed.sort_by_key(|r| (r.date, r.initiative));
    (up, missed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::testutil::{d, dept, plan, plan_toml};
    use crate::analyze::{budget, initiative, kpi};

    #[test]
    fn burn_in_a_fiscal_year_across_calendar_years_and_milestones() {
        let ms = "[[milestone]]\ntitle = \"Done\"\ndate = 2026-05-01\n\
                  [[milestone]]\ntitle = \"Missed\"\ndate = 2026-08-01\n\
                  [[milestone]]\ntitle = \"Soon\"\ndate = 2026-12-29\n\
                  [[milestone]]\ntitle = \"Later\"\ndate = 2026-12-30\n";
        let ini = format!(
            "+++\ntitle = \"I\"\nowner = \"ann\"\nstart = 2026-04-01\nend = 2027-03-31\n{ms}+++\n"
        );
        let p = plan(&[
            ("plan.toml", &plan_toml(4, "2026-09-30")),
            ("people.toml", "[[person]]\nid = \"ann\"\nname = \"Ann\"\n"),
            ("departments/a/department.md", &dept("A", None)),
            ("departments/a/initiatives/i.md", &ini),
            (
                "departments/a/budget.toml",
                "[[line]]\ncategory = \"x\"\nperiod = \"FY2027\"\nplanned = 1200\nactual = 500\n\
                 [[line]]\ncategory = \"x\"\nperiod = \"2027-Q2\"\nplanned = 999\n",
            ),
            (
                "progress/a.toml",
                "date = 2026-06-30\n[[milestone]]\ninitiative = \"i\"\ntitle = \"Done\"\ndone = 2026-05-03\n",
            ),
        ]);
        let k = kpi::kpis(&p, &[]);
        let inis = initiative::initiatives(&p);
        let b = budget::budget(&p);
        let dash = dashboard(&p, &k, &inis, &b.lines);
        let burn = &dash.burn;
        // FY2027 = April 2026 to March 2027; the 2027-Q2 line is in FY2028.
        assert_eq!(burn.fiscal_year.label, "FY2027");
        assert_eq!(burn.planned_year, Money::from_int(1200));
        // April to September ended: 6 × 100.
        assert_eq!(burn.planned_to_date, Money::from_int(600));
        assert_eq!(burn.actual_to_date, Money::from_int(500));
        // 183 of 365 days.
        assert!((burn.elapsed_percent - 18300.0 / 365.0).abs() < 1e-9);
        assert!((burn.spent_percent.unwrap() - 500.0 / 12.0).abs() < 1e-9);
        let titles = |v: &[MilestoneRef]| v.iter().map(|m| m.title.clone()).collect::<Vec<_>>();
        // 2026-12-29 is 90 days after 2026-09-30; 2026-12-30 is 91.
        assert_eq!(titles(&dash.upcoming_milestones), ["Soon"]);
        assert_eq!(dash.upcoming_milestones[0].days_from_as_of, 90);
        assert_eq!(titles(&dash.missed_milestones), ["Missed"]);
        assert_eq!(dash.missed_milestones[0].date, d("2026-08-01"));
        let count = |s: &str| {
            dash.initiatives_by_status
                .iter()
                .find(|c| c.state == s)
                .unwrap()
                .count
        };
        assert_eq!(count("no-update"), 1);
    }
}
