//! coordination: which departments depend on which (through their initiatives' `depends_on`),
//! and the dependencies to flag: late ones (ending after their dependent starts) and at-risk ones
//! (the dependency is reported at risk or off track).

use std::collections::{BTreeMap, BTreeSet};

use super::initiative::{InitiativeFigures, InitiativeState};
use super::schedule::Edge;
use super::ser;
use crate::model::{DeptIx, InitiativeIx, Plan};

#[derive(Debug, Clone, serde::Serialize)]
pub struct Pair {
    #[serde(serialize_with = "ser::ix")]
    pub dependent: InitiativeIx,
    #[serde(serialize_with = "ser::ix")]
    pub dependency: InitiativeIx,
}

/// One cell of the matrix: initiatives of `from` that depend on initiatives of `to`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Cell {
    #[serde(serialize_with = "ser::ix")]
    pub from: DeptIx,
    #[serde(serialize_with = "ser::ix")]
    pub to: DeptIx,
    pub count: usize,
    /// Sorted by (dependent, dependency).
    pub pairs: Vec<Pair>,
}

/// A dependency to flag.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DepFlag {
    #[serde(serialize_with = "ser::ix")]
    pub dependent: InitiativeIx,
    #[serde(serialize_with = "ser::ix")]
    pub dependency: InitiativeIx,
    pub slack_days: i64,
    pub dependency_state: InitiativeState,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Coordination {
    /// Departments that appear in any cell, in plan order (the matrix's axes).
    #[serde(serialize_with = "ser::ixs")]
    pub departments: Vec<DeptIx>,
    /// Non-empty cells, sorted by (from, to); a department depending on itself is a cell too.
    pub cells: Vec<Cell>,
    /// Dependencies that end after their dependent starts (negative slack).
    pub late: Vec<DepFlag>,
    /// Dependencies reported at risk or off track at `as_of`.
    pub at_risk: Vec<DepFlag>,
}

pub fn coordination(plan: &Plan, edges: &[Edge], inis: &[InitiativeFigures]) -> Coordination {
    let mut cells: BTreeMap<(DeptIx, DeptIx), Vec<Pair>> = BTreeMap::new();
    let (mut late, mut at_risk) = (Vec::new(), Vec::new());
    for e in edges {
        let from = plan.initiative(e.dependent).department;
        let to = plan.initiative(e.dependency).department;
        cells.entry((from, to)).or_default().push(Pair {
            dependent: e.dependent,
            dependency: e.dependency,
        });
        let state = inis
            .get(e.dependency.ix())
            .map_or(InitiativeState::NoUpdate, |f| f.status.state);
        let flag = DepFlag {
            dependent: e.dependent,
            dependency: e.dependency,
            slack_days: e.slack_days,
            dependency_state: state,
        };
        if matches!(state, InitiativeState::AtRisk | InitiativeState::OffTrack) {
            at_risk.push(flag.clone());
        }
        if e.slack_days < 0 {
            late.push(flag);
        }
    }
    let departments: BTreeSet<DeptIx> = cells.keys().flat_map(|&(a, b)| [a, b]).collect();
    Coordination {
        departments: departments.into_iter().collect(),
        cells: cells
            .into_iter()
            .map(|((from, to), pairs)| Cell {
                from,
                to,
                count: pairs.len(),
                pairs,
            })
            .collect(),
        late,
        at_risk,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::testutil::{dept, plan, plan_toml};
    use crate::analyze::{initiative, schedule};

    fn ini(start: &str, end: &str, deps: &str) -> String {
        format!("+++\ntitle = \"I\"\nowner = \"ann\"\nstart = {start}\nend = {end}\ndepends_on = [{deps}]\n+++\n")
    }

    #[test]
    fn matrix_cells_and_flags() {
        let p = plan(&[
            ("plan.toml", &plan_toml(1, "2026-06-30")),
            ("people.toml", "[[person]]\nid = \"ann\"\nname = \"Ann\"\n"),
            ("departments/eng/department.md", &dept("Eng", None)),
            ("departments/sales/department.md", &dept("Sales", None)),
            (
                "departments/eng/initiatives/api.md",
                &ini("2026-01-01", "2026-06-30", ""),
            ),
            (
                "departments/eng/initiatives/sdk.md",
                &ini("2026-06-01", "2026-09-30", "\"api\""),
            ),
            (
                "departments/sales/initiatives/crm.md",
                &ini("2026-07-01", "2026-12-31", "\"api\", \"sdk\""),
            ),
            (
                "progress/a.toml",
                "date = 2026-06-30\n[[initiative]]\nid = \"sdk\"\nstatus = \"off-track\"\n",
            ),
        ]);
        let inis = initiative::initiatives(&p);
        let s = schedule::schedule(&p, &[]);
        let c = coordination(&p, &s.edges, &inis);
        let name = |d: DeptIx| p.department(d).id.as_str();
        let cells: Vec<_> = c
            .cells
            .iter()
            .map(|x| (name(x.from), name(x.to), x.count))
            .collect();
        assert_eq!(cells, [("eng", "eng", 1), ("sales", "eng", 2)]);
        assert_eq!(c.departments.len(), 2);
        // crm starts 1 July, sdk ends 30 September: −91; sdk starts 1 June, api ends 30 June:
        // −29; crm after api has slack 1 and is not late.
        let late: Vec<_> = c
            .late
            .iter()
            .map(|f| {
                (
                    p.initiative(f.dependent).id.as_str(),
                    p.initiative(f.dependency).id.as_str(),
                    f.slack_days,
                )
            })
            .collect();
        assert_eq!(late, [("crm", "sdk", -91), ("sdk", "api", -29)]);
        // crm depends on sdk, which is off track.
        assert_eq!(c.at_risk.len(), 1);
        assert_eq!(p.initiative(c.at_risk[0].dependency).id, "sdk");
        assert_eq!(c.at_risk[0].dependency_state, InitiativeState::OffTrack);
    }
}
