//! Organization-wide pages built on the analysis: dashboard, coordination matrix, resources,
//! focus (difficulty × impact) and appraisal scorecards.

use serde_json::{json, Value};

use crate::analyze::appraisal::{Scorecard, Subject};
use crate::analyze::dashboard::MilestoneRef;
use crate::analyze::rollup::StateCount;
use crate::model::*;
use crate::render::figures;
use crate::render::pages::{initiative_summary, merge, page, totals, tree_order, Cx, Page};
use crate::render::refs;

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
        let url = |s: &Scorecard| subject(plan, &s.subject).1;
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
    json!({ "initiative": refs::initiative(cx.plan, m.initiative), "title": m.title, "date": m.date, "days": m.days_from_as_of })
}

fn dashboard(cx: &Cx) -> Value {
    let (plan, an) = (cx.plan, cx.an);
    let d = &an.dashboard;
    let attention: Vec<Value> = (0..plan.initiatives.len())
        .map(InitiativeIx::from)
        .filter(|&i| matches!(an.initiatives[i.ix()].status.state.as_str(), "at-risk" | "off-track"))
        .map(|i| {
            let mut v = initiative_summary(cx, i);
            merge(&mut v, json!({ "slip_days": an.initiatives[i.ix()].status.slip_days, "note": an.initiatives[i.ix()].status.note }));
            v
        })
        .collect();
    let kpis: Vec<Value> = (0..plan.kpis.len())
        .map(KpiIx::from)
        .filter(|&k| matches!(an.kpis[k.ix()].status.state.as_str(), "at-risk" | "off-track"))
        .map(|k| {
            let st = &an.kpis[k.ix()].status;
            let mut v = refs::kpi(plan, k);
            merge(&mut v, json!({ "status": st.state.as_str(), "value": st.value, "target": st.target, "gap": st.gap, "gap_in_units": st.gap_in_units }));
            v
        })
        .collect();
    let goals: Vec<Value> = plan
        .goals
        .iter()
        .enumerate()
        .map(|(g, goal)| {
            let mut v = refs::goal(plan, GoalIx::from(g));
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
    json!({
        "page": { "title": "Dashboard", "section": "dashboard" },
        "initiatives_by_status": counts(&d.initiatives_by_status),
        "kpis_by_status": counts(&d.kpis_by_status),
        "initiative_total": plan.initiatives.len(), "kpi_total": plan.kpis.len(),
        "attention": attention, "kpi_attention": kpis,
        "goals": goals, "key_initiatives": key,
        "burn": {
            "fiscal_year": b.fiscal_year, "planned_year": b.planned_year, "planned_to_date": b.planned_to_date,
            "actual_to_date": b.actual_to_date, "elapsed_percent": b.elapsed_percent, "spent_percent": b.spent_percent,
            "planned_to_date_percent": b.planned_to_date_percent,
        },
        "burn_chart": figures::budget_burn(plan, an, &b.fiscal_year),
        "budget": totals(&an.budget.org.totals),
        "upcoming": d.upcoming_milestones.iter().map(|m| milestone(cx, m)).collect::<Vec<_>>(),
        "missed": d.missed_milestones.iter().map(|m| milestone(cx, m)).collect::<Vec<_>>(),
        "late_dependencies": an.coordination.late.len(),
        "over_allocated": an.load.people.iter().filter(|p| !p.over.is_empty()).count(),
    })
}

fn coordination(cx: &Cx) -> Value {
    let (plan, c) = (cx.plan, &cx.an.coordination);
    let axis: Vec<Value> = c.departments.iter().map(|&d| refs::dept(plan, d)).collect();
    let rows: Vec<Value> = c
        .departments
        .iter()
        .map(|&from| {
            let cells: Vec<Value> = c
                .departments
                .iter()
                .map(|&to| {
                    let cell = c.cells.iter().find(|x| x.from == from && x.to == to);
                    json!({ "count": cell.map_or(0, |x| x.count), "anchor": format!("{}--{}", plan.department(from).id, plan.department(to).id) })
                })
                .collect();
            json!({ "department": refs::dept(plan, from), "cells": cells })
        })
        .collect();
    let lists: Vec<Value> = c
        .cells
        .iter()
        .map(|cell| {
            let pairs: Vec<Value> = cell
                .pairs
                .iter()
                .map(|p| json!({ "dependent": refs::initiative(plan, p.dependent), "dependency": refs::initiative(plan, p.dependency), "slack_days": cx.an.schedule.edges.iter().find(|e| e.dependent == p.dependent && e.dependency == p.dependency).map(|e| e.slack_days) }))
                .collect();
            json!({ "from": refs::dept(plan, cell.from), "to": refs::dept(plan, cell.to), "anchor": format!("{}--{}", plan.department(cell.from).id, plan.department(cell.to).id), "pairs": pairs })
        })
        .collect();
    let flag = |f: &crate::analyze::coordination::DepFlag| json!({ "dependent": refs::initiative(plan, f.dependent), "dependency": refs::initiative(plan, f.dependency), "slack_days": f.slack_days, "state": f.dependency_state.as_str() });
    let cp = &cx.an.schedule.critical_path;
    json!({
        "page": { "title": "Coordination", "section": "coordination" },
        "axis": axis, "rows": rows, "lists": lists,
        "late": c.late.iter().map(flag).collect::<Vec<_>>(),
        "at_risk": c.at_risk.iter().map(flag).collect::<Vec<_>>(),
        "critical_path": { "initiatives": refs::list(cp.initiatives.iter().copied(), |i| initiative_summary(cx, i)), "total_slack_days": cp.total_slack_days, "end": cp.end },
    })
}

fn resources(cx: &Cx) -> Value {
    let (plan, load) = (cx.plan, &cx.an.load);
    let over: Vec<Value> = load
        .people
        .iter()
        .enumerate()
        .flat_map(|(p, pl)| {
            pl.over.iter().map(move |r| json!({ "person": refs::person(plan, PersonIx::from(p)), "first": r.first.to_string(), "last": r.last.to_string(), "peak": r.peak, "capacity": pl.capacity }))
        })
        .collect();
    let departments: Vec<Value> = tree_order(plan)
        .into_iter()
        .filter(|d| load.departments[d.ix()].people > 0)
        .map(|d| {
            let dl = &load.departments[d.ix()];
            let over_months = dl.months.iter().filter(|m| m.load > m.capacity + 1e-9).count();
            json!({ "department": refs::dept(plan, d), "people": dl.people, "capacity": dl.capacity, "over_months": over_months, "chart": figures::department_load(plan, cx.an, d) })
        })
        .collect();
    json!({
        "page": { "title": "Resources", "section": "resources" },
        "over": over,
        "departments": departments,
        "org_chart": figures::org_load(plan, cx.an),
        "unallocated": refs::list(load.unallocated.iter().copied(), |i| initiative_summary(cx, i)),
    })
}

fn focus(cx: &Cx) -> Value {
    let plan = cx.plan;
    let all: Vec<InitiativeIx> = (0..plan.initiatives.len())
        .map(InitiativeIx::from)
        .collect();
    let mix: Vec<Value> = tree_order(plan)
        .into_iter()
        .filter(|d| !cx.rel.dept_initiatives[d.ix()].is_empty())
        .map(|d| {
            let mut n = [0usize; 4];
            for &i in &cx.rel.dept_initiatives[d.ix()] {
                n[plan.initiative(i).priority as usize] += 1;
            }
            json!({ "department": refs::dept(plan, d), "critical": n[0], "high": n[1], "medium": n[2], "low": n[3], "total": n.iter().sum::<usize>() })
        })
        .collect();
    json!({
        "page": { "title": "Focus", "section": "focus" },
        "chart": (!all.is_empty()).then(|| figures::difficulty_impact(plan, cx.an, &all)),
        "initiatives": refs::list(all.iter().copied(), |i| initiative_summary(cx, i)),
        "key": refs::list(all.iter().copied().filter(|&i| plan.initiative(i).key), |i| initiative_summary(cx, i)),
        "mix": mix,
    })
}

fn subject(plan: &Plan, s: &Subject) -> (Value, String) {
    match *s {
        Subject::Department(d) => (
            refs::dept(plan, d),
            format!("appraisal/department-{}.html", plan.department(d).id),
        ),
        Subject::Person(p) => (
            refs::person(plan, p),
            format!("appraisal/person-{}.html", plan.person(p).id),
        ),
    }
}

fn scorecard(plan: &Plan, s: &Scorecard) -> Value {
    let (who, url) = subject(plan, &s.subject);
    let kind = match s.subject {
        Subject::Department(_) => "department",
        Subject::Person(_) => "person",
    };
    json!({
        "kind": kind, "subject": who, "url": url, "score": s.score, "rating": s.rating, "consequence": s.consequence,
        "components": s.components, "rows": s.rows,
    })
}

/// Scorecards without their explanation rows (those are on each scorecard's page: the overview
/// of 3,000 people would otherwise carry every line of every computation).
fn ranked(plan: &Plan, cards: &[Scorecard]) -> Vec<Value> {
    let mut v: Vec<&Scorecard> = cards.iter().collect();
    v.sort_by(|a, b| b.score.unwrap_or(-1.0).total_cmp(&a.score.unwrap_or(-1.0)));
    v.into_iter()
        .map(|s| {
            let mut card = scorecard(plan, s);
            if let Value::Object(m) = &mut card {
                m.remove("rows");
                m.remove("components");
            }
            card
        })
        .collect()
}

fn appraisal_overview(cx: &Cx) -> Value {
    let (plan, a) = (cx.plan, cx.an.appraisal.as_ref());
    let policy = plan.appraisal.as_ref();
    json!({
        "page": { "title": "Appraisal", "section": "appraisal" },
        "period": a.map(|a| a.period.clone()),
        "weights": policy.map(|p| &p.weights),
        "bands": policy.map(|p| &p.bands),
        "departments": a.map(|a| ranked(plan, &a.departments)),
        "people": a.map(|a| ranked(plan, &a.people)),
    })
}

fn scorecard_page(cx: &Cx, s: &Scorecard) -> Page {
    let card = scorecard(cx.plan, s);
    let url = card["url"]
        .as_str()
        .unwrap_or("appraisal/index.html")
        .to_string();
    let title = format!(
        "Scorecard: {}",
        card["subject"]["name"].as_str().unwrap_or_default()
    );
    let period = cx.an.appraisal.as_ref().map(|a| a.period.clone());
    page(
        &url,
        "scorecard.html",
        json!({ "page": { "title": title, "section": "appraisal" }, "card": card, "period": period, "weights": cx.plan.appraisal.as_ref().map(|p| &p.weights) }),
    )
}
