//! E007: cycles in department nesting and in initiative dependencies.
//!
//! A cycle has no start: a department would be its own ancestor, a dependency chain would never
//! end. Each cycle is reported once, at the first edge of its first member (by id), with every
//! edge as a related place so the author sees the whole loop.

use std::collections::{BTreeSet, VecDeque};

use crate::diag::{codes, Diagnostic, Loc};
use crate::model::{DeptIx, InitiativeIx};

use super::Ctx;

/// One edge of a cycle: from, to, and where it is written.
struct Edge {
    from: String,
    to: String,
    loc: Loc,
}

fn report(cx: &mut Ctx, what: &str, arrow: &str, edges: Vec<Edge>, help: &str) {
    let Some(first) = edges.first() else { return };
    let mut names: Vec<String> = edges.iter().map(|e| format!("`{}`", e.from)).collect();
    names.push(format!("`{}`", first.from));
    let mut d = Diagnostic::new(
        codes::CYCLE,
        first.loc,
        format!("{what} form a cycle: {}", names.join(" → ")),
    )
    .help(help);
    for e in &edges[1..] {
        d = d.related(e.loc, format!("`{}` {arrow} `{}`", e.from, e.to));
    }
    cx.push(d);
}

/// Each department has at most one parent, so following parents either ends or loops.
pub fn departments(cx: &mut Ctx) {
    let plan = cx.plan;
    let parent = |d: DeptIx| plan.department(d).parent.as_ref();
    let mut done = vec![false; plan.departments.len()];
    for start in 0..plan.departments.len() {
        let mut path: Vec<DeptIx> = Vec::new();
        let mut cur = DeptIx::from(start);
        let mut looped = None;
        while !done[cur.ix()] {
            if let Some(at) = path.iter().position(|&d| d == cur) {
                looped = Some(at);
                break;
            }
            path.push(cur);
            match parent(cur) {
                Some(p) => cur = p.to,
                None => break,
            }
        }
        path.iter().for_each(|d| done[d.ix()] = true);
        let Some(at) = looped else { continue };
        let cycle = path[at..].to_vec();
        let edges = cycle
            .iter()
            .filter_map(|&d| {
                let p = parent(d)?;
                Some(Edge {
                    from: plan.department(d).id.clone(),
                    to: p.id.clone(),
                    loc: p.loc,
                })
            })
            .collect();
        report(
            cx,
            "departments nested by `parent`",
            "has parent",
            rotate(edges),
            "a department cannot be its own ancestor: remove or change one of these `parent` fields",
        );
    }
}

/// Start a cycle at its member with the smallest id, so the message does not depend on where
/// the search began.
fn rotate(mut edges: Vec<Edge>) -> Vec<Edge> {
    if let Some(min) = (0..edges.len()).min_by(|&a, &b| edges[a].from.cmp(&edges[b].from)) {
        edges.rotate_left(min);
    }
    edges
}

/// For each initiative not yet in a reported cycle, look for a path from its dependencies back
/// to it (breadth first, so the shortest loop is reported).
pub fn initiatives(cx: &mut Ctx) {
    let plan = cx.plan;
    let mut reported: BTreeSet<InitiativeIx> = BTreeSet::new();
    for start in (0..plan.initiatives.len()).map(InitiativeIx::from) {
        if reported.contains(&start) {
            continue;
        }
        let Some(path) = loop_through(plan, start) else {
            continue;
        };
        reported.extend(path.iter().map(|&(i, _)| i));
        let edges = path
            .iter()
            .map(|&(i, dep)| {
                let r = &plan.initiative(i).depends_on[dep];
                Edge {
                    from: plan.initiative(i).id.clone(),
                    to: r.id.clone(),
                    loc: r.loc,
                }
            })
            .collect();
        report(
            cx,
            "initiatives linked by `depends_on`",
            "depends on",
            edges,
            "a dependency chain must end: remove one of these `depends_on` entries",
        );
    }
}

/// The shortest dependency loop from `start` back to it, as (initiative, index in depends_on).
fn loop_through(
    plan: &crate::model::Plan,
    start: InitiativeIx,
) -> Option<Vec<(InitiativeIx, usize)>> {
    let n = plan.initiatives.len();
    // How each initiative was first reached: (from, index of the edge in from's depends_on).
    let mut came: Vec<Option<(InitiativeIx, usize)>> = vec![None; n];
    let mut queue = VecDeque::from([start]);
    while let Some(cur) = queue.pop_front() {
        for (k, dep) in plan.initiative(cur).depends_on.iter().enumerate() {
            let next = dep.to;
            if next == start {
                let mut path = vec![(cur, k)];
                let mut at = cur;
                while at != start {
                    let (prev, pk) = came[at.ix()]?;
                    path.push((prev, pk));
                    at = prev;
                }
                path.reverse();
                return Some(path);
            }
            if next.ix() < n && came[next.ix()].is_none() {
                came[next.ix()] = Some((cur, k));
                queue.push_back(next);
            }
        }
    }
    None
}
