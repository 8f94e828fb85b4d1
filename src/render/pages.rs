//! The pages of the site: which exist, at which path, with which template and variables.
//! Page paths and template variables are a public interface (docs/templates.md).

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use rayon::prelude::*;
use serde_json::{json, Value};

use crate::analyze::budget::{Breakdown, Totals};
use crate::analyze::Analysis;
use crate::diag::Diagnostic;
use crate::load::Loaded;
use crate::model::iso::IsoDate;
use crate::model::*;
use crate::render::markdown::{self, Links};
use crate::render::refs::{self, *};
use crate::render::relations::Relations;
use crate::render::shell::{self, Shell};
use crate::render::{figures, overview, theme};

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
    /// Every entity's reference (`{id, title, url}` and the like), built once, on first use.
    pub refs: Refs<'a>,
    /// Summaries of the entities that many pages list, built once, on first use.
    pub summaries: Summaries,
    /// Every department in tree order ([`tree_order`]): the order of every chart and list of
    /// departments.
    pub dept_order: Vec<DeptIx>,
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
    /// The context of one build. Relations are computed here; references and summaries the
    /// first time a page asks for each. Page builders (called in parallel, in any order, any
    /// number of times) only look them up and clone them.
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
            refs: Refs::new(plan),
            summaries: Summaries::new(plan),
            dept_order: tree_order(plan),
        }
    }
}

/// The summaries that are worth keeping for the whole build, indexed like the plan's vectors.
/// An initiative's summary is listed on many pages (its department's and every department's
/// above it, the timeline, the initiatives index, the focus page, its people's and goals'
/// pages), so it is built once, on first use, and cloned. A person's, KPI's or objective's
/// summary is on three or four pages (its own, an index, its department's, its goals') and is
/// built each time: cloning a kept `Value` costs about what building it does, and keeping them
/// all held 37 MB (people) and 24 MB (KPIs and objectives) of the huge plan's 451 MB peak until
/// the last page was written.
pub struct Summaries {
    pub goals: Memo,
    pub depts: Memo,
    pub initiatives: Memo,
}

impl Summaries {
    fn new(plan: &Plan) -> Summaries {
        Summaries {
            goals: Memo::new(plan.goals.len()),
            depts: Memo::new(plan.departments.len()),
            initiatives: Memo::new(plan.initiatives.len()),
        }
    }
}

/// `summary` of every index `0..n`, in index order, as a list.
fn all<I: From<usize>>(n: usize, summary: impl Fn(I) -> Value) -> Value {
    Value::Array((0..n).map(|i| summary(I::from(i))).collect())
}

/// Where each plan file's entity is shown: plan file path → page path.
pub fn file_pages(plan: &Plan, loaded: &Loaded) -> HashMap<String, String> {
    let mut m = HashMap::default();
    m.reserve(4 + plan.goals.len() + 4 * plan.departments.len() + plan.initiatives.len());
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
    pub(crate) fn body(&self, b: &Body, loaded: &Loaded) -> String {
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
    let mut vars = site_vars(plan, path.matches('/').count());
    merge(&mut vars, json!({ "path": path }));
    vars
}

/// `root` and `site`: what every page `depth` folders deep shares, and all that the shell's
/// parts (`nav.html`, `footer.html`) see besides `page.section`.
pub fn site_vars(plan: &Plan, depth: usize) -> Value {
    let s = &plan.settings;
    json!({
        "root": root_for(s, depth),
        "site": {
            "title": s.title,
            "organization": s.organization,
            "currency": s.currency.code,
            "language": s.language.code(),
            "as_of": IsoDate(s.as_of),
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

/// The `page` variable: the title and the current navigation section.
fn page_meta(title: &str, section: &str) -> Value {
    json!({ "title": title, "section": section })
}

fn strategy(cx: &Cx, loaded: &Loaded) -> Value {
    let goals = all(cx.summaries.goals.len(), |g| goal_summary(cx, g));
    let Some(s) = &cx.plan.strategy else {
        return obj([
            ("page", page_meta("Strategy", "strategy")),
            ("strategy", Value::Null),
            ("goals", goals),
        ]);
    };
    let strategy = with(
        json!({ "title": s.title, "vision": s.vision, "mission": s.mission, "values": s.values }),
        [("body", Value::String(cx.body(&s.body, loaded)))],
    );
    obj([
        ("page", page_meta(&s.title, "strategy")),
        ("strategy", strategy),
        ("goals", goals),
    ])
}

fn goal_summary(cx: &Cx, g: GoalIx) -> Value {
    cx.summaries.goals.get(g.ix(), || build_goal_summary(cx, g))
}

fn build_goal_summary(cx: &Cx, g: GoalIx) -> Value {
    let goal = cx.plan.goal(g);
    let scalars = json!({
        "id": goal.id, "title": goal.title, "url": goal_url(goal),
        "weight": goal.weight, "target_year": goal.target_year,
        "kpi_count": cx.rel.goal_kpis[g.ix()].len(),
        "initiative_count": cx.rel.goal_initiatives[g.ix()].len(),
        "objective_count": cx.rel.goal_objectives[g.ix()].len(),
        "progress": cx.an.rollups.goals[g.ix()].progress,
    });
    with(
        scalars,
        [("owner", refs::opt(&goal.owner, |p| cx.refs.person(p)))],
    )
}

fn goals(cx: &Cx) -> Value {
    let total: f64 = cx.plan.goals.iter().filter_map(|g| g.weight).sum();
    obj([
        ("page", page_meta("Strategic goals", "goals")),
        (
            "goals",
            all(cx.summaries.goals.len(), |g| goal_summary(cx, g)),
        ),
        ("weight_total", json!(total)),
    ])
}

fn goal(cx: &Cx, g: GoalIx, loaded: &Loaded) -> Page {
    let (goal, rel) = (cx.plan.goal(g), &cx.rel);
    let fig = &cx.an.rollups.goals[g.ix()];
    let goal_vars = with(
        json!({ "id": goal.id, "title": goal.title, "weight": goal.weight, "target_year": goal.target_year }),
        [
            ("owner", refs::opt(&goal.owner, |p| cx.refs.person(p))),
            ("body", Value::String(cx.body(&goal.body, loaded))),
        ],
    );
    let vars = obj([
        ("page", page_meta(&goal.title, "goals")),
        ("goal", goal_vars),
        (
            "kpis",
            refs::list(rel.goal_kpis[g.ix()].iter().copied(), |k| {
                kpi_summary(cx, k)
            }),
        ),
        (
            "objectives",
            refs::list(rel.goal_objectives[g.ix()].iter().copied(), |o| {
                objective_summary(cx, o)
            }),
        ),
        (
            "initiatives",
            refs::list(rel.goal_initiatives[g.ix()].iter().copied(), |i| {
                initiative_summary(cx, i)
            }),
        ),
        ("rollup", rollup(&fig.rows, fig.progress)),
    ]);
    page(&goal_url(goal), "goal.html", vars)
}

fn dept_summary(cx: &Cx, d: DeptIx) -> Value {
    cx.summaries.depts.get(d.ix(), || build_dept_summary(cx, d))
}

fn build_dept_summary(cx: &Cx, d: DeptIx) -> Value {
    let dept = cx.plan.department(d);
    let scalars = json!({
        "id": dept.id, "name": dept.name, "url": dept_url(dept), "mission": dept.mission,
        "depth": cx.plan.ancestors(d).len() - 1,
        "initiative_count": cx.rel.dept_initiatives[d.ix()].len(),
        "people_count": cx.rel.dept_people[d.ix()].len(),
        "kpi_count": cx.rel.dept_kpis[d.ix()].len(),
    });
    with(
        scalars,
        [
            ("head", refs::opt(&dept.head, |p| cx.refs.person(p))),
            ("parent", refs::opt(&dept.parent, |p| cx.refs.dept(p))),
        ],
    )
}

/// Departments in tree order (each followed by its sub-departments).
fn tree_order(plan: &Plan) -> Vec<DeptIx> {
    let mut out = Vec::with_capacity(plan.departments.len());
    let mut seen = vec![false; plan.departments.len()];
    let mut stack: Vec<DeptIx> = plan.roots().into_iter().rev().collect();
    while let Some(d) = stack.pop() {
        if std::mem::replace(&mut seen[d.ix()], true) {
            continue;
        }
        out.push(d);
        stack.extend(plan.department(d).children.iter().rev().copied());
    }
    out
}

fn departments(cx: &Cx) -> Value {
    obj([
        ("page", page_meta("Departments", "departments")),
        (
            "departments",
            refs::list(cx.dept_order.iter().copied(), |d| dept_summary(cx, d)),
        ),
    ])
}

fn department(cx: &Cx, d: DeptIx, loaded: &Loaded) -> Page {
    let (plan, rel) = (cx.plan, &cx.rel);
    let dept = plan.department(d);
    let sub_initiatives = subtree_initiatives(cx, d);
    let dept_vars = with(
        json!({ "id": dept.id, "name": dept.name, "mission": dept.mission }),
        [
            ("head", refs::opt(&dept.head, |p| cx.refs.person(p))),
            ("parent", refs::opt(&dept.parent, |p| cx.refs.dept(p))),
            ("body", Value::String(cx.body(&dept.body, loaded))),
        ],
    );
    let initiatives =
        |is: &[InitiativeIx]| refs::list(is.iter().copied(), |i| initiative_summary(cx, i));
    let vars = obj([
        ("page", page_meta(&dept.name, "departments")),
        ("department", dept_vars),
        (
            "breadcrumbs",
            refs::list(plan.ancestors(d), |a| cx.refs.dept(a)),
        ),
        (
            "children",
            refs::list(dept.children.iter().copied(), |c| dept_summary(cx, c)),
        ),
        ("teams", dept_teams(cx, dept)),
        (
            "people",
            refs::list(rel.dept_people[d.ix()].iter().copied(), |p| {
                person_summary(cx, p)
            }),
        ),
        (
            "objectives",
            refs::list(rel.dept_objectives[d.ix()].iter().copied(), |o| {
                objective_summary(cx, o)
            }),
        ),
        (
            "kpis",
            refs::list(rel.dept_kpis[d.ix()].iter().copied(), |k| {
                kpi_summary(cx, k)
            }),
        ),
        ("initiatives", initiatives(&rel.dept_initiatives[d.ix()])),
        ("subtree_initiatives", initiatives(&sub_initiatives)),
        (
            "collaborations",
            initiatives(&rel.dept_collaborations[d.ix()]),
        ),
        ("budget", dept_budget(cx, d)),
        ("charts", dept_charts(cx, d, &sub_initiatives)),
    ]);
    page(&dept_url(dept), "department.html", vars)
}

/// The initiatives of `d` and of every department under it, in plan order.
pub fn subtree_initiatives(cx: &Cx, d: DeptIx) -> Vec<InitiativeIx> {
    let mut out: Vec<InitiativeIx> = cx
        .plan
        .subtree(d)
        .iter()
        .flat_map(|s| cx.rel.dept_initiatives[s.ix()].iter().copied())
        .collect();
    out.sort();
    out
}

fn dept_teams(cx: &Cx, dept: &Department) -> Value {
    refs::list(dept.teams.iter().copied(), |t| {
        let team = cx.plan.team(t);
        with(
            json!({ "id": team.id, "name": team.name }),
            [
                ("lead", refs::opt(&team.lead, |p| cx.refs.person(p))),
                (
                    "members",
                    refs::list(cx.rel.team_people[t.ix()].iter().copied(), |p| {
                        cx.refs.person(p)
                    }),
                ),
            ],
        )
    })
}

/// The summary of an initiative, as every list of initiatives shows it (a copy of the one
/// built for the whole build).
pub fn initiative_summary(cx: &Cx, i: InitiativeIx) -> Value {
    cx.summaries
        .initiatives
        .get(i.ix(), || build_initiative_summary(cx, i))
}

fn build_initiative_summary(cx: &Cx, i: InitiativeIx) -> Value {
    let init = cx.plan.initiative(i);
    let scalars = json!({
        "id": init.id, "title": init.title, "url": initiative_url(init),
        "start": init.start, "end": init.end,
        "priority": init.priority, "difficulty": init.difficulty, "impact": init.impact, "key": init.key,
        "budget": init.budget,
        "status": cx.an.initiatives[i.ix()].status.state.as_str(),
        "milestone_count": init.milestones.len(),
    });
    with(
        scalars,
        [
            ("department", cx.refs.dept(init.department)),
            ("owner", refs::opt(&init.owner, |p| cx.refs.person(p))),
        ],
    )
}

/// Where each check-in's page is, in plan order: `checkins/<date>.html`, with `-2`, `-3`… for
/// a second and third check-in on the same date (so a link by date finds the first).
pub fn checkin_urls(plan: &Plan) -> Vec<String> {
    let mut seen: HashMap<Date, usize> = HashMap::default();
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

/// A check-in with everything it reports, as its page shows it.
fn checkin_detail(cx: &Cx, c: &CheckIn, loaded: &Loaded) -> Value {
    let readings = refs::list(c.readings.iter(), |r| {
        with(
            json!({ "value": r.value, "note": r.note }),
            [("kpi", cx.refs.kpi(r.kpi.to))],
        )
    });
    let updates = refs::list(c.updates.iter(), |u| {
        with(
            json!({ "status": u.status.as_str(), "progress": u.progress, "confidence": u.confidence, "forecast_end": u.forecast_end.map(IsoDate), "note": u.note }),
            [("initiative", cx.refs.initiative(u.initiative.to))],
        )
    });
    let milestones = refs::list(c.milestones.iter(), |m| {
        with(
            json!({ "title": m.title, "done": IsoDate(m.done) }),
            [("initiative", cx.refs.initiative(m.initiative.to))],
        )
    });
    with(
        json!({
            "date": c.date, "author": c.author, "file": loaded.sources.path(c.loc.file),
            "after_as_of": c.date > cx.plan.settings.as_of,
        }),
        [
            ("readings", readings),
            ("updates", updates),
            ("milestones", milestones),
        ],
    )
}

/// One check-in: its KPI readings, initiative updates and milestones reached.
fn checkin(cx: &Cx, n: usize, loaded: &Loaded) -> Page {
    let plan = cx.plan;
    let urls = &cx.checkin_urls;
    let c = &plan.checkins[n];
    let near = |i: Option<usize>| {
        i.and_then(|i| {
            plan.checkins
                .get(i)
                .map(|c| json!({ "date": IsoDate(c.date), "url": urls[i] }))
        })
    };
    let detail = with(checkin_detail(cx, c, loaded), [("url", json!(urls[n]))]);
    // Built by moving the parts: `json!` would copy the thousands of updates in `detail`
    // through the serializer.
    let vars = obj([
        (
            "page",
            page_meta(&format!("Check-in {}", c.date), "checkins"),
        ),
        ("checkin", detail),
        ("previous", near(n.checked_sub(1)).unwrap_or(Value::Null)),
        ("next", near(Some(n + 1)).unwrap_or(Value::Null)),
    ]);
    page(&urls[n], "checkin.html", vars)
}

fn timeline(cx: &Cx) -> Value {
    let t = Timeline::new(cx);
    obj([
        ("page", page_meta("Timeline", "timeline")),
        ("charts", obj([("timeline", Value::from(t.svg))])),
        (
            "initiatives",
            refs::list(t.rows, |i| initiative_summary(cx, i)),
        ),
    ])
}

/// The organization's timeline: the chart of every initiative, and its rows as the table under
/// it lists them (by department in tree order, then start, then id).
pub struct Timeline {
    pub svg: Option<String>,
    pub rows: Vec<InitiativeIx>,
}

impl Timeline {
    pub fn new(cx: &Cx) -> Timeline {
        let plan = cx.plan;
        let order = &cx.dept_order;
        let all: Vec<InitiativeIx> = (0..plan.initiatives.len())
            .map(InitiativeIx::from)
            .collect();
        let svg = (!all.is_empty())
            .then(|| figures::gantt(plan, cx.an, "Organization timeline", &all, order));
        let mut rows = all;
        let mut rank = vec![0; plan.departments.len()];
        for (i, d) in order.iter().enumerate() {
            rank[d.ix()] = i;
        }
        // The id is borrowed, not cloned: the key is computed twice per comparison.
        rows.sort_by_key(|&i| {
            let init = plan.initiative(i);
            (rank[init.department.ix()], init.start, init.id.as_str())
        });
        Timeline { svg, rows }
    }
}

fn initiatives(cx: &Cx) -> Value {
    obj([
        ("page", page_meta("Initiatives", "initiatives")),
        (
            "initiatives",
            all(cx.summaries.initiatives.len(), |i| {
                initiative_summary(cx, i)
            }),
        ),
    ])
}

fn initiative(cx: &Cx, i: InitiativeIx, loaded: &Loaded) -> Page {
    let init = cx.plan.initiative(i);
    let mut vars = initiative_summary(cx, i);
    merge(&mut vars, initiative_details(cx, i, loaded));
    merge(&mut vars, initiative_progress(cx, i));
    let vars = obj([
        ("page", page_meta(&init.title, "initiatives")),
        ("initiative", vars),
    ]);
    page(&initiative_url(init), "initiative.html", vars)
}

/// What the plan says about an initiative beyond its summary. (Its `milestones` come from
/// `initiative_progress`, which adds whether and when each was reached.)
fn initiative_details(cx: &Cx, i: InitiativeIx, loaded: &Loaded) -> Value {
    let (plan, init) = (cx.plan, cx.plan.initiative(i));
    let allocations = refs::list(init.allocations.iter(), |a| {
        with(
            json!({ "fte": a.fte, "from": IsoDate(a.from), "to": IsoDate(a.to) }),
            [("person", cx.refs.person(a.person.to))],
        )
    });
    let tasks = refs::list(init.tasks.iter(), |t| {
        with(
            json!({ "title": t.title, "start": t.start.map(IsoDate), "end": t.end.map(IsoDate), "fte": t.fte }),
            [("owner", refs::opt(&t.owner, |p| cx.refs.person(p)))],
        )
    });
    obj([
        ("team", refs::opt(&init.team, |t| cx.refs.team(t))),
        ("goals", refs::refs(&init.goals, |g| cx.refs.goal(g))),
        (
            "objectives",
            refs::refs(&init.objectives, |o| cx.refs.objective(o)),
        ),
        ("kpis", refs::refs(&init.kpis, |k| cx.refs.kpi(k))),
        (
            "depends_on",
            refs::refs(&init.depends_on, |d| {
                with_late(
                    initiative_summary(cx, d),
                    plan.initiative(d).end > init.start,
                )
            }),
        ),
        (
            "dependents",
            refs::list(cx.rel.dependents[i.ix()].iter().copied(), |d| {
                with_late(
                    initiative_summary(cx, d),
                    init.end > plan.initiative(d).start,
                )
            }),
        ),
        (
            "collaborators",
            refs::refs(&init.collaborators, |d| cx.refs.dept(d)),
        ),
        ("allocations", allocations),
        ("tasks", tasks),
        (
            "budget_lines",
            refs::list(cx.rel.initiative_lines[i.ix()].iter().copied(), |l| {
                budget_line(cx, l)
            }),
        ),
        ("body", Value::String(cx.body(&init.body, loaded))),
    ])
}

/// Status, progress, slips, schedule and history of an initiative, from the analysis.
fn initiative_progress(cx: &Cx, i: InitiativeIx) -> Value {
    let (plan, an) = (cx.plan, cx.an);
    let fig = &an.initiatives[i.ix()];
    let sched = &an.schedule.initiatives[i.ix()];
    let st = &fig.status;
    let milestones = refs::list(
        fig.milestones.iter(),
        |m| json!({ "title": m.title, "date": IsoDate(m.date), "reached": m.reached.map(IsoDate), "slip_days": m.slip_days, "missed": m.missed }),
    );
    let history = refs::list(
        fig.history.iter().rev(),
        |u| json!({ "date": IsoDate(u.date), "status": u.state.as_str(), "progress": u.progress, "confidence": u.confidence, "forecast_end": u.forecast_end.map(IsoDate), "note": u.note, "author": u.author }),
    );
    let schedule = with(
        json!({ "slack_days": sched.slack_days, "incoming_slack_days": sched.incoming_slack_days, "on_critical_path": sched.on_critical_path }),
        [
            (
                "upstream",
                refs::list(sched.upstream.iter().copied(), |u| cx.refs.initiative(u)),
            ),
            (
                "downstream",
                refs::list(sched.downstream.iter().copied(), |d| cx.refs.initiative(d)),
            ),
        ],
    );
    obj([
        (
            "status_detail",
            json!({
                "update_date": st.update_date, "progress": st.progress, "expected_progress": st.expected_progress,
                "confidence": st.confidence, "forecast_end": st.forecast_end, "slip_days": st.slip_days, "note": st.note,
                "done_on": fig.done_on,
            }),
        ),
        ("schedule", schedule),
        ("milestones", milestones),
        ("history", history),
        (
            "history_chart",
            Value::from(figures::progress_history(plan, an, i)),
        ),
    ])
}

/// Mark a dependency edge whose dependency ends on or after its dependent starts.
fn with_late(v: Value, late: bool) -> Value {
    with(v, [("late", Value::Bool(late))])
}

pub fn budget_line(cx: &Cx, l: usize) -> Value {
    let line = &cx.plan.budget_lines[l];
    let fig = &cx.an.budget.lines[l];
    let scalars = json!({
        "category": line.category, "item": line.item,
        "period": line.period, "period_start": line.period.start.to_string(),
        "planned": line.planned, "forecast": fig.forecast, "forecast_defaulted": fig.forecast_defaulted, "actual": line.actual,
    });
    with(
        scalars,
        [
            ("department", cx.refs.dept(line.department)),
            (
                "initiative",
                refs::opt(&line.initiative, |i| cx.refs.initiative(i)),
            ),
        ],
    )
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
    with(totals(t), [("label", Value::from(label))])
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
    let charts = DeptCharts::new(cx, d, initiatives);
    obj([
        ("timeline", Value::from(charts.timeline)),
        ("budget_period", Value::from(charts.budget_period)),
        ("budget_category", Value::from(charts.budget_category)),
    ])
}

/// A department page's charts (SVG): the timeline of `initiatives` (those of it and all under
/// it), and its budget by quarter and by category when it has any.
pub struct DeptCharts {
    pub timeline: Option<String>,
    pub budget_period: Option<String>,
    pub budget_category: Option<String>,
}

impl DeptCharts {
    pub fn new(cx: &Cx, d: DeptIx, initiatives: &[InitiativeIx]) -> DeptCharts {
        let (plan, an) = (cx.plan, cx.an);
        let name = &plan.department(d).name;
        let sub = &an.budget.departments[d.ix()].subtree;
        let timeline = (!initiatives.is_empty()).then(|| {
            figures::gantt(
                plan,
                an,
                &format!("{name}: initiatives"),
                initiatives,
                &cx.dept_order,
            )
        });
        let has_budget = sub.totals.lines > 0;
        let caps: Vec<(Period, Money)> = plan
            .caps
            .iter()
            .filter(|c| c.department == d)
            .map(|c| (c.period.clone(), c.amount))
            .collect();
        let budget_period = has_budget.then(|| {
            figures::budget_by_period(plan, &format!("{name}: budget by quarter"), sub, &caps)
        });
        let budget_category = has_budget.then(|| {
            figures::budget_by_category(plan, &format!("{name}: budget by category"), sub)
        });
        DeptCharts {
            timeline,
            budget_period,
            budget_category,
        }
    }
}

fn dept_budget(cx: &Cx, d: DeptIx) -> Value {
    let b = &cx.an.budget.departments[d.ix()];
    if b.subtree.totals.lines == 0 {
        return Value::Null;
    }
    let (by_period, by_category) = breakdown(&b.subtree);
    let caps = refs::list(
        cx.an.budget.caps.iter().filter(|c| c.department == d),
        |c| json!({ "period": c.period, "amount": c.amount, "planned": c.planned, "headroom": c.amount - c.planned, "exceeded": c.exceeded }),
    );
    obj([
        ("own", totals(&b.own.totals)),
        ("total", totals(&b.subtree.totals)),
        (
            "lines",
            refs::list(b.lines.iter().copied(), |l| budget_line(cx, l)),
        ),
        ("by_period", by_period),
        ("by_category", by_category),
        ("caps", caps),
    ])
}

fn budget_overview(cx: &Cx) -> Value {
    let (plan, b) = (cx.plan, &cx.an.budget);
    let page = page_meta("Budget", "budget");
    if b.org.totals.lines == 0 {
        return obj([
            ("page", page),
            ("budget", Value::Null),
            ("charts", json!({})),
        ]);
    }
    let (by_period, by_category) = breakdown(&b.org);
    let by_department = refs::list(cx.dept_order.iter().copied(), |d| {
        let (dept, db) = (plan.department(d), &b.departments[d.ix()]);
        with(
            json!({ "name": dept.name, "url": dept_url(dept), "depth": plan.ancestors(d).len() - 1 }),
            [
                ("own", totals(&db.own.totals)),
                ("total", totals(&db.subtree.totals)),
            ],
        )
    });
    let budget = obj([
        ("total", totals(&b.org.totals)),
        ("by_period", by_period),
        ("by_category", by_category),
        ("by_department", by_department),
    ]);
    let charts = obj([
        (
            "budget_department",
            Value::from(figures::budget_by_department(
                plan,
                cx.an,
                "Budget by department",
                &cx.dept_order,
            )),
        ),
        (
            "budget_category",
            Value::from(figures::budget_by_category(
                plan,
                "Budget by category",
                &b.org,
            )),
        ),
        (
            "budget_period",
            Value::from(figures::budget_by_period(
                plan,
                "Budget by quarter",
                &b.org,
                &[],
            )),
        ),
    ]);
    obj([("page", page), ("budget", budget), ("charts", charts)])
}

fn objective_summary(cx: &Cx, o: ObjectiveIx) -> Value {
    let ob = cx.plan.objective(o);
    let key_results = refs::list(ob.key_results.iter(), |kr| {
        with(
            json!({ "target": kr.target }),
            [("kpi", cx.refs.kpi(kr.kpi.to))],
        )
    });
    let scalars = json!({
        "id": ob.id, "title": ob.title, "url": objective_url(ob), "period": ob.period,
        "progress": cx.an.rollups.objectives[o.ix()].progress,
    });
    with(
        scalars,
        [
            ("department", cx.refs.dept(ob.department)),
            ("team", refs::opt(&ob.team, |t| cx.refs.team(t))),
            ("goals", refs::refs(&ob.goals, |g| cx.refs.goal(g))),
            ("key_results", key_results),
        ],
    )
}

fn objective(cx: &Cx, o: ObjectiveIx) -> Page {
    let ob = cx.plan.objective(o);
    let fig = &cx.an.rollups.objectives[o.ix()];
    let vars = obj([
        ("page", page_meta(&ob.title, "departments")),
        ("objective", objective_summary(cx, o)),
        (
            "initiatives",
            refs::list(cx.rel.objective_initiatives[o.ix()].iter().copied(), |i| {
                initiative_summary(cx, i)
            }),
        ),
        ("rollup", rollup(&fig.rows, fig.progress)),
    ]);
    page(&objective_url(ob), "objective.html", vars)
}

fn kpi_summary(cx: &Cx, k: KpiIx) -> Value {
    let kpi = cx.plan.kpi(k);
    let st = &cx.an.kpis[k.ix()].status;
    let scalars = json!({
        "id": kpi.id, "name": kpi.name, "url": kpi_url(kpi), "unit": kpi.unit,
        "direction": kpi.direction, "kind": kpi.kind, "frequency": kpi.frequency,
        "status": st.state.as_str(),
        "latest": st.value.map(|v| json!({ "value": v, "date": st.reading_date })),
        "stale": st.stale,
        "status_detail": st,
    });
    with(
        scalars,
        [
            ("owner", refs::opt(&kpi.owner, |p| cx.refs.person(p))),
            ("goal", refs::opt(&kpi.goal, |g| cx.refs.goal(g))),
            (
                "department",
                kpi.department.map_or(Value::Null, |d| cx.refs.dept(d)),
            ),
        ],
    )
}

fn kpis(cx: &Cx) -> Value {
    obj([
        ("page", page_meta("KPIs", "kpis")),
        ("kpis", all(cx.plan.kpis.len(), |k| kpi_summary(cx, k))),
    ])
}

fn kpi(cx: &Cx, k: KpiIx) -> Page {
    let (plan, rel) = (cx.plan, &cx.rel);
    let kpi = plan.kpi(k);
    let readings = refs::list(rel.kpi_readings[k.ix()].iter(), |&(c, r)| {
        let (c, r) = (&plan.checkins[c], &plan.checkins[c].readings[r]);
        json!({ "date": IsoDate(c.date), "value": r.value, "note": r.note })
    });
    let history = refs::list(
        cx.an.kpis[k.ix()].history.iter().rev(),
        |h| json!({ "date": IsoDate(h.date), "status": h.state.as_str(), "value": h.value }),
    );
    let mut vars = kpi_summary(cx, k);
    merge(
        &mut vars,
        json!({
            "baseline": kpi.baseline.as_ref().map(|b| json!({ "value": b.value, "date": b.date.map(IsoDate) })),
            "targets": kpi.targets.iter().map(|t| json!({ "period": t.period, "value": t.value })).collect::<Vec<_>>(),
            "tolerance": kpi.tolerance,
        }),
    );
    merge(
        &mut vars,
        obj([
            ("readings", readings),
            ("chart", Value::from(figures::kpi(plan, cx.an, k))),
            ("history", history),
            (
                "initiatives",
                refs::list(rel.kpi_initiatives[k.ix()].iter().copied(), |i| {
                    cx.refs.initiative(i)
                }),
            ),
            (
                "objectives",
                refs::list(rel.kpi_objectives[k.ix()].iter().copied(), |o| {
                    cx.refs.objective(o)
                }),
            ),
        ]),
    );
    let vars = obj([("page", page_meta(&kpi.name, "kpis")), ("kpi", vars)]);
    page(&kpi_url(kpi), "kpi.html", vars)
}

fn person_summary(cx: &Cx, p: PersonIx) -> Value {
    let person = cx.plan.person(p);
    let scalars = json!({
        "id": person.id, "name": person.name, "url": person_url(person), "role": person.role,
        "capacity": person.capacity, "email": person.email,
    });
    with(
        scalars,
        [
            (
                "department",
                refs::opt(&person.department, |d| cx.refs.dept(d)),
            ),
            ("team", refs::opt(&person.team, |t| cx.refs.team(t))),
        ],
    )
}

fn people(cx: &Cx) -> Value {
    obj([
        ("page", page_meta("People", "people")),
        (
            "people",
            all(cx.plan.people.len(), |p| person_summary(cx, p)),
        ),
    ])
}

fn person(cx: &Cx, p: PersonIx) -> Page {
    let (plan, rel) = (cx.plan, &cx.rel);
    let person = plan.person(p);
    let tasks = refs::list(rel.person_tasks[p.ix()].iter(), |&(i, t)| {
        let task = &plan.initiative(i).tasks[t];
        with(
            json!({ "title": task.title, "start": task.start.map(IsoDate), "end": task.end.map(IsoDate), "fte": task.fte }),
            [("initiative", cx.refs.initiative(i))],
        )
    });
    let allocations = refs::list(rel.person_allocations[p.ix()].iter(), |&(i, a)| {
        let al = &plan.initiative(i).allocations[a];
        with(
            json!({ "fte": al.fte, "from": IsoDate(al.from), "to": IsoDate(al.to) }),
            [("initiative", cx.refs.initiative(i))],
        )
    });
    let mut vars = person_summary(cx, p);
    merge(
        &mut vars,
        obj([
            (
                "heads",
                refs::list(rel.person_heads[p.ix()].iter().copied(), |d| {
                    cx.refs.dept(d)
                }),
            ),
            (
                "leads",
                refs::list(rel.person_leads[p.ix()].iter().copied(), |t| {
                    cx.refs.team(t)
                }),
            ),
            (
                "goals",
                refs::list(rel.person_goals[p.ix()].iter().copied(), |g| {
                    cx.refs.goal(g)
                }),
            ),
            (
                "kpis",
                refs::list(rel.person_kpis[p.ix()].iter().copied(), |k| cx.refs.kpi(k)),
            ),
            (
                "initiatives",
                refs::list(rel.person_initiatives[p.ix()].iter().copied(), |i| {
                    initiative_summary(cx, i)
                }),
            ),
            ("tasks", tasks),
            ("allocations", allocations),
            ("load", person_load(cx, p)),
        ]),
    );
    let vars = obj([
        ("page", page_meta(&person.name, "people")),
        ("person", vars),
    ]);
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
pub fn render_page(
    tera: &tera::Tera,
    shell: &Shell,
    plan: &Plan,
    p: Page,
) -> Result<Vec<u8>, tera::Error> {
    let parts = shell.parts(tera, plan, &p.path, shell::section(&p.vars))?;
    let mut vars = common(plan, &p.path);
    merge(&mut vars, p.vars);
    if let Value::Object(m) = &mut vars {
        m.insert("nav".into(), Value::String(parts.nav.clone()));
        m.insert("footer".into(), Value::String(parts.footer.clone()));
    }
    let ctx = tera::Context::from_value(vars)?;
    // Sized for a typical page (the enterprise plan's average 13 kB), so that most pages are
    // written without the buffer growing and copying itself over and over; and bytes, not a
    // `String` (`Tera::render` checks 100 MB of its own output for UTF-8 on a large site).
    let mut out = Vec::with_capacity(16 << 10);
    theme::render_to(tera, p.template, &ctx, &mut out)?;
    Ok(out)
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
    obj([
        ("months", Value::Array(months)),
        ("over", Value::Array(over)),
        (
            "chart",
            Value::from(figures::person_load(cx.plan, cx.an, p)),
        ),
    ])
}
