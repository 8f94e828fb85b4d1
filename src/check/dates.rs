//! E009: tasks, milestones and allocations outside their initiative's dates; E008 for what
//! parse cannot see (a check-in's forecast end before its initiative starts).
//!
//! parse already refuses an initiative, allocation or task that ends before it starts; an
//! initiative with that error is skipped here, since every date would look "outside" it.

use crate::diag::{codes, Diagnostic, Loc};
use crate::model::{Date, Initiative};

use super::Ctx;

pub fn within_initiatives(cx: &mut Ctx) {
    for i in &cx.plan.initiatives {
        if i.end < i.start {
            continue;
        }
        milestones(cx, i);
        tasks(cx, i);
        allocations(cx, i);
    }
}

fn outside(i: &Initiative, d: Date) -> bool {
    d < i.start || d > i.end
}

fn push(cx: &mut Ctx, i: &Initiative, at: Loc, what: String) {
    let start = cx.at(i.loc, "start");
    let d = Diagnostic::new(
        codes::OUTSIDE_INITIATIVE,
        at,
        format!(
            "{what}, outside initiative `{}` ({} to {})",
            i.id, i.start, i.end
        ),
    )
    .related(start, "the initiative's dates")
    .help("move it inside the initiative's dates, or change the initiative's `start` or `end`");
    cx.push(d);
}

fn milestones(cx: &mut Ctx, i: &Initiative) {
    for m in &i.milestones {
        if outside(i, m.date) {
            let at = cx.at(m.loc, "date");
            push(
                cx,
                i,
                at,
                format!("milestone `{}` is dated {}", m.title, m.date),
            );
        }
    }
}

fn tasks(cx: &mut Ctx, i: &Initiative) {
    for t in &i.tasks {
        for (key, date) in [("start", t.start), ("end", t.end)] {
            if let Some(d) = date.filter(|&d| outside(i, d)) {
                let at = cx.at(t.loc, key);
                push(cx, i, at, format!("task `{}` has `{key}` {d}", t.title));
            }
        }
    }
}

fn allocations(cx: &mut Ctx, i: &Initiative) {
    for a in &i.allocations {
        for (key, d) in [("from", a.from), ("to", a.to)] {
            if outside(i, d) {
                let at = cx.at(a.loc, key);
                push(
                    cx,
                    i,
                    at,
                    format!("the allocation of `{}` has `{key}` {d}", a.person.id),
                );
            }
        }
    }
}

/// A forecast end before the initiative even starts is a typo, not a forecast.
pub fn forecast_end(cx: &mut Ctx) {
    for c in &cx.plan.checkins {
        for u in &c.updates {
            let i = cx.plan.initiative(u.initiative.to);
            let Some(f) = u.forecast_end.filter(|&f| f < i.start) else {
                continue;
            };
            let at = cx.at(u.loc, "forecast_end");
            let d = Diagnostic::new(
                codes::END_BEFORE_START,
                at,
                format!(
                    "`forecast_end` {f} is before initiative `{}` starts ({})",
                    i.id, i.start
                ),
            )
            .help("the forecast end is the date the initiative is now expected to finish");
            cx.push(d);
        }
    }
}
