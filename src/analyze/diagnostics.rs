//! diagnostics: the rules that need derived figures (check runs them on the Analysis):
//! E012 cap exceeded, W012 envelope exceeded, W005 over capacity, W003 late dependency.

use super::Analysis;
use crate::diag::{codes, Diagnostic};
use crate::model::{Money, Plan};

pub fn diagnostics(plan: &Plan, a: &Analysis) -> Vec<Diagnostic> {
    let mut out = caps(plan, a);
    out.extend(envelopes(plan, a));
    out.extend(capacity(plan, a));
    out.extend(late_dependencies(plan, a));
    out
}

fn caps(plan: &Plan, a: &Analysis) -> Vec<Diagnostic> {
    a.budget
        .caps
        .iter()
        .filter(|c| c.exceeded)
        .filter_map(|c| {
            let cap = plan.caps.get(c.cap)?;
            let dept = plan.department(c.department);
            let d = Diagnostic::new(
                codes::CAP_EXCEEDED,
                cap.loc,
                format!(
                    "planned budget of {} and the departments under it for {} is {}, {} above its cap of {}",
                    dept.id, c.period, c.planned, c.overrun, c.amount
                ),
            )
            .help("lower planned lines in that period, move them to another period, or raise the cap");
            Some(d)
        })
        .collect()
}

fn envelopes(plan: &Plan, a: &Analysis) -> Vec<Diagnostic> {
    a.budget
        .envelopes
        .iter()
        .filter(|e| e.exceeded)
        .map(|e| {
            let ini = plan.initiative(e.initiative);
            let budget = e.budget.unwrap_or(Money::ZERO);
            let mut d = Diagnostic::new(
                codes::ENVELOPE_EXCEEDED,
                ini.loc,
                format!(
                    "budget lines naming initiative {} plan {}, {} above its approved budget of {}",
                    ini.id, e.totals.planned, e.over, budget
                ),
            )
            .help("raise the initiative's `budget` or lower the lines that name it");
            for &l in &e.lines {
                if let Some(line) = plan.budget_lines.get(l) {
                    d = d.related(line.loc, format!("line of {} planned here", line.planned));
                }
            }
            d
        })
        .collect()
}

fn capacity(plan: &Plan, a: &Analysis) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (p, load) in plan.people.iter().zip(&a.load.people) {
        for run in &load.over {
            let months = if run.first == run.last {
                run.first.to_string()
            } else {
                format!("{} to {}", run.first, run.last)
            };
            let msg = format!(
                "{} is allocated up to {} FTE in {months}, above a capacity of {}",
                p.id,
                super::num(run.peak, 2),
                super::num(p.capacity, 2)
            );
            let at = run.largest.as_ref().and_then(|c| c.loc(plan));
            let d = Diagnostic::new(codes::OVER_CAPACITY, at.unwrap_or(p.loc), msg)
                .related(p.loc, format!("capacity of {} set here", p.id))
                .help("reduce or move allocations, or raise the person's capacity");
            out.push(d);
        }
    }
    out
}

/// W003 for every dependency that ends after its dependent starts. Edges inside a dependency
/// cycle are left out: the cycle is already an error (E007), and its edges are late by nature.
fn late_dependencies(plan: &Plan, a: &Analysis) -> Vec<Diagnostic> {
    let cyclic = |i| a.schedule.cyclic.contains(&i);
    a.schedule
        .edges
        .iter()
        .filter(|e| e.slack_days < 0 && !(cyclic(e.dependent) && cyclic(e.dependency)))
        .filter_map(|e| {
            let dependent = plan.initiative(e.dependent);
            let dependency = plan.initiative(e.dependency);
            let r = dependent.depends_on.get(e.position)?;
            let d = Diagnostic::new(
                codes::LATE_DEPENDENCY,
                r.loc,
                format!(
                    "{} depends on {}, which ends on {}, {} days after {} starts on {}",
                    dependent.id,
                    dependency.id,
                    dependency.end,
                    -e.slack_days,
                    dependent.id,
                    dependent.start
                ),
            )
            .related(dependency.loc, format!("{} is defined here", dependency.id))
            .help(
                "start the dependent later, finish the dependency earlier, or drop the dependency",
            );
            Some(d)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::analyze;
    use crate::analyze::testutil::{dept, plan, plan_toml};

    #[test]
    fn every_rule_fires_at_its_place() {
        let a_md = "+++\ntitle = \"A\"\nowner = \"ann\"\nstart = 2026-01-01\nend = 2026-06-30\nbudget = 100\n\
            [[allocation]]\nperson = \"ann\"\nfte = 0.8\n+++\n";
        let b_md = "+++\ntitle = \"B\"\nowner = \"ann\"\nstart = 2026-06-01\nend = 2026-08-31\ndepends_on = [\"a\"]\n\
            [[allocation]]\nperson = \"ann\"\nfte = 0.5\n+++\n";
        let budget =
            "[[line]]\ncategory = \"x\"\ninitiative = \"a\"\nperiod = \"2026-H1\"\nplanned = 150\n\
            [cap]\n\"2026-Q2\" = 50\n";
        let p = plan(&[
            ("plan.toml", &plan_toml(1, "2026-06-30")),
            ("people.toml", "[[person]]\nid = \"ann\"\nname = \"Ann\"\n"),
            ("departments/d/department.md", &dept("D", None)),
            ("departments/d/budget.toml", budget),
            ("departments/d/initiatives/a.md", a_md),
            ("departments/d/initiatives/b.md", b_md),
        ]);
        let a = analyze(&p);
        let diags = diagnostics(&p, &a);
        let codes: Vec<_> = diags.iter().map(|d| d.code.0).collect();
        assert_eq!(codes, ["E012", "W012", "W005", "W003"]);
        // Q2 holds 3 of the 6 months of 150: 75, 25 above 50.
        assert!(
            diags[0]
                .message
                .contains("2026-Q2 is 75, 25 above its cap of 50"),
            "{}",
            diags[0].message
        );
        assert_eq!(diags[0].loc, Some(p.caps[0].loc));
        assert!(
            diags[1].message.contains("plan 150, 50 above"),
            "{}",
            diags[1].message
        );
        // June: 0.8 + 0.5 × 30/30 = 1.3 > 1.
        assert!(
            diags[2].message.contains("1.3 FTE in 2026-06"),
            "{}",
            diags[2].message
        );
        assert_eq!(diags[2].loc, Some(p.initiatives[0].allocations[0].loc));
        // b starts 1 June, a ends 30 June: 29 days late; pointed at the `depends_on` entry.
        assert!(
            diags[3].message.contains("29 days after b starts"),
            "{}",
            diags[3].message
        );
        assert_eq!(diags[3].loc, Some(p.initiatives[1].depends_on[0].loc));
    }
}
