//! Assemble parsed fragments into a `Plan`: order, duplicates, indices and references.

use rustc_hash::FxHashMap as HashMap;

use crate::diag::{codes, Diagnostic, Loc};
use crate::load::Loaded;
use crate::model::*;
use crate::parse::{Parts, TeamName};
use crate::suggest;

/// Keep the first of each id (in path order), report the others naming both places, sort by id.
fn unique<T>(
    items: Vec<T>,
    kind: &str,
    id: impl Fn(&T) -> &str,
    loc: impl Fn(&T) -> Loc,
    loaded: &Loaded,
    diags: &mut Vec<Diagnostic>,
) -> Vec<T> {
    // Fx-hashed and presized: see `model::Index`.
    let mut first: HashMap<String, Loc> = HashMap::default();
    first.reserve(items.len());
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let key = id(&item).to_string();
        match first.get(&key) {
            Some(&prev) => diags.push(
                Diagnostic::new(
                    codes::DUPLICATE_ID,
                    loc(&item),
                    format!("{kind} `{key}` is defined twice"),
                )
                .related(prev, "first defined here")
                .help(format!(
                    "{kind} ids are unique across the plan; rename one (first at {})",
                    loaded.sources.describe(prev)
                )),
            ),
            None => {
                first.insert(key, loc(&item));
                out.push(item);
            }
        }
    }
    sorted_by_id(out, id)
}

/// `items` ordered by their (unique) ids. The order is found on indices and the items moved
/// once: sorting the items themselves moves each of them O(log n) times, and an initiative or
/// a person is hundreds of bytes (this sort was a third of a `serve` rebuild's model assembly).
fn sorted_by_id<T>(items: Vec<T>, id: impl Fn(&T) -> &str) -> Vec<T> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_unstable_by(|&a, &b| id(&items[a]).cmp(id(&items[b])));
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    // `order` is a permutation, so each slot is taken exactly once.
    order.iter().filter_map(|&i| slots[i].take()).collect()
}

fn index_of<I: From<usize>>(ids: impl Iterator<Item = String>) -> HashMap<String, I> {
    ids.enumerate().map(|(i, id)| (id, I::from(i))).collect()
}

pub fn assemble(
    settings: Settings,
    parts: Parts,
    loaded: &Loaded,
    diags: &mut Vec<Diagnostic>,
) -> Plan {
    let Parts {
        strategy,
        goals,
        people,
        departments,
        budgets,
        objectives,
        kpis,
        initiatives,
        mut checkins,
        appraisal,
    } = parts;

    // Departments and their teams.
    let found: Vec<&str> = departments.iter().map(|(d, _)| d.id.as_str()).collect();
    for dir in &loaded.department_dirs {
        if !found.contains(&dir.as_str()) {
            let at = loaded
                .sources
                .iter()
                .find(|(_, f)| f.path.starts_with(&format!("departments/{dir}/")))
                .map(|(id, _)| Loc::file(id))
                .unwrap_or_else(|| Loc::file(settings.file));
            diags.push(
                Diagnostic::new(codes::MISSING_DEPARTMENT_FILE, at, format!("the department folder `departments/{dir}` has no department.md"))
                    .help(format!("create departments/{dir}/department.md with front matter such as `name = \"…\"`")),
            );
        }
    }
    let mut departments = departments;
    departments.sort_by(|a, b| a.0.id.cmp(&b.0.id));
    let dept_index: HashMap<String, DeptIx> =
        index_of(departments.iter().map(|(d, _)| d.id.clone()));
    let mut all_teams = Vec::new();
    let mut depts = Vec::new();
    for (di, (mut dept, teams)) in departments.into_iter().enumerate() {
        let teams = unique(teams, "team", |t| &t.id, |t| t.loc, loaded, diags);
        for mut t in teams {
            t.department = DeptIx::from(di);
            dept.teams.push(TeamIx::from(all_teams.len()));
            all_teams.push(t);
        }
        depts.push(dept);
    }
    let team_index: HashMap<(String, String), TeamIx> = all_teams
        .iter()
        .enumerate()
        .map(|(i, t)| {
            (
                (depts[t.department.ix()].id.clone(), t.id.clone()),
                TeamIx::from(i),
            )
        })
        .collect();

    let goals = unique(goals, "goal", |g| &g.id, |g| g.loc, loaded, diags);
    let people = unique(people, "person", |p| &p.0.id, |p| p.0.loc, loaded, diags);
    let mut kpi_list = Vec::with_capacity(kpis.iter().map(|(_, l)| l.len()).sum());
    for (dept, list) in kpis {
        let d = dept.as_ref().and_then(|d| dept_index.get(d).copied());
        if dept.is_some() && d.is_none() {
            continue; // its department folder has no department.md: reported above
        }
        kpi_list.extend(list.into_iter().map(|mut k| {
            k.department = d;
            k
        }));
    }
    let kpis = unique(kpi_list, "KPI", |k| &k.id, |k| k.loc, loaded, diags);
    let mut obj_list = Vec::with_capacity(objectives.iter().map(|(_, l)| l.len()).sum());
    for (dept, list) in objectives {
        let Some(&d) = dept_index.get(&dept) else {
            continue;
        };
        obj_list.extend(list.into_iter().map(|(mut o, team)| {
            o.department = d;
            (o, team)
        }));
    }
    let objectives = unique(
        obj_list,
        "objective",
        |o| &o.0.id,
        |o| o.0.loc,
        loaded,
        diags,
    );
    let mut init_list = Vec::with_capacity(initiatives.len());
    for (dept, mut i) in initiatives {
        let Some(&d) = dept_index.get(&dept) else {
            continue;
        };
        i.department = d;
        init_list.push(i);
    }
    let initiatives = unique(init_list, "initiative", |i| &i.id, |i| i.loc, loaded, diags);
    // Presized, like the lists above: growing a list of large items copies it again and again.
    let mut budget_lines = Vec::with_capacity(budgets.iter().map(|(_, l, _)| l.len()).sum());
    let mut caps = Vec::with_capacity(budgets.iter().map(|(_, _, c)| c.len()).sum());
    for (dept, lines, cs) in budgets {
        let Some(&d) = dept_index.get(&dept) else {
            continue;
        };
        budget_lines.extend(lines.into_iter().map(|mut l| {
            l.department = d;
            l
        }));
        caps.extend(cs.into_iter().map(|mut c| {
            c.department = d;
            c
        }));
    }
    checkins.sort_by(|a, b| a.date.cmp(&b.date).then(a.loc.file.cmp(&b.loc.file)));

    let index = Index {
        goals: index_of(goals.iter().map(|g| g.id.clone())),
        people: index_of(people.iter().map(|p| p.0.id.clone())),
        departments: dept_index,
        teams: team_index,
        kpis: index_of(kpis.iter().map(|k| k.id.clone())),
        objectives: index_of(objectives.iter().map(|o| o.0.id.clone())),
        initiatives: index_of(initiatives.iter().map(|i| i.id.clone())),
    };
    let mut plan = Plan {
        settings,
        strategy,
        goals,
        people: Vec::new(),
        departments: depts,
        teams: all_teams,
        kpis,
        objectives: Vec::new(),
        initiatives,
        budget_lines,
        caps,
        checkins,
        appraisal,
        index,
    };
    // Check-ins hold most of a plan's references (every reading names its KPI and every
    // update its initiative: 62,000 of them in the enterprise plan), so they are resolved
    // beside the rest; their diagnostics follow the others' as before.
    let index = std::mem::take(&mut plan.index);
    let mut checkins = std::mem::take(&mut plan.checkins);
    let (checkin_diags, (people, objectives)) = rayon::join(
        || resolve_checkins(&mut checkins, &index),
        || {
            let rs = Resolver {
                index: &index,
                diags,
            };
            rs.the_rest(&mut plan, people, objectives)
        },
    );
    diags.extend(checkin_diags);
    plan.index = index;
    plan.checkins = checkins;
    plan.people = people;
    plan.objectives = objectives;
    link_children(&mut plan);
    default_as_of(&mut plan, diags);
    plan
}

/// Where each kind's ids live, for resolving references of that kind.
trait Lookup<I> {
    fn map(index: &Index) -> &HashMap<String, I>;
}
macro_rules! lookup {
    ($ix:ty, $field:ident) => {
        impl Lookup<$ix> for Index {
            fn map(index: &Index) -> &HashMap<String, $ix> {
                &index.$field
            }
        }
    };
}
lookup!(GoalIx, goals);
lookup!(PersonIx, people);
lookup!(DeptIx, departments);
lookup!(KpiIx, kpis);
lookup!(ObjectiveIx, objectives);
lookup!(InitiativeIx, initiatives);

struct Resolver<'a> {
    index: &'a Index,
    diags: &'a mut Vec<Diagnostic>,
}

impl Resolver<'_> {
    fn one<I: Copy>(&mut self, r: &mut Ref<I>, kind: &str) -> bool
    where
        Index: Lookup<I>,
    {
        let map = <Index as Lookup<I>>::map(self.index);
        if let Some(&to) = map.get(&*r.id) {
            r.to = to;
            return true;
        }
        self.unknown(r.loc, kind, &r.id, map.keys().map(String::as_str));
        false
    }

    fn unknown<'k>(
        &mut self,
        loc: Loc,
        kind: &str,
        id: &str,
        known: impl Iterator<Item = &'k str>,
    ) {
        let mut known: Vec<&str> = known.collect();
        known.sort_unstable();
        let help = match suggest::nearest(id, known.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None if known.is_empty() => format!("the plan defines no {kind} yet"),
            None => format!(
                "no {kind} has a similar id; known ids start with {}",
                known
                    .iter()
                    .take(5)
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        self.diags.push(
            Diagnostic::new(
                codes::UNKNOWN_REFERENCE,
                loc,
                format!("unknown {kind} `{id}`"),
            )
            .help(help),
        );
    }

    fn opt<I: Copy>(&mut self, r: &mut Option<Ref<I>>, kind: &str)
    where
        Index: Lookup<I>,
    {
        if let Some(x) = r {
            if !self.one(x, kind) {
                *r = None;
            }
        }
    }

    fn opt_dept(&mut self, r: &mut Option<Ref<DeptIx>>) {
        self.opt(r, "department");
    }

    fn many<I: Copy>(&mut self, v: &mut Vec<Ref<I>>, kind: &str)
    where
        Index: Lookup<I>,
    {
        v.retain_mut(|x| self.one(x, kind));
    }

    /// Teams are referred to from inside their department.
    fn team(&mut self, r: &mut Option<Ref<TeamIx>>, dept: Option<&Department>) {
        let Some(t) = r else { return };
        let Some(dept) = dept else {
            let d = Diagnostic::new(
                codes::UNKNOWN_REFERENCE,
                t.loc,
                format!("team `{}` is given without a department", t.id),
            )
            .help("teams belong to a department: set `department` too");
            self.diags.push(d);
            *r = None;
            return;
        };
        if let Some(&to) = self.index.teams.get(&(dept.id.clone(), t.id.to_string())) {
            t.to = to;
            return;
        }
        let names: Vec<String> = self
            .index
            .teams
            .keys()
            .filter(|(d, _)| *d == dept.id)
            .map(|(_, t)| t.clone())
            .collect();
        let loc = t.loc;
        let id = t.id.clone();
        self.unknown(
            loc,
            &format!("team of department `{}`", dept.id),
            &id,
            names.iter().map(String::as_str),
        );
        *r = None;
    }

    fn person(
        &mut self,
        mut p: Person,
        team: Option<(String, std::ops::Range<usize>)>,
        depts: &[Department],
    ) -> Person {
        self.opt_dept(&mut p.department);
        let mut t = team.map(|(id, span)| Ref {
            id: std::sync::Arc::from(id),
            loc: Loc::new(p.loc.file, crate::diag::Span::new(span.start, span.end)),
            to: TeamIx::default(),
        });
        // A person's team span is relative to the TOML text, which for people.toml is the file.
        self.team(&mut t, p.department.as_ref().map(|d| &depts[d.to.ix()]));
        p.team = t;
        p
    }

    fn objective(
        &mut self,
        mut o: Objective,
        team: Option<(String, std::ops::Range<usize>)>,
        depts: &[Department],
    ) -> Objective {
        self.many(&mut o.goals, "goal");
        o.key_results.retain_mut(|k| self.one(&mut k.kpi, "KPI"));
        let mut t = team.map(|(id, span)| Ref {
            id: std::sync::Arc::from(id),
            loc: Loc::new(o.loc.file, crate::diag::Span::new(span.start, span.end)),
            to: TeamIx::default(),
        });
        self.team(&mut t, Some(&depts[o.department.ix()]));
        o.team = t;
        o
    }

    /// Every reference outside the check-ins, in plan order; people and objectives are
    /// resolved as they are made.
    fn the_rest(
        mut self,
        plan: &mut Plan,
        people: Vec<(Person, TeamName)>,
        objectives: Vec<(Objective, TeamName)>,
    ) -> (Vec<Person>, Vec<Objective>) {
        let people: Vec<Person> = people
            .into_iter()
            .map(|(p, team)| self.person(p, team, &plan.departments))
            .collect();
        let objectives: Vec<Objective> = objectives
            .into_iter()
            .map(|(o, team)| self.objective(o, team, &plan.departments))
            .collect();
        for d in &mut plan.departments {
            self.opt(&mut d.head, "person");
            self.opt_dept(&mut d.parent);
        }
        for t in &mut plan.teams {
            self.opt(&mut t.lead, "person");
        }
        for g in &mut plan.goals {
            self.opt(&mut g.owner, "person");
            self.many(&mut g.kpis, "KPI");
        }
        for k in &mut plan.kpis {
            self.opt(&mut k.owner, "person");
            self.opt(&mut k.goal, "goal");
        }
        for i in &mut plan.initiatives {
            self.initiative(i, &plan.departments);
        }
        for l in &mut plan.budget_lines {
            self.opt(&mut l.initiative, "initiative");
        }
        (people, objectives)
    }

    fn initiative(&mut self, i: &mut Initiative, depts: &[Department]) {
        self.opt(&mut i.owner, "person");
        let mut team = i.team.take();
        self.team(&mut team, Some(&depts[i.department.ix()]));
        i.team = team;
        self.many(&mut i.goals, "goal");
        self.many(&mut i.objectives, "objective");
        self.many(&mut i.kpis, "KPI");
        self.many(&mut i.depends_on, "initiative");
        self.many(&mut i.collaborators, "department");
        i.allocations
            .retain_mut(|a| self.one(&mut a.person, "person"));
        for t in &mut i.tasks {
            self.opt(&mut t.owner, "person");
        }
    }
}

fn resolve_checkins(checkins: &mut [CheckIn], index: &Index) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let mut rs = Resolver {
        index,
        diags: &mut diags,
    };
    for c in checkins {
        c.readings.retain_mut(|x| rs.one(&mut x.kpi, "KPI"));
        c.updates
            .retain_mut(|x| rs.one(&mut x.initiative, "initiative"));
        c.milestones
            .retain_mut(|x| rs.one(&mut x.initiative, "initiative"));
    }
    diags
}

fn link_children(plan: &mut Plan) {
    let mut children: Vec<Vec<DeptIx>> = vec![Vec::new(); plan.departments.len()];
    for (i, d) in plan.departments.iter().enumerate() {
        if let Some(p) = &d.parent {
            if p.to.ix() != i {
                children[p.to.ix()].push(DeptIx::from(i));
            }
        }
    }
    for (d, c) in plan.departments.iter_mut().zip(children) {
        d.children = c;
    }
}

/// `as_of` when plan.toml does not say: the latest check-in, else the horizon's first day.
fn default_as_of(plan: &mut Plan, diags: &mut Vec<Diagnostic>) {
    if plan.settings.as_of_source == AsOfSource::Declared {
        return;
    }
    if let Some(last) = plan.checkins.iter().map(|c| c.date).max() {
        plan.settings.as_of = last;
        plan.settings.as_of_source = AsOfSource::LatestCheckIn;
    } else {
        plan.settings.as_of = plan.settings.horizon().first_day();
        plan.settings.as_of_source = AsOfSource::HorizonStart;
        diags.push(
            Diagnostic::new(
                codes::AS_OF_DEFAULTED,
                Loc::file(plan.settings.file),
                format!(
                    "no `as_of` and no check-ins: status is as of the horizon's first day, {}",
                    plan.settings.as_of
                ),
            )
            .help("set `as_of = 2026-06-30` in plan.toml, or add a check-in under progress/"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_by_id_and_keeps_each_item_whole() {
        let items: Vec<(String, usize)> = ["kpi-9", "a", "kpi-10", "b-2", "b", ""]
            .iter()
            .enumerate()
            .map(|(n, id)| (id.to_string(), n))
            .collect();
        let sorted = sorted_by_id(items, |(id, _)| id);
        let got: Vec<(&str, usize)> = sorted.iter().map(|(id, n)| (id.as_str(), *n)).collect();
        assert_eq!(
            got,
            [
                ("", 5),
                ("a", 1),
                ("b", 4),
                ("b-2", 3),
                ("kpi-10", 2),
                ("kpi-9", 0)
            ]
        );
        assert!(sorted_by_id(Vec::<(String, usize)>::new(), |(id, _)| id).is_empty());
    }
}
