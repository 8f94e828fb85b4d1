//! W004: goal weights that do not sum to 100.
//!
//! Weights are used in proportion either way; the warning is there because weights that do not
//! add up usually mean a goal was added or dropped without rebalancing the others.

use crate::diag::{codes, Diagnostic};

use super::Ctx;

pub fn weights(cx: &mut Ctx) {
    let goals = &cx.plan.goals;
    let weighted: Vec<_> = goals
        .iter()
        .filter_map(|g| g.weight.map(|w| (g, w)))
        .collect();
    let Some(&(first, _)) = weighted.first() else {
        return;
    };
    let sum: f64 = weighted.iter().map(|(_, w)| w).sum();
    if (sum - 100.0).abs() < 1e-6 {
        return;
    }
    let unweighted: Vec<String> = goals
        .iter()
        .filter(|g| g.weight.is_none())
        .map(|g| format!("`{}`", g.id))
        .collect();
    let mut help =
        "make the weights add up to 100; until then they are used in proportion".to_string();
    if !unweighted.is_empty() {
        help.push_str(&format!(
            "; goals without a weight: {}",
            unweighted.join(", ")
        ));
    }
    let mut d = Diagnostic::new(
        codes::GOAL_WEIGHTS,
        cx.at(first.loc, "weight"),
        format!("the goal weights sum to {sum}, not 100"),
    )
    .help(help);
    for (g, w) in &weighted[1..] {
        d = d.related(
            cx.at(g.loc, "weight"),
            format!("goal `{}` has weight {w}", g.id),
        );
    }
    cx.push(d);
}
