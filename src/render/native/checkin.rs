//! `checkin.html`, written directly: every check-in's page.

use crate::load::Loaded;
use crate::model::{CheckIn, Reading};
use crate::render::pages::Cx;

use super::{Html, PartsOf, Section, Update};

/// The page's navigation section (`page.section`).
const SECTION: &str = "checkins";

pub fn page(cx: &Cx, loaded: &Loaded, n: usize, parts: &PartsOf) -> Result<Vec<u8>, tera::Error> {
    let c = &cx.plan.checkins[n];
    let path = &cx.checkin_urls[n];
    let parts = parts(path, SECTION)?;
    let mut h = Html::new(cx.plan, path);
    h.shell(&format!("Check-in {}", c.date), &parts, |h| {
        head(h, cx, loaded, n);
        updates(h, c);
        milestones(h, c);
        readings(h, c);
    });
    Ok(h.finish())
}

/// The title, author, file and the links to the check-ins before and after.
fn head(h: &mut Html, cx: &Cx, loaded: &Loaded, n: usize) {
    let c = &cx.plan.checkins[n];
    h.raw("\n\n<p class=\"crumbs\"><a href=\"");
    h.root();
    h.raw("checkins.html\">Check-ins</a></p>\n<h1>Check-in ");
    h.date(c.date);
    h.raw("</h1>\n<p class=\"muted\">");
    if let Some(author) = c.author.as_deref().filter(|a| !a.is_empty()) {
        h.text(author);
        h.raw(" · ");
    }
    h.text(loaded.sources.path(c.loc.file));
    if c.date > cx.plan.settings.as_of {
        h.raw(" <span class=\"flag\">after the status date, not counted</span>");
    }
    h.raw("</p>\n<nav class=\"pager\" aria-label=\"Other check-ins\">");
    if let Some(p) = n.checked_sub(1) {
        h.raw("<a rel=\"prev\" href=\"");
        h.root();
        h.text(&cx.checkin_urls[p]);
        h.raw("\">← ");
        h.date(cx.plan.checkins[p].date);
        h.raw("</a>");
    }
    if let Some(next) = cx.plan.checkins.get(n + 1) {
        h.raw("<a rel=\"next\" href=\"");
        h.root();
        h.text(&cx.checkin_urls[n + 1]);
        h.raw("\">");
        h.date(next.date);
        h.raw(" →</a>");
    }
    h.raw("</nav>\n");
}

fn updates(h: &mut Html, c: &CheckIn) {
    let section = Section {
        open: "<section><h2>Initiatives</h2>\n",
        empty: "<p class=\"empty\">No initiative updates.</p>",
        close: LIST_CLOSE,
    };
    let head = "<table class=\"data\" data-sortable><thead><tr><th>Initiative</th><th>Status</th><th class=\"num\">Progress</th><th class=\"num\">Confidence</th><th>Forecast end</th><th>Note</th></tr></thead><tbody>\n";
    section.write(
        h,
        &c.updates,
        |h| h.raw(head),
        |h, u| {
            h.raw("<tr><td>");
            h.initiative(u.initiative.to);
            h.raw("</td>");
            Update::from(u).cells(h);
            h.raw("</tr>");
        },
    );
}

/// How the check-in page's tables end: their rows are written on a line of their own.
const LIST_CLOSE: &str = "\n</tbody></table>";

fn milestones(h: &mut Html, c: &CheckIn) {
    let section = Section {
        open: "<section><h2>Milestones reached</h2>\n",
        empty: "<p class=\"empty\">No milestones reached.</p>",
        close: LIST_CLOSE,
    };
    let head = "<table class=\"data\"><thead><tr><th>Initiative</th><th>Milestone</th><th>Reached</th></tr></thead><tbody>\n";
    section.write(
        h,
        &c.milestones,
        |h| h.raw(head),
        |h, ms| {
            h.raw("<tr><td>");
            h.initiative(ms.initiative.to);
            h.raw("</td><td>◆ ");
            h.text(&ms.title);
            h.raw("</td><td>");
            h.date(ms.done);
            h.raw("</td></tr>");
        },
    );
}

fn readings(h: &mut Html, c: &CheckIn) {
    let section = Section {
        open: "<section><h2>KPI readings</h2>\n",
        empty: "<p class=\"empty\">No KPI readings.</p>",
        close: LIST_CLOSE,
    };
    let head = "<table class=\"data\" data-sortable><thead><tr><th>KPI</th><th class=\"num\">Value</th><th>Note</th></tr></thead><tbody>\n";
    section.write(
        h,
        &c.readings,
        |h| h.raw(head),
        |h, r| {
            h.raw("<tr><td>");
            h.kpi(r.kpi.to);
            h.raw("</td>");
            reading_cells(h, r);
            h.raw("</tr>");
        },
    );
}

/// `reading_cells`: the value with its KPI's unit, and the note.
fn reading_cells(h: &mut Html, r: &Reading) {
    h.raw("<td class=\"num\">");
    h.opt_value(Some(r.value));
    let plan = h.plan;
    h.unit(plan.kpi(r.kpi.to).unit.as_deref());
    h.raw("</td><td>");
    if let Some(note) = r.note.as_deref() {
        h.text(note);
    }
    h.raw("</td>");
}
