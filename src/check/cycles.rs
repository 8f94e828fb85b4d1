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
                    to: p.id.to_string(),
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

/// For each initiative on a dependency loop and not yet in a reported one, the shortest loop
/// from it back to itself. Only initiatives in a loop's strongly connected component are
/// searched, from one pass over the graph: a search from every initiative over all it depends
/// on, directly or not, was quadratic in the number of initiatives.
pub fn initiatives(cx: &mut Ctx) {
    let plan = cx.plan;
    let next = dependency_graph(plan);
    let component = looped_components(&next);
    let mut search = Search::new(next.len());
    let mut reported: BTreeSet<usize> = BTreeSet::new();
    for start in 0..next.len() {
        if component[start].is_none() || reported.contains(&start) {
            continue;
        }
        let Some(path) = search.loop_through(&next, &component, start) else {
            continue;
        };
        reported.extend(path.iter().map(|&(i, _)| i));
        let edges = path
            .iter()
            .map(|&(i, k)| {
                let from = plan.initiative(InitiativeIx::from(i));
                let r = &from.depends_on[k];
                Edge {
                    from: from.id.clone(),
                    to: r.id.to_string(),
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

/// Each initiative's dependencies as indices, in `depends_on` order (its k-th entry is the
/// pair `(k, index)`; references that did not resolve are not in the model).
fn dependency_graph(plan: &crate::model::Plan) -> Vec<Vec<(usize, usize)>> {
    let n = plan.initiatives.len();
    plan.initiatives
        .iter()
        .map(|i| {
            i.depends_on
                .iter()
                .enumerate()
                .map(|(k, d)| (k, d.to.ix()))
                .filter(|&(_, to)| to < n)
                .collect()
        })
        .collect()
}

/// For each node, the strongly connected component it is in when that component holds a loop
/// (two nodes or more, or one that depends on itself); `None` for every other node. Tarjan's
/// algorithm, with an explicit stack: a chain of dependencies can be deeper than the thread's.
fn looped_components(next: &[Vec<(usize, usize)>]) -> Vec<Option<usize>> {
    const UNSEEN: usize = usize::MAX;
    let n = next.len();
    let (mut order, mut low) = (vec![UNSEEN; n], vec![0; n]);
    let mut on_stack = vec![false; n];
    let (mut stack, mut work) = (Vec::new(), Vec::new());
    let mut component = vec![None; n];
    let mut seen = 0;
    for root in 0..n {
        if order[root] != UNSEEN {
            continue;
        }
        work.push((root, 0));
        while let Some(&(v, edge)) = work.last() {
            if edge == 0 {
                (order[v], low[v]) = (seen, seen);
                seen += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&(_, w)) = next[v].get(edge) {
                if let Some(top) = work.last_mut() {
                    top.1 += 1;
                }
                if order[w] == UNSEEN {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(order[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == order[v] {
                let at = stack.iter().rposition(|&w| w == v).unwrap_or(0);
                let members = stack.split_off(at);
                let looped = members.len() > 1 || next[v].iter().any(|&(_, w)| w == v);
                for &m in &members {
                    on_stack[m] = false;
                    component[m] = looped.then_some(v);
                }
            }
        }
    }
    component
}

/// A breadth-first search's memory, kept between searches and cleared of what each touched.
struct Search {
    /// How each node was first reached: (from, index of the edge in from's `depends_on`).
    came: Vec<Option<(usize, usize)>>,
    touched: Vec<usize>,
}

impl Search {
    fn new(n: usize) -> Search {
        Search {
            came: vec![None; n],
            touched: Vec::new(),
        }
    }

    /// The shortest loop from `start` back to it, as (node, index in its `depends_on`); the
    /// search stays in `start`'s component, which every loop through `start` lies in.
    fn loop_through(
        &mut self,
        next: &[Vec<(usize, usize)>],
        component: &[Option<usize>],
        start: usize,
    ) -> Option<Vec<(usize, usize)>> {
        let found = self.search(next, component, start);
        for &t in &self.touched {
            self.came[t] = None;
        }
        self.touched.clear();
        found
    }

    fn search(
        &mut self,
        next: &[Vec<(usize, usize)>],
        component: &[Option<usize>],
        start: usize,
    ) -> Option<Vec<(usize, usize)>> {
        let mut queue = VecDeque::from([start]);
        while let Some(cur) = queue.pop_front() {
            for &(k, to) in &next[cur] {
                if to == start {
                    let mut path = vec![(cur, k)];
                    let mut at = cur;
                    while at != start {
                        let (prev, pk) = self.came[at]?;
                        path.push((prev, pk));
                        at = prev;
                    }
                    path.reverse();
                    return Some(path);
                }
                if component[to] == component[start] && self.came[to].is_none() {
                    self.came[to] = Some((cur, k));
                    self.touched.push(to);
                    queue.push_back(to);
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The loops reported, in order, as the check finds them.
    fn loops(next: &[Vec<(usize, usize)>]) -> Vec<Vec<(usize, usize)>> {
        let component = looped_components(next);
        let mut search = Search::new(next.len());
        let mut reported = BTreeSet::new();
        let mut out = Vec::new();
        for start in 0..next.len() {
            if component[start].is_none() || reported.contains(&start) {
                continue;
            }
            if let Some(path) = search.loop_through(next, &component, start) {
                reported.extend(path.iter().map(|&(i, _)| i));
                out.push(path);
            }
        }
        out
    }

    /// The search this check made before (from every node, over all it reaches), kept as the
    /// reference the component-bounded one must agree with.
    fn loops_by_searching_everything(next: &[Vec<(usize, usize)>]) -> Vec<Vec<(usize, usize)>> {
        let mut reported = BTreeSet::new();
        let mut out = Vec::new();
        for start in 0..next.len() {
            if reported.contains(&start) {
                continue;
            }
            let mut came: Vec<Option<(usize, usize)>> = vec![None; next.len()];
            let mut queue = VecDeque::from([start]);
            let mut found = None;
            'bfs: while let Some(cur) = queue.pop_front() {
                for &(k, to) in &next[cur] {
                    if to == start {
                        let mut path = vec![(cur, k)];
                        let mut at = cur;
                        while at != start {
                            let (prev, pk) = came[at].expect("reached");
                            path.push((prev, pk));
                            at = prev;
                        }
                        path.reverse();
                        found = Some(path);
                        break 'bfs;
                    }
                    if came[to].is_none() {
                        came[to] = Some((cur, k));
                        queue.push_back(to);
                    }
                }
            }
            if let Some(path) = found {
                reported.extend(path.iter().map(|&(i, _)| i));
                out.push(path);
            }
        }
        out
    }

    fn graph(edges: &[&[usize]]) -> Vec<Vec<(usize, usize)>> {
        edges
            .iter()
            .map(|e| e.iter().copied().enumerate().collect())
            .collect()
    }

    #[test]
    fn finds_self_loops_and_shortest_loops_and_nothing_in_a_dag() {
        // 0 → 1 → 2 → 0, and 1 → 3 → 1; 4 depends on itself; 5 → 0 is outside any loop.
        let g = graph(&[&[1], &[3, 2], &[0], &[1], &[4], &[0]]);
        assert_eq!(
            loops(&g),
            vec![
                vec![(0, 0), (1, 1), (2, 0)],
                vec![(3, 0), (1, 0)],
                vec![(4, 0)]
            ]
        );
        let dag = graph(&[&[1, 2], &[2], &[], &[0, 2]]);
        assert!(loops(&dag).is_empty());
        assert!(looped_components(&dag).iter().all(Option::is_none));
    }

    #[test]
    fn agrees_with_searching_from_every_node_on_random_graphs() {
        let mut seed = 11u64;
        let mut rand = |n: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        for n in 1..40 {
            for _ in 0..20 {
                let next: Vec<Vec<(usize, usize)>> = (0..n)
                    .map(|_| (0..rand(4)).map(|k| (k, rand(n))).collect())
                    .collect();
                assert_eq!(
                    loops(&next),
                    loops_by_searching_everything(&next),
                    "{next:?}"
                );
            }
        }
    }

    #[test]
    fn a_chain_deeper_than_any_stack_is_walked_once() {
        // 200,000 initiatives in one chain, the last depending on the first: one loop.
        let n = 200_000;
        let next: Vec<Vec<(usize, usize)>> = (0..n).map(|i| vec![(0, (i + 1) % n)]).collect();
        let found = loops(&next);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].len(), n);
        let open: Vec<Vec<(usize, usize)>> = (0..n)
            .map(|i| if i + 1 < n { vec![(0, i + 1)] } else { vec![] })
            .collect();
        assert!(loops(&open).is_empty());
    }
}
