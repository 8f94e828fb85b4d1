//! Most of the built-in theme's pages written straight from the plan and its analysis, without
//! template variables or Tera: the same bytes as the templates ([`differences`] compares every
//! page of several plans both ways in the tests, and so does the fuzz target), in a fraction of
//! the work.
//!
//! Why: an initiative's page built as a tree of `Value`s and then interpreted by Tera cost
//! ~700,000 instructions (all of them 18 % of an enterprise build, people's pages 13 %); most of
//! it was looking fields up by name, copying them into the tree and freeing it again. Only a
//! plan that uses the built-in templates unchanged gets these pages ([`Renderer`] decides); a
//! plan that overrides any template is rendered by Tera throughout, so its templates see every
//! page as documented.
//!
//! A page here is a transcription of its template: literal text in the template's order, each
//! `{{ }}` written as the template's filter writes it. A change to a built-in template must be
//! made here too; the parity tests fail until it is.

mod checkin;
mod department;
mod goal;
mod initiative;
mod kpi;
mod lists;
mod objective;
mod organization;
mod person;
mod scorecard;

use std::fmt::Write as _;
use std::sync::Arc;

use rayon::prelude::*;

use crate::analyze::initiative::UpdatePoint;
use crate::analyze::rollup::Row;
use crate::analyze::Analysis;
use crate::load::Loaded;
use crate::model::iso::date_text;
use crate::model::{
    Allocation, AsOfSource, Date, DeptIx, GoalIx, Initiative, InitiativeIx, InitiativeUpdate,
    KpiIx, Money, ObjectiveIx, PersonIx, Plan, Priority, Ref, Task, TeamIx,
};
use crate::render::format::Locale;
use crate::render::html::escape_into;
use crate::render::pages::{root_for, Cx, Spec};
use crate::render::shell::Parts;
use crate::render::{overview, theme, Entry, Renderer};

/// The shell's parts (navigation and footer) of the page at a path, in a navigation section.
pub type PartsOf<'r> = dyn Fn(&str, &str) -> Result<Arc<Parts>, tera::Error> + 'r;

/// The page of `spec` when it is one written here (`None` for the pages Tera renders).
pub fn page(
    cx: &Cx,
    loaded: &Loaded,
    spec: Spec,
    parts: &PartsOf,
) -> Option<Result<Vec<u8>, tera::Error>> {
    match spec {
        Spec::Initiative(i) => Some(initiative::page(cx, loaded, i, parts)),
        Spec::Person(p) => Some(person::page(cx, p, parts)),
        Spec::Checkin(n) => Some(checkin::page(cx, loaded, n, parts)),
        Spec::Department(d) => Some(department::page(cx, loaded, d, parts)),
        Spec::Kpi(k) => Some(kpi::page(cx, k, parts)),
        Spec::Goal(g) => Some(goal::page(cx, loaded, g, parts)),
        Spec::Objective(o) => Some(objective::page(cx, o, parts)),
        Spec::People => Some(lists::people(cx, parts)),
        Spec::Initiatives => Some(lists::initiatives(cx, parts)),
        Spec::Timeline => Some(lists::timeline(cx, parts)),
        Spec::Overview(overview::Spec::Focus) => Some(organization::focus(cx, parts)),
        Spec::Overview(overview::Spec::Appraisal) => Some(organization::appraisal(cx, parts)),
        Spec::Overview(o) => {
            let a = cx.an.appraisal.as_ref()?;
            let card = match o {
                overview::Spec::DepartmentCard(n) => a.departments.get(n)?,
                overview::Spec::PersonCard(n) => a.people.get(n)?,
                _ => return None,
            };
            Some(scorecard::page(cx, card, parts))
        }
        _ => None,
    }
}

/// Whether the page of `spec` is one written here.
fn covers(spec: Spec) -> bool {
    matches!(
        spec,
        Spec::Initiative(_)
            | Spec::Person(_)
            | Spec::Checkin(_)
            | Spec::Department(_)
            | Spec::Kpi(_)
            | Spec::Goal(_)
            | Spec::Objective(_)
            | Spec::People
            | Spec::Initiatives
            | Spec::Timeline
            | Spec::Overview(
                overview::Spec::DepartmentCard(_)
                    | overview::Spec::PersonCard(_)
                    | overview::Spec::Focus
                    | overview::Spec::Appraisal
            )
    )
}

/// Every page written here whose bytes differ from what Tera makes of the built-in templates,
/// with the first line that differs, for the parity tests and the fuzz target. Empty when the
/// plan overrides templates (then Tera writes every page) or they do not load.
pub fn differences(plan: &Plan, an: &Analysis, loaded: &Loaded) -> Vec<String> {
    let (Ok(native), Ok(tera)) = (
        Renderer::new(plan, an, loaded),
        Renderer::new(plan, an, loaded),
    ) else {
        return Vec::new();
    };
    let tera = tera.tera_only();
    native
        .files
        .par_iter()
        .filter_map(|(path, entry)| match entry {
            Entry::Page(spec) if covers(*spec) => {
                let (ours, theirs) = (native.page(*spec), tera.page(*spec));
                let (ours, theirs) = match (ours, theirs) {
                    (Ok(a), Ok(b)) if a == b => return None,
                    (Ok(a), Ok(b)) => (a, b),
                    (a, b) => return Some(format!("{path}: {:?} / {:?}", a.err(), b.err())),
                };
                Some(first_difference(path, &ours, &theirs))
            }
            _ => None,
        })
        .collect()
}

/// `path:line` and both versions of the first line that differs.
fn first_difference(path: &str, ours: &[u8], theirs: &[u8]) -> String {
    let (ours, theirs) = (
        String::from_utf8_lossy(ours),
        String::from_utf8_lossy(theirs),
    );
    let mut lines = ours.split('\n').zip(theirs.split('\n')).enumerate();
    match lines.find(|(_, (a, b))| a != b) {
        Some((n, (a, b))) => format!("{path}:{}\n  native: {a}\n  tera:   {b}", n + 1),
        None => format!("{path}: one is a prefix of the other"),
    }
}

/// A page being written: its HTML so far, the prefix back to the site root (escaped once), and
/// how the plan's language writes numbers, dates and money.
struct Html<'p> {
    out: String,
    root: String,
    loc: Locale,
    plan: &'p Plan,
}

impl<'p> Html<'p> {
    fn new(plan: &'p Plan, path: &str) -> Html<'p> {
        let mut root = String::new();
        escape_into(
            &mut root,
            &root_for(&plan.settings, path.matches('/').count()),
        );
        Html {
            // Sized as `render_page` sizes Tera's buffer: most pages fit without growing.
            out: String::with_capacity(16 << 10),
            root,
            loc: Locale::new(plan.settings.language),
            plan,
        }
    }

    /// Literal HTML.
    fn raw(&mut self, s: &str) {
        self.out.push_str(s);
    }

    /// Text, escaped (`{{ x }}`).
    fn text(&mut self, s: &str) {
        escape_into(&mut self.out, s);
    }

    /// `{{ root }}`.
    fn root(&mut self) {
        self.out.push_str(&self.root);
    }

    /// An integer as Tera writes a number.
    fn int(&mut self, v: impl std::fmt::Display) {
        let _ = write!(self.out, "{v}");
    }

    /// A float as Tera writes a number (`50`, `37.5`).
    fn float(&mut self, v: f64) {
        let _ = write!(self.out, "{v}");
    }

    /// `{{ d }}` of a date variable: `2026-04-30`.
    fn iso(&mut self, d: Date) {
        let text = date_text(&d);
        self.text(&text);
    }

    /// `| date`.
    fn date(&mut self, d: Date) {
        let text = self.loc.date(d);
        self.text(&text);
    }

    /// `| num(dp=…)`.
    fn num(&mut self, v: f64, dp: u32) {
        let text = self.loc.number(v, dp);
        self.text(&text);
    }

    /// `| value`: a KPI-style number.
    fn value(&mut self, v: f64) {
        let text = self.loc.value(v);
        self.text(&text);
    }

    /// `| num(dp=…)` of a number the page variables may hold as null (NaN, infinity): `–` then.
    fn fixed(&mut self, v: f64, dp: u32) {
        match number(Some(v)) {
            Some(v) => self.num(v, dp),
            None => self.raw("–"),
        }
    }

    /// ` {{ unit }}` after a value, when there is a unit.
    fn unit(&mut self, unit: Option<&str>) {
        if let Some(u) = unit.filter(|u| !u.is_empty()) {
            self.raw(" ");
            self.text(u);
        }
    }

    /// `| value` of a number that may be missing (JSON null): `–` then.
    fn opt_value(&mut self, v: Option<f64>) {
        match number(v) {
            Some(v) => self.value(v),
            None => self.raw("–"),
        }
    }

    /// `{{ date | checkin_link }}`: the check-in of that date, labelled with it.
    fn checkin_link(&mut self, d: Date) {
        self.raw("<a href=\"");
        self.root();
        self.raw("checkins/");
        self.iso(d);
        self.raw(".html\">");
        self.date(d);
        self.raw("</a>");
    }

    /// An amount as the page variables hold it (`1250000.5`), escaped: what tables sort by.
    fn plain(&mut self, m: Money) {
        let mut text = String::new();
        m.push_plain(&mut text);
        self.text(&text);
    }

    /// `| pct`.
    fn pct(&mut self, v: f64) {
        let text = self.loc.percent(v, 0);
        self.text(&text);
    }

    /// `| money`.
    fn money(&mut self, m: Money) {
        let c = &self.plan.settings.currency;
        let text = self.loc.money(m, &c.code, c.minor_units);
        self.text(&text);
    }

    /// `| amount`.
    fn amount(&mut self, m: Money) {
        let text = self.loc.amount(m, self.plan.settings.currency.minor_units);
        self.text(&text);
    }

    /// `| status`.
    fn status(&mut self, state: &str) {
        theme::status_badge(&mut self.out, state);
    }

    /// `<a href="{root}{folder}/{id}.html{fragment}">{label}</a>`: the `link` filter on an
    /// entity's reference.
    fn anchor(&mut self, folder: &str, id: &str, fragment: &str, label: &str) {
        self.raw("<a href=\"");
        self.href(folder, id);
        self.text(fragment);
        self.raw("\">");
        self.text(label);
        self.raw("</a>");
    }

    /// `{{ root }}{{ x.url }}` of an entity's page.
    fn href(&mut self, folder: &str, id: &str) {
        self.root();
        self.raw(folder);
        self.raw("/");
        self.text(id);
        self.raw(".html");
    }

    /// The `links` filter: anchors, comma separated, or a dash for none.
    fn anchors<T>(&mut self, items: &[T], mut each: impl FnMut(&mut Self, &T)) {
        if items.is_empty() {
            self.raw(theme::NONE);
        }
        for (k, item) in items.iter().enumerate() {
            if k > 0 {
                self.raw(", ");
            }
            each(self, item);
        }
    }

    /// `base.html` around the content that `content` writes.
    fn shell(&mut self, title: &str, parts: &Parts, content: impl FnOnce(&mut Self)) {
        let s = &self.plan.settings;
        self.raw("<!DOCTYPE html>\n<html lang=\"");
        self.raw(s.language.code());
        self.raw("\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
        self.text(title);
        self.raw(" · ");
        self.text(&s.title);
        self.raw("</title>\n<link rel=\"stylesheet\" href=\"");
        self.root();
        self.raw("assets/style.css\">\n</head>\n<body>\n<a class=\"skip\" href=\"#main\">Skip to content</a>\n<header class=\"top\">\n  <div class=\"brand\">\n    <a href=\"");
        self.root();
        self.raw("index.html\"><span class=\"org\">");
        self.text(&s.organization);
        self.raw("</span><span class=\"plan\">");
        self.text(&s.title);
        self.raw("</span></a>\n  </div>\n  <nav aria-label=\"Main\">\n    <ul>\n      ");
        self.raw(&parts.nav);
        self.raw("\n      \n    </ul>\n  </nav>\n  <div class=\"asof\" title=\"Status date");
        self.raw(match s.as_of_source {
            AsOfSource::LatestCheckIn => " (the latest check-in)",
            AsOfSource::HorizonStart => " (the horizon's first day)",
            AsOfSource::Declared => "",
        });
        self.raw("\">As of <time datetime=\"");
        self.iso(s.as_of);
        self.raw("\">");
        self.date(s.as_of);
        self.raw("</time></div>\n</header>\n<main id=\"main\">\n");
        content(self);
        self.raw("\n</main>\n<footer class=\"foot\">");
        self.raw(&parts.footer);
        self.raw("</footer>\n<script src=\"");
        self.root();
        self.raw("assets/app.js\"></script>\n</body>\n</html>\n");
    }

    fn finish(self) -> Vec<u8> {
        self.out.into_bytes()
    }

    /// An initiative's start and end (with their dates to sort by) and its priority: the
    /// cells after one, to the end of the priority's cell.
    fn dates_and_priority(&mut self, init: &Initiative) {
        self.dates(init);
        self.raw("</td><td>");
        self.priority(init.priority);
    }

    /// An initiative's start and end, with their dates to sort by: the cells after one.
    fn dates(&mut self, init: &Initiative) {
        for date in [init.start, init.end] {
            self.raw("</td><td data-sort=\"");
            self.iso(date);
            self.raw("\">");
            self.date(date);
        }
    }

    /// `| priority`.
    fn priority(&mut self, p: Priority) {
        self.raw("<span class=\"prio prio-");
        self.raw(p.as_str());
        self.raw("\">");
        self.raw(p.as_str());
        self.raw("</span>");
    }

    /// `| link` of a person's reference, or a dash.
    fn person(&mut self, p: Option<&Ref<PersonIx>>) {
        match p {
            Some(r) => self.person_ix(r.to),
            None => self.raw(theme::NONE),
        }
    }

    /// `| link` of a person.
    fn person_ix(&mut self, p: PersonIx) {
        let p = self.plan.person(p);
        self.anchor("people", &p.id, "", &p.name);
    }

    /// `| link` of an objective.
    fn objective(&mut self, o: ObjectiveIx) {
        let o = self.plan.objective(o);
        self.anchor("objectives", &o.id, "", &o.title);
    }

    /// `| link` of a department's reference.
    fn dept(&mut self, d: DeptIx) {
        let d = self.plan.department(d);
        self.anchor("departments", &d.id, "", &d.name);
    }

    /// `| link` of a team's reference: its department's page, at the team.
    fn team(&mut self, t: TeamIx) {
        let plan = self.plan;
        let t = plan.team(t);
        let d = plan.department(t.department);
        self.anchor("departments", &d.id, &format!("#team-{}", t.id), &t.name);
    }

    /// `| link` of an initiative's reference.
    fn initiative(&mut self, i: InitiativeIx) {
        let i = self.plan.initiative(i);
        self.anchor("initiatives", &i.id, "", &i.title);
    }

    fn goal(&mut self, g: GoalIx) {
        let g = self.plan.goal(g);
        self.anchor("goals", &g.id, "", &g.title);
    }

    fn kpi(&mut self, k: KpiIx) {
        let k = self.plan.kpi(k);
        self.anchor("kpis", &k.id, "", &k.name);
    }
}

/// A section that holds one list or table: its opening (`<section>` and heading), then the
/// list (`head`, the items, `close`) or, when it would have no items, the `empty` line.
struct Section {
    open: &'static str,
    empty: &'static str,
    close: &'static str,
}

impl Section {
    /// A section of one table, whose head ends in `<tbody>`.
    fn table(open: &'static str, empty: &'static str) -> Section {
        Section {
            open,
            empty,
            close: "</tbody></table>",
        }
    }

    fn write<T>(
        &self,
        h: &mut Html,
        items: &[T],
        head: impl FnOnce(&mut Html),
        mut row: impl FnMut(&mut Html, &T),
    ) {
        h.raw(self.open);
        if items.is_empty() {
            h.raw(self.empty);
        } else {
            head(h);
            for item in items {
                row(h, item);
            }
            h.raw(self.close);
        }
        h.raw("\n</section>\n");
    }
}

/// A task's start, end and FTE cells, after its first two and to the end of its row.
fn task_cells(h: &mut Html, t: &Task) {
    for d in [t.start, t.end] {
        h.raw("</td><td data-sort=\"");
        if let Some(d) = d {
            h.iso(d);
        }
        h.raw("\">");
        match d {
            Some(d) => h.date(d),
            None => h.raw("—"),
        }
    }
    h.raw("</td><td class=\"num\">");
    match number(t.fte).filter(|f| *f != 0.0) {
        Some(f) => h.num(f, 2),
        None => h.raw("—"),
    }
    h.raw("</td></tr>");
}

/// An allocation's FTE and dates, after its first cell and to the end of its row.
fn allocation_cells(h: &mut Html, a: &Allocation) {
    h.fixed(a.fte, 2);
    h.raw("</td><td>");
    h.date(a.from);
    h.raw("</td><td>");
    h.date(a.to);
    h.raw("</td></tr>");
}

/// What an initiative's update reports, as the `update_cells` filter writes it.
struct Update<'u> {
    status: &'u str,
    progress: Option<f64>,
    confidence: Option<f64>,
    forecast_end: Option<Date>,
    note: Option<&'u str>,
}

/// An update as the initiative's history holds it.
impl<'u> From<&'u UpdatePoint> for Update<'u> {
    fn from(u: &'u UpdatePoint) -> Self {
        Update {
            status: u.state.as_str(),
            progress: u.progress,
            confidence: u.confidence,
            forecast_end: u.forecast_end,
            note: u.note.as_deref(),
        }
    }
}

/// An update as its check-in reports it.
impl<'u> From<&'u InitiativeUpdate> for Update<'u> {
    fn from(u: &'u InitiativeUpdate) -> Self {
        Update {
            status: u.status.as_str(),
            progress: u.progress,
            confidence: u.confidence,
            forecast_end: u.forecast_end,
            note: u.note.as_deref(),
        }
    }
}

impl Update<'_> {
    /// The status, progress, confidence, forecast end and note cells.
    fn cells(&self, h: &mut Html) {
        h.raw("<td>");
        h.status(self.status);
        h.raw("</td><td class=\"num\">");
        match number(self.progress) {
            Some(p) => h.pct(p),
            None => h.raw("—"),
        }
        h.raw("</td><td class=\"num\">");
        match number(self.confidence) {
            Some(c) => h.num(c, 0),
            None => h.raw("—"),
        }
        h.raw("</td><td>");
        match self.forecast_end {
            Some(d) => h.date(d),
            None => h.raw("—"),
        }
        h.raw("</td><td>");
        if let Some(note) = self.note {
            h.text(note);
        }
        h.raw("</td>");
    }
}

/// The `rollup` block of a goal or an objective: the progress and how it was reached.
fn rollup(h: &mut Html, progress: Option<f64>, rows: &[Row]) {
    let progress = number(progress);
    h.raw("<section class=\"card\" id=\"rollup\"><h2>Progress ");
    match progress {
        Some(p) => percent(h, p),
        None => h.raw("— (no data yet)"),
    }
    h.raw("</h2>\n");
    if let Some(p) = progress {
        h.raw("<div class=\"bar\" aria-hidden=\"true\"><span style=\"width: ");
        h.float(p);
        h.raw("%\"></span></div>");
    }
    h.raw("\n<table class=\"data\"><caption>How it was reached</caption><thead><tr><th>Input</th><th class=\"num\">Value</th><th>Arithmetic</th></tr></thead><tbody>");
    for r in rows {
        h.raw("<tr><td>");
        h.text(&r.label);
        h.raw("</td><td class=\"num\">");
        match number(r.value) {
            Some(v) => percent(h, v),
            None => h.raw("—"),
        }
        h.raw("</td><td>");
        h.text(&r.detail);
        h.raw("</td></tr>");
    }
    h.raw("</tbody></table>\n</section>");
}

/// `| pct(dp=1)`.
fn percent(h: &mut Html, v: f64) {
    let text = h.loc.percent(v, 1);
    h.text(&text);
}

/// A number as the page variables hold it: JSON has no NaN or infinity, so those are null.
fn number(v: Option<f64>) -> Option<f64> {
    v.filter(|x| x.is_finite())
}

#[cfg(test)]
mod tests;
