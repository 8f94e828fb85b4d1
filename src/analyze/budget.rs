//! budget: line figures spread over months, totals by department (own and with descendants),
//! category and fiscal quarter, variance, cap usage and initiative envelopes.
//!
//! Amounts are spread evenly over a line's months with `Money::spread` (the last month takes
//! the leftover minor units), so every finer sum is exact and adds up to the line.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

use super::ser;
use crate::model::period::{fiscal_year, fiscal_year_of};
use crate::model::{
    BudgetCap, BudgetLine, Date, Department, DeptIx, InitiativeIx, Money, Month, Period, Plan,
};

/// Planned, forecast and actual of some budget lines, with their variances.
///
/// `actual` is summed only over the lines that report one, and `actual_planned` is the planned
/// amount of those same lines, so that `actual_variance` compares like with like (a year whose
/// second half is not reported yet does not look under-spent).
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct Totals {
    pub planned: Money,
    /// The effective forecast (see [`effective_forecast`]).
    pub forecast: Money,
    /// Sum of the reported actuals (lines without one count nothing).
    pub actual: Money,
    /// Planned of the lines that report an actual.
    pub actual_planned: Money,
    /// forecast − planned.
    pub forecast_variance: Money,
    /// actual − actual_planned.
    pub actual_variance: Money,
    /// How many lines (or, for a month or quarter, line parts) contributed.
    pub lines: usize,
}

impl Totals {
    /// The figures of one line (or one month's part of it).
    pub fn of(planned: Money, forecast: Money, actual: Option<Money>) -> Totals {
        let actual_planned = if actual.is_some() {
            planned
        } else {
            Money::ZERO
        };
        let actual = actual.unwrap_or(Money::ZERO);
        Totals {
            planned,
            forecast,
            actual,
            actual_planned,
            forecast_variance: forecast - planned,
            actual_variance: actual - actual_planned,
            lines: 1,
        }
    }

    /// Add another set of figures (variances are linear, so they add too).
    pub fn add(&mut self, o: &Totals) {
        self.planned += o.planned;
        self.forecast += o.forecast;
        self.actual += o.actual;
        self.actual_planned += o.actual_planned;
        self.forecast_variance += o.forecast_variance;
        self.actual_variance += o.actual_variance;
        self.lines += o.lines;
    }
}

/// One month's part of something.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MonthTotals {
    #[serde(serialize_with = "ser::month")]
    pub month: Month,
    pub totals: Totals,
}

/// The derived figures of one budget line.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LineFigures {
    /// The effective forecast.
    pub forecast: Money,
    /// True when the line wrote no `forecast` and the default was used.
    pub forecast_defaulted: bool,
    pub totals: Totals,
    /// The line spread over its months, in order; the parts sum exactly to `totals`.
    pub months: Vec<MonthTotals>,
}

/// One fiscal quarter's totals.
#[derive(Debug, Clone, serde::Serialize)]
pub struct QuarterTotals {
    /// `FY2027-Q1` when the fiscal year does not start in January, else `2027-Q1`.
    pub label: String,
    pub fiscal_year: i32,
    /// 1–4.
    pub quarter: u32,
    #[serde(serialize_with = "ser::month")]
    pub first_month: Month,
    pub totals: Totals,
}

/// Totals of a set of lines, by category and by fiscal quarter.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Breakdown {
    pub totals: Totals,
    pub by_category: BTreeMap<String, Totals>,
    /// Every quarter of every fiscal year that has any line in the plan (so departments share
    /// one axis), in order; quarters without lines are zero.
    pub by_quarter: Vec<QuarterTotals>,
}

/// A department's budget: its own lines and the totals with all departments under it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DeptBudget {
    /// Indices into `plan.budget_lines` of the department's own lines.
    pub lines: Vec<usize>,
    pub own: Breakdown,
    /// The department and all its descendants.
    pub subtree: Breakdown,
}

/// How much of a cap the planned lines use.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CapUsage {
    /// Index into `plan.caps`.
    pub cap: usize,
    #[serde(serialize_with = "ser::ix")]
    pub department: DeptIx,
    pub period: Period,
    pub amount: Money,
    /// Planned of the department and all its descendants in the cap's months (a line that
    /// straddles the cap's period counts by its months).
    pub planned: Money,
    /// planned − amount when positive, else zero.
    pub overrun: Money,
    pub exceeded: bool,
    /// planned ÷ amount × 100; none for a zero cap.
    pub used_percent: Option<f64>,
}

/// The budget lines that name an initiative, held against its approved envelope.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Envelope {
    #[serde(serialize_with = "ser::ix")]
    pub initiative: InitiativeIx,
    /// The envelope (`budget` of the initiative), if it set one.
    pub budget: Option<Money>,
    /// Indices into `plan.budget_lines`, from any department.
    pub lines: Vec<usize>,
    pub totals: Totals,
    /// planned − budget when positive, else zero.
    pub over: Money,
    pub exceeded: bool,
}

/// Every budget figure of the plan.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Budget {
    /// By index of `plan.budget_lines`.
    pub lines: Vec<LineFigures>,
    /// Every line once.
    pub org: Breakdown,
    /// By `DeptIx`.
    pub departments: Vec<DeptBudget>,
    /// By index of `plan.caps`.
    pub caps: Vec<CapUsage>,
    /// By `InitiativeIx`.
    pub envelopes: Vec<Envelope>,
}

/// The forecast of a line: what it wrote, else its actual when its period ended by `as_of`,
/// else its planned amount. The flag tells whether the default was used.
pub fn effective_forecast(line: &BudgetLine, as_of: Date) -> (Money, bool) {
    match line.forecast {
        Some(f) => (f, false),
        None if line.period.last_day() <= as_of => (line.actual.unwrap_or(line.planned), true),
        None => (line.planned, true),
    }
}

/// Spread a line over its months; each part's planned, forecast and actual sum to the line's.
pub fn spread_line(line: &BudgetLine, forecast: Money, minor_units: u32) -> Vec<MonthTotals> {
    let n = line.period.len;
    let planned = line.planned.spread(n, minor_units);
    let forecast = forecast.spread(n, minor_units);
    let actual = line.actual.map(|a| a.spread(n, minor_units));
    line.period
        .months()
        .enumerate()
        .map(|(i, month)| {
            let part = |v: &[Money]| v.get(i).copied().unwrap_or(Money::ZERO);
            let a = actual.as_deref().map(part);
            MonthTotals {
                month,
                totals: Totals::of(part(&planned), part(&forecast), a),
            }
        })
        .collect()
}

/// The first month of the fiscal quarter that holds `m`.
pub fn quarter_start(m: Month, fiscal_year_start: u32) -> Month {
    let fy_start = fiscal_year(fiscal_year_of(m, fiscal_year_start), fiscal_year_start);
    fy_start.plus((m.0 - fy_start.0) / 3 * 3)
}

/// (fiscal year, quarter 1–4, label) of the quarter starting at `q`.
pub fn quarter_label(q: Month, fiscal_year_start: u32) -> (i32, u32, String) {
    let fy = fiscal_year_of(q, fiscal_year_start);
    let n = ((q.0 - fiscal_year(fy, fiscal_year_start).0) / 3 + 1) as u32;
    let label = if fiscal_year_start == 1 {
        format!("{fy}-Q{n}")
    } else {
        format!("FY{fy}-Q{n}")
    };
    (fy, n, label)
}

/// Totals being gathered; quarters keyed by their first month.
#[derive(Debug, Clone, Default)]
struct Acc {
    totals: Totals,
    by_category: BTreeMap<String, Totals>,
    by_quarter: BTreeMap<Month, Totals>,
}

impl Acc {
    fn add_line(&mut self, line: &BudgetLine, f: &LineFigures, fys: u32) {
        self.totals.add(&f.totals);
        // Looked up before inserting: `entry` would copy the category name for every line.
        match self.by_category.get_mut(&line.category) {
            Some(t) => t.add(&f.totals),
            None => {
                self.by_category.insert(line.category.clone(), f.totals);
            }
        }
        for (q, t) in line_quarters(f, fys) {
            self.by_quarter.entry(q).or_default().add(&t);
        }
    }

    fn merge(&mut self, o: &Acc) {
        self.totals.add(&o.totals);
        for (k, v) in &o.by_category {
            self.by_category.entry(k.clone()).or_default().add(v);
        }
        for (k, v) in &o.by_quarter {
            self.by_quarter.entry(*k).or_default().add(v);
        }
    }

    fn finish(&self, quarters: &[Month], fys: u32) -> Breakdown {
        let by_quarter = quarters
            .iter()
            .map(|&q| {
                let (fiscal_year, quarter, label) = quarter_label(q, fys);
                QuarterTotals {
                    label,
                    fiscal_year,
                    quarter,
                    first_month: q,
                    totals: self.by_quarter.get(&q).copied().unwrap_or_default(),
                }
            })
            .collect();
        Breakdown {
            totals: self.totals,
            by_category: self.by_category.clone(),
            by_quarter,
        }
    }
}

/// A line's months summed into the fiscal quarters they fall in (a line counts once per quarter).
fn line_quarters(f: &LineFigures, fys: u32) -> Vec<(Month, Totals)> {
    let mut out: Vec<(Month, Totals)> = Vec::new();
    for m in &f.months {
        let q = quarter_start(m.month, fys);
        match out.last_mut() {
            Some((last, t)) if *last == q => {
                t.add(&m.totals);
                t.lines = 1;
            }
            _ => out.push((q, m.totals)),
        }
    }
    out
}

/// Departments in post-order (every department after all departments under it), each once,
/// safe on a nesting cycle (refused by check, but never looped on here).
pub(crate) fn post_order(plan: &Plan) -> Vec<DeptIx> {
    let n = plan.departments.len();
    let mut seen = vec![false; n];
    let mut out = Vec::with_capacity(n);
    let starts = plan.roots().into_iter().chain((0..n).map(DeptIx::from));
    for s in starts {
        if seen[s.ix()] {
            continue;
        }
        seen[s.ix()] = true;
        let mut stack = vec![(s, 0usize)];
        while let Some((d, i)) = stack.pop() {
            match plan.department(d).children.get(i) {
                Some(&c) => {
                    stack.push((d, i + 1));
                    if !seen[c.ix()] {
                        seen[c.ix()] = true;
                        stack.push((c, 0));
                    }
                }
                None => out.push(d),
            }
        }
    }
    out
}

/// Every quarter of every fiscal year that holds a month of some line, in order.
fn quarter_axis(lines: &[LineFigures], fys: u32) -> Vec<Month> {
    let years: BTreeSet<i32> = lines
        .iter()
        .flat_map(|l| l.months.iter().map(|m| fiscal_year_of(m.month, fys)))
        .collect();
    years
        .into_iter()
        .flat_map(|fy| (0..4).map(move |q| fiscal_year(fy, fys).plus(q * 3)))
        .collect()
}

/// Everything [`budget`] reads from a plan, so that `serve` can keep a budget across edits that
/// leave these unchanged (most edits: a status, a title, a KPI reading) instead of spreading
/// every line again. Compared in full, with no hashing, so a kept budget is exactly the one a
/// fresh run would make. Keep it in step with what `budget` and its helpers read.
///
/// Lines are compared whole, with fields `budget` does not read (`item`, `restricted`, their
/// places in their files): an edit of those, or one that moves the lines in their file, makes
/// the budget again, which costs time but never a wrong figure. Amounts compare as numbers
/// (`1.0 == 1.00`); no figure shows how an amount was written (the JSON drops trailing zeros,
/// pages round to the currency's minor units).
#[derive(Clone, Debug)]
pub(crate) struct BudgetInputs {
    lines: Vec<BudgetLine>,
    caps: Vec<BudgetCap>,
    /// Each department's parent and children: the tree the subtree totals are summed over
    /// (`roots` reads the parents, the sums the children; the model derives the second from the
    /// first, but both are compared because both are read).
    tree: Vec<(Option<DeptIx>, Vec<DeptIx>)>,
    /// Each initiative's envelope (`budget`), by `InitiativeIx`.
    envelopes: Vec<Option<Money>>,
    as_of: Date,
    minor_units: u32,
    fiscal_year_start: u32,
}

impl BudgetInputs {
    pub fn of(plan: &Plan) -> BudgetInputs {
        BudgetInputs {
            lines: plan.budget_lines.clone(),
            caps: plan.caps.clone(),
            tree: tree(plan).map(|(p, c)| (p, c.to_vec())).collect(),
            envelopes: envelope_amounts(plan).collect(),
            as_of: plan.settings.as_of,
            minor_units: plan.settings.currency.minor_units,
            fiscal_year_start: plan.settings.fiscal_year_start,
        }
    }

    /// Whether `plan` has these inputs; cheaper than building its own and comparing.
    pub fn matches(&self, plan: &Plan) -> bool {
        let s = &plan.settings;
        self.as_of == s.as_of
            && self.minor_units == s.currency.minor_units
            && self.fiscal_year_start == s.fiscal_year_start
            && self.lines == plan.budget_lines
            && self.caps == plan.caps
            && same_tree(plan, &self.tree)
            && envelope_amounts(plan).eq(self.envelopes.iter().copied())
    }
}

/// Each department's parent and children, the department tree as the budget and the load read
/// it (`roots` reads the parents, the sums the children).
pub(super) fn tree(plan: &Plan) -> impl Iterator<Item = (Option<DeptIx>, &[DeptIx])> {
    plan.departments
        .iter()
        .map(|d| (parent_of(d), d.children.as_slice()))
}

/// Whether `plan`'s department tree is `kept`, a copy of an earlier `tree`.
pub(super) fn same_tree(plan: &Plan, kept: &[(Option<DeptIx>, Vec<DeptIx>)]) -> bool {
    plan.departments.len() == kept.len()
        && tree(plan).eq(kept.iter().map(|(p, c)| (*p, c.as_slice())))
}

fn parent_of(d: &Department) -> Option<DeptIx> {
    d.parent.as_ref().map(|r| r.to)
}

fn envelope_amounts(plan: &Plan) -> impl Iterator<Item = Option<Money>> + '_ {
    plan.initiatives.iter().map(|i| i.budget)
}

/// Compute every budget figure.
pub fn budget(plan: &Plan) -> Budget {
    let as_of = plan.settings.as_of;
    let minor = plan.settings.currency.minor_units;
    let fys = plan.settings.fiscal_year_start;
    let lines: Vec<LineFigures> = plan
        .budget_lines
        .par_iter()
        .map(|line| {
            let (forecast, forecast_defaulted) = effective_forecast(line, as_of);
            LineFigures {
                forecast,
                forecast_defaulted,
                totals: Totals::of(line.planned, forecast, line.actual),
                months: spread_line(line, forecast, minor),
            }
        })
        .collect();
    let quarters = quarter_axis(&lines, fys);
    let by_dept = departments_lines(plan);
    let own: Vec<Acc> = by_dept
        .par_iter()
        .map(|ls| {
            let mut acc = Acc::default();
            for &i in ls {
                acc.add_line(&plan.budget_lines[i], &lines[i], fys);
            }
            acc
        })
        .collect();
    let subtree = subtree_accs(plan, &own);
    let org = org_acc(plan, &subtree, &lines, fys);
    let caps = cap_usage(plan, &lines, &by_dept);
    let departments = by_dept
        .into_iter()
        .enumerate()
        .map(|(d, ls)| DeptBudget {
            lines: ls,
            own: own[d].finish(&quarters, fys),
            subtree: subtree[d].finish(&quarters, fys),
        })
        .collect();
    let envelopes = envelopes(plan, &lines);
    Budget {
        org: org.finish(&quarters, fys),
        lines,
        departments,
        caps,
        envelopes,
    }
}

fn departments_lines(plan: &Plan) -> Vec<Vec<usize>> {
    let mut by_dept: Vec<Vec<usize>> = vec![Vec::new(); plan.departments.len()];
    for (i, l) in plan.budget_lines.iter().enumerate() {
        if let Some(v) = by_dept.get_mut(l.department.ix()) {
            v.push(i);
        }
    }
    by_dept
}

/// Each department's own totals plus those of every department under it, built bottom-up so
/// that the work is linear in the number of departments.
fn subtree_accs(plan: &Plan, own: &[Acc]) -> Vec<Acc> {
    let mut sub: Vec<Acc> = own.to_vec();
    for d in post_order(plan) {
        let mut acc = own[d.ix()].clone();
        for c in &plan.department(d).children {
            acc.merge(&sub[c.ix()]);
        }
        sub[d.ix()] = acc;
    }
    sub
}

/// The organization's totals: the top departments' totals with everything under them, merged
/// (a few dozen merges instead of adding every line once more). Should some line be under no
/// top department (a nesting cycle, which check refuses), every line is added instead.
fn org_acc(plan: &Plan, subtree: &[Acc], lines: &[LineFigures], fys: u32) -> Acc {
    let mut org = Acc::default();
    for r in plan.roots() {
        org.merge(&subtree[r.ix()]);
    }
    if org.totals.lines == plan.budget_lines.len() {
        return org;
    }
    let mut org = Acc::default();
    for (i, l) in plan.budget_lines.iter().enumerate() {
        org.add_line(l, &lines[i], fys);
    }
    org
}

/// Planned of a department and its descendants in each cap's months.
fn cap_usage(plan: &Plan, lines: &[LineFigures], by_dept: &[Vec<usize>]) -> Vec<CapUsage> {
    plan.caps
        .iter()
        .enumerate()
        .map(|(i, cap)| {
            let planned: Money = plan
                .subtree(cap.department)
                .iter()
                .flat_map(|d| by_dept.get(d.ix()).into_iter().flatten())
                .flat_map(|&l| lines[l].months.iter())
                .filter(|m| cap.period.contains_month(m.month))
                .map(|m| m.totals.planned)
                .sum();
            let over = planned - cap.amount;
            let exceeded = over > Money::ZERO;
            CapUsage {
                cap: i,
                department: cap.department,
                period: cap.period.clone(),
                amount: cap.amount,
                planned,
                overrun: if exceeded { over } else { Money::ZERO },
                exceeded,
                used_percent: planned.ratio(cap.amount).map(|r| r * 100.0),
            }
        })
        .collect()
}

/// Budget lines grouped by the initiative they name, against its envelope.
fn envelopes(plan: &Plan, lines: &[LineFigures]) -> Vec<Envelope> {
    let mut out: Vec<Envelope> = plan
        .initiatives
        .iter()
        .enumerate()
        .map(|(i, ini)| Envelope {
            initiative: InitiativeIx::from(i),
            budget: ini.budget,
            lines: Vec::new(),
            totals: Totals::default(),
            over: Money::ZERO,
            exceeded: false,
        })
        .collect();
    for (i, l) in plan.budget_lines.iter().enumerate() {
        if let Some(e) = l.initiative.as_ref().and_then(|r| out.get_mut(r.to.ix())) {
            e.lines.push(i);
            e.totals.add(&lines[i].totals);
        }
    }
    for e in &mut out {
        if let Some(b) = e.budget {
            let over = e.totals.planned - b;
            e.exceeded = over > Money::ZERO;
            e.over = if e.exceeded { over } else { Money::ZERO };
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::testutil::{dept, plan, plan_toml};

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    const PEOPLE: &str = "[[person]]\nid = \"ann\"\nname = \"Ann\"\n";

    /// Fiscal years from April; as_of the end of FY2027-Q2.
    fn fixture() -> Plan {
        let p = plan_toml(4, "2026-09-30");
        let ops = dept("Ops", None);
        let east = dept("East", Some("ops"));
        let sales = dept("Sales", None);
        plan(&[
            ("plan.toml", &p),
            ("people.toml", PEOPLE),
            ("departments/ops/department.md", &ops),
            ("departments/ops-east/department.md", &east),
            ("departments/sales/department.md", &sales),
            (
                "departments/ops/budget.toml",
                "[[line]]\ncategory = \"personnel\"\nperiod = \"FY2027\"\nplanned = \"1000.00\"\nactual = 400\n\
                 [[line]]\ncategory = \"opex\"\nperiod = \"2026-Q3\"\nplanned = 300\nactual = 330\n\
                 [cap]\n\"FY2027-Q1\" = 250\n\"FY2027\" = 2000\n",
            ),
            (
                "departments/ops-east/budget.toml",
                "[[line]]\ncategory = \"personnel\"\nperiod = \"2026-06\"\nplanned = 100\nforecast = 90\n",
            ),
            (
                "departments/sales/budget.toml",
                "[[line]]\ncategory = \"opex\"\nperiod = \"FY2028-Q4\"\nplanned = 10\n",
            ),
        ])
    }

    fn ix(p: &Plan, id: &str) -> usize {
        p.index.departments[id].ix()
    }

    type Change = fn(&mut Plan);

    fn json(p: &Plan) -> String {
        serde_json::to_string(&budget(p)).unwrap()
    }

    /// Each input, changed alone, makes `matches` tell the plans apart, and gives another
    /// budget: none of them may be left out. (Envelopes, and departments and initiatives
    /// added: tests/checker.rs.)
    #[test]
    fn inputs_tell_apart_every_change_the_budget_depends_on() {
        let p = fixture();
        let inputs = BudgetInputs::of(&p);
        assert!(inputs.matches(&p));
        let before = json(&p);
        let changes: [(&str, Change); 6] = [
            ("the status date", |p| {
                // FY2027 has then ended: its forecast defaults to its actual.
                p.settings.as_of = "2027-06-30".parse().unwrap()
            }),
            ("the minor units", |p| p.settings.currency.minor_units = 0),
            ("the fiscal year start", |p| {
                p.settings.fiscal_year_start = 1
            }),
            ("a line's amount", |p| p.budget_lines[0].planned = m("999")),
            ("a cap's amount", |p| p.caps[0].amount = m("1")),
            ("a department moved to the top", |p| {
                let east = DeptIx::from(ix(p, "ops-east"));
                p.departments[east.ix()].parent = None;
                let ops = ix(p, "ops");
                p.departments[ops].children.retain(|&c| c != east);
            }),
        ];
        for (what, change) in changes {
            let mut q = fixture();
            change(&mut q);
            assert!(!inputs.matches(&q), "{what}");
            assert!(json(&q) != before, "{what} changes the budget");
        }
    }

    /// The other way round: changes outside the inputs leave `matches` true and the budget as
    /// it was, so a budget that came to read more of the plan than its inputs hold fails here.
    #[test]
    fn changes_outside_the_inputs_keep_the_budget() {
        let p = fixture();
        let inputs = BudgetInputs::of(&p);
        let before = json(&p);
        let changes: [(&str, Change); 5] = [
            ("the plan's title and organization", |p| {
                p.settings.title = "Other".into();
                p.settings.organization = "Other".into();
            }),
            ("the horizon", |p| {
                p.settings.horizon_start = 2020;
                p.settings.horizon_end = 2040;
            }),
            ("the currency's code and the language", |p| {
                p.settings.currency.code = "USD".into();
                p.settings.language = crate::model::Language::De;
            }),
            ("a department's name, mission and restriction", |p| {
                p.departments[0].name = "Other".into();
                p.departments[0].mission = Some("Other".into());
                p.departments[0].restricted = true;
            }),
            ("the people", |p| {
                for person in &mut p.people {
                    person.capacity = 0.5;
                    person.name = "Other".into();
                }
            }),
        ];
        for (what, change) in changes {
            let mut q = fixture();
            change(&mut q);
            assert!(inputs.matches(&q), "{what}");
            assert!(json(&q) == before, "{what} leaves the budget as it was");
        }
    }

    #[test]
    fn forecast_defaults_to_actual_only_for_ended_periods() {
        let p = fixture();
        let b = budget(&p);
        // FY2027 has not ended at 2026-09-30: planned. 2026-Q3 ended that day: actual.
        let year = p
            .budget_lines
            .iter()
            .position(|l| l.period.label == "FY2027")
            .unwrap();
        let q3 = p
            .budget_lines
            .iter()
            .position(|l| l.period.label == "2026-Q3")
            .unwrap();
        assert_eq!(
            (b.lines[year].forecast, b.lines[year].forecast_defaulted),
            (m("1000"), true)
        );
        assert_eq!(b.lines[q3].forecast, m("330"));
        let june = p
            .budget_lines
            .iter()
            .position(|l| l.period.label == "2026-06")
            .unwrap();
        assert_eq!(
            (b.lines[june].forecast, b.lines[june].forecast_defaulted),
            (m("90"), false)
        );
    }

    #[test]
    fn spreading_gives_the_leftover_cents_to_the_last_month() {
        let p = fixture();
        let b = budget(&p);
        let year = p
            .budget_lines
            .iter()
            .position(|l| l.period.label == "FY2027")
            .unwrap();
        let months = &b.lines[year].months;
        assert_eq!(months.len(), 12);
        assert_eq!(months[0].month, Month::new(2026, 4));
        assert_eq!(months[0].totals.planned, m("83.33"));
        assert_eq!(months[11].totals.planned, m("83.37"));
        assert_eq!(months[11].totals.actual, m("33.37"));
        let sum: Money = months.iter().map(|x| x.totals.planned).sum();
        assert_eq!(sum, m("1000"));
    }

    #[test]
    fn organization_totals_count_every_line_once() {
        let b = budget(&fixture());
        let t = b.org.totals;
        assert_eq!(t.planned, m("1410"));
        assert_eq!(t.forecast, m("1430"));
        assert_eq!(t.forecast_variance, m("20"));
        // Actuals only where reported: lines of 1000 and 300 planned reported 400 and 330.
        assert_eq!(t.actual, m("730"));
        assert_eq!(t.actual_planned, m("1300"));
        assert_eq!(t.actual_variance, m("-570"));
        assert_eq!(t.lines, 4);
        assert_eq!(b.org.by_category["opex"].planned, m("310"));
        assert_eq!(b.org.by_category["personnel"].planned, m("1100"));
    }

    #[test]
    fn organization_totals_merged_from_the_top_equal_every_line_added() {
        let plan = fixture();
        let b = budget(&plan);
        let fys = plan.settings.fiscal_year_start;
        let mut every = Acc::default();
        for (i, l) in plan.budget_lines.iter().enumerate() {
            every.add_line(l, &b.lines[i], fys);
        }
        let quarters = quarter_axis(&b.lines, fys);
        let json = |x: &Breakdown| serde_json::to_string(x).unwrap();
        assert_eq!(json(&b.org), json(&every.finish(&quarters, fys)));
        // With the top departments' totals missing lines (as under a nesting cycle), every
        // line is added instead.
        let empty = vec![Acc::default(); plan.departments.len()];
        let fallback = org_acc(&plan, &empty, &b.lines, fys);
        assert_eq!(json(&fallback.finish(&quarters, fys)), json(&b.org));
    }

    #[test]
    fn fiscal_quarters_cross_calendar_years() {
        let b = budget(&fixture());
        let labels: Vec<_> = b.org.by_quarter.iter().map(|q| q.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "FY2027-Q1",
                "FY2027-Q2",
                "FY2027-Q3",
                "FY2027-Q4",
                "FY2028-Q1",
                "FY2028-Q2",
                "FY2028-Q3",
                "FY2028-Q4"
            ]
        );
        let q = &b.org.by_quarter;
        // Q1 = Apr–Jun 2026: three months of the year line (3 × 83.33) and the June line.
        assert_eq!(q[0].totals.planned, m("349.99"));
        assert_eq!(q[0].totals.forecast, m("339.99"));
        assert_eq!(q[0].totals.actual, m("99.99"));
        assert_eq!(q[0].totals.lines, 2);
        // Q2 = Jul–Sep: 249.99 + the Q3 line.
        assert_eq!(q[1].totals.planned, m("549.99"));
        assert_eq!(q[1].totals.forecast, m("579.99"));
        // Q4 = Jan–Mar 2027 holds the leftover cents: 83.33 + 83.33 + 83.37.
        assert_eq!(q[3].first_month, Month::new(2027, 1));
        assert_eq!(q[3].totals.planned, m("250.03"));
        assert_eq!(q[3].totals.actual, m("100.03"));
        assert_eq!(q[4].totals, Totals::default());
        assert_eq!(q[7].totals.planned, m("10"));
        let sum: Money = q.iter().map(|x| x.totals.planned).sum();
        assert_eq!(sum, m("1410"));
    }

    #[test]
    fn calendar_quarter_labels() {
        assert_eq!(quarter_start(Month::new(2027, 5), 1), Month::new(2027, 4));
        assert_eq!(quarter_label(Month::new(2027, 4), 1).2, "2027-Q2");
        // With April starts, February 2027 is in FY2027-Q4.
        let q = quarter_start(Month::new(2027, 2), 4);
        assert_eq!(q, Month::new(2027, 1));
        assert_eq!(quarter_label(q, 4), (2027, 4, "FY2027-Q4".to_string()));
        // And with October starts, October 2026 opens FY2027.
        assert_eq!(quarter_label(Month::new(2026, 10), 10).2, "FY2027-Q1");
    }

    #[test]
    fn departments_own_and_with_descendants() {
        let p = fixture();
        let b = budget(&p);
        let ops = &b.departments[ix(&p, "ops")];
        assert_eq!(ops.own.totals.planned, m("1300"));
        assert_eq!(ops.subtree.totals.planned, m("1400"));
        assert_eq!(ops.subtree.by_category["personnel"].planned, m("1100"));
        assert_eq!(ops.own.by_category["personnel"].planned, m("1000"));
        assert_eq!(ops.subtree.by_quarter[0].totals.planned, m("349.99"));
        assert_eq!(ops.own.by_quarter[0].totals.planned, m("249.99"));
        let east = &b.departments[ix(&p, "ops-east")];
        assert_eq!(east.own.totals.planned, m("100"));
        assert_eq!(east.subtree.totals.planned, m("100"));
        assert_eq!(
            b.departments[ix(&p, "sales")].subtree.totals.planned,
            m("10")
        );
    }

    #[test]
    fn caps_count_descendants_and_straddling_lines_by_month() {
        let p = fixture();
        let b = budget(&p);
        let q1 = b
            .caps
            .iter()
            .find(|c| c.period.label == "FY2027-Q1")
            .unwrap();
        // 3 × 83.33 of the year line + the June line of ops-east.
        assert_eq!(q1.planned, m("349.99"));
        assert_eq!(q1.overrun, m("99.99"));
        assert!(q1.exceeded);
        let year = b.caps.iter().find(|c| c.period.label == "FY2027").unwrap();
        assert_eq!(year.planned, m("1400"));
        assert!(!year.exceeded);
        assert_eq!(year.overrun, Money::ZERO);
        assert_eq!(year.used_percent, Some(70.0));
    }

    #[test]
    fn envelopes_gather_lines_of_any_department() {
        let p = plan(&[
            ("plan.toml", &plan_toml(1, "2026-06-30")),
            ("people.toml", PEOPLE),
            ("departments/a/department.md", &dept("A", None)),
            ("departments/b/department.md", &dept("B", None)),
            (
                "departments/a/initiatives/crm.md",
                "+++\ntitle = \"CRM\"\nowner = \"ann\"\nstart = 2026-01-01\nend = 2026-12-31\nbudget = 250\n+++\n",
            ),
            (
                "departments/a/initiatives/other.md",
                "+++\ntitle = \"Other\"\nowner = \"ann\"\nstart = 2026-01-01\nend = 2026-12-31\n+++\n",
            ),
            (
                "departments/a/budget.toml",
                "[[line]]\ncategory = \"capex\"\ninitiative = \"crm\"\nperiod = \"2026\"\nplanned = 200\n",
            ),
            (
                "departments/b/budget.toml",
                "[[line]]\ncategory = \"opex\"\ninitiative = \"crm\"\nperiod = \"2026-Q1\"\nplanned = 100\n\
                 [[line]]\ncategory = \"opex\"\nperiod = \"2026-Q1\"\nplanned = 5\n",
            ),
        ]);
        let b = budget(&p);
        let crm = &b.envelopes[p.index.initiatives["crm"].ix()];
        assert_eq!(crm.lines.len(), 2);
        assert_eq!(crm.totals.planned, m("300"));
        assert_eq!(crm.over, m("50"));
        assert!(crm.exceeded);
        let other = &b.envelopes[p.index.initiatives["other"].ix()];
        assert!(other.lines.is_empty() && !other.exceeded && other.budget.is_none());
        // Envelopes are not added to totals: the org still counts the three lines.
        assert_eq!(b.org.totals.planned, m("305"));
        assert_eq!(b.org.by_quarter[0].label, "2026-Q1");
    }
}
