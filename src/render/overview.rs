//! Organization-wide pages built on the analysis: dashboard, coordination matrix, resources,
//! focus (difficulty × impact) and appraisal scorecards.

use std::collections::HashMap;

use serde_json::{json, Value};

use crate::analyze::appraisal::{Scorecard, Subject};
use crate::analyze::dashboard::MilestoneRef;
use crate::analyze::rollup::StateCount;
use crate::model::iso::IsoDate;
use crate::model::*;
use crate::render::figures;
use crate::render::pages::{initiative_summary, merge, page, totals, Cx, Page};
use crate::render::refs::{self, obj, with};

/// An organization-wide analysis page, named before it is built (see `pages::Spec`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spec {
    Dashboard,
    Coordination,
    Resources,
    Focus,
    Appraisal,
    /// The scorecard of the department at this position in the appraisal's list.
    DepartmentCard(usize),
    /// The scorecard of the person at this position in the appraisal's list.
    PersonCard(usize),
}

/// Every organization-wide analysis page with its path.
pub fn specs(plan: &Plan, an: &crate::analyze::Analysis) -> Vec<(String, Spec)> {
    let mut out: Vec<(String, Spec)> = [
        ("index.html", Spec::Dashboard),
        ("coordination.html", Spec::Coordination),
        ("resources.html", Spec::Resources),
        ("focus.html", Spec::Focus),
        // The overview exists even without appraisal.toml, so the navigation never leads nowhere.
        ("appraisal/index.html", Spec::Appraisal),
    ]
    .into_iter()
    .map(|(p, s)| (p.to_string(), s))
    .collect();
    if let Some(a) = &an.appraisal {
        let url = |s: &Scorecard| scorecard_url(plan, &s.subject);
        out.extend(
            a.departments
                .iter()
                .enumerate()
                .map(|(n, s)| (url(s), Spec::DepartmentCard(n))),
        );
        out.extend(
            a.people
                .iter()
                .enumerate()
                .map(|(n, s)| (url(s), Spec::PersonCard(n))),
        );
    }
    out
}

impl Spec {
    pub fn build(self, cx: &Cx) -> Page {
        let card = |list: fn(&crate::analyze::appraisal::Appraisals) -> &Vec<Scorecard>,
                    n: usize| {
            cx.an.appraisal.as_ref().and_then(|a| list(a).get(n))
        };
        match self {
            Spec::Dashboard => page("index.html", "dashboard.html", dashboard(cx)),
            Spec::Coordination => page("coordination.html", "coordination.html", coordination(cx)),
            Spec::Resources => page("resources.html", "resources.html", resources(cx)),
            Spec::Focus => page("focus.html", "focus.html", focus(cx)),
            Spec::Appraisal => page(
                "appraisal/index.html",
                "appraisal.html",
                appraisal_overview(cx),
            ),
            Spec::DepartmentCard(n) => card(|a| &a.departments, n)
                .map(|s| scorecard_page(cx, s))
                .unwrap_or_else(|| Spec::Appraisal.build(cx)),
            Spec::PersonCard(n) => card(|a| &a.people, n)
                .map(|s| scorecard_page(cx, s))
                .unwrap_or_else(|| Spec::Appraisal.build(cx)),
        }
    }
}

fn counts(c: &[StateCount]) -> Value {
    Value::Array(
        c.iter()
            .map(|s| json!({ "state": s.state, "count": s.count }))
            .collect(),
    )
}

fn milestone(cx: &Cx, m: &MilestoneRef) -> Value {
    with(
        json!({ "title": m.title, "date": IsoDate(m.date), "days": m.days_from_as_of }),
        [("initiative", cx.refs.initiative(m.initiative))],
    )
}

fn dashboard(cx: &Cx) -> Value {
    let (plan, an) = (cx.plan, cx.an);
    let d = &an.dashboard;
    let attention: Vec<Value> = (0..plan.initiatives.len())
        .map(InitiativeIx::from)
        .filter(|&i| {
            matches!(
                an.initiatives[i.ix()].status.state.as_str(),
                "at-risk" | "off-track"
            )
        })
        .map(|i| {
            let st = &an.initiatives[i.ix()].status;
            with(
                initiative_summary(cx, i),
                [("slip_days", json!(st.slip_days)), ("note", json!(st.note))],
            )
        })
        .collect();
    let kpis: Vec<Value> = (0..plan.kpis.len())
        .map(KpiIx::from)
        .filter(|&k| matches!(an.kpis[k.ix()].status.state.as_str(), "at-risk" | "off-track"))
        .map(|k| {
            let st = &an.kpis[k.ix()].status;
            let mut v = cx.refs.kpi(k);
            merge(&mut v, json!({ "status": st.state.as_str(), "value": st.value, "target": st.target, "gap": st.gap, "gap_in_units": st.gap_in_units }));
            v
        })
        .collect();
    let goals: Vec<Value> = plan
        .goals
        .iter()
        .enumerate()
        .map(|(g, goal)| {
            let mut v = cx.refs.goal(GoalIx::from(g));
            merge(
                &mut v,
                json!({ "progress": an.rollups.goals[g].progress, "weight": goal.weight }),
            );
            v
        })
        .collect();
    let key: Vec<Value> = (0..plan.initiatives.len())
        .map(InitiativeIx::from)
        .filter(|&i| plan.initiative(i).key)
        .map(|i| initiative_summary(cx, i))
        .collect();
    let b = &d.burn;
    let scalars = json!({
        "page": { "title": "Dashboard", "section": "dashboard" },
        "initiative_total": plan.initiatives.len(), "kpi_total": plan.kpis.len(),
        "burn": {
            "fiscal_year": b.fiscal_year, "planned_year": b.planned_year, "planned_to_date": b.planned_to_date,
            "actual_to_date": b.actual_to_date, "elapsed_percent": b.elapsed_percent, "spent_percent": b.spent_percent,
            "planned_to_date_percent": b.planned_to_date_percent,
        },
        "late_dependencies": an.coordination.late.len(),
        "over_allocated": an.load.people.iter().filter(|p| !p.over.is_empty()).count(),
    });
    with(
        scalars,
        [
            ("initiatives_by_status", counts(&d.initiatives_by_status)),
            ("kpis_by_status", counts(&d.kpis_by_status)),
            ("attention", Value::Array(attention)),
            ("kpi_attention", Value::Array(kpis)),
            ("goals", Value::Array(goals)),
            ("key_initiatives", Value::Array(key)),
            (
                "burn_chart",
                Value::from(figures::budget_burn(plan, an, &b.fiscal_year)),
            ),
            ("budget", totals(&an.budget.org.totals)),
            (
                "upcoming",
                refs::list(d.upcoming_milestones.iter(), |m| milestone(cx, m)),
            ),
            (
                "missed",
                refs::list(d.missed_milestones.iter(), |m| milestone(cx, m)),
            ),
        ],
    )
}

fn coordination(cx: &Cx) -> Value {
    let (plan, c) = (cx.plan, &cx.an.coordination);
    let anchor = |from: DeptIx, to: DeptIx| {
        format!("{}--{}", plan.department(from).id, plan.department(to).id)
    };
    // Looked up through maps: the matrix has a cell per pair of departments, and every pair of
    // initiatives needs its edge's slack (40,000 cells and 3,000 pairs at the huge scale).
    let counts: HashMap<(DeptIx, DeptIx), usize> =
        c.cells.iter().map(|x| ((x.from, x.to), x.count)).collect();
    let mut slack: HashMap<(InitiativeIx, InitiativeIx), i64> = HashMap::new();
    for e in &cx.an.schedule.edges {
        // The first edge of a pair, as a search from the front found it.
        slack
            .entry((e.dependent, e.dependency))
            .or_insert(e.slack_days);
    }
    let rows = refs::list(c.departments.iter().copied(), |from| {
        let cells = refs::list(c.departments.iter().copied(), |to| {
            let count = counts.get(&(from, to)).copied().unwrap_or(0);
            json!({ "count": count, "anchor": anchor(from, to) })
        });
        obj([("department", cx.refs.dept(from)), ("cells", cells)])
    });
    let lists = refs::list(c.cells.iter(), |cell| {
        let pairs = refs::list(cell.pairs.iter(), |p| {
            let slack_days = slack.get(&(p.dependent, p.dependency)).copied();
            with(
                json!({ "slack_days": slack_days }),
                [
                    ("dependent", cx.refs.initiative(p.dependent)),
                    ("dependency", cx.refs.initiative(p.dependency)),
                ],
            )
        });
        with(
            json!({ "anchor": anchor(cell.from, cell.to) }),
            [
                ("from", cx.refs.dept(cell.from)),
                ("to", cx.refs.dept(cell.to)),
                ("pairs", pairs),
            ],
        )
    });
    let flag = |f: &crate::analyze::coordination::DepFlag| {
        with(
            json!({ "slack_days": f.slack_days, "state": f.dependency_state.as_str() }),
            [
                ("dependent", cx.refs.initiative(f.dependent)),
                ("dependency", cx.refs.initiative(f.dependency)),
            ],
        )
    };
    let cp = &cx.an.schedule.critical_path;
    let critical_path = with(
        json!({ "total_slack_days": cp.total_slack_days, "end": cp.end }),
        [(
            "initiatives",
            refs::list(cp.initiatives.iter().copied(), |i| {
                initiative_summary(cx, i)
            }),
        )],
    );
    obj([
        (
            "page",
            json!({ "title": "Coordination", "section": "coordination" }),
        ),
        (
            "axis",
            refs::list(c.departments.iter().copied(), |d| cx.refs.dept(d)),
        ),
        ("rows", rows),
        ("lists", lists),
        ("late", refs::list(c.late.iter(), flag)),
        ("at_risk", refs::list(c.at_risk.iter(), flag)),
        ("critical_path", critical_path),
    ])
}

fn resources(cx: &Cx) -> Value {
    let (plan, load) = (cx.plan, &cx.an.load);
    let over: Vec<Value> = load
        .people
        .iter()
        .enumerate()
        .flat_map(|(p, pl)| {
            pl.over.iter().map(move |r| {
                with(
                    json!({ "first": r.first.to_string(), "last": r.last.to_string(), "peak": r.peak, "capacity": pl.capacity }),
                    [("person", cx.refs.person(PersonIx::from(p)))],
                )
            })
        })
        .collect();
    let departments = refs::list(
        cx.dept_order
            .iter()
            .copied()
            .filter(|d| load.departments[d.ix()].people > 0),
        |d| {
            let dl = &load.departments[d.ix()];
            let over_months = dl
                .months
                .iter()
                .filter(|m| m.load > m.capacity + 1e-9)
                .count();
            with(
                json!({ "people": dl.people, "capacity": dl.capacity, "over_months": over_months }),
                [
                    ("department", cx.refs.dept(d)),
                    (
                        "chart",
                        Value::from(figures::department_load(plan, cx.an, d)),
                    ),
                ],
            )
        },
    );
    obj([
        (
            "page",
            json!({ "title": "Resources", "section": "resources" }),
        ),
        ("over", Value::Array(over)),
        ("departments", departments),
        ("org_chart", Value::from(figures::org_load(plan, cx.an))),
        (
            "unallocated",
            refs::list(load.unallocated.iter().copied(), |i| {
                initiative_summary(cx, i)
            }),
        ),
    ])
}

fn focus(cx: &Cx) -> Value {
    let plan = cx.plan;
    let all: Vec<InitiativeIx> = (0..plan.initiatives.len())
        .map(InitiativeIx::from)
        .collect();
    let mix = refs::list(priority_mix(cx), |(d, n)| {
        with(
            json!({ "critical": n[0], "high": n[1], "medium": n[2], "low": n[3], "total": n.iter().sum::<usize>() }),
            [("department", cx.refs.dept(d))],
        )
    });
    let chart = (!all.is_empty()).then(|| figures::difficulty_impact(plan, cx.an, &all));
    obj([
        ("page", json!({ "title": "Focus", "section": "focus" })),
        ("chart", Value::from(chart)),
        (
            "initiatives",
            refs::list(all.iter().copied(), |i| initiative_summary(cx, i)),
        ),
        (
            "key",
            refs::list(
                all.iter().copied().filter(|&i| plan.initiative(i).key),
                |i| initiative_summary(cx, i),
            ),
        ),
        ("mix", mix),
    ])
}

/// Each department with initiatives of its own, in tree order, with how many are critical,
/// high, medium and low priority.
pub fn priority_mix(cx: &Cx) -> Vec<(DeptIx, [usize; 4])> {
    let plan = cx.plan;
    cx.dept_order
        .iter()
        .copied()
        .filter(|d| !cx.rel.dept_initiatives[d.ix()].is_empty())
        .map(|d| {
            let mut n = [0usize; 4];
            for &i in &cx.rel.dept_initiatives[d.ix()] {
                n[plan.initiative(i).priority as usize] += 1;
            }
            (d, n)
        })
        .collect()
}

fn subject(cx: &Cx, s: &Subject) -> (Value, String) {
    let who = match *s {
        Subject::Department(d) => cx.refs.dept(d),
        Subject::Person(p) => cx.refs.person(p),
    };
    (who, scorecard_url(cx.plan, s))
}

/// Where a scorecard's page is.
pub fn scorecard_url(plan: &Plan, s: &Subject) -> String {
    match *s {
        Subject::Department(d) => format!("appraisal/department-{}.html", plan.department(d).id),
        Subject::Person(p) => format!("appraisal/person-{}.html", plan.person(p).id),
    }
}

fn scorecard(cx: &Cx, s: &Scorecard) -> Value {
    let (who, url) = subject(cx, &s.subject);
    let kind = match s.subject {
        Subject::Department(_) => "department",
        Subject::Person(_) => "person",
    };
    with(
        json!({
            "kind": kind, "url": url, "score": s.score, "rating": s.rating, "consequence": s.consequence,
            "components": s.components, "rows": s.rows,
        }),
        [("subject", who)],
    )
}

/// Scorecards without their explanation rows (those are on each scorecard's page: the overview
/// of 3,000 people would otherwise carry every line of every computation).
fn ranked(cx: &Cx, cards: &[Scorecard]) -> Value {
    refs::list(by_score(cards), |s| {
        let mut card = scorecard(cx, s);
        if let Value::Object(m) = &mut card {
            m.remove("rows");
            m.remove("components");
        }
        card
    })
}

/// Scorecards from the highest score down; those without a score last, in their order.
pub fn by_score(cards: &[Scorecard]) -> Vec<&Scorecard> {
    let mut v: Vec<&Scorecard> = cards.iter().collect();
    v.sort_by(|a, b| b.score.unwrap_or(-1.0).total_cmp(&a.score.unwrap_or(-1.0)));
    v
}

fn appraisal_overview(cx: &Cx) -> Value {
    let (a, policy) = (cx.an.appraisal.as_ref(), cx.plan.appraisal.as_ref());
    with(
        json!({
            "page": { "title": "Appraisal", "section": "appraisal" },
            "period": a.map(|a| a.period.clone()),
            "weights": policy.map(|p| &p.weights),
            "bands": policy.map(|p| &p.bands),
        }),
        [
            (
                "departments",
                a.map_or(Value::Null, |a| ranked(cx, &a.departments)),
            ),
            ("people", a.map_or(Value::Null, |a| ranked(cx, &a.people))),
        ],
    )
}

fn scorecard_page(cx: &Cx, s: &Scorecard) -> Page {
    let card = scorecard(cx, s);
    let url = card["url"]
        .as_str()
        .unwrap_or("appraisal/index.html")
        .to_string();
    let title = format!(
        "Scorecard: {}",
        card["subject"]["name"].as_str().unwrap_or_default()
    );
    let period = cx.an.appraisal.as_ref().map(|a| a.period.clone());
    let vars = with(
        json!({ "page": { "title": title, "section": "appraisal" }, "period": period, "weights": cx.plan.appraisal.as_ref().map(|p| &p.weights) }),
        [("card", card)],
    );
    page(&url, "scorecard.html", vars)
}
