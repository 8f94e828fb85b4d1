//! check: the structural rules that run on the typed `Plan`.
//!
//! Each rule is a short function over `Ctx` that pushes what it finds; every rule runs, so one
//! run reports every problem. Rules that need derived figures (budget caps, capacity, initiative
//! envelopes, late dependencies) live in `analyze` and join this list through
//! `Project::add_diagnostics` (see lib.rs).

pub mod allow;
mod checkins;
mod cycles;
mod dates;
mod goals;
mod horizon;
mod kpis;
pub mod locate;
pub mod report;
mod teams;

use crate::diag::{Diagnostic, Loc};
use crate::load::Sources;
use crate::model::Plan;

/// What every rule sees: the plan, its source text (to point at a field's value) and the output.
pub struct Ctx<'a> {
    pub plan: &'a Plan,
    pub sources: &'a Sources,
    pub out: Vec<Diagnostic>,
}

impl Ctx<'_> {
    /// The value of `key = …` in the table or file at `loc` (or `loc` itself when not found).
    pub fn at(&self, loc: Loc, key: &str) -> Loc {
        locate::value_of(self.sources, loc, key)
    }
    pub fn push(&mut self, d: Diagnostic) {
        self.out.push(d);
    }
}

type Rule = fn(&mut Ctx);

/// Every structural rule, in the order they run (output is sorted afterwards anyway).
const RULES: &[Rule] = &[
    cycles::departments,
    cycles::initiatives,
    dates::within_initiatives,
    dates::forecast_end,
    horizon::initiatives,
    horizon::periods,
    horizon::goals,
    horizon::checkins,
    goals::weights,
    checkins::after_as_of,
    checkins::duplicate_readings,
    checkins::milestones,
    kpis::targets,
    teams::leads,
];

/// Run every structural rule on a plan. `sources` lets rules point at the exact field.
pub fn check(plan: &Plan, sources: &Sources) -> Vec<Diagnostic> {
    let mut cx = Ctx {
        plan,
        sources,
        out: Vec::new(),
    };
    for rule in RULES {
        rule(&mut cx);
    }
    cx.out
}

#[cfg(test)]
mod tests {
    /// Every code plansite can emit has a section in docs/diagnostics.md, so they never drift.
    #[test]
    fn every_code_is_documented() {
        let docs = include_str!("../../docs/diagnostics.md");
        for (code, _) in crate::diag::codes::ALL {
            assert!(
                docs.contains(&format!("\n### {}\n", code.0)),
                "{} is missing from docs/diagnostics.md",
                code.0
            );
        }
    }
}
