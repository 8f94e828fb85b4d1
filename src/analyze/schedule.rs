//! schedule: slack of every dependency, the critical path and dependency chains both ways.
//!
//! Dates are fixed by the authors; nothing here reschedules. A dependency's slack is
//! `dependent.start − dependency.end` in days: a dependency ending on 30 June before a dependent
//! starting on 1 July has slack 1, one ending the day its dependent starts has slack 0, and a
//! negative slack (the dependency ends after its dependent starts) is a conflict, exactly the
//! case W003 reports.
//!
//! **Critical path.** The format says: "the dependency chain with the least total slack that
//! ends at the latest end date". Read literally, the one-initiative chain (total slack 0) would
//! nearly always win, so we read "chain" as a *full* chain: it starts at an initiative that
//! depends on nothing and follows dependents to the initiative with the latest `end`. Among the
//! full chains ending there, the one with the least sum of slacks wins; ties go to the longer
//! chain, then to the chain found first in Kahn's order seeded in plan order (deterministic). When several initiatives share the latest
//! end, the one whose best chain has the least slack wins. An initiative with no dependencies is
//! a chain of one. Cancelled initiatives (passed in `skip`) take no part.
//!
//! Dependency cycles are refused by check; here their members (and everything downstream of
//! them) are left out of the critical path and listed in `cyclic`, and chains stop at nodes
//! already seen, so nothing loops or recurses.

use std::collections::VecDeque;

use rayon::prelude::*;

use super::ser;
use crate::model::{Date, InitiativeIx, Plan};

/// One dependency: `dependent` depends on `dependency`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Edge {
    #[serde(serialize_with = "ser::ix")]
    pub dependent: InitiativeIx,
    #[serde(serialize_with = "ser::ix")]
    pub dependency: InitiativeIx,
    /// Position in the dependent's `depends_on` (to point at the reference).
    pub position: usize,
    /// dependent.start − dependency.end, in days; negative is a conflict.
    pub slack_days: i64,
}

/// Schedule figures of one initiative.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct InitiativeSchedule {
    /// Least slack to the initiatives that depend on it: how many days it can slip before it
    /// delays one of them. None when nothing depends on it.
    pub slack_days: Option<i64>,
    /// Least slack from the initiatives it depends on. None when it depends on nothing.
    pub incoming_slack_days: Option<i64>,
    /// Everything it depends on, directly or not, in plan order.
    #[serde(serialize_with = "ser::ixs")]
    pub upstream: Vec<InitiativeIx>,
    /// Everything that depends on it, directly or not, in plan order.
    #[serde(serialize_with = "ser::ixs")]
    pub downstream: Vec<InitiativeIx>,
    pub on_critical_path: bool,
}

/// The critical path, first initiative to last.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct CriticalPath {
    #[serde(serialize_with = "ser::ixs")]
    pub initiatives: Vec<InitiativeIx>,
    /// Sum of the slacks of its dependencies.
    pub total_slack_days: i64,
    /// The end date it reaches (the latest end of the plan).
    #[serde(serialize_with = "ser::opt_date")]
    pub end: Option<Date>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Schedule {
    /// Every dependency, sorted by (dependent, dependency).
    pub edges: Vec<Edge>,
    /// By `InitiativeIx`.
    pub initiatives: Vec<InitiativeSchedule>,
    pub critical_path: CriticalPath,
    /// Initiatives on a dependency cycle or downstream of one (skipped by the critical path).
    #[serde(serialize_with = "ser::ixs")]
    pub cyclic: Vec<InitiativeIx>,
}

/// Compute the schedule; `skip[i]` leaves initiative `i` out of the critical path (cancelled).
pub fn schedule(plan: &Plan, skip: &[bool]) -> Schedule {
    let edges = edges(plan);
    let n = plan.initiatives.len();
    let (deps, dependents) = adjacency(n, &edges);
    let mut per: Vec<InitiativeSchedule> = (0..n)
        .into_par_iter()
        .map(|i| InitiativeSchedule {
            upstream: reach(i, &deps),
            downstream: reach(i, &dependents),
            ..Default::default()
        })
        .collect();
    for e in &edges {
        let out = &mut per[e.dependency.ix()].slack_days;
        *out = Some(out.map_or(e.slack_days, |s| s.min(e.slack_days)));
        let inc = &mut per[e.dependent.ix()].incoming_slack_days;
        *inc = Some(inc.map_or(e.slack_days, |s| s.min(e.slack_days)));
    }
    let (critical_path, cyclic) = critical_path(plan, &edges, skip);
    for i in &critical_path.initiatives {
        per[i.ix()].on_critical_path = true;
    }
    Schedule {
        edges,
        initiatives: per,
        critical_path,
        cyclic,
    }
}

/// Every dependency with its slack, sorted by (dependent, dependency).
pub fn edges(plan: &Plan) -> Vec<Edge> {
    let mut out: Vec<Edge> = plan
        .initiatives
        .iter()
        .enumerate()
        .flat_map(|(i, ini)| {
            ini.depends_on
                .iter()
                .enumerate()
                .filter_map(move |(pos, r)| {
                    let dep = plan.initiatives.get(r.to.ix())?;
                    Some(Edge {
                        dependent: InitiativeIx::from(i),
                        dependency: r.to,
                        position: pos,
                        slack_days: (ini.start - dep.end).num_days(),
                    })
                })
        })
        .collect();
    out.sort_by_key(|e| (e.dependent, e.dependency, e.position));
    out
}

/// (dependencies of each initiative, dependents of each initiative) as edge indices.
fn adjacency(n: usize, edges: &[Edge]) -> (Vec<Vec<usize>>, Vec<Vec<usize>>) {
    let mut deps = vec![Vec::new(); n];
    let mut dependents = vec![Vec::new(); n];
    for e in edges {
        deps[e.dependent.ix()].push(e.dependency.ix());
        dependents[e.dependency.ix()].push(e.dependent.ix());
    }
    (deps, dependents)
}

/// Every node reachable from `start` (not `start` itself), sorted; iterative, safe on cycles.
fn reach(start: usize, next: &[Vec<usize>]) -> Vec<InitiativeIx> {
    let mut seen = vec![false; next.len()];
    seen[start] = true;
    let mut queue: VecDeque<usize> = next[start].iter().copied().collect();
    let mut out = Vec::new();
    while let Some(v) = queue.pop_front() {
        if std::mem::replace(&mut seen[v], true) {
            continue;
        }
        out.push(InitiativeIx::from(v));
        queue.extend(next[v].iter().copied().filter(|&w| !seen[w]));
    }
    out.sort();
    out
}

/// Best full chain into a node: (total slack, number of edges, previous node).
type Best = (i64, usize, Option<usize>);

/// The critical path (see the module doc) and the nodes a cycle kept out of it.
fn critical_path(plan: &Plan, edges: &[Edge], skip: &[bool]) -> (CriticalPath, Vec<InitiativeIx>) {
    let n = plan.initiatives.len();
    let skipped = |i: usize| skip.get(i).copied().unwrap_or(false);
    let live: Vec<&Edge> = edges
        .iter()
        .filter(|e| !skipped(e.dependent.ix()) && !skipped(e.dependency.ix()))
        .collect();
    let mut out_edges: Vec<Vec<&Edge>> = vec![Vec::new(); n];
    let mut indegree = vec![0usize; n];
    for e in &live {
        out_edges[e.dependency.ix()].push(e);
        indegree[e.dependent.ix()] += 1;
    }
    let mut best: Vec<Option<Best>> = vec![None; n];
    let mut queue: VecDeque<usize> = (0..n)
        .filter(|&i| !skipped(i) && indegree[i] == 0)
        .collect();
    for &i in &queue {
        best[i] = Some((0, 0, None));
    }
    let mut done = vec![false; n];
    // Kahn's order: a node is final once all its dependencies are.
    while let Some(u) = queue.pop_front() {
        done[u] = true;
        let Some((slack, len, _)) = best[u] else {
            continue;
        };
        for e in &out_edges[u] {
            let v = e.dependent.ix();
            let cand = (slack + e.slack_days, len + 1, Some(u));
            if best[v]
                .is_none_or(|b| (cand.0, std::cmp::Reverse(cand.1)) < (b.0, std::cmp::Reverse(b.1)))
            {
                best[v] = Some(cand);
            }
            indegree[v] -= 1;
            if indegree[v] == 0 {
                queue.push_back(v);
            }
        }
    }
    let cyclic: Vec<InitiativeIx> = (0..n)
        .filter(|&i| !skipped(i) && !done[i])
        .map(InitiativeIx::from)
        .collect();
    let end = (0..n)
        .filter(|&i| done[i])
        .filter_map(|i| best[i].map(|b| (i, b)))
        .min_by_key(|&(i, (slack, len, _))| {
            (
                std::cmp::Reverse(plan.initiatives[i].end),
                slack,
                std::cmp::Reverse(len),
                i,
            )
        });
    let Some((last, (total, _, _))) = end else {
        return (CriticalPath::default(), cyclic);
    };
    let mut chain = vec![InitiativeIx::from(last)];
    let mut cur = last;
    while let Some((_, _, Some(prev))) = best[cur] {
        // Predecessors form a chain back to a source (Kahn's order has no cycles); the bound
        // is a second guard.
        if chain.len() > n {
            break;
        }
        chain.push(InitiativeIx::from(prev));
        cur = prev;
    }
    chain.reverse();
    let path = CriticalPath {
        initiatives: chain,
        total_slack_days: total,
        end: Some(plan.initiatives[last].end),
    };
    (path, cyclic)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::testutil::{d, dept, plan, plan_toml};

    const PEOPLE: &str = "[[person]]\nid = \"ann\"\nname = \"Ann\"\n";

    fn ini(start: &str, end: &str, deps: &[&str]) -> String {
        let deps: Vec<String> = deps.iter().map(|x| format!("\"{x}\"")).collect();
        format!(
            "+++\ntitle = \"I\"\nowner = \"ann\"\nstart = {start}\nend = {end}\ndepends_on = [{}]\n+++\n",
            deps.join(", ")
        )
    }

    fn build(inis: &[(&str, String)]) -> Plan {
        let mut files: Vec<(String, String)> = vec![
            ("plan.toml".into(), plan_toml(1, "2026-06-30")),
            ("people.toml".into(), PEOPLE.into()),
            ("departments/x/department.md".into(), dept("X", None)),
        ];
        for (id, text) in inis {
            files.push((format!("departments/x/initiatives/{id}.md"), text.clone()));
        }
        let refs: Vec<(&str, &str)> = files
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        plan(&refs)
    }

    fn ids(p: &Plan, v: &[InitiativeIx]) -> Vec<String> {
        v.iter().map(|i| p.initiative(*i).id.clone()).collect()
    }

    fn ix(p: &Plan, id: &str) -> usize {
        p.index.initiatives[id].ix()
    }

    fn fixture() -> Plan {
        build(&[
            ("a", ini("2026-01-01", "2026-03-31", &[])),
            ("b", ini("2026-04-01", "2026-06-30", &["a"])),
            ("c", ini("2026-03-15", "2026-12-31", &["a"])),
            ("d", ini("2026-07-10", "2027-03-31", &["b", "c"])),
            ("e", ini("2026-01-01", "2027-03-31", &[])),
        ])
    }

    #[test]
    fn slack_per_dependency_and_per_initiative() {
        let p = fixture();
        let s = schedule(&p, &[]);
        let slack = |dependent: &str, dep: &str| {
            s.edges
                .iter()
                .find(|e| e.dependent.ix() == ix(&p, dependent) && e.dependency.ix() == ix(&p, dep))
                .map(|e| e.slack_days)
        };
        assert_eq!(slack("b", "a"), Some(1)); // ends 31 Mar, next starts 1 Apr
        assert_eq!(slack("c", "a"), Some(-16));
        assert_eq!(slack("d", "b"), Some(10));
        assert_eq!(slack("d", "c"), Some(-174));
        let per = |id: &str| &s.initiatives[ix(&p, id)];
        assert_eq!(per("a").slack_days, Some(-16));
        assert_eq!(per("b").slack_days, Some(10));
        assert_eq!(per("d").slack_days, None);
        assert_eq!(per("d").incoming_slack_days, Some(-174));
        assert_eq!(ids(&p, &per("d").upstream), ["a", "b", "c"]);
        assert_eq!(ids(&p, &per("a").downstream), ["b", "c", "d"]);
        assert!(per("e").upstream.is_empty() && per("e").downstream.is_empty());
    }

    #[test]
    fn critical_path_is_the_least_slack_full_chain_to_the_latest_end() {
        let p = fixture();
        let s = schedule(&p, &[]);
        // d and e both end 2027-03-31; a→c→d totals −190 (a→b→d 11, e alone 0).
        assert_eq!(ids(&p, &s.critical_path.initiatives), ["a", "c", "d"]);
        assert_eq!(s.critical_path.total_slack_days, -190);
        assert_eq!(s.critical_path.end, Some(d("2027-03-31")));
        assert!(s.initiatives[ix(&p, "c")].on_critical_path);
        assert!(!s.initiatives[ix(&p, "b")].on_critical_path);
        // Cancelling c leaves a→b→d (11), which loses to e alone (0).
        let mut skip = vec![false; p.initiatives.len()];
        skip[ix(&p, "c")] = true;
        let s = schedule(&p, &skip);
        assert_eq!(ids(&p, &s.critical_path.initiatives), ["e"]);
    }

    #[test]
    fn a_chain_of_one() {
        let p = build(&[("solo", ini("2026-01-01", "2026-05-31", &[]))]);
        let s = schedule(&p, &[]);
        assert_eq!(ids(&p, &s.critical_path.initiatives), ["solo"]);
        assert_eq!(s.critical_path.total_slack_days, 0);
        assert!(s.edges.is_empty() && s.cyclic.is_empty());
    }

    #[test]
    fn cycles_are_skipped_not_followed() {
        let p = build(&[
            ("x", ini("2026-01-01", "2026-02-28", &["z"])),
            ("y", ini("2026-03-01", "2026-04-30", &["x"])),
            ("z", ini("2026-05-01", "2026-06-30", &["y"])),
            ("after", ini("2026-07-01", "2026-12-31", &["z"])),
            ("free", ini("2026-01-01", "2026-03-31", &[])),
        ]);
        let s = schedule(&p, &[]);
        assert_eq!(ids(&p, &s.cyclic), ["after", "x", "y", "z"]);
        assert_eq!(ids(&p, &s.critical_path.initiatives), ["free"]);
        // Chains stop where they have been: x reaches y, z and after, not itself.
        assert_eq!(
            ids(&p, &s.initiatives[ix(&p, "x")].downstream),
            ["after", "y", "z"]
        );
        assert_eq!(ids(&p, &s.initiatives[ix(&p, "x")].upstream), ["y", "z"]);
    }
}
