//! Check-ins: dated after `as_of` (W006), a KPI read twice on one date (E015), a reached
//! milestone the initiative does not have (E021).

use rustc_hash::FxHashMap as HashMap;

use crate::diag::{codes, Diagnostic, Loc};
use crate::model::{AsOfSource, Date, KpiIx};

use super::Ctx;

/// Only when `as_of` is declared: otherwise it is the latest check-in and none can be later.
pub fn after_as_of(cx: &mut Ctx) {
    let s = &cx.plan.settings;
    if s.as_of_source != AsOfSource::Declared {
        return;
    }
    let decl = cx.at(Loc::file(s.file), "as_of");
    for c in &cx.plan.checkins {
        if c.date <= s.as_of {
            continue;
        }
        let d = Diagnostic::new(
            codes::CHECKIN_AFTER_AS_OF,
            cx.at(c.loc, "date"),
            format!(
                "this check-in is dated {}, after `as_of` ({}); the site ignores it",
                c.date, s.as_of
            ),
        )
        .related(decl, "`as_of` is set here")
        .help("move `as_of` in plan.toml forward, or correct the check-in's date");
        cx.push(d);
    }
}

/// Two readings of one KPI on one date cannot both be the KPI's value that day.
pub fn duplicate_readings(cx: &mut Ctx) {
    let plan = cx.plan;
    let mut seen: HashMap<(KpiIx, Date), Loc> = HashMap::default();
    seen.reserve(plan.checkins.iter().map(|c| c.readings.len()).sum());
    for c in &plan.checkins {
        for r in &c.readings {
            let Some(&first) = seen.get(&(r.kpi.to, c.date)) else {
                seen.insert((r.kpi.to, c.date), r.loc);
                continue;
            };
            let (at, first) = (cx.at(r.loc, "id"), cx.at(first, "id"));
            let d = Diagnostic::new(
                codes::DUPLICATE_READING,
                at,
                format!("KPI `{}` is read twice on {}", r.kpi.id, c.date),
            )
            .related(first, "first reading here")
            .help(format!(
                "keep one reading of `{}` per date; delete or redate the other",
                r.kpi.id
            ));
            cx.push(d);
        }
    }
}

pub fn milestones(cx: &mut Ctx) {
    let plan = cx.plan;
    for c in &plan.checkins {
        for m in &c.milestones {
            let i = plan.initiative(m.initiative.to);
            if i.milestones.iter().any(|x| x.title == m.title) {
                continue;
            }
            let titles = i.milestones.iter().map(|x| x.title.as_str());
            let help = match crate::suggest::nearest(&m.title, titles) {
                Some(t) => format!("did you mean \"{t}\"?"),
                None if i.milestones.is_empty() => {
                    format!(
                        "initiative `{}` has no milestones; add a `[[milestone]]` to it",
                        i.id
                    )
                }
                None => format!(
                    "the milestones of `{}` are: {}",
                    i.id,
                    i.milestones
                        .iter()
                        .map(|x| format!("\"{}\"", x.title))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            let d = Diagnostic::new(
                codes::UNKNOWN_MILESTONE,
                cx.at(m.loc, "title"),
                format!("initiative `{}` has no milestone \"{}\"", i.id, m.title),
            )
            .help(help);
            cx.push(d);
        }
    }
}
