//! One reader per kind of plan file: TOML fields into model entities, references still unresolved.

use std::ops::Range;
use std::sync::Arc;

use crate::diag::{codes, Loc};
use crate::model::*;
use crate::parse::reader::{money_of, period_of, wrong_type, Cx, Table};
use crate::parse::TeamName;

/// An unresolved reference: resolution fills in `to` or drops it with an error.
pub fn r<I: Default>(cx: &Cx, (id, span): (String, Range<usize>)) -> Ref<I> {
    Ref {
        id: Arc::from(id),
        loc: cx.loc(span),
        to: I::default(),
    }
}

pub fn refs<I: Default>(cx: &mut Cx, t: &mut Table, key: &'static str) -> Vec<Ref<I>> {
    t.str_list(cx, key).into_iter().map(|x| r(cx, x)).collect()
}

pub fn opt_ref<I: Default>(cx: &mut Cx, t: &mut Table, key: &'static str) -> Option<Ref<I>> {
    t.opt_str(cx, key).map(|x| r(cx, x))
}

fn restricted(cx: &mut Cx, t: &mut Table) -> bool {
    t.opt_bool(cx, "restricted").unwrap_or(false)
}

/// Check an explicit id is kebab-case; ids are used in URLs and references.
pub fn checked_id(cx: &mut Cx, t: &mut Table, what: &str) -> Option<(String, Range<usize>)> {
    let (id, span) = t.req_str(cx, "id")?;
    if !is_kebab(&id) {
        cx.report(
            codes::BAD_VALUE,
            span.clone(),
            format!("{what} id `{id}` is not kebab-case"),
        )
        .help = Some(format!(
            "use lowercase letters, digits and dashes, such as `{}`",
            to_kebab(&id)
        ));
    }
    Some((id, span))
}

pub fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

pub fn to_kebab(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

fn body(cx: &Cx, split: Option<(&str, usize)>) -> Body {
    let (text, offset) = split.unwrap_or(("", 0));
    Body {
        file: cx.file,
        offset,
        text: Arc::from(text),
    }
}

pub fn strategy(cx: &mut Cx, t: &mut Table, b: Option<(&str, usize)>) -> Strategy {
    Strategy {
        title: t.req_str(cx, "title").map(|x| x.0).unwrap_or_default(),
        vision: t.str_or_default(cx, "vision"),
        mission: t.str_or_default(cx, "mission"),
        values: t.str_list(cx, "values").into_iter().map(|x| x.0).collect(),
        restricted: restricted(cx, t),
        body: body(cx, b),
    }
}

pub fn goal(cx: &mut Cx, t: &mut Table, id: String, b: Option<(&str, usize)>) -> Goal {
    let title = t.req_str(cx, "title").map(|x| x.0).unwrap_or_default();
    let owner = opt_ref(cx, t, "owner");
    let kpis = refs(cx, t, "kpis");
    let weight = t.opt_num(cx, "weight").and_then(|(w, span)| {
        if w < 0.0 {
            cx.report(
                codes::OUT_OF_RANGE,
                span,
                format!("goal weight {w} is negative"),
            );
            None
        } else {
            Some(w)
        }
    });
    let target_year = t.opt_int(cx, "target_year").map(|x| x.0 as i32);
    Goal {
        id,
        title,
        owner,
        kpis,
        weight,
        target_year,
        restricted: restricted(cx, t),
        body: body(cx, b),
        loc: cx.loc(0..0),
    }
}

pub fn people(cx: &mut Cx, t: &mut Table) -> Vec<(Person, TeamName)> {
    let mut out = Vec::new();
    for mut p in t.tables(cx, "person", "a person") {
        let Some((id, span)) = checked_id(cx, &mut p, "person") else {
            p.finish(cx);
            continue;
        };
        let name = p
            .req_str(cx, "name")
            .map(|x| x.0)
            .unwrap_or_else(|| id.clone());
        let role = p.str_or_default(cx, "role");
        let department = opt_ref(cx, &mut p, "department");
        let team = p.opt_str(cx, "team");
        let capacity = match p.opt_num(cx, "capacity") {
            Some((c, span)) if !(0.0..=1.0).contains(&c) => {
                cx.report(
                    codes::OUT_OF_RANGE,
                    span,
                    format!("capacity {c} is outside 0–1 FTE"),
                )
                .help = Some(
                    "capacity is the share of a full-time equivalent: 1.0 is full time, 0.5 half"
                        .into(),
                );
                1.0
            }
            Some((c, _)) => c,
            None => 1.0,
        };
        let email = p.str_or_default(cx, "email");
        let restricted = restricted(cx, &mut p);
        let loc = cx.loc(span);
        p.finish(cx);
        out.push((
            Person {
                id,
                name,
                role,
                department,
                team: None,
                capacity,
                email,
                loc,
                restricted,
            },
            team,
        ));
    }
    out
}

/// A department file: the department and its teams (teams carry `department` later).
pub fn department(
    cx: &mut Cx,
    t: &mut Table,
    id: String,
    b: Option<(&str, usize)>,
) -> (Department, Vec<Team>) {
    let name = t
        .req_str(cx, "name")
        .map(|x| x.0)
        .unwrap_or_else(|| id.clone());
    let head = opt_ref(cx, t, "head");
    let parent = opt_ref(cx, t, "parent");
    let mission = t.str_or_default(cx, "mission");
    let mut teams = Vec::new();
    for mut tt in t.tables(cx, "team", "a team") {
        let tid = checked_id(cx, &mut tt, "team");
        let tname = tt.req_str(cx, "name").map(|x| x.0);
        let lead = opt_ref(cx, &mut tt, "lead");
        tt.finish(cx);
        if let Some((tid, span)) = tid {
            let name = tname.unwrap_or_else(|| tid.clone());
            teams.push(Team {
                id: tid,
                name,
                department: DeptIx::default(),
                lead,
                loc: cx.loc(span),
            });
        }
    }
    let dept = Department {
        id,
        name,
        head,
        parent,
        mission,
        teams: Vec::new(),
        restricted: restricted(cx, t),
        body: body(cx, b),
        loc: cx.loc(0..0),
        children: Vec::new(),
    };
    (dept, teams)
}

pub fn budget(cx: &mut Cx, t: &mut Table) -> (Vec<BudgetLine>, Vec<BudgetCap>) {
    let mut lines = Vec::new();
    for mut l in t.tables(cx, "line", "a budget line") {
        let category = l.req_str(cx, "category").map(|x| x.0);
        let item = l.str_or_default(cx, "item");
        let initiative = opt_ref(cx, &mut l, "initiative");
        let period = l.req_period(cx, "period");
        let planned = l.req_money(cx, "planned");
        let forecast = l.opt_money(cx, "forecast").map(|x| x.0);
        let actual = l.opt_money(cx, "actual").map(|x| x.0);
        let restricted = restricted(cx, &mut l);
        let loc = cx.loc(l.span.clone());
        l.finish(cx);
        if let (Some(category), Some((period, _)), Some((planned, _))) = (category, period, planned)
        {
            lines.push(BudgetLine {
                department: DeptIx::default(),
                category,
                item,
                initiative,
                period,
                planned,
                forecast,
                actual,
                loc,
                restricted,
            });
        }
    }
    let mut caps = Vec::new();
    if let Some(cap) = t.table(cx, "cap", "the [cap] table") {
        for (key, kspan, v) in cap.entries() {
            let Some((period, _)) = period_of(cx, key, kspan.clone()) else {
                continue;
            };
            if let Some((amount, _)) = money_of(cx, v, key) {
                caps.push(BudgetCap {
                    department: DeptIx::default(),
                    period,
                    amount,
                    loc: cx.loc(kspan),
                });
            }
        }
    }
    (lines, caps)
}

pub fn objectives(cx: &mut Cx, t: &mut Table) -> Vec<(Objective, TeamName)> {
    let mut out = Vec::new();
    for mut o in t.tables(cx, "objective", "an objective") {
        let id = checked_id(cx, &mut o, "objective");
        let title = o.req_str(cx, "title").map(|x| x.0);
        let team = o.opt_str(cx, "team");
        let period = o.req_period(cx, "period");
        let goals = refs(cx, &mut o, "goals");
        let mut key_results = Vec::new();
        for mut k in o.tables(cx, "key_results", "a key result") {
            let kpi = k.req_str(cx, "kpi");
            let target = k.req_num(cx, "target");
            let loc = cx.loc(k.span.clone());
            k.finish(cx);
            if let (Some(kpi), Some((target, _))) = (kpi, target) {
                key_results.push(KeyResult {
                    kpi: r(cx, kpi),
                    target,
                    loc,
                });
            }
        }
        let restricted = restricted(cx, &mut o);
        o.finish(cx);
        if let (Some((id, span)), Some(title), Some((period, _))) = (id, title, period) {
            out.push((
                Objective {
                    id,
                    title,
                    department: DeptIx::default(),
                    team: None,
                    period,
                    goals,
                    key_results,
                    loc: cx.loc(span),
                    restricted,
                },
                team,
            ));
        }
    }
    out
}

pub fn kpis(cx: &mut Cx, t: &mut Table) -> Vec<Kpi> {
    let mut out = Vec::new();
    for mut k in t.tables(cx, "kpi", "a KPI") {
        let id = checked_id(cx, &mut k, "KPI");
        let name = k.req_str(cx, "name").map(|x| x.0);
        let unit = k.str_or_default(cx, "unit");
        let direction = match k.raw("direction") {
            None => {
                k.req_str(cx, "direction");
                None
            }
            Some(_) => k
                .opt_choice(cx, "direction", &["up", "down"])
                .map(|(s, _)| {
                    if s == "up" {
                        Direction::Up
                    } else {
                        Direction::Down
                    }
                }),
        };
        let kind = match k.opt_choice(cx, "kind", &["level", "cumulative"]) {
            Some((s, _)) if s == "cumulative" => KpiKind::Cumulative,
            _ => KpiKind::Level,
        };
        let owner = opt_ref(cx, &mut k, "owner");
        let goal = opt_ref(cx, &mut k, "goal");
        let frequency = k
            .opt_choice(
                cx,
                "frequency",
                &["weekly", "monthly", "quarterly", "yearly"],
            )
            .map(|(s, _)| match s.as_str() {
                "weekly" => Frequency::Weekly,
                "monthly" => Frequency::Monthly,
                "quarterly" => Frequency::Quarterly,
                _ => Frequency::Yearly,
            });
        let baseline = k.table(cx, "baseline", "a KPI baseline").and_then(|mut b| {
            let value = b.req_num(cx, "value").map(|x| x.0);
            let date = b.opt_date(cx, "date").map(|x| x.0);
            b.finish(cx);
            value.map(|value| Baseline { value, date })
        });
        let mut targets = Vec::new();
        for mut tg in k.tables(cx, "targets", "a KPI target") {
            let period = tg.req_period(cx, "period");
            let value = tg.req_num(cx, "value");
            let loc = cx.loc(tg.span.clone());
            tg.finish(cx);
            if let (Some((period, _)), Some((value, _))) = (period, value) {
                targets.push(Target { period, value, loc });
            }
        }
        let tolerance = k.num_in(cx, "tolerance", 0.0, 100.0).unwrap_or(10.0);
        let restricted = restricted(cx, &mut k);
        k.finish(cx);
        if let (Some((id, span)), Some(name), Some(direction)) = (id, name, direction) {
            out.push(Kpi {
                id,
                name,
                unit,
                direction,
                kind,
                owner,
                goal,
                frequency,
                baseline,
                targets,
                tolerance,
                department: None,
                loc: cx.loc(span),
                restricted,
            });
        }
    }
    out
}

pub fn initiative(
    cx: &mut Cx,
    t: &mut Table,
    id: String,
    b: Option<(&str, usize)>,
) -> Option<Initiative> {
    let title = t.req_str(cx, "title").map(|x| x.0);
    let owner = t.req_str(cx, "owner").map(|x| r(cx, x));
    let team = t.opt_str(cx, "team").map(|x| r(cx, x));
    let start = t.req_date(cx, "start");
    let end = t.req_date(cx, "end");
    let goals = refs(cx, t, "goals");
    let objectives = refs(cx, t, "objectives");
    let kpis = refs(cx, t, "kpis");
    let priority = match t.opt_choice(cx, "priority", &["critical", "high", "medium", "low"]) {
        Some((s, _)) => match s.as_str() {
            "critical" => Priority::Critical,
            "high" => Priority::High,
            "low" => Priority::Low,
            _ => Priority::Medium,
        },
        None => Priority::Medium,
    };
    let difficulty = scale(cx, t, "difficulty");
    let impact = scale(cx, t, "impact");
    let key = t.opt_bool(cx, "key").unwrap_or(false);
    let depends_on = refs(cx, t, "depends_on");
    let collaborators = refs(cx, t, "collaborators");
    let budget = t.opt_money(cx, "budget").map(|x| x.0);
    let restricted = restricted(cx, t);
    let (s, e) = (start.clone().map(|x| x.0), end.clone().map(|x| x.0));
    if let (Some((s, _)), Some((e, espan))) = (&start, &end) {
        if e < s {
            cx.report(
                codes::END_BEFORE_START,
                espan.clone(),
                format!("the initiative ends ({e}) before it starts ({s})"),
            )
            .help = Some("swap the dates or correct the one that is wrong".into());
        }
    }
    let allocations = allocations(cx, t, s, e);
    let milestones = milestones(cx, t);
    let tasks = tasks(cx, t);
    Some(Initiative {
        id,
        title: title?,
        department: DeptIx::default(),
        owner,
        team,
        start: start?.0,
        end: end?.0,
        goals,
        objectives,
        kpis,
        priority,
        difficulty,
        impact,
        key,
        depends_on,
        collaborators,
        budget,
        allocations,
        milestones,
        tasks,
        body: body(cx, b),
        loc: cx.loc(0..0),
        restricted,
    })
}

fn scale(cx: &mut Cx, t: &mut Table, key: &'static str) -> u8 {
    match t.opt_int(cx, key) {
        Some((v @ 1..=5, _)) => v as u8,
        Some((v, span)) => {
            cx.report(
                codes::OUT_OF_RANGE,
                span,
                format!("`{key}` is {v}, outside 1–5"),
            )
            .help = Some(format!("`{key}` runs from 1 (lowest) to 5 (highest)"));
            3
        }
        None => 3,
    }
}

fn fte(cx: &mut Cx, t: &mut Table, required: bool) -> Option<f64> {
    let v = if required {
        t.req_num(cx, "fte")
    } else {
        t.opt_num(cx, "fte")
    };
    let (f, span) = v?;
    if !(0.0..=10.0).contains(&f) {
        cx.report(
            codes::OUT_OF_RANGE,
            span,
            format!("fte {f} is not a share of a full-time equivalent"),
        )
        .help = Some("write the share of a person's time, such as 0.5 for half time".into());
        return None;
    }
    Some(f)
}

fn allocations(
    cx: &mut Cx,
    t: &mut Table,
    start: Option<Date>,
    end: Option<Date>,
) -> Vec<Allocation> {
    let mut out = Vec::new();
    for mut a in t.tables(cx, "allocation", "an allocation") {
        let person = a.req_str(cx, "person").map(|x| r(cx, x));
        let fte = fte(cx, &mut a, true);
        let from = a.opt_date(cx, "from").map(|x| x.0).or(start);
        let to = a.opt_date(cx, "to").map(|x| x.0).or(end);
        let loc = cx.loc(a.span.clone());
        if let (Some(f), Some(t), Some(span)) = (from, to, a.key_span("to")) {
            if t < f {
                cx.report(
                    codes::END_BEFORE_START,
                    span,
                    format!("the allocation ends ({t}) before it starts ({f})"),
                );
            }
        }
        a.finish(cx);
        if let (Some(person), Some(fte), Some(from), Some(to)) = (person, fte, from, to) {
            out.push(Allocation {
                person,
                fte,
                from,
                to,
                loc,
            });
        }
    }
    out
}

fn milestones(cx: &mut Cx, t: &mut Table) -> Vec<Milestone> {
    let mut out = Vec::new();
    for mut m in t.tables(cx, "milestone", "a milestone") {
        let title = m.req_str(cx, "title").map(|x| x.0);
        let date = m.req_date(cx, "date").map(|x| x.0);
        let loc = cx.loc(m.span.clone());
        m.finish(cx);
        if let (Some(title), Some(date)) = (title, date) {
            out.push(Milestone { title, date, loc });
        }
    }
    out
}

fn tasks(cx: &mut Cx, t: &mut Table) -> Vec<Task> {
    let mut out = Vec::new();
    for mut k in t.tables(cx, "task", "a task") {
        let title = k.req_str(cx, "title").map(|x| x.0);
        let owner = k.req_str(cx, "owner").map(|x| r(cx, x));
        let start = k.opt_date(cx, "start").map(|x| x.0);
        let end = k.opt_date(cx, "end");
        let fte = fte(cx, &mut k, false);
        let loc = cx.loc(k.span.clone());
        if let (Some(s), Some((e, span))) = (start, &end) {
            if *e < s {
                cx.report(
                    codes::END_BEFORE_START,
                    span.clone(),
                    format!("the task ends ({e}) before it starts ({s})"),
                );
            }
        }
        k.finish(cx);
        if let Some(title) = title {
            out.push(Task {
                title,
                owner,
                start,
                end: end.map(|x| x.0),
                fte,
                loc,
            });
        }
    }
    out
}

pub fn checkin(cx: &mut Cx, t: &mut Table) -> Option<CheckIn> {
    let date = t.req_date(cx, "date").map(|x| x.0);
    let author = t.str_or_default(cx, "author").map(Arc::from);
    let mut readings = Vec::new();
    for mut k in t.tables(cx, "kpi", "a KPI reading") {
        let kpi = k.req_str(cx, "id").map(|x| r(cx, x));
        let value = k.req_num(cx, "value").map(|x| x.0);
        let note = k.str_or_default(cx, "note").map(Arc::from);
        let loc = cx.loc(k.span.clone());
        k.finish(cx);
        if let (Some(kpi), Some(value)) = (kpi, value) {
            readings.push(Reading {
                kpi,
                value,
                note,
                loc,
            });
        }
    }
    let mut updates = Vec::new();
    let statuses: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
    for mut u in t.tables(cx, "initiative", "an initiative update") {
        let initiative = u.req_str(cx, "id").map(|x| r(cx, x));
        let status = if u.key_span("status").is_none() {
            u.req_str(cx, "status");
            None
        } else {
            u.opt_choice(cx, "status", &statuses)
                .and_then(|(s, _)| Status::parse(&s))
        };
        let progress = u.num_in(cx, "progress", 0.0, 100.0);
        let confidence = u.num_in(cx, "confidence", 0.0, 10.0);
        let forecast_end = u.opt_date(cx, "forecast_end").map(|x| x.0);
        let note = u.str_or_default(cx, "note").map(Arc::from);
        let loc = cx.loc(u.span.clone());
        u.finish(cx);
        if let (Some(initiative), Some(status)) = (initiative, status) {
            updates.push(InitiativeUpdate {
                initiative,
                status,
                progress,
                confidence,
                forecast_end,
                note,
                loc,
            });
        }
    }
    let mut milestones = Vec::new();
    for mut m in t.tables(cx, "milestone", "a milestone reached") {
        let initiative = m.req_str(cx, "initiative").map(|x| r(cx, x));
        let title = m.req_str(cx, "title").map(|x| x.0);
        let done = m.req_date(cx, "done").map(|x| x.0);
        let loc = cx.loc(m.span.clone());
        m.finish(cx);
        if let (Some(initiative), Some(title), Some(done)) = (initiative, title, done) {
            milestones.push(MilestoneReached {
                initiative,
                title,
                done,
                loc,
            });
        }
    }
    Some(CheckIn {
        date: date?,
        author,
        readings,
        updates,
        milestones,
        loc: Loc::file(cx.file),
    })
}

pub fn appraisal(cx: &mut Cx, t: &mut Table) -> Option<Appraisal> {
    let period = t.req_period(cx, "period").map(|x| x.0);
    let weights = match t.raw("weights") {
        None => {
            t.table(cx, "weights", "");
            cx.report(
                codes::MISSING_FIELD,
                t.span.start..t.span.start + 1,
                "appraisal.toml is missing the required field `weights`",
            )
            .help = Some("add `weights = { kpis = 50, initiatives = 30, budget = 20 }`".into());
            None
        }
        Some(_) => t
            .table(cx, "weights", "the appraisal weights")
            .map(|mut w| {
                let mut get = |k: &'static str| w.req_num(cx, k).map(|x| x.0).unwrap_or(0.0);
                let weights = Weights {
                    kpis: get("kpis"),
                    initiatives: get("initiatives"),
                    budget: get("budget"),
                };
                let span = w.span.clone();
                w.finish(cx);
                let sum = weights.kpis + weights.initiatives + weights.budget;
                if (sum - 100.0).abs() > 1e-9 {
                    cx.report(
                        codes::APPRAISAL_WEIGHTS,
                        span,
                        format!("the appraisal weights sum to {sum}, not 100"),
                    )
                    .help = Some("make kpis + initiatives + budget add up to 100".into());
                }
                weights
            }),
    };
    let mut bands = Vec::new();
    let band_tables = t.tables(cx, "band", "an appraisal band");
    if band_tables.is_empty() {
        cx.report(
            codes::MISSING_FIELD,
            t.span.start..t.span.start + 1,
            "appraisal.toml has no `[[band]]`",
        )
        .help = Some("add bands from the highest `min` down to a band with `min = 0`".into());
    }
    for mut b in band_tables {
        let min = b.req_num(cx, "min");
        let rating = b.req_str(cx, "rating").map(|x| x.0);
        let consequence = b.str_or_default(cx, "consequence");
        b.finish(cx);
        if let (Some((min, _)), Some(rating)) = (min, rating) {
            bands.push(Band {
                min,
                rating,
                consequence,
            });
        }
    }
    bands.sort_by(|a, b| b.min.total_cmp(&a.min));
    if !bands.is_empty() && bands.iter().all(|b| b.min > 0.0) {
        cx.report(
            codes::BANDS_NOT_ZERO,
            t.span.start..t.span.start + 1,
            "no appraisal band starts at 0, so low scores get no rating",
        )
        .help = Some("add a last `[[band]]` with `min = 0`".into());
    }
    Some(Appraisal {
        period: period?,
        weights: weights?,
        bands,
        loc: cx.loc(0..0),
    })
}

/// Read plan.toml's `horizon = { start, end }` years.
pub fn horizon(cx: &mut Cx, t: &mut Table) -> Option<(i32, i32)> {
    let Some(v) = t.raw("horizon") else {
        t.table(cx, "horizon", "");
        cx.report(
            codes::MISSING_FIELD,
            0..1,
            "plan.toml is missing the required field `horizon`",
        )
        .help = Some("add `horizon = { start = 2026, end = 2030 }` (fiscal years)".into());
        return None;
    };
    let toml::de::DeValue::Table(_) = v.get_ref() else {
        wrong_type(
            cx,
            v,
            "horizon",
            "a table like { start = 2026, end = 2030 }",
            v.get_ref(),
        );
        return None;
    };
    let mut h = t.table(cx, "horizon", "the horizon")?;
    let start = h.req_int(cx, "start");
    let end = h.req_int(cx, "end");
    h.finish(cx);
    let (start, end) = (start?, end?);
    // Years are months × 12 downstream; a year of periods' four digits keeps that arithmetic sane.
    for (year, span) in [&start, &end] {
        if !(1000..=9999).contains(year) {
            cx.report(
                codes::OUT_OF_RANGE,
                span.clone(),
                format!("horizon year {year} is not a four-digit year"),
            )
            .help = Some("write fiscal years such as `start = 2026, end = 2030`".into());
            return None;
        }
    }
    if end.0 < start.0 {
        cx.report(
            codes::END_BEFORE_START,
            end.1,
            format!(
                "the horizon ends ({}) before it starts ({})",
                end.0, start.0
            ),
        );
        return None;
    }
    Some((start.0 as i32, end.0 as i32))
}
