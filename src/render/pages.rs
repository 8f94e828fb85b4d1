//! The pages of the site: which exist, at which path, with which template and variables.
//! Page paths and template variables are a public interface (docs/templates.md).

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;
use serde_json::{json, Value};

use crate::analyze::budget::{Breakdown, Totals};
use crate::analyze::Analysis;
use crate::diag::Diagnostic;
use crate::load::Loaded;
use crate::model::*;
use crate::render::markdown::{self, Links};
use crate::render::refs::{self, *};
use crate::render::relations::Relations;
use crate::render::{figures, overview};

/// One page to render: its path in the site, its template and its variables.
pub struct Page {
    pub path: String,
    pub template: &'static str,
    pub vars: Value,
}

/// Everything page builders share.
pub struct Cx<'a> {
    pub plan: &'a Plan,
    pub an: &'a Analysis,
    pub rel: Relations,
    /// What links in Markdown bodies resolve against. Bodies are rendered with their page
    /// (each is shown on one page), so `serve` renders only the ones a browser asks for.
    pub links: BodyLinks,
    /// Each check-in's page, in plan order (see `checkin_urls`).
    pub checkin_urls: Vec<String>,
}

/// Plan file → page, and every file that exists: the targets of links in Markdown bodies.
pub struct BodyLinks {
    pages: HashMap<String, String>,
    files: HashSet<String>,
    /// Prefixes to the site root from the strategy page and from pages one folder down.
    top: String,
    nested: String,
}

impl<'a> Cx<'a> {
    pub fn new(plan: &'a Plan, an: &'a Analysis, loaded: &Loaded) -> Cx<'a> {
        Cx {
            plan,
            an,
            rel: Relations::new(plan),
            links: BodyLinks {
                pages: file_pages(plan, loaded),
                files: known_files(loaded),
                top: root_for(&plan.settings, 0),
                nested: root_for(&plan.settings, 1),
            },
            checkin_urls: checkin_urls(plan),
        }
    }
}

/// Where each plan file's entity is shown: plan file path → page path.
pub fn file_pages(plan: &Plan, loaded: &Loaded) -> HashMap<String, String> {
    let mut m = HashMap::new();
    let path = |loc: crate::diag::Loc| loaded.sources.path(loc.file).to_string();
    m.insert("plan.toml".into(), "index.html".into());
    m.insert("strategy.md".into(), "strategy.html".into());
    m.insert("people.toml".into(), "people/index.html".into());
    m.insert("kpis.toml".into(), "kpis/index.html".into());
    for g in &plan.goals {
        m.insert(path(g.loc), goal_url(g));
    }
    for d in &plan.departments {
        for f in [
            "department.md",
            "budget.toml",
            "objectives.toml",
            "kpis.toml",
        ] {
            m.insert(format!("departments/{}/{f}", d.id), dept_url(d));
        }
    }
    for i in &plan.initiatives {
        m.insert(path(i.loc), initiative_url(i));
    }
    m
}

/// Every Markdown body with the page prefix of the page that shows it.
fn bodies(plan: &Plan) -> Vec<(&Body, String)> {
    let (top, nested) = (root_for(&plan.settings, 0), root_for(&plan.settings, 1));
    let mut bodies: Vec<(&Body, String)> = Vec::new();
    if let Some(s) = &plan.strategy {
        bodies.push((&s.body, top));
    }
    bodies.extend(plan.goals.iter().map(|g| (&g.body, nested.clone())));
    bodies.extend(plan.departments.iter().map(|d| (&d.body, nested.clone())));
    bodies.extend(plan.initiatives.iter().map(|i| (&i.body, nested.clone())));
    bodies
}

/// Every file a body may link to: plan files and assets, by relative path.
pub fn known_files(loaded: &Loaded) -> HashSet<String> {
    loaded
        .assets
        .iter()
        .map(|(p, _, _)| p.clone())
        .chain(loaded.sources.iter().map(|(_, f)| f.path.clone()))
        .collect()
}

/// Broken links in Markdown bodies, without rendering them (for `check`).
pub fn check_bodies(plan: &Plan, loaded: &Loaded) -> Vec<Diagnostic> {
    let (pages, files) = (file_pages(plan, loaded), known_files(loaded));
    check_bodies_in(plan, loaded, &pages, &files, markdown::check_links)
}

/// `check_bodies` against given `file_pages` and `known_files`, with each body checked by
/// `check_one` (which may remember earlier results: a body's diagnostics depend only on the
/// body, the `Links` it is given, and those two tables).
pub fn check_bodies_in(
    plan: &Plan,
    loaded: &Loaded,
    pages: &HashMap<String, String>,
    files: &HashSet<String>,
    check_one: impl Fn(&Body, &Links) -> Vec<Diagnostic> + Sync,
) -> Vec<Diagnostic> {
    bodies(plan)
        .par_iter()
        .flat_map_iter(|(b, root)| {
            let source = loaded.sources.path(b.file);
            check_one(
                b,
                &Links {
                    pages,
                    files,
                    source,
                    root,
                },
            )
        })
        .collect()
}

impl Cx<'_> {
    /// A Markdown body as HTML. Its broken links were reported by `check_bodies` before any
    /// page was rendered, so they are not reported again here.
    fn body(&self, b: &Body, loaded: &Loaded) -> String {
        let source = loaded.sources.path(b.file);
        // Only the strategy is shown on a page at the site root; every other body one folder down.
        let root = if source == "strategy.md" {
            &self.links.top
        } else {
            &self.links.nested
        };
        let links = Links {
            pages: &self.links.pages,
            files: &self.links.files,
            source,
            root,
        };
        markdown::render(b, &links, self.plan.settings.allow_raw_html).0
    }
}

/// One page of the site, named before it is built. Listing pages is cheap; each page's
/// variables are built only when it is rendered, so `build` holds one page per thread at a
/// time and `serve` renders a page only when a browser asks for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spec {
    Strategy,
    Goals,
    Departments,
    Initiatives,
    Kpis,
    People,
    Timeline,
    Budget,
    Checkins,
    NotFound,
    Goal(GoalIx),
    Department(DeptIx),
    Initiative(InitiativeIx),
    Objective(ObjectiveIx),
    Kpi(KpiIx),
    Person(PersonIx),
    /// A check-in, by its position in `plan.checkins`.
    Checkin(usize),
    Overview(overview::Spec),
}

/// Every page of the site with its path.
pub fn specs(plan: &Plan, an: &Analysis) -> Vec<(String, Spec)> {
    let mut out: Vec<(String, Spec)> = [
        ("strategy.html", Spec::Strategy),
        ("goals/index.html", Spec::Goals),
        ("departments/index.html", Spec::Departments),
        ("initiatives/index.html", Spec::Initiatives),
        ("kpis/index.html", Spec::Kpis),
        ("people/index.html", Spec::People),
        ("timeline.html", Spec::Timeline),
        ("budget.html", Spec::Budget),
        ("checkins.html", Spec::Checkins),
        ("404.html", Spec::NotFound),
    ]
    .into_iter()
    .map(|(p, s)| (p.to_string(), s))
    .collect();
    let each = |n: usize| 0..n;
    out.extend(each(plan.goals.len()).map(|g| (goal_url(&plan.goals[g]), Spec::Goal(g.into()))));
    out.extend(
        each(plan.departments.len())
            .map(|d| (dept_url(&plan.departments[d]), Spec::Department(d.into()))),
    );
    out.extend(each(plan.initiatives.len()).map(|i| {
        (
            initiative_url(&plan.initiatives[i]),
            Spec::Initiative(i.into()),
        )
    }));
    out.extend(each(plan.objectives.len()).map(|o| {
        (
            objective_url(&plan.objectives[o]),
            Spec::Objective(o.into()),
        )
    }));
    out.extend(each(plan.kpis.len()).map(|k| (kpi_url(&plan.kpis[k]), Spec::Kpi(k.into()))));
    out.extend(
        each(plan.people.len()).map(|p| (person_url(&plan.people[p]), Spec::Person(p.into()))),
    );
    out.extend(
        checkin_urls(plan)
            .into_iter()
            .enumerate()
            .map(|(n, url)| (url, Spec::Checkin(n))),
    );
    out.extend(
        overview::specs(plan, an)
            .into_iter()
            .map(|(p, s)| (p, Spec::Overview(s))),
    );
    out
}

impl Spec {
    /// Pages that take long to build: rendered first, so the work spreads evenly over threads.
    pub fn is_big(self) -> bool {
        matches!(
            self,
            Spec::Timeline
                | Spec::Initiatives
                | Spec::People
                | Spec::Budget
                | Spec::Department(_)
                | Spec::Goal(_)
                | Spec::Overview(
                    overview::Spec::Dashboard
                        | overview::Spec::Coordination
                        | overview::Spec::Resources
                        | overview::Spec::Focus
                        | overview::Spec::Appraisal
                )
        )
    }

    /// Build the page: its variables and template.
    pub fn build(self, cx: &Cx, loaded: &Loaded) -> Page {
        match self {
            Spec::Strategy => page("strategy.html", "strategy.html", strategy(cx, loaded)),
            Spec::Goals => page("goals/index.html", "goals.html", goals(cx)),
            Spec::Departments => page(
                "departments/index.html",
                "departments.html",
                departments(cx),
            ),
            Spec::Initiatives => page(
                "initiatives/index.html",
                "initiatives.html",
                initiatives(cx),
            ),
            Spec::Kpis => page("kpis/index.html", "kpis.html", kpis(cx)),
            Spec::People => page("people/index.html", "people.html", people(cx)),
            Spec::Timeline => page("timeline.html", "timeline.html", timeline(cx)),
            Spec::Budget => page("budget.html", "budget.html", budget_overview(cx)),
            Spec::Checkins => page("checkins.html", "checkins.html", checkins(cx, loaded)),
            Spec::NotFound => page(
                "404.html",
                "404.html",
                json!({ "page": { "title": "Page not found", "section": "" } }),
            ),
            Spec::Goal(g) => goal(cx, g, loaded),
            Spec::Department(d) => department(cx, d, loaded),
            Spec::Initiative(i) => initiative(cx, i, loaded),
            Spec::Objective(o) => objective(cx, o),
            Spec::Kpi(k) => kpi(cx, k),
            Spec::Person(p) => person(cx, p),
            Spec::Checkin(n) => checkin(cx, n, loaded),
            Spec::Overview(o) => o.build(cx),
        }
    }
}

pub fn page(path: &str, template: &'static str, vars: Value) -> Page {
    Page {
        path: path.to_string(),
        template,
        vars,
    }
}

/// Variables every page receives: the site, the path back to the root, the navigation.
/// The prefix from a page `depth` folders deep to the site root: relative unless plan.toml sets
/// `base_url` (then every link is absolute under it, and the site no longer works from disk).
pub fn root_for(s: &Settings, depth: usize) -> String {
    if s.base_url.is_empty() {
        "../".repeat(depth)
    } else {
        format!("{}/", s.base_url.trim_end_matches('/'))
    }
}

pub fn common(plan: &Plan, path: &str) -> Value {
    let depth = path.matches('/').count();
    let s = &plan.settings;
    json!({
        "root": root_for(s, depth),
        "path": path,
        "site": {
            "title": s.title,
            "organization": s.organization,
            "currency": s.currency.code,
            "language": s.language.code(),
            "as_of": s.as_of,
            "as_of_source": s.as_of_source,
            "fiscal_year_start": s.fiscal_year_start,
            "horizon": { "start": s.horizon_start, "end": s.horizon_end, "label": horizon_label(s) },
        },
    })
}

fn horizon_label(s: &Settings) -> String {
    if s.fiscal_year_start == 1 {
        format!("{}–{}", s.horizon_start, s.horizon_end)
    } else {
        format!("FY{}–FY{}", s.horizon_start, s.horizon_end)
    }
}

fn strategy(cx: &Cx, loaded: &Loaded) -> Value {
    let plan = cx.plan;
    let goals = refs::list((0..plan.goals.len()).map(GoalIx::from), |g| {
        goal_summary(cx, g)
    });
    match &plan.strategy {
        Some(s) => json!({
            "page": { "title": s.title, "section": "strategy" },
            "strategy": { "title": s.title, "vision": s.vision, "mission": s.mission, "values": s.values, "body": cx.body(&s.body, loaded) },
            "goals": goals,
        }),
        None => {
            json!({ "page": { "title": "Strategy", "section": "strategy" }, "strategy": null, "goals": goals })
        }
    }
}

fn goal_summary(cx: &Cx, g: GoalIx) -> Value {
    let plan = cx.plan;
    let goal = plan.goal(g);
    json!({
        "id": goal.id, "title": goal.title, "url": goal_url(goal),
        "owner": refs::opt(&goal.owner, |p| refs::person(plan, p)),
        "weight": goal.weight, "target_year": goal.target_year,
        "kpi_count": cx.rel.goal_kpis[g.ix()].len(),
        "initiative_count": cx.rel.goal_initiatives[g.ix()].len(),
        "objective_count": cx.rel.goal_objectives[g.ix()].len(),
        "progress": cx.an.rollups.goals[g.ix()].progress,
    })
}

fn goals(cx: &Cx) -> Value {
    let list = refs::list((0..cx.plan.goals.len()).map(GoalIx::from), |g| {
        goal_summary(cx, g)
    });
    let total: f64 = cx.plan.goals.iter().filter_map(|g| g.weight).sum();
    json!({ "page": { "title": "Strategic goals", "section": "goals" }, "goals": list, "weight_total": total })
}

fn goal(cx: &Cx, g: GoalIx, loaded: &Loaded) -> Page {
    let plan = cx.plan;
    let goal = plan.goal(g);
    let vars = json!({
        "page": { "title": goal.title, "section": "goals" },
        "goal": {
            "id": goal.id, "title": goal.title,
            "owner": refs::opt(&goal.owner, |p| refs::person(plan, p)),
            "weight": goal.weight, "target_year": goal.target_year,
            "body": cx.body(&goal.body, loaded),
        },
        "kpis": refs::list(cx.rel.goal_kpis[g.ix()].iter().copied(), |k| kpi_summary(cx, k)),
        "objectives": refs::list(cx.rel.goal_objectives[g.ix()].iter().copied(), |o| objective_summary(cx, o)),
        "initiatives": refs::list(cx.rel.goal_initiatives[g.ix()].iter().copied(), |i| initiative_summary(cx, i)),
        "rollup": rollup(&cx.an.rollups.goals[g.ix()].rows, cx.an.rollups.goals[g.ix()].progress),
    });
    page(&goal_url(goal), "goal.html", vars)
}

fn dept_summary(cx: &Cx, d: DeptIx) -> Value {
    let plan = cx.plan;
    let dept = plan.department(d);
    json!({
        "id": dept.id, "name": dept.name, "url": dept_url(dept), "mission": dept.mission,
        "head": refs::opt(&dept.head, |p| refs::person(plan, p)),
        "parent": refs::opt(&dept.parent, |p| refs::dept(plan, p)),
        "depth": plan.ancestors(d).len() - 1,
        "initiative_count": cx.rel.dept_initiatives[d.ix()].len(),
        "people_count": cx.rel.dept_people[d.ix()].len(),
        "kpi_count": cx.rel.dept_kpis[d.ix()].len(),
    })
}

/// Departments in tree order (each followed by its sub-departments).
pub fn tree_order(plan: &Plan) -> Vec<DeptIx> {
    let mut out = Vec::new();
    let mut stack: Vec<DeptIx> = plan.roots().into_iter().rev().collect();
    while let Some(d) = stack.pop() {
        if out.contains(&d) {
            continue;
        }
        out.push(d);
        stack.extend(plan.department(d).children.iter().rev().copied());
    }
    out
}

fn departments(cx: &Cx) -> Value {
    let list = refs::list(tree_order(cx.plan), |d| dept_summary(cx, d));
    json!({ "page": { "title": "Departments", "section": "departments" }, "departments": list })
}

fn department(cx: &Cx, d: DeptIx, loaded: &Loaded) -> Page {
    let plan = cx.plan;
    let dept = plan.department(d);
    let teams: Vec<Value> = dept
        .teams
        .iter()
        .map(|&t| {
            let team = plan.team(t);
            json!({
                "id": team.id, "name": team.name,
                "lead": refs::opt(&team.lead, |p| refs::person(plan, p)),
                "members": refs::list(cx.rel.team_people[t.ix()].iter().copied(), |p| refs::person(plan, p)),
            })
        })
        .collect();
    let subtree = plan.subtree(d);
    let mut sub_initiatives: Vec<InitiativeIx> = subtree
        .iter()
        .flat_map(|s| cx.rel.dept_initiatives[s.ix()].iter().copied())
        .collect();
    sub_initiatives.sort();
    let vars = json!({
        "page": { "title": dept.name, "section": "departments" },
        "department": {
            "id": dept.id, "name": dept.name, "mission": dept.mission,
            "head": refs::opt(&dept.head, |p| refs::person(plan, p)),
            "parent": refs::opt(&dept.parent, |p| refs::dept(plan, p)),
            "body": cx.body(&dept.body, loaded),
        },
        "breadcrumbs": refs::list(plan.ancestors(d), |a| refs::dept(plan, a)),
        "children": refs::list(dept.children.iter().copied(), |c| dept_summary(cx, c)),
        "teams": teams,
        "people": refs::list(cx.rel.dept_people[d.ix()].iter().copied(), |p| person_summary(cx, p)),
        "objectives": refs::list(cx.rel.dept_objectives[d.ix()].iter().copied(), |o| objective_summary(cx, o)),
        "kpis": refs::list(cx.rel.dept_kpis[d.ix()].iter().copied(), |k| kpi_summary(cx, k)),
        "initiatives": refs::list(cx.rel.dept_initiatives[d.ix()].iter().copied(), |i| initiative_summary(cx, i)),
        "subtree_initiatives": refs::list(sub_initiatives.iter().copied(), |i| initiative_summary(cx, i)),
        "collaborations": refs::list(cx.rel.dept_collaborations[d.ix()].iter().copied(), |i| initiative_summary(cx, i)),
        "budget": dept_budget(cx, d),
        "charts": dept_charts(cx, d, &sub_initiatives),
    });
    page(&dept_url(dept), "department.html", vars)
}

pub fn initiative_summary(cx: &Cx, i: InitiativeIx) -> Value {
    let plan = cx.plan;
    let init = plan.initiative(i);
    json!({
        "id": init.id, "title": init.title, "url": initiative_url(init),
        "department": refs::dept(plan, init.department),
        "owner": refs::opt(&init.owner, |p| refs::person(plan, p)),
        "start": init.start, "end": init.end,
        "priority": init.priority, "difficulty": init.difficulty, "impact": init.impact, "key": init.key,
        "budget": init.budget,
        "status": cx.an.initiatives[i.ix()].status.state.as_str(),
        "milestone_count": init.milestones.len(),
    })
}

/// The check-in log, newest first; every entry links the entities it reports on.
/// Where each check-in's page is, in plan order: `checkins/<date>.html`, with `-2`, `-3`… for
/// a second and third check-in on the same date (so a link by date finds the first).
pub fn checkin_urls(plan: &Plan) -> Vec<String> {
    let mut seen: HashMap<Date, usize> = HashMap::new();
    plan.checkins
        .iter()
        .map(|c| {
            let n = seen.entry(c.date).or_insert(0);
            *n += 1;
            match *n {
                1 => format!("checkins/{}.html", c.date),
                n => format!("checkins/{}-{n}.html", c.date),
            }
        })
        .collect()
}

/// The check-in log: one line per check-in, newest first; each check-in has its own page, so
/// five years of monthly check-ins do not make one page of megabytes.
fn checkins(cx: &Cx, loaded: &Loaded) -> Value {
    let plan = cx.plan;
    let urls = &cx.checkin_urls;
    let entries: Vec<Value> = plan
        .checkins
        .iter()
        .zip(urls)
        .rev()
        .map(|(c, url)| {
            json!({
                "date": c.date, "author": c.author, "file": loaded.sources.path(c.loc.file), "url": url,
                "after_as_of": c.date > plan.settings.as_of,
                "readings": c.readings.len(), "updates": c.updates.len(), "milestones": c.milestones.len(),
            })
        })
        .collect();
    json!({ "page": { "title": "Check-ins", "section": "checkins" }, "checkins": entries })
}

/// One check-in: its KPI readings, initiative updates and milestones reached.
fn checkin(cx: &Cx, n: usize, loaded: &Loaded) -> Page {
    let plan = cx.plan;
    let urls = &cx.checkin_urls;
    let c = &plan.checkins[n];
    let readings: Vec<Value> = c
        .readings
        .iter()
        .map(|r| json!({ "kpi": refs::kpi(plan, r.kpi.to), "value": r.value, "note": r.note }))
        .collect();
    let updates: Vec<Value> = c
        .updates
        .iter()
        .map(|u| json!({ "initiative": refs::initiative(plan, u.initiative.to), "status": u.status.as_str(), "progress": u.progress, "confidence": u.confidence, "forecast_end": u.forecast_end, "note": u.note }))
        .collect();
    let milestones: Vec<Value> = c
        .milestones
        .iter()
        .map(|m| json!({ "initiative": refs::initiative(plan, m.initiative.to), "title": m.title, "done": m.done }))
        .collect();
    let near = |i: Option<usize>| {
        i.and_then(|i| {
            plan.checkins
                .get(i)
                .map(|c| json!({ "date": c.date, "url": urls[i] }))
        })
    };
    let vars = json!({
        "page": { "title": format!("Check-in {}", c.date), "section": "checkins" },
        "checkin": {
            "date": c.date, "author": c.author, "file": loaded.sources.path(c.loc.file), "url": urls[n],
            "after_as_of": c.date > plan.settings.as_of,
            "readings": readings, "updates": updates, "milestones": milestones,
        },
        "previous": near(n.checked_sub(1)),
        "next": near(Some(n + 1)),
    });
    page(&urls[n], "checkin.html", vars)
}

fn timeline(cx: &Cx) -> Value {
    let plan = cx.plan;
    let order = tree_order(plan);
    let all: Vec<InitiativeIx> = (0..plan.initiatives.len())
        .map(InitiativeIx::from)
        .collect();
    let svg = (!all.is_empty())
        .then(|| figures::gantt(plan, cx.an, "Organization timeline", &all, &order));
    let mut rows = all.clone();
    let mut rank = vec![0; plan.departments.len()];
    for (i, d) in order.iter().enumerate() {
        rank[d.ix()] = i;
    }
    rows.sort_by_key(|&i| {
        (
            rank[plan.initiative(i).department.ix()],
            plan.initiative(i).start,
            plan.initiative(i).id.clone(),
        )
    });
    json!({
        "page": { "title": "Timeline", "section": "timeline" },
        "charts": { "timeline": svg },
        "initiatives": refs::list(rows, |i| initiative_summary(cx, i)),
    })
}

fn initiatives(cx: &Cx) -> Value {
    let list = refs::list(
        (0..cx.plan.initiatives.len()).map(InitiativeIx::from),
        |i| initiative_summary(cx, i),
    );
    json!({ "page": { "title": "Initiatives", "section": "initiatives" }, "initiatives": list })
}

fn initiative(cx: &Cx, i: InitiativeIx, loaded: &Loaded) -> Page {
    let plan = cx.plan;
    let init = plan.initiative(i);
    let allocations: Vec<Value> = init
        .allocations
        .iter()
        .map(|a| json!({ "person": refs::person(plan, a.person.to), "fte": a.fte, "from": a.from, "to": a.to }))
        .collect();
    let tasks: Vec<Value> = init
        .tasks
        .iter()
        .map(|t| json!({ "title": t.title, "owner": refs::opt(&t.owner, |p| refs::person(plan, p)), "start": t.start, "end": t.end, "fte": t.fte }))
        .collect();
    let milestones: Vec<Value> = init
        .milestones
        .iter()
        .map(|m| json!({ "title": m.title, "date": m.date }))
        .collect();
    let lines: Vec<Value> = cx.rel.initiative_lines[i.ix()]
        .iter()
        .map(|&l| budget_line(cx, l))
        .collect();
    let mut vars = initiative_summary(cx, i);
    let extra = json!({
        "team": refs::opt(&init.team, |t| refs::team(plan, t)),
        "goals": refs::refs(&init.goals, |g| refs::goal(plan, g)),
        "objectives": refs::refs(&init.objectives, |o| refs::objective(plan, o)),
        "kpis": refs::refs(&init.kpis, |k| refs::kpi(plan, k)),
        "depends_on": refs::refs(&init.depends_on, |d| with_late(initiative_summary(cx, d), plan.initiative(d).end > init.start)),
        "dependents": refs::list(cx.rel.dependents[i.ix()].iter().copied(), |d| with_late(initiative_summary(cx, d), init.end > plan.initiative(d).start)),
        "collaborators": refs::refs(&init.collaborators, |d| refs::dept(plan, d)),
        "allocations": allocations, "tasks": tasks, "milestones": milestones,
        "budget_lines": lines,
        "body": cx.body(&init.body, loaded),
    });
    merge(&mut vars, extra);
    merge(&mut vars, initiative_progress(cx, i));
    let vars =
        json!({ "page": { "title": init.title, "section": "initiatives" }, "initiative": vars });
    page(&initiative_url(init), "initiative.html", vars)
}

/// Status, progress, slips, schedule and history of an initiative, from the analysis.
fn initiative_progress(cx: &Cx, i: InitiativeIx) -> Value {
    let (plan, an) = (cx.plan, cx.an);
    let fig = &an.initiatives[i.ix()];
    let sched = &an.schedule.initiatives[i.ix()];
    let st = &fig.status;
    let milestones: Vec<Value> = fig
        .milestones
        .iter()
        .map(|m| json!({ "title": m.title, "date": m.date, "reached": m.reached, "slip_days": m.slip_days, "missed": m.missed }))
        .collect();
    let history: Vec<Value> = fig
        .history
        .iter()
        .rev()
        .map(|u| json!({ "date": u.date, "status": u.state.as_str(), "progress": u.progress, "confidence": u.confidence, "forecast_end": u.forecast_end, "note": u.note, "author": u.author }))
        .collect();
    json!({
        "status_detail": {
            "update_date": st.update_date, "progress": st.progress, "expected_progress": st.expected_progress,
            "confidence": st.confidence, "forecast_end": st.forecast_end, "slip_days": st.slip_days, "note": st.note,
            "done_on": fig.done_on,
        },
        "schedule": {
            "slack_days": sched.slack_days, "incoming_slack_days": sched.incoming_slack_days,
            "on_critical_path": sched.on_critical_path,
            "upstream": refs::list(sched.upstream.iter().copied(), |u| refs::initiative(plan, u)),
            "downstream": refs::list(sched.downstream.iter().copied(), |d| refs::initiative(plan, d)),
        },
        "milestones": milestones,
        "history": history,
        "history_chart": figures::progress_history(plan, an, i),
    })
}

/// Mark a dependency edge whose dependency ends on or after its dependent starts.
fn with_late(mut v: Value, late: bool) -> Value {
    merge(&mut v, json!({ "late": late }));
    v
}

pub fn budget_line(cx: &Cx, l: usize) -> Value {
    let plan = cx.plan;
    let line = &plan.budget_lines[l];
    let fig = &cx.an.budget.lines[l];
    json!({
        "department": refs::dept(plan, line.department),
        "category": line.category, "item": line.item,
        "initiative": refs::opt(&line.initiative, |i| refs::initiative(plan, i)),
        "period": line.period, "period_start": line.period.start.to_string(),
        "planned": line.planned, "forecast": fig.forecast, "forecast_defaulted": fig.forecast_defaulted, "actual": line.actual,
    })
}

/// Planned, forecast and actual as templates show them, with the forecast variance.
pub fn totals(t: &Totals) -> Value {
    json!({
        "planned": t.planned, "forecast": t.forecast, "actual": t.actual,
        "variance": t.forecast_variance, "variance_negative": t.forecast_variance > Money::ZERO,
        "lines": t.lines,
    })
}

fn labelled(label: &str, t: &Totals) -> Value {
    let mut v = totals(t);
    merge(&mut v, json!({ "label": label }));
    v
}

fn breakdown(b: &Breakdown) -> (Value, Value) {
    let by_period = b
        .by_quarter
        .iter()
        .map(|q| labelled(&q.label, &q.totals))
        .collect();
    let by_category = b.by_category.iter().map(|(c, t)| labelled(c, t)).collect();
    (Value::Array(by_period), Value::Array(by_category))
}

fn dept_charts(cx: &Cx, d: DeptIx, initiatives: &[InitiativeIx]) -> Value {
    let (plan, an) = (cx.plan, cx.an);
    let name = &plan.department(d).name;
    let sub = &an.budget.departments[d.ix()].subtree;
    let timeline = (!initiatives.is_empty()).then(|| {
        figures::gantt(
            plan,
            an,
            &format!("{name}: initiatives"),
            initiatives,
            &tree_order(plan),
        )
    });
    let has_budget = sub.totals.lines > 0;
    let caps: Vec<(Period, Money)> = plan
        .caps
        .iter()
        .filter(|c| c.department == d)
        .map(|c| (c.period.clone(), c.amount))
        .collect();
    json!({
        "timeline": timeline,
        "budget_period": has_budget.then(|| figures::budget_by_period(plan, &format!("{name}: budget by quarter"), sub, &caps)),
        "budget_category": has_budget.then(|| figures::budget_by_category(plan, &format!("{name}: budget by category"), sub)),
    })
}

fn dept_budget(cx: &Cx, d: DeptIx) -> Value {
    let b = &cx.an.budget.departments[d.ix()];
    if b.subtree.totals.lines == 0 {
        return Value::Null;
    }
    let (by_period, by_category) = breakdown(&b.subtree);
    let caps: Vec<Value> = cx
        .an
        .budget
        .caps
        .iter()
        .filter(|c| c.department == d)
        .map(|c| json!({ "period": c.period, "amount": c.amount, "planned": c.planned, "headroom": c.amount - c.planned, "exceeded": c.exceeded }))
        .collect();
    json!({
        "own": totals(&b.own.totals), "total": totals(&b.subtree.totals),
        "lines": b.lines.iter().map(|&l| budget_line(cx, l)).collect::<Vec<_>>(),
        "by_period": by_period, "by_category": by_category, "caps": caps,
    })
}

fn budget_overview(cx: &Cx) -> Value {
    let b = &cx.an.budget;
    let (by_period, by_category) = breakdown(&b.org);
    let by_department: Vec<Value> = tree_order(cx.plan)
        .into_iter()
        .map(|d| {
            let dept = cx.plan.department(d);
            let db = &b.departments[d.ix()];
            json!({ "name": dept.name, "url": dept_url(dept), "depth": cx.plan.ancestors(d).len() - 1, "own": totals(&db.own.totals), "total": totals(&db.subtree.totals) })
        })
        .collect();
    let budget = if b.org.totals.lines == 0 {
        Value::Null
    } else {
        json!({ "total": totals(&b.org.totals), "by_period": by_period, "by_category": by_category, "by_department": by_department })
    };
    let charts = if b.org.totals.lines == 0 {
        json!({})
    } else {
        let plan = cx.plan;
        json!({
            "budget_department": figures::budget_by_department(plan, cx.an, "Budget by department", &tree_order(plan)),
            "budget_category": figures::budget_by_category(plan, "Budget by category", &b.org),
            "budget_period": figures::budget_by_period(plan, "Budget by quarter", &b.org, &[]),
        })
    };
    json!({ "page": { "title": "Budget", "section": "budget" }, "budget": budget, "charts": charts })
}

fn objective_summary(cx: &Cx, o: ObjectiveIx) -> Value {
    let plan = cx.plan;
    let obj = plan.objective(o);
    json!({
        "id": obj.id, "title": obj.title, "url": objective_url(obj), "period": obj.period,
        "department": refs::dept(plan, obj.department),
        "team": refs::opt(&obj.team, |t| refs::team(plan, t)),
        "goals": refs::refs(&obj.goals, |g| refs::goal(plan, g)),
        "key_results": obj.key_results.iter().map(|kr| json!({ "kpi": refs::kpi(plan, kr.kpi.to), "target": kr.target })).collect::<Vec<_>>(),
        "progress": cx.an.rollups.objectives[o.ix()].progress,
    })
}

fn objective(cx: &Cx, o: ObjectiveIx) -> Page {
    let obj = cx.plan.objective(o);
    let vars = json!({
        "page": { "title": obj.title, "section": "departments" },
        "objective": objective_summary(cx, o),
        "initiatives": refs::list(cx.rel.objective_initiatives[o.ix()].iter().copied(), |i| initiative_summary(cx, i)),
        "rollup": rollup(&cx.an.rollups.objectives[o.ix()].rows, cx.an.rollups.objectives[o.ix()].progress),
    });
    page(&objective_url(obj), "objective.html", vars)
}

fn kpi_summary(cx: &Cx, k: KpiIx) -> Value {
    let plan = cx.plan;
    let kpi = plan.kpi(k);
    let st = &cx.an.kpis[k.ix()].status;
    json!({
        "id": kpi.id, "name": kpi.name, "url": kpi_url(kpi), "unit": kpi.unit,
        "direction": kpi.direction, "kind": kpi.kind, "frequency": kpi.frequency,
        "owner": refs::opt(&kpi.owner, |p| refs::person(plan, p)),
        "goal": refs::opt(&kpi.goal, |g| refs::goal(plan, g)),
        "department": kpi.department.map(|d| refs::dept(plan, d)),
        "status": st.state.as_str(),
        "latest": st.value.map(|v| json!({ "value": v, "date": st.reading_date })),
        "stale": st.stale,
        "status_detail": st,
    })
}

fn kpis(cx: &Cx) -> Value {
    let list = refs::list((0..cx.plan.kpis.len()).map(KpiIx::from), |k| {
        kpi_summary(cx, k)
    });
    json!({ "page": { "title": "KPIs", "section": "kpis" }, "kpis": list })
}

fn kpi(cx: &Cx, k: KpiIx) -> Page {
    let plan = cx.plan;
    let kpi = plan.kpi(k);
    let mut vars = kpi_summary(cx, k);
    let readings: Vec<Value> = plan
        .checkins
        .iter()
        .flat_map(|c| {
            c.readings
                .iter()
                .filter(|r| r.kpi.to == k)
                .map(move |r| json!({ "date": c.date, "value": r.value, "note": r.note }))
        })
        .collect();
    merge(
        &mut vars,
        json!({
            "baseline": kpi.baseline.as_ref().map(|b| json!({ "value": b.value, "date": b.date })),
            "targets": kpi.targets.iter().map(|t| json!({ "period": t.period, "value": t.value })).collect::<Vec<_>>(),
            "tolerance": kpi.tolerance,
            "readings": readings,
            "chart": figures::kpi(plan, cx.an, k),
            "history": cx.an.kpis[k.ix()].history.iter().rev().map(|h| json!({ "date": h.date, "status": h.state.as_str(), "value": h.value })).collect::<Vec<_>>(),
            "initiatives": refs::list(cx.rel.kpi_initiatives[k.ix()].iter().copied(), |i| refs::initiative(plan, i)),
            "objectives": refs::list(cx.rel.kpi_objectives[k.ix()].iter().copied(), |o| refs::objective(plan, o)),
        }),
    );
    let vars = json!({ "page": { "title": kpi.name, "section": "kpis" }, "kpi": vars });
    page(&kpi_url(kpi), "kpi.html", vars)
}

fn person_summary(cx: &Cx, p: PersonIx) -> Value {
    let plan = cx.plan;
    let person = plan.person(p);
    json!({
        "id": person.id, "name": person.name, "url": person_url(person), "role": person.role,
        "department": refs::opt(&person.department, |d| refs::dept(plan, d)),
        "team": refs::opt(&person.team, |t| refs::team(plan, t)),
        "capacity": person.capacity, "email": person.email,
    })
}

fn people(cx: &Cx) -> Value {
    let list = refs::list((0..cx.plan.people.len()).map(PersonIx::from), |p| {
        person_summary(cx, p)
    });
    json!({ "page": { "title": "People", "section": "people" }, "people": list })
}

fn person(cx: &Cx, p: PersonIx) -> Page {
    let plan = cx.plan;
    let person = plan.person(p);
    let tasks: Vec<Value> = cx.rel.person_tasks[p.ix()]
        .iter()
        .map(|&(i, t)| {
            let task = &plan.initiative(i).tasks[t];
            json!({ "title": task.title, "initiative": refs::initiative(plan, i), "start": task.start, "end": task.end, "fte": task.fte })
        })
        .collect();
    let allocations: Vec<Value> = cx.rel.person_allocations[p.ix()]
        .iter()
        .map(|&(i, a)| {
            let al = &plan.initiative(i).allocations[a];
            json!({ "initiative": refs::initiative(plan, i), "fte": al.fte, "from": al.from, "to": al.to })
        })
        .collect();
    let mut vars = person_summary(cx, p);
    merge(
        &mut vars,
        json!({
            "heads": refs::list(cx.rel.person_heads[p.ix()].iter().copied(), |d| refs::dept(plan, d)),
            "leads": refs::list(cx.rel.person_leads[p.ix()].iter().copied(), |t| refs::team(plan, t)),
            "goals": refs::list(cx.rel.person_goals[p.ix()].iter().copied(), |g| refs::goal(plan, g)),
            "kpis": refs::list(cx.rel.person_kpis[p.ix()].iter().copied(), |k| refs::kpi(plan, k)),
            "initiatives": refs::list(cx.rel.person_initiatives[p.ix()].iter().copied(), |i| initiative_summary(cx, i)),
            "tasks": tasks,
            "allocations": allocations,
            "load": person_load(cx, p),
        }),
    );
    let vars = json!({ "page": { "title": person.name, "section": "people" }, "person": vars });
    page(&person_url(person), "person.html", vars)
}

/// A roll-up's figure and the rows that show how it was reached.
fn rollup(rows: &[crate::analyze::rollup::Row], progress: Option<f64>) -> Value {
    json!({ "progress": progress, "rows": rows })
}

/// Add the keys of `extra` (an object) to `base` (an object).
pub fn merge(base: &mut Value, extra: Value) {
    if let (Value::Object(b), Value::Object(e)) = (base, extra) {
        b.extend(e);
    }
}

/// Render one page with the theme.
pub fn render_page(tera: &tera::Tera, plan: &Plan, p: Page) -> Result<Vec<u8>, tera::Error> {
    let mut vars = common(plan, &p.path);
    merge(&mut vars, p.vars);
    let ctx = tera::Context::from_value(vars)?;
    Ok(tera.render(p.template, &ctx)?.into_bytes())
}

/// A person's load by month against capacity, the months over it, and the chart.
fn person_load(cx: &Cx, p: PersonIx) -> Value {
    let pl = &cx.an.load.people[p.ix()];
    let months: Vec<Value> = pl
        .months
        .iter()
        .filter(|m| m.load > 0.0)
        .map(|m| json!({ "month": m.month.to_string(), "load": m.load, "capacity": m.capacity, "over": m.over }))
        .collect();
    let over: Vec<Value> = pl
        .over
        .iter()
        .map(
            |r| json!({ "first": r.first.to_string(), "last": r.last.to_string(), "peak": r.peak }),
        )
        .collect();
    json!({ "months": months, "over": over, "chart": figures::person_load(cx.plan, cx.an, p) })
}
