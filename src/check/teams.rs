//! W014: a team led by someone whose own record puts them in another department.
//!
//! Teams belong to one department; a lead from elsewhere is usually a stale `department` in
//! people.toml, and it makes the person's page and the team's page disagree.

use crate::diag::{codes, Diagnostic};

use super::Ctx;

pub fn leads(cx: &mut Ctx) {
    let plan = cx.plan;
    for t in &plan.teams {
        let Some(lead) = &t.lead else { continue };
        let person = plan.person(lead.to);
        let Some(home) = &person.department else {
            continue;
        };
        if home.to == t.department {
            continue;
        }
        let dept = &plan.department(t.department).id;
        let d = Diagnostic::new(
            codes::LEAD_OUTSIDE_DEPARTMENT,
            lead.loc,
            format!(
                "team `{}` of department `{dept}` is led by `{}`, who belongs to department `{}`",
                t.id, person.id, home.id
            ),
        )
        .related(home.loc, "the person's department")
        .help(format!(
            "set `department = \"{dept}\"` for `{}` in people.toml, or choose another lead",
            person.id
        ));
        cx.push(d);
    }
}
