//! W002: dates and periods outside the plan's horizon.
//!
//! Outside the horizon nothing is charted or summed, so such a date is most often a typo in the
//! year; it is a warning because an initiative may well have started before the plan did.

use crate::diag::{codes, Diagnostic, Loc};

use super::Ctx;

fn describe(cx: &Ctx) -> String {
    let s = &cx.plan.settings;
    let h = s.horizon();
    // Horizon years are fiscal years; say so when they are not calendar years.
    let fy = if s.fiscal_year_start == 1 { "" } else { "FY" };
    format!(
        "the horizon ({fy}{}–{fy}{}, {} to {})",
        s.horizon_start,
        s.horizon_end,
        h.first_day(),
        h.last_day()
    )
}

fn warn(cx: &mut Ctx, at: Loc, what: String) {
    let horizon = describe(cx);
    let s = &cx.plan.settings;
    let decl = cx.at(crate::diag::Loc::file(s.file), "horizon");
    let d = Diagnostic::new(
        codes::OUTSIDE_HORIZON,
        at,
        format!("{what} is outside {horizon}"),
    )
    .related(decl, "the horizon is set here")
    .help("correct the year, or widen `horizon` in plan.toml");
    cx.push(d);
}

/// Initiative dates, and milestones inside their initiative (those outside it are E009).
pub fn initiatives(cx: &mut Ctx) {
    let h = cx.plan.settings.horizon();
    for i in &cx.plan.initiatives {
        for (key, d) in [("start", i.start), ("end", i.end)] {
            if !h.contains_date(d) {
                let at = cx.at(i.loc, key);
                warn(cx, at, format!("initiative `{}` `{key}` {d}", i.id));
            }
        }
        for m in &i.milestones {
            if m.date >= i.start && m.date <= i.end && !h.contains_date(m.date) {
                let at = cx.at(m.loc, "date");
                warn(cx, at, format!("milestone `{}` ({})", m.title, m.date));
            }
        }
    }
}

/// Budget lines, caps, KPI targets, objectives and the appraisal period.
pub fn periods(cx: &mut Ctx) {
    let plan = cx.plan;
    let h = plan.settings.horizon();
    let mut found: Vec<(Loc, String)> = Vec::new();
    for l in plan.budget_lines.iter().filter(|l| !h.contains(&l.period)) {
        let what = format!("budget line period `{}`", l.period);
        found.push((cx.at(l.loc, "period"), what));
    }
    for c in plan.caps.iter().filter(|c| !h.contains(&c.period)) {
        found.push((c.loc, format!("budget cap period `{}`", c.period)));
    }
    for k in &plan.kpis {
        for t in k.targets.iter().filter(|t| !h.contains(&t.period)) {
            let what = format!("KPI `{}` target period `{}`", k.id, t.period);
            found.push((cx.at(t.loc, "period"), what));
        }
    }
    for o in plan.objectives.iter().filter(|o| !h.contains(&o.period)) {
        let what = format!("objective `{}` period `{}`", o.id, o.period);
        found.push((cx.at(o.loc, "period"), what));
    }
    if let Some(a) = plan.appraisal.as_ref().filter(|a| !h.contains(&a.period)) {
        found.push((
            cx.at(a.loc, "period"),
            format!("appraisal period `{}`", a.period),
        ));
    }
    for (at, what) in found {
        warn(cx, at, what);
    }
}

/// A goal's `target_year` is a fiscal year, compared with the horizon's years.
pub fn goals(cx: &mut Ctx) {
    let s = &cx.plan.settings;
    for g in &cx.plan.goals {
        let Some(y) = g.target_year else { continue };
        if y < s.horizon_start || y > s.horizon_end {
            let at = cx.at(g.loc, "target_year");
            warn(cx, at, format!("goal `{}` `target_year` {y}", g.id));
        }
    }
}

pub fn checkins(cx: &mut Ctx) {
    let h = cx.plan.settings.horizon();
    for c in &cx.plan.checkins {
        if !h.contains_date(c.date) {
            let at = cx.at(c.loc, "date");
            warn(cx, at, format!("the check-in dated {}", c.date));
        }
    }
}
