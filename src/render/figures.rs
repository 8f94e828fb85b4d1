//! Charts of the site from the plan and its analysis: this module maps model figures onto the
//! plain inputs of `render::charts`, so charts stay testable without a plan.

use crate::analyze::budget::{Breakdown, Totals};
use crate::analyze::initiative::InitiativeState;
use crate::analyze::Analysis;
use crate::model::*;
use crate::render::charts::{
    self, BudgetBars, BudgetByPeriod, BudgetRow, GanttChart, GanttDependency, GanttRow, KpiChart,
    KpiReading, KpiTarget, PeriodAmounts, ProgressHistory, ProgressPoint,
};

pub const WIDTH: u32 = 1320;

pub fn chart_status(s: InitiativeState) -> charts::Status {
    match s {
        InitiativeState::NotStarted => charts::Status::NotStarted,
        InitiativeState::OnTrack => charts::Status::OnTrack,
        InitiativeState::AtRisk => charts::Status::AtRisk,
        InitiativeState::OffTrack => charts::Status::OffTrack,
        InitiativeState::Done => charts::Status::Done,
        InitiativeState::Cancelled => charts::Status::Cancelled,
        InitiativeState::NoUpdate => charts::Status::NoUpdate,
    }
}

/// A Gantt chart of some initiatives, grouped by department in tree order.
pub fn gantt(
    plan: &Plan,
    an: &Analysis,
    title: &str,
    initiatives: &[InitiativeIx],
    dept_order: &[DeptIx],
) -> String {
    let mut rank = vec![usize::MAX; plan.departments.len()];
    for (i, d) in dept_order.iter().enumerate() {
        rank[d.ix()] = i;
    }
    let mut items: Vec<InitiativeIx> = initiatives.to_vec();
    items.sort_by_key(|&i| {
        let ini = plan.initiative(i);
        (
            rank[ini.department.ix()],
            ini.start,
            ini.end,
            ini.id.clone(),
        )
    });
    let included: std::collections::HashSet<InitiativeIx> = items.iter().copied().collect();
    let rows = items.iter().map(|&i| gantt_row(plan, an, i)).collect();
    let dependencies = an
        .schedule
        .edges
        .iter()
        .filter(|e| included.contains(&e.dependent) && included.contains(&e.dependency))
        .map(|e| GanttDependency {
            from: plan.initiative(e.dependency).id.clone(),
            to: plan.initiative(e.dependent).id.clone(),
        })
        .collect();
    let chart = GanttChart {
        title: title.to_string(),
        rows,
        dependencies,
        as_of: Some(plan.settings.as_of),
        fiscal_year_start: plan.settings.fiscal_year_start,
        width: WIDTH,
    };
    charts::gantt(&chart).svg
}

fn gantt_row(plan: &Plan, an: &Analysis, i: InitiativeIx) -> GanttRow {
    let ini = plan.initiative(i);
    let fig = &an.initiatives[i.ix()];
    GanttRow {
        id: ini.id.clone(),
        group: plan.department(ini.department).name.clone(),
        label: ini.title.clone(),
        start: ini.start,
        end: ini.end,
        forecast_end: fig.status.forecast_end.filter(|f| *f > ini.end),
        status: chart_status(fig.status.state),
        critical: an.schedule.initiatives[i.ix()].on_critical_path,
        milestones: fig
            .milestones
            .iter()
            .map(|m| charts::Milestone {
                date: m.date,
                title: m.title.clone(),
                reached: m.reached.is_some(),
            })
            .collect(),
    }
}

fn row(label: &str, t: &Totals) -> BudgetRow {
    BudgetRow {
        label: label.to_string(),
        planned: Some(t.planned.to_f64()),
        forecast: Some(t.forecast.to_f64()),
        actual: (t.actual_planned != Money::ZERO || t.actual != Money::ZERO)
            .then(|| t.actual.to_f64()),
    }
}

/// Planned, forecast and actual by fiscal quarter, with the caps that cover whole quarters.
pub fn budget_by_period(
    plan: &Plan,
    title: &str,
    b: &Breakdown,
    caps: &[(Period, Money)],
) -> String {
    let periods = b
        .by_quarter
        .iter()
        .map(|q| PeriodAmounts {
            amounts: row(&q.label, &q.totals),
            cap: caps
                .iter()
                .find(|(p, _)| p.contains_month(q.first_month) && p.len == 3)
                .map(|(_, m)| m.to_f64()),
        })
        .collect();
    charts::budget_by_period(&BudgetByPeriod {
        title: title.to_string(),
        currency: plan.settings.currency.code.clone(),
        periods,
        width: WIDTH,
        height: 380,
    })
}

/// Planned, forecast and actual per category.
pub fn budget_by_category(plan: &Plan, title: &str, b: &Breakdown) -> String {
    let rows = b.by_category.iter().map(|(c, t)| row(c, t)).collect();
    charts::budget_bars(&BudgetBars {
        title: title.to_string(),
        currency: plan.settings.currency.code.clone(),
        rows,
        width: WIDTH,
    })
}

/// Planned, forecast and actual per department (each with everything under it).
pub fn budget_by_department(plan: &Plan, an: &Analysis, title: &str, order: &[DeptIx]) -> String {
    let rows = order
        .iter()
        .map(|&d| {
            let depth = plan.ancestors(d).len() - 1;
            let label = format!("{}{}", "  ".repeat(depth), plan.department(d).name);
            row(&label, &an.budget.departments[d.ix()].subtree.totals)
        })
        .collect();
    charts::budget_bars(&BudgetBars {
        title: title.to_string(),
        currency: plan.settings.currency.code.clone(),
        rows,
        width: WIDTH,
    })
}

/// A KPI's readings against its baseline and targets.
pub fn kpi(plan: &Plan, an: &Analysis, k: KpiIx) -> String {
    let kpi = plan.kpi(k);
    let fig = &an.kpis[k.ix()];
    charts::kpi_chart(&KpiChart {
        title: kpi.name.clone(),
        unit: kpi.unit.clone().unwrap_or_default(),
        direction: match kpi.direction {
            Direction::Up => charts::Direction::Up,
            Direction::Down => charts::Direction::Down,
        },
        readings: fig
            .readings
            .iter()
            .filter(|r| !r.after_as_of)
            .map(|r| KpiReading {
                date: r.date,
                value: r.value,
            })
            .collect(),
        baseline: kpi.baseline.as_ref().and_then(|b| {
            b.date.map(|date| KpiReading {
                date,
                value: b.value,
            })
        }),
        targets: kpi
            .targets
            .iter()
            .map(|t| KpiTarget {
                start: t.period.first_day(),
                end: t.period.last_day(),
                value: t.value,
            })
            .collect(),
        as_of: Some(plan.settings.as_of),
        fiscal_year_start: plan.settings.fiscal_year_start,
        width: 900,
        height: 340,
    })
}

/// An initiative's reported progress at each check-in against the progress its dates expect.
pub fn progress_history(plan: &Plan, an: &Analysis, i: InitiativeIx) -> Option<String> {
    let ini = plan.initiative(i);
    let fig = &an.initiatives[i.ix()];
    let checkins: Vec<ProgressPoint> = fig
        .history
        .iter()
        .filter_map(|u| {
            u.progress.map(|p| ProgressPoint {
                date: u.date,
                progress: p,
                status: chart_status(u.state),
            })
        })
        .collect();
    if checkins.is_empty() {
        return None;
    }
    Some(charts::progress_history(&ProgressHistory {
        title: format!("{}: progress", ini.title),
        start: ini.start,
        end: ini.end,
        checkins,
        as_of: Some(plan.settings.as_of),
        fiscal_year_start: plan.settings.fiscal_year_start,
        width: 900,
        height: 300,
    }))
}

/// Cumulative planned, forecast and actual spend by month over one fiscal year.
pub fn budget_burn(plan: &Plan, an: &Analysis, year: &Period) -> String {
    let n = year.len as usize;
    let mut planned = vec![Money::ZERO; n];
    let mut forecast = vec![Money::ZERO; n];
    let mut actual = vec![Money::ZERO; n];
    for line in &an.budget.lines {
        for m in &line.months {
            if year.contains_month(m.month) {
                let k = (m.month.0 - year.start.0) as usize;
                planned[k] += m.totals.planned;
                forecast[k] += m.totals.forecast;
                actual[k] += m.totals.actual;
            }
        }
    }
    let as_of = Month::of(plan.settings.as_of);
    let months = year
        .months()
        .enumerate()
        .map(|(k, m)| charts::BurnMonth {
            month: m.first_day(),
            planned: planned[k].to_f64(),
            forecast: Some(forecast[k].to_f64()),
            actual: (m <= as_of).then(|| actual[k].to_f64()),
        })
        .collect();
    charts::budget_burn(&charts::BudgetBurn {
        title: format!(
            "Spend over {}: cumulative planned, forecast and actual",
            year.label
        ),
        currency: plan.settings.currency.code.clone(),
        months,
        cap: None,
        as_of: Some(plan.settings.as_of),
        fiscal_year_start: plan.settings.fiscal_year_start,
        width: WIDTH,
        height: 360,
    })
}

/// A load chart from (month, load, capacity) triples.
fn load_chart(
    plan: &Plan,
    title: String,
    months: impl Iterator<Item = (Month, f64, f64)>,
) -> String {
    let months = months
        .map(|(month, load, capacity)| charts::LoadMonth {
            month: month.first_day(),
            load,
            capacity,
        })
        .collect();
    charts::resource_load(&charts::ResourceLoad {
        title,
        unit: "FTE".into(),
        months,
        fiscal_year_start: plan.settings.fiscal_year_start,
        width: WIDTH,
        height: 300,
    })
}

/// A department's load (everyone in it and under it) against its capacity, by month.
pub fn department_load(plan: &Plan, an: &Analysis, d: DeptIx) -> String {
    let dl = &an.load.departments[d.ix()];
    let months = dl.months.iter().map(|m| (m.month, m.load, m.capacity));
    load_chart(
        plan,
        format!("{}: load against capacity", plan.department(d).name),
        months,
    )
}

/// The organization's load against its capacity, by month.
pub fn org_load(plan: &Plan, an: &Analysis) -> Option<String> {
    if an.load.org.is_empty() {
        return None;
    }
    let months = an.load.org.iter().map(|m| (m.month, m.load, m.capacity));
    Some(load_chart(
        plan,
        "Organization: load against capacity".into(),
        months,
    ))
}

/// A person's load against their capacity, by month; none when they carry no load.
pub fn person_load(plan: &Plan, an: &Analysis, p: PersonIx) -> Option<String> {
    let pl = &an.load.people[p.ix()];
    if pl.months.iter().all(|m| m.load == 0.0) {
        return None;
    }
    let months = pl.months.iter().map(|m| (m.month, m.load, m.capacity));
    Some(load_chart(
        plan,
        format!("{}: load against capacity", plan.person(p).name),
        months,
    ))
}

/// Difficulty against impact, a bubble per initiative sized by its budget envelope.
pub fn difficulty_impact(plan: &Plan, an: &Analysis, items: &[InitiativeIx]) -> String {
    let points = items
        .iter()
        .map(|&i| {
            let ini = plan.initiative(i);
            charts::ScatterPoint {
                label: ini.title.clone(),
                difficulty: f64::from(ini.difficulty),
                impact: f64::from(ini.impact),
                budget: ini.budget.map(Money::to_f64),
                status: chart_status(an.initiatives[i.ix()].status.state),
                key: ini.key,
            }
        })
        .collect();
    charts::difficulty_impact(&charts::Scatter {
        title: "Difficulty and impact of initiatives".into(),
        currency: plan.settings.currency.code.clone(),
        points,
        width: WIDTH,
        height: 620,
    })
}
