//! appraisal: a scorecard per department and per person who owns KPIs or initiatives, for the
//! period of appraisal.toml, each with the rows of its arithmetic.
//!
//! Readings of the rules where the format leaves a choice:
//! - **The KPI's target for the period**: the target whose period is the appraisal period
//!   itself; else the shortest target period that holds the date of the last reading (the
//!   target that reading was meant to meet); else the shortest target period that contains the
//!   appraisal period. None of these: the KPI has no data and is left out.
//! - A cumulative KPI's target is prorated as for its status (from the baseline or 0, by elapsed
//!   days), at the date of the reading: the value accrued until then is compared with what should
//!   have accrued until then.
//! - Readings count when dated in the period and on or before `as_of`.
//! - **Initiative delivery** takes the initiatives ending on or before the period's last day.
//!   An initiative whose expected progress at `as_of` is 0 (not started by plan) is left out
//!   (nothing was expected yet). Progress not reported counts 0.
//! - **Budget adherence** compares, over the lines that report an actual, the parts of planned
//!   and actual that fall in the period's months (lines spread as everywhere). Lines without an
//!   actual say nothing about adherence. A planned amount of 0 or less that is overspent scores 0.
//! - The score is clamped to 0–100 (the KPI component may reach 120) and then rounded.

use rayon::prelude::*;

use super::budget::LineFigures;
use super::initiative::{InitiativeFigures, InitiativeState};
use super::kpi::{attainment, effective_target, ReadingPoint};
use super::rollup::Row;
use super::{num, ser};
use crate::model::{
    Appraisal, Date, DeptIx, InitiativeIx, Kpi, KpiIx, Money, Period, PersonIx, Plan, Target,
};

/// One component of a score (KPI attainment, initiative delivery or budget adherence).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Component {
    /// `kpis`, `initiatives` or `budget`.
    pub name: &'static str,
    /// The weight as written.
    pub weight: f64,
    /// The weight re-spread over the components present, percent (0 when absent).
    pub effective_weight: f64,
    /// 0–100 (KPIs up to 120); none when the component has no data.
    pub score: Option<f64>,
    pub rows: Vec<Row>,
}

/// Whom a scorecard scores.
#[derive(Debug, Clone, Copy, serde::Serialize)]
#[serde(tag = "kind", content = "index", rename_all = "lowercase")]
pub enum Subject {
    Department(#[serde(serialize_with = "ser::ix")] DeptIx),
    Person(#[serde(serialize_with = "ser::ix")] PersonIx),
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Scorecard {
    pub subject: Subject,
    pub components: Vec<Component>,
    /// 0–100, one decimal; none when no component has data.
    pub score: Option<f64>,
    pub rating: Option<String>,
    pub consequence: Option<String>,
    /// The weighted sum and the band, as rows.
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Appraisals {
    pub period: Period,
    /// By `DeptIx`.
    pub departments: Vec<Scorecard>,
    /// People who own KPIs or initiatives, in plan order.
    pub people: Vec<Scorecard>,
}

/// What a scorecard is computed from.
struct Inputs<'a> {
    plan: &'a Plan,
    ap: &'a Appraisal,
    readings: Vec<&'a [ReadingPoint]>,
    inis: &'a [InitiativeFigures],
    lines: &'a [LineFigures],
}

pub fn appraisals(
    plan: &Plan,
    readings: Vec<&[ReadingPoint]>,
    inis: &[InitiativeFigures],
    lines: &[LineFigures],
) -> Option<Appraisals> {
    let ap = plan.appraisal.as_ref()?;
    let x = Inputs {
        plan,
        ap,
        readings,
        inis,
        lines,
    };
    let nd = plan.departments.len();
    let (mut d_kpis, mut d_inis, mut d_lines) =
        (vec![vec![]; nd], vec![vec![]; nd], vec![vec![]; nd]);
    let np = plan.people.len();
    let (mut p_kpis, mut p_inis) = (vec![vec![]; np], vec![vec![]; np]);
    for (i, k) in plan.kpis.iter().enumerate() {
        if let Some(v) = k.department.and_then(|d| d_kpis.get_mut(d.ix())) {
            v.push(KpiIx::from(i));
        }
        if let Some(v) = k.owner.as_ref().and_then(|o| p_kpis.get_mut(o.to.ix())) {
            v.push(KpiIx::from(i));
        }
    }
    for (i, ini) in plan.initiatives.iter().enumerate() {
        if let Some(v) = d_inis.get_mut(ini.department.ix()) {
            v.push(InitiativeIx::from(i));
        }
        if let Some(v) = ini.owner.as_ref().and_then(|o| p_inis.get_mut(o.to.ix())) {
            v.push(InitiativeIx::from(i));
        }
    }
    for (i, l) in plan.budget_lines.iter().enumerate() {
        if let Some(v) = d_lines.get_mut(l.department.ix()) {
            v.push(i);
        }
    }
    // Each scorecard on rayon's threads: together they are the longest part of the analysis
    // that runs after the schedule (3 ms of an enterprise plan's 3,000 people), which every
    // `serve` rebuild after a front-matter edit waits for.
    let departments = (0..nd)
        .into_par_iter()
        .map(|d| {
            scorecard(
                &x,
                Subject::Department(DeptIx::from(d)),
                &d_kpis[d],
                &d_inis[d],
                Some(&d_lines[d]),
            )
        })
        .collect();
    let people = (0..np)
        .into_par_iter()
        .filter(|&p| !p_kpis[p].is_empty() || !p_inis[p].is_empty())
        .map(|p| {
            scorecard(
                &x,
                Subject::Person(PersonIx::from(p)),
                &p_kpis[p],
                &p_inis[p],
                None,
            )
        })
        .collect();
    Some(Appraisals {
        period: ap.period.clone(),
        departments,
        people,
    })
}

fn scorecard(
    x: &Inputs,
    subject: Subject,
    kpis: &[KpiIx],
    inis: &[InitiativeIx],
    lines: Option<&[usize]>,
) -> Scorecard {
    let w = &x.ap.weights;
    let mut components = vec![
        component("kpis", w.kpis, kpi_component(x, kpis)),
        component("initiatives", w.initiatives, initiative_component(x, inis)),
        component(
            "budget",
            w.budget,
            budget_component(x, lines.unwrap_or(&[])),
        ),
    ];
    let (score, rows) = combine(&mut components);
    let band = score.and_then(|s| x.ap.bands.iter().find(|b| s >= b.min));
    let mut rows = rows;
    if let Some(b) = band {
        rows.push(Row {
            label: "band".into(),
            value: Some(b.min),
            detail: format!(
                "first band whose min it reaches: {} (min {})",
                b.rating,
                num(b.min, 1)
            ),
        });
    }
    Scorecard {
        subject,
        components,
        score,
        rating: band.map(|b| b.rating.clone()),
        consequence: band.and_then(|b| b.consequence.clone()),
        rows,
    }
}

fn component(name: &'static str, weight: f64, (score, rows): (Option<f64>, Vec<Row>)) -> Component {
    Component {
        name,
        weight,
        effective_weight: 0.0,
        score,
        rows,
    }
}

/// The weighted sum over the components present, weights re-spread in proportion.
fn combine(components: &mut [Component]) -> (Option<f64>, Vec<Row>) {
    let total: f64 = components
        .iter()
        .filter(|c| c.score.is_some())
        .map(|c| c.weight)
        .sum();
    if total <= 0.0 {
        let row = Row {
            label: "score".into(),
            value: None,
            detail: "no component has data: no score".into(),
        };
        return (None, vec![row]);
    }
    let mut terms = Vec::new();
    let mut sum = 0.0;
    for c in components.iter_mut() {
        if let Some(s) = c.score {
            c.effective_weight = c.weight / total * 100.0;
            sum += c.weight / total * s;
            terms.push(format!("{} × {}", num(c.weight / total, 4), num(s, 1)));
        }
    }
    let score = (sum.clamp(0.0, 100.0) * 10.0).round() / 10.0;
    let row = Row {
        label: "score".into(),
        value: Some(score),
        detail: format!(
            "{} = {} → {} (clamped to 0–100, one decimal)",
            terms.join(" + "),
            num(sum, 3),
            num(score, 1)
        ),
    };
    (Some(score), vec![row])
}

/// The mean of the rows that have a value, × 100.
fn mean_component(mut rows: Vec<Row>, what: &str) -> (Option<f64>, Vec<Row>) {
    let vals: Vec<f64> = rows.iter().filter_map(|r| r.value).collect();
    if vals.is_empty() {
        return (None, rows);
    }
    let mean = vals.iter().sum::<f64>() / vals.len() as f64 * 100.0;
    let terms: Vec<String> = vals.iter().map(|v| num(*v, 3)).collect();
    rows.push(Row {
        label: what.into(),
        value: Some(mean),
        detail: format!(
            "({}) / {} × 100 = {}",
            terms.join(" + "),
            vals.len(),
            num(mean, 1)
        ),
    });
    (Some(mean), rows)
}

/// The KPI's target for the appraisal period (see the module doc for the order).
pub fn period_target<'a>(
    kpi: &'a Kpi,
    period: &Period,
    reading: Option<Date>,
) -> Option<&'a Target> {
    let same = |t: &&Target| t.period.start == period.start && t.period.len == period.len;
    let holds = |t: &&Target| reading.is_some_and(|d| t.period.contains_date(d));
    let covers = |t: &&Target| t.period.contains(period);
    kpi.targets
        .iter()
        .find(same)
        .or_else(|| {
            kpi.targets
                .iter()
                .filter(holds)
                .min_by_key(|t| t.period.len)
        })
        .or_else(|| {
            kpi.targets
                .iter()
                .filter(covers)
                .min_by_key(|t| t.period.len)
        })
}

fn kpi_component(x: &Inputs, kpis: &[KpiIx]) -> (Option<f64>, Vec<Row>) {
    let rows = kpis.iter().map(|&k| kpi_row(x, k)).collect();
    mean_component(rows, "KPI attainment")
}

fn kpi_row(x: &Inputs, k: KpiIx) -> Row {
    let kpi = x.plan.kpi(k);
    let p = &x.ap.period;
    let as_of = x.plan.settings.as_of;
    let last = x.readings.get(k.ix()).and_then(|rs| {
        rs.iter()
            .rev()
            .find(|r| p.contains_date(r.date) && r.date <= as_of)
    });
    let target = period_target(kpi, p, last.map(|r| r.date));
    let (Some(r), Some(t)) = (last, target) else {
        let why = if last.is_none() {
            "no reading in the period"
        } else {
            "no target for the period"
        };
        return Row {
            label: kpi.name.clone(),
            value: None,
            detail: format!("{why}: left out"),
        };
    };
    let (tv, _) = effective_target(kpi, t, r.date);
    let base = kpi.baseline.as_ref().map(|b| b.value);
    let a = attainment(kpi.direction, base, tv, r.value).clamp(0.0, 1.2);
    let how = match base {
        Some(b) => format!("({} − {b}) / ({} − {b})", num(r.value, 4), num(tv, 4)),
        None if kpi.direction == crate::model::Direction::Up => {
            format!("{} / {}", num(r.value, 4), num(tv, 4))
        }
        None => format!("{} / {}", num(tv, 4), num(r.value, 4)),
    };
    Row {
        label: kpi.name.clone(),
        value: Some(a),
        detail: format!(
            "{} on {} against {} ({}): {how}, clamped 0–1.2 = {}",
            num(r.value, 4),
            r.date,
            num(tv, 4),
            t.period,
            num(a, 3)
        ),
    }
}

fn initiative_component(x: &Inputs, inis: &[InitiativeIx]) -> (Option<f64>, Vec<Row>) {
    let last = x.ap.period.last_day();
    let rows = inis
        .iter()
        .filter(|&&i| x.plan.initiative(i).end <= last)
        .filter_map(|&i| delivery_row(x, i))
        .collect();
    mean_component(rows, "initiative delivery")
}

/// Delivery of one initiative; none for a cancelled one.
fn delivery_row(x: &Inputs, i: InitiativeIx) -> Option<Row> {
    let ini = x.plan.initiative(i);
    let f = x.inis.get(i.ix())?;
    let label = ini.title.clone();
    let (value, detail) = match (f.status.state, f.done_on) {
        (InitiativeState::Cancelled, _) => return None,
        (InitiativeState::Done, Some(done)) => done_score(ini.end, done),
        _ => {
            let expected = f.status.expected_progress;
            let reported = f.status.progress.unwrap_or(0.0);
            if expected <= 0.0 {
                (
                    None,
                    "not done, nothing expected yet at the status date: left out".to_string(),
                )
            } else {
                let v = (reported / expected).clamp(0.0, 1.0);
                (
                    Some(v),
                    format!(
                        "not done: reported {} % / expected {} %, clamped 0–1 = {}",
                        num(reported, 1),
                        num(expected, 1),
                        num(v, 3)
                    ),
                )
            }
        }
    };
    Some(Row {
        label,
        value,
        detail,
    })
}

/// 1.0 when done by `end`; else 1.0 − 0.1 per started 30 days late, not below 0.5.
pub fn done_score(end: Date, done: Date) -> (Option<f64>, String) {
    let late = (done - end).num_days();
    if late <= 0 {
        return (Some(1.0), format!("done on {done}, by its end {end}: 1"));
    }
    let blocks = (late + 29) / 30;
    let v = (1.0 - 0.1 * blocks as f64).max(0.5);
    (Some(v), format!("done on {done}, {late} days after its end {end}: 1 − 0.1 × {blocks}, not below 0.5 = {}", num(v, 2)))
}

fn budget_component(x: &Inputs, lines: &[usize]) -> (Option<f64>, Vec<Row>) {
    let p = &x.ap.period;
    let (mut planned, mut actual) = (Money::ZERO, Money::ZERO);
    let mut rows = Vec::new();
    for &i in lines {
        let (Some(line), Some(f)) = (x.plan.budget_lines.get(i), x.lines.get(i)) else {
            continue;
        };
        if line.actual.is_none() || p.overlap(&line.period) == 0 {
            continue;
        }
        let months = f.months.iter().filter(|m| p.contains_month(m.month));
        let (lp, la) = months.fold((Money::ZERO, Money::ZERO), |(a, b), m| {
            (a + m.totals.planned, b + m.totals.actual)
        });
        planned += lp;
        actual += la;
        rows.push(Row {
            label: format!("{} {}", line.category, line.item.as_deref().unwrap_or(""))
                .trim()
                .to_string(),
            value: None,
            detail: format!("{}: planned {lp}, actual {la} in the period", line.period),
        });
    }
    if rows.is_empty() {
        return (None, rows);
    }
    let (v, how) = adherence(planned, actual);
    rows.push(Row {
        label: "budget adherence".into(),
        value: Some(v * 100.0),
        detail: format!("planned {planned}, actual {actual}: {how}"),
    });
    (Some(v * 100.0), rows)
}

/// 1.0 when actual ≤ planned; else 1.0 − 2 × overspend share, not below 0.
pub fn adherence(planned: Money, actual: Money) -> (f64, String) {
    if actual <= planned {
        return (1.0, "within plan = 1".into());
    }
    match (actual - planned).ratio(planned) {
        Some(share) if planned > Money::ZERO => {
            let v = (1.0 - 2.0 * share).max(0.0);
            (
                v,
                format!(
                    "overspent by {} %: 1 − 2 × {} = {}",
                    num(share * 100.0, 1),
                    num(share, 4),
                    num(v, 3)
                ),
            )
        }
        _ => (0.0, "overspent with nothing planned = 0".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::testutil::{d, dept, plan, plan_toml};
    use crate::analyze::{budget, initiative, kpi};

    const PEOPLE: &str =
        "[[person]]\nid = \"ann\"\nname = \"Ann\"\n[[person]]\nid = \"bob\"\nname = \"Bob\"\n\
        [[person]]\nid = \"cat\"\nname = \"Cat\"\n";
    const APPRAISAL: &str = "period = \"2026\"\nweights = { kpis = 50, initiatives = 30, budget = 20 }\n\
        [[band]]\nmin = 90\nrating = \"Exceeds\"\n[[band]]\nmin = 70\nrating = \"Meets\"\nconsequence = \"Standard\"\n\
        [[band]]\nmin = 0\nrating = \"Below\"\n";
    const KPIS: &str = r#"
[[kpi]]
id = "k1"
name = "K1"
direction = "up"
owner = "ann"
baseline = { value = 100 }
targets = [ { period = "2026", value = 200 } ]
[[kpi]]
id = "k2"
name = "K2"
direction = "down"
targets = [ { period = "2026-Q2", value = 4 }, { period = "2027", value = 1 } ]
[[kpi]]
id = "k3"
name = "K3"
direction = "down"
targets = [ { period = "2026", value = 3 } ]
[[kpi]]
id = "k4"
name = "K4"
direction = "up"
targets = [ { period = "2027", value = 10 } ]
"#;
    const BUDGET: &str =
        "[[line]]\ncategory = \"personnel\"\nperiod = \"2026\"\nplanned = 1200\nactual = 1260\n\
        [[line]]\ncategory = \"opex\"\nperiod = \"2026-Q4\"\nplanned = 100\n\
        [[line]]\ncategory = \"capex\"\nperiod = \"2027-Q1\"\nplanned = 50\nactual = 10\n";
    const Q1: &str = "date = 2026-03-31\n[[kpi]]\nid = \"k1\"\nvalue = 130\n\
        [[initiative]]\nid = \"i1\"\nstatus = \"done\"\n";
    const Q2: &str = "date = 2026-06-30\n[[kpi]]\nid = \"k1\"\nvalue = 150\n[[kpi]]\nid = \"k2\"\nvalue = 5\n\
        [[kpi]]\nid = \"k3\"\nvalue = 0\n[[kpi]]\nid = \"k4\"\nvalue = 5\n\
        [[initiative]]\nid = \"i2\"\nstatus = \"done\"\n[[initiative]]\nid = \"i3\"\nstatus = \"on-track\"\nprogress = 40\n\
        [[initiative]]\nid = \"i4\"\nstatus = \"cancelled\"\n";

    fn ini(owner: &str, start: &str, end: &str) -> String {
        format!("+++\ntitle = \"T\"\nowner = \"{owner}\"\nstart = {start}\nend = {end}\n+++\n")
    }

    fn fixture() -> (Plan, Appraisals) {
        let p = plan(&[
            ("plan.toml", &plan_toml(1, "2026-09-30")),
            ("people.toml", PEOPLE),
            ("appraisal.toml", APPRAISAL),
            ("departments/a/department.md", &dept("A", None)),
            ("departments/a/kpis.toml", KPIS),
            ("departments/a/budget.toml", BUDGET),
            (
                "departments/a/initiatives/i1.md",
                &ini("ann", "2026-01-01", "2026-03-31"),
            ),
            (
                "departments/a/initiatives/i2.md",
                &ini("ann", "2026-01-01", "2026-04-30"),
            ),
            (
                "departments/a/initiatives/i3.md",
                &ini("cat", "2026-07-01", "2026-12-31"),
            ),
            (
                "departments/a/initiatives/i4.md",
                &ini("cat", "2026-01-01", "2026-06-30"),
            ),
            (
                "departments/a/initiatives/i5.md",
                &ini("cat", "2026-01-01", "2027-06-30"),
            ),
            ("progress/q1.toml", Q1),
            ("progress/q2.toml", Q2),
        ]);
        let k = kpi::kpis(&p, &[]);
        let readings: Vec<&[ReadingPoint]> = k.iter().map(|f| f.readings.as_slice()).collect();
        let inis = initiative::initiatives(&p);
        let b = budget::budget(&p);
        let a = appraisals(&p, readings, &inis, &b.lines).unwrap();
        (p, a)
    }

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-9)
    }

    #[test]
    fn department_scorecard() {
        let (_, a) = fixture();
        let s = &a.departments[0];
        let c = &s.components;
        // KPIs: k1 (150 − 100) / (200 − 100) = 0.5; k2 against its 2026-Q2 target 4 / 5 = 0.8;
        // k3 down at 0 = 1.2; k4 has no target for 2026: left out. Mean × 100 = 83.33.
        let vals: Vec<_> = c[0].rows.iter().map(|r| r.value).collect();
        assert_eq!(
            vals[..3].iter().map(|v| v.unwrap()).collect::<Vec<_>>(),
            [0.5, 0.8, 1.2]
        );
        assert_eq!(vals[3], None);
        assert!(close(c[0].score, 250.0 / 3.0));
        // Initiatives: i1 on time 1.0; i2 61 days late 0.7; i3 40 % of 50 % expected 0.8;
        // i4 cancelled; i5 ends after the period.
        assert!(close(c[1].score, 250.0 / 3.0));
        assert_eq!(c[1].rows.len(), 4);
        // Budget: 1260 against 1200 is 5 % over: 1 − 0.1 = 0.9.
        assert!(close(c[2].score, 90.0));
        // 0.5 × 83.33 + 0.3 × 83.33 + 0.2 × 90 = 84.67.
        assert_eq!(s.score, Some(84.7));
        assert_eq!(s.rating.as_deref(), Some("Meets"));
        assert_eq!(s.consequence.as_deref(), Some("Standard"));
    }

    #[test]
    fn people_scorecards_respread_weights() {
        let (p, a) = fixture();
        let who: Vec<_> = a
            .people
            .iter()
            .map(|s| match s.subject {
                Subject::Person(i) => p.person(i).id.as_str(),
                Subject::Department(_) => "?",
            })
            .collect();
        assert_eq!(who, ["ann", "cat"]);
        let ann = &a.people[0];
        // KPIs 50 (k1), initiatives (1.0 + 0.7) / 2 = 85, no budget: 50/80 × 50 + 30/80 × 85.
        assert_eq!(ann.components[2].score, None);
        assert_eq!(ann.components[0].effective_weight, 62.5);
        assert_eq!(ann.score, Some(63.1));
        assert_eq!(ann.rating.as_deref(), Some("Below"));
        assert_eq!(a.people[1].score, Some(80.0));
    }

    #[test]
    fn target_choice_for_the_period() {
        let (p, _) = fixture();
        let period = p.appraisal.as_ref().unwrap().period.clone();
        let k2 = p.kpi(p.index.kpis["k2"]);
        assert_eq!(
            period_target(k2, &period, Some(d("2026-06-30")))
                .unwrap()
                .period
                .label,
            "2026-Q2"
        );
        assert!(period_target(k2, &period, Some(d("2026-09-30"))).is_none());
        let k1 = p.kpi(p.index.kpis["k1"]);
        assert_eq!(
            period_target(k1, &period, None).unwrap().period.label,
            "2026"
        );
    }

    #[test]
    fn late_delivery_and_overspend_formulas() {
        let end = d("2026-04-30");
        assert_eq!(done_score(end, d("2026-04-30")).0, Some(1.0));
        assert_eq!(done_score(end, d("2026-05-30")).0, Some(0.9));
        assert_eq!(done_score(end, d("2026-05-31")).0, Some(0.8));
        assert_eq!(done_score(end, d("2026-12-31")).0, Some(0.5));
        let m = |s: &str| Money::parse(s).unwrap();
        assert_eq!(adherence(m("100"), m("100")).0, 1.0);
        assert_eq!(adherence(m("100"), m("125")).0, 0.5);
        assert_eq!(adherence(m("100"), m("200")).0, 0.0);
        assert_eq!(adherence(m("0"), m("1")).0, 0.0);
    }
}
