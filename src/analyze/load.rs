//! load: resource load per person and calendar month, over-allocation, and load per
//! department for the resource-load chart.
//!
//! Each allocation (and each task that gives an `fte`) counts its FTE in every calendar month it
//! touches, prorated by the calendar days it covers in that month: an allocation from the 16th
//! of a 30-day month counts 15/30 of its FTE there. A task without dates runs over its
//! initiative's dates. Cancelled initiatives still count: their dates and allocations are what
//! the authors wrote, and the check that warns about them is the one place to decide otherwise.
//!
//! The load holds no place in a file: a contribution names its allocation or task by its
//! initiative and its place in that initiative's list, and the place in the file is looked up
//! in the plan when a diagnostic needs it. So a load stays valid for any plan with equal
//! [`LoadInputs`], and `serve` keeps it across edits that move text but change no figure.

use std::sync::Arc;

use rayon::prelude::*;

use super::budget::{post_order, same_tree, tree};
use super::ser;
use crate::diag::Loc;
use crate::model::{Date, DeptIx, InitiativeIx, Month, PersonIx, Plan};

/// Load above capacity by more than this is over-allocation (float sums of shares).
pub const TOLERANCE: f64 = 1e-9;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    Allocation,
    Task,
}

/// One allocation or task's part of a person's month.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Contribution {
    #[serde(serialize_with = "ser::ix")]
    pub initiative: InitiativeIx,
    pub kind: SourceKind,
    /// The task's title (none for an allocation). Shared: a task spread over 20 months is 20
    /// contributions, and copying its title into each was most of the analysis' allocations.
    pub title: Option<Arc<str>>,
    /// The FTE as written.
    pub fte: f64,
    /// The FTE prorated to the days covered in the month.
    pub load: f64,
    /// The allocation's or task's place in its initiative's list of them.
    #[serde(skip)]
    pub index: u32,
}

impl Contribution {
    /// Where the allocation or task was written.
    pub fn loc(&self, plan: &Plan) -> Option<Loc> {
        let ini = plan.initiatives.get(self.initiative.ix())?;
        let i = self.index as usize;
        match self.kind {
            SourceKind::Allocation => ini.allocations.get(i).map(|a| a.loc),
            SourceKind::Task => ini.tasks.get(i).map(|t| t.loc),
        }
    }
}

/// A person's load in one month.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MonthLoad {
    #[serde(serialize_with = "ser::month")]
    pub month: Month,
    pub load: f64,
    pub capacity: f64,
    pub over: bool,
    pub contributions: Vec<Contribution>,
}

/// A run of consecutive over-allocated months.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OverRun {
    #[serde(serialize_with = "ser::month")]
    pub first: Month,
    #[serde(serialize_with = "ser::month")]
    pub last: Month,
    /// The highest load in the run.
    pub peak: f64,
    /// Where to point a diagnostic: the largest contribution in the run's first month.
    #[serde(skip)]
    pub largest: Option<Contribution>,
}

/// One person's load over time.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PersonLoad {
    pub capacity: f64,
    /// Months with any load, in order.
    pub months: Vec<MonthLoad>,
    pub over: Vec<OverRun>,
}

/// Load and capacity of a group of people in one month.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct GroupMonth {
    #[serde(serialize_with = "ser::month")]
    pub month: Month,
    pub load: f64,
    pub capacity: f64,
}

/// Load of the people of a department and all departments under it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DeptLoad {
    pub people: usize,
    pub capacity: f64,
    /// One entry per month of `Load::months`.
    pub months: Vec<GroupMonth>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Load {
    /// The months from the first to the last with any load (the charts' axis).
    #[serde(serialize_with = "months")]
    pub months: Vec<Month>,
    /// By `PersonIx`.
    pub people: Vec<PersonLoad>,
    /// By `DeptIx`: the people of the department and its descendants.
    pub departments: Vec<DeptLoad>,
    /// Everyone, one entry per month of `months`.
    pub org: Vec<GroupMonth>,
    /// Initiatives that allocate nobody.
    #[serde(serialize_with = "ser::ixs")]
    pub unallocated: Vec<InitiativeIx>,
}

fn months<S: serde::Serializer>(v: &[Month], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(v.iter().map(|m| m.to_string()))
}

/// The share of each calendar month that `from..=to` covers, in days.
pub fn month_shares(from: Date, to: Date) -> Vec<(Month, f64)> {
    if to < from {
        return Vec::new();
    }
    let (first, last) = (Month::of(from), Month::of(to));
    (first.0..=last.0)
        .map(Month)
        .map(|m| {
            let s = from.max(m.first_day());
            let e = to.min(m.last_day());
            let days = (e - s).num_days() + 1;
            (m, days as f64 / m.days() as f64)
        })
        .collect()
}

/// An allocation, or a task with an owner and an FTE: a person's share of an initiative over a
/// span of days. `T` is the task's title: borrowed from the plan, or kept in [`LoadInputs`].
#[derive(Clone, Debug)]
struct Source<T> {
    person: PersonIx,
    from: Date,
    to: Date,
    initiative: InitiativeIx,
    kind: SourceKind,
    index: u32,
    fte: f64,
    title: Option<T>,
}

impl<T: AsRef<str>> Source<T> {
    fn same_as(&self, s: &Source<&str>) -> bool {
        self.person == s.person
            && self.from == s.from
            && self.to == s.to
            && self.initiative == s.initiative
            && self.kind == s.kind
            && self.index == s.index
            && same_number(self.fte, s.fte)
            && self.title.as_ref().map(AsRef::as_ref) == s.title
    }

    fn kept(&self) -> Source<Arc<str>> {
        Source {
            person: self.person,
            from: self.from,
            to: self.to,
            initiative: self.initiative,
            kind: self.kind,
            index: self.index,
            fte: self.fte,
            title: self.title.as_ref().map(|t| Arc::from(t.as_ref())),
        }
    }

    /// The contribution before proration.
    fn contribution(&self) -> Contribution {
        Contribution {
            initiative: self.initiative,
            kind: self.kind,
            title: self.title.as_ref().map(|t| Arc::from(t.as_ref())),
            fte: self.fte,
            load: 0.0,
            index: self.index,
        }
    }
}

/// Every source of the plan, in plan order: each initiative's allocations, then its tasks.
fn sources(plan: &Plan) -> impl Iterator<Item = Source<&str>> {
    plan.initiatives.iter().enumerate().flat_map(|(i, ini)| {
        let initiative = InitiativeIx::from(i);
        let allocations = ini
            .allocations
            .iter()
            .enumerate()
            .map(move |(k, a)| Source {
                person: a.person.to,
                from: a.from,
                to: a.to,
                initiative,
                kind: SourceKind::Allocation,
                index: k as u32,
                fte: a.fte,
                title: None,
            });
        let tasks = ini.tasks.iter().enumerate().filter_map(move |(k, t)| {
            Some(Source {
                person: t.owner.as_ref()?.to,
                from: t.start.unwrap_or(ini.start),
                to: t.end.unwrap_or(ini.end),
                initiative,
                kind: SourceKind::Task,
                index: k as u32,
                fte: t.fte?,
                title: Some(t.title.as_str()),
            })
        });
        allocations.chain(tasks)
    })
}

/// Numbers compared as written: `-0.0 == 0.0`, yet the load shows the sign it was given.
fn same_number(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits()
}

/// Everything the load is made from, places in files left out: a load made from equal inputs
/// is the load of any plan that has them.
#[derive(Clone, Debug)]
pub(crate) struct LoadInputs {
    sources: Vec<Source<Arc<str>>>,
    /// Each person's capacity (its bits, see `same_number`) and department.
    people: Vec<(u64, Option<DeptIx>)>,
    /// The department tree department loads are summed over (see `budget::tree`).
    tree: Vec<(Option<DeptIx>, Vec<DeptIx>)>,
    initiatives: usize,
}

impl LoadInputs {
    pub fn of(plan: &Plan) -> LoadInputs {
        LoadInputs {
            sources: sources(plan).map(|s| s.kept()).collect(),
            people: people(plan).collect(),
            tree: tree(plan).map(|(p, c)| (p, c.to_vec())).collect(),
            initiatives: plan.initiatives.len(),
        }
    }

    /// Whether `plan` has these inputs; cheaper than building its own and comparing.
    pub fn matches(&self, plan: &Plan) -> bool {
        let mut fresh = sources(plan);
        self.initiatives == plan.initiatives.len()
            && self.people.len() == plan.people.len()
            && same_tree(plan, &self.tree)
            && people(plan).eq(self.people.iter().copied())
            && self
                .sources
                .iter()
                .all(|kept| fresh.next().is_some_and(|s| kept.same_as(&s)))
            && fresh.next().is_none()
    }
}

fn people(plan: &Plan) -> impl Iterator<Item = (u64, Option<DeptIx>)> + '_ {
    plan.people
        .iter()
        .map(|p| (p.capacity.to_bits(), p.department.as_ref().map(|r| r.to)))
}

/// Compute every load figure.
pub fn load(plan: &Plan) -> Load {
    // Sources grouped by person in plan order, then each person's months made on rayon's
    // threads: the proration (a contribution per source and month) was most of the analysis
    // on one thread.
    let mut per: Vec<Vec<Source<&str>>> = (0..plan.people.len()).map(|_| Vec::new()).collect();
    for s in sources(plan) {
        if let Some(p) = per.get_mut(s.person.ix()) {
            p.push(s);
        }
    }
    let people: Vec<PersonLoad> = plan
        .people
        .par_iter()
        .zip(per)
        .map(|(person, sources)| person_load(person.capacity, by_month(sources)))
        .collect();
    let axis = axis(&people);
    let everyone: Vec<usize> = (0..people.len()).collect();
    let org = group(plan, &people, &axis, &everyone);
    let departments = departments(plan, &people, &axis);
    let unallocated = plan
        .initiatives
        .iter()
        .enumerate()
        .filter(|(_, i)| i.allocations.is_empty())
        .map(|(i, _)| InitiativeIx::from(i))
        .collect();
    Load {
        months: axis,
        people,
        departments,
        org: org.months,
        unallocated,
    }
}

/// One person's sources prorated into the calendar months they touch, in month order and,
/// within a month, in source order.
///
/// Each month's list is allocated at its exact length. Pushing into a list per month gave
/// every month room for four (most months have one), and these lists live as long as the
/// analysis: 10.6 MB on the enterprise plan where 2.9 MB are used.
fn by_month(sources: Vec<Source<&str>>) -> Vec<(Month, Vec<Contribution>)> {
    let mut all: Vec<(Month, Contribution)> = Vec::new();
    for s in sources {
        let before = s.contribution();
        for (m, share) in month_shares(s.from, s.to) {
            let mut c = before.clone();
            c.load = c.fte * share;
            all.push((m, c));
        }
    }
    // Stable: the order within a month stays the sources' order.
    all.sort_by_key(|(m, _)| *m);
    // Collected from a slice, each month's list is allocated once at its length.
    all.chunk_by(|a, b| a.0 == b.0)
        .map(|run| (run[0].0, run.iter().map(|(_, c)| c.clone()).collect()))
        .collect()
}

fn person_load(capacity: f64, months: Vec<(Month, Vec<Contribution>)>) -> PersonLoad {
    let months: Vec<MonthLoad> = months
        .into_iter()
        .map(|(month, contributions)| {
            let load: f64 = contributions.iter().map(|c| c.load).sum();
            MonthLoad {
                month,
                load,
                capacity,
                over: load > capacity + TOLERANCE,
                contributions,
            }
        })
        .collect();
    let over = over_runs(&months);
    PersonLoad {
        capacity,
        months,
        over,
    }
}

/// Consecutive over-allocated months grouped into runs.
fn over_runs(months: &[MonthLoad]) -> Vec<OverRun> {
    let mut runs: Vec<OverRun> = Vec::new();
    for m in months.iter().filter(|m| m.over) {
        match runs.last_mut() {
            Some(r) if r.last.next() == m.month => {
                r.last = m.month;
                r.peak = r.peak.max(m.load);
            }
            _ => runs.push(OverRun {
                first: m.month,
                last: m.month,
                peak: m.load,
                largest: m
                    .contributions
                    .iter()
                    .max_by(|a, b| a.load.total_cmp(&b.load))
                    .cloned(),
            }),
        }
    }
    runs
}

/// Every month from the first to the last with any load.
fn axis(people: &[PersonLoad]) -> Vec<Month> {
    let first = people
        .iter()
        .filter_map(|p| p.months.first())
        .map(|m| m.month)
        .min();
    let last = people
        .iter()
        .filter_map(|p| p.months.last())
        .map(|m| m.month)
        .max();
    match (first, last) {
        (Some(f), Some(l)) => (f.0..=l.0).map(Month).collect(),
        _ => Vec::new(),
    }
}

/// Load of the people `members` (indices), on the axis.
fn group(plan: &Plan, people: &[PersonLoad], axis: &[Month], members: &[usize]) -> DeptLoad {
    let mut load = vec![0.0; axis.len()];
    let (mut n, mut capacity) = (0, 0.0);
    let start = axis.first().map_or(0, |m| m.0);
    for &i in members {
        let Some(p) = people.get(i) else { continue };
        n += 1;
        capacity += plan.people[i].capacity;
        for m in &p.months {
            if let Some(x) = load.get_mut((m.month.0 - start) as usize) {
                *x += m.load;
            }
        }
    }
    DeptLoad {
        people: n,
        capacity,
        months: axis
            .iter()
            .zip(load)
            .map(|(&month, load)| GroupMonth {
                month,
                load,
                capacity,
            })
            .collect(),
    }
}

/// Each department's own people, then summed bottom-up with the departments under it.
fn departments(plan: &Plan, people: &[PersonLoad], axis: &[Month]) -> Vec<DeptLoad> {
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); plan.departments.len()];
    for (i, p) in plan.people.iter().enumerate() {
        if let Some(m) = p
            .department
            .as_ref()
            .and_then(|r| members.get_mut(r.to.ix()))
        {
            m.push(i);
        }
    }
    let mut sub: Vec<DeptLoad> = members
        .iter()
        .map(|m| group(plan, people, axis, m))
        .collect();
    for d in post_order(plan) {
        let children = plan.department(d).children.clone();
        for c in children {
            let child = sub[c.ix()].clone();
            let me = &mut sub[d.ix()];
            me.people += child.people;
            me.capacity += child.capacity;
            for (a, b) in me.months.iter_mut().zip(&child.months) {
                a.load += b.load;
            }
        }
        let cap = sub[d.ix()].capacity;
        for m in &mut sub[d.ix()].months {
            m.capacity = cap;
        }
    }
    sub
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::testutil::{d, dept, plan, plan_toml};

    const PEOPLE: &str = "[[person]]\nid = \"ann\"\nname = \"Ann\"\ndepartment = \"a\"\n\
        [[person]]\nid = \"bob\"\nname = \"Bob\"\ndepartment = \"a-sub\"\ncapacity = 0.5\n\
        [[person]]\nid = \"cat\"\nname = \"Cat\"\n";

    const X: &str = "+++\ntitle = \"X\"\nowner = \"ann\"\nstart = 2026-04-01\nend = 2026-12-31\n\
        [[allocation]]\nperson = \"ann\"\nfte = 0.5\nfrom = 2026-04-16\nto = 2026-06-30\n\
        [[allocation]]\nperson = \"ann\"\nfte = 0.6\nfrom = 2026-05-01\nto = 2026-07-31\n\
        [[allocation]]\nperson = \"ann\"\nfte = 1.5\nfrom = 2026-09-01\nto = 2026-09-30\n\
        [[allocation]]\nperson = \"bob\"\nfte = 0.5\n\
        [[task]]\ntitle = \"Docs\"\nowner = \"ann\"\nstart = 2026-06-01\nend = 2026-06-15\nfte = 0.2\n\
        [[task]]\ntitle = \"Review\"\nowner = \"bob\"\n+++\n";
    const Y: &str =
        "+++\ntitle = \"Y\"\nowner = \"cat\"\nstart = 2026-04-01\nend = 2026-04-30\n+++\n";

    fn fixture() -> (Plan, Load) {
        let p = plan(&[
            ("plan.toml", &plan_toml(1, "2026-06-30")),
            ("people.toml", PEOPLE),
            ("departments/a/department.md", &dept("A", None)),
            ("departments/a-sub/department.md", &dept("Sub", Some("a"))),
            ("departments/a/initiatives/x.md", X),
            ("departments/a/initiatives/y.md", Y),
        ]);
        let l = load(&p);
        (p, l)
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn month_shares_count_calendar_days() {
        let s = month_shares(d("2024-02-10"), d("2024-03-05"));
        assert_eq!(
            s,
            [
                (Month::new(2024, 2), 20.0 / 29.0),
                (Month::new(2024, 3), 5.0 / 31.0)
            ]
        );
        assert!(month_shares(d("2024-03-05"), d("2024-03-04")).is_empty());
    }

    #[test]
    fn person_load_prorates_mid_month_starts_and_counts_tasks_with_fte() {
        let (p, l) = fixture();
        let ann = &l.people[p.index.people["ann"].ix()];
        let by: Vec<(String, f64)> = ann
            .months
            .iter()
            .map(|m| (m.month.to_string(), m.load))
            .collect();
        // April: 0.5 × 15/30; May: 0.5 + 0.6; June: 0.5 + 0.6 + 0.2 × 15/30; July 0.6; Sept 1.5.
        let want = [
            ("2026-04", 0.25),
            ("2026-05", 1.1),
            ("2026-06", 1.2),
            ("2026-07", 0.6),
            ("2026-09", 1.5),
        ];
        assert_eq!(by.len(), want.len());
        for ((m, v), (wm, wv)) in by.iter().zip(want) {
            assert_eq!(m, wm);
            assert!(close(*v, wv), "{m}: {v} vs {wv}");
        }
        assert_eq!(ann.months[2].contributions.len(), 3);
    }

    #[test]
    fn a_months_contributions_keep_the_plans_order_and_take_no_spare_room() {
        let (p, l) = fixture();
        let ann = &l.people[p.index.people["ann"].ix()];
        // June: both allocations in file order, then the task (tasks follow allocations).
        let june: Vec<(SourceKind, f64)> = ann.months[2]
            .contributions
            .iter()
            .map(|c| (c.kind, c.fte))
            .collect();
        assert_eq!(
            june,
            [
                (SourceKind::Allocation, 0.5),
                (SourceKind::Allocation, 0.6),
                (SourceKind::Task, 0.2)
            ]
        );
        for m in &ann.months {
            assert_eq!(
                m.contributions.capacity(),
                m.contributions.len(),
                "{}",
                m.month
            );
        }
    }

    #[test]
    fn over_allocation_runs_and_tolerance() {
        let (p, l) = fixture();
        let ann = &l.people[p.index.people["ann"].ix()];
        let runs: Vec<_> = ann
            .over
            .iter()
            .map(|r| (r.first.to_string(), r.last.to_string()))
            .collect();
        assert_eq!(
            runs,
            [
                ("2026-05".into(), "2026-06".into()),
                ("2026-09".into(), "2026-09".into())
            ]
        );
        assert!(close(ann.over[0].peak, 1.2));
        // Pointed at the largest contribution of May: the 0.6 allocation (line 5 of x.md).
        let loc = ann.over[0].largest.as_ref().and_then(|c| c.loc(&p));
        let x = &p.initiatives[p.index.initiatives["x"].ix()];
        assert_eq!(loc, Some(x.allocations[1].loc));
        // Bob: 0.5 of 0.5 every month is full, not over.
        let bob = &l.people[p.index.people["bob"].ix()];
        assert_eq!(bob.months.len(), 9);
        assert!(bob.over.is_empty());
    }

    #[test]
    fn department_load_includes_descendants() {
        let (p, l) = fixture();
        assert_eq!(l.months.len(), 9); // April to December 2026
        let a = &l.departments[p.index.departments["a"].ix()];
        assert_eq!((a.people, a.capacity), (2, 1.5));
        assert!(close(a.months[0].load, 0.75));
        assert!(close(a.months[1].load, 1.6));
        assert_eq!(a.months[1].capacity, 1.5);
        let sub = &l.departments[p.index.departments["a-sub"].ix()];
        assert_eq!((sub.people, sub.capacity), (1, 0.5));
        assert!(close(sub.months[8].load, 0.5));
        assert_eq!(l.org[0].capacity, 2.5);
        let unallocated: Vec<_> = l
            .unallocated
            .iter()
            .map(|i| p.initiative(*i).id.as_str())
            .collect();
        assert_eq!(unallocated, ["y"]);
    }
}
