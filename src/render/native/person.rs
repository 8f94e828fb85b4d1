//! `person.html`, written directly: every person's page.

use crate::analyze::load::PersonLoad;
use crate::model::iso::month_text;
use crate::model::{Person, PersonIx};
use crate::render::figures;
use crate::render::html::escape;
use crate::render::pages::Cx;
use crate::render::theme;

use super::{allocation_cells, task_cells, Html, PartsOf, Section};

/// The page's navigation section (`page.section`).
const SECTION: &str = "people";

pub fn page(cx: &Cx, p: PersonIx, parts: &PartsOf) -> Result<Vec<u8>, tera::Error> {
    let person = cx.plan.person(p);
    let path = crate::render::refs::person_url(person);
    let parts = parts(&path, SECTION)?;
    let mut h = Html::new(cx.plan, &path);
    h.shell(&person.name, &parts, |h| {
        facts(h, person);
        load(h, cx, person, p);
        roles(h, cx, p);
        tasks(h, cx, p);
        allocations(h, cx, p);
    });
    Ok(h.finish())
}

/// The crumbs, the name and the facts list.
fn facts(h: &mut Html, person: &Person) {
    h.raw("\n\n<p class=\"crumbs\"><a href=\"");
    h.root();
    h.raw("people/index.html\">People</a></p>\n<h1>");
    h.text(&person.name);
    h.raw("</h1>\n<dl class=\"facts\">\n  <div><dt>Role</dt><dd>");
    h.text(person.role.as_deref().unwrap_or("—"));
    h.raw("</dd></div>\n  <div><dt>Department</dt><dd>");
    match &person.department {
        Some(d) => h.dept(d.to),
        None => h.raw(theme::NONE),
    }
    h.raw("</dd></div>\n  <div><dt>Team</dt><dd>");
    match &person.team {
        Some(t) => h.team(t.to),
        None => h.raw("—"),
    }
    h.raw("</dd></div>\n  <div><dt>Capacity</dt><dd>");
    h.fixed(person.capacity, 2);
    h.raw(" FTE</dd></div>\n  ");
    if let Some(email) = person.email.as_deref().filter(|e| !e.is_empty()) {
        h.raw("<div><dt>Email</dt><dd><a href=\"mailto:");
        h.text(email);
        h.raw("\">");
        h.text(email);
        h.raw("</a></dd></div>");
    }
    h.raw("\n</dl>\n");
}

/// The `load` block: the months over capacity, the chart and its table.
fn load(h: &mut Html, cx: &Cx, person: &Person, p: PersonIx) {
    let pl = &cx.an.load.people[p.ix()];
    h.raw("\n<section id=\"load\"><h2>Load over time</h2>\n");
    for r in &pl.over {
        h.raw("<p class=\"flag\">⚠ Over capacity from ");
        h.text(&month_text(&r.first));
        h.raw(" to ");
        h.text(&month_text(&r.last));
        h.raw(": up to ");
        h.fixed(r.peak, 2);
        h.raw(" FTE against ");
        h.fixed(person.capacity, 2);
        h.raw(".</p>");
    }
    h.raw("\n");
    match figures::person_load(cx.plan, cx.an, p).filter(|s| !s.is_empty()) {
        Some(svg) => {
            let title = escape(&format!("{}: load against capacity by month", person.name));
            theme::chart_figure(&mut h.out, &svg, &title, "load");
            load_table(h, pl);
        }
        None => h.raw("<p class=\"empty\">No allocations or task FTEs.</p>"),
    }
    h.raw("\n</section>\n\n");
}

/// The months with any load, as a table under the chart (`load_cells`).
fn load_table(h: &mut Html, pl: &PersonLoad) {
    h.raw("\n<details><summary>Load by month as a table</summary><table class=\"data\"><thead><tr><th>Month</th><th class=\"num\">Load</th><th class=\"num\">Capacity</th></tr></thead><tbody>");
    for m in pl.months.iter().filter(|m| m.load > 0.0) {
        h.raw("<tr><td>");
        h.text(&month_text(&m.month));
        h.raw(if m.over {
            "</td><td class=\"num over\">"
        } else {
            "</td><td class=\"num\">"
        });
        h.fixed(m.load, 2);
        if m.over {
            h.raw(" ⚠");
        }
        h.raw("</td><td class=\"num\">");
        h.fixed(m.capacity, 2);
        h.raw("</td></tr>");
    }
    h.raw("</tbody></table></details>\n");
}

/// What the person heads and leads, and what they own.
fn roles(h: &mut Html, cx: &Cx, p: PersonIx) {
    let rel = &cx.rel;
    h.raw("<div class=\"cards two\">\n<section class=\"card\"><h2>Leads</h2>\n<p><strong>Heads:</strong> ");
    h.anchors(&rel.person_heads[p.ix()], |h, &d| h.dept(d));
    h.raw("</p>\n<p><strong>Team lead of:</strong> ");
    h.anchors(&rel.person_leads[p.ix()], |h, &t| h.team(t));
    h.raw("</p>\n</section>\n<section class=\"card\"><h2>Owns</h2>\n<p><strong>Goals:</strong> ");
    h.anchors(&rel.person_goals[p.ix()], |h, &g| h.goal(g));
    h.raw("</p>\n<p><strong>KPIs:</strong> ");
    h.anchors(&rel.person_kpis[p.ix()], |h, &k| h.kpi(k));
    h.raw("</p>\n<p><strong>Initiatives:</strong> ");
    h.anchors(&rel.person_initiatives[p.ix()], |h, &i| h.initiative(i));
    h.raw("</p>\n</section>\n</div>\n");
}

fn tasks(h: &mut Html, cx: &Cx, p: PersonIx) {
    let head = "<table class=\"data\" data-sortable><thead><tr><th>Task</th><th>Initiative</th><th>Start</th><th>End</th><th class=\"num\">FTE</th></tr></thead><tbody>";
    let section = Section::table(
        "<section><h2>Tasks</h2>\n",
        "<p class=\"empty\">No tasks.</p>",
    );
    let plan = cx.plan;
    let tasks = &cx.rel.person_tasks[p.ix()];
    section.write(
        h,
        tasks,
        |h| h.raw(head),
        |h, &(i, t)| {
            let task = &plan.initiative(i).tasks[t];
            h.raw("<tr><td>");
            h.text(&task.title);
            h.raw("</td><td>");
            h.initiative(i);
            task_cells(h, task);
        },
    );
}

fn allocations(h: &mut Html, cx: &Cx, p: PersonIx) {
    let head = "<table class=\"data\"><thead><tr><th>Initiative</th><th class=\"num\">FTE</th><th>From</th><th>To</th></tr></thead><tbody>";
    let section = Section::table(
        "<section><h2>Allocations</h2>\n",
        "<p class=\"empty\">No allocations.</p>",
    );
    let plan = cx.plan;
    let allocations = &cx.rel.person_allocations[p.ix()];
    section.write(
        h,
        allocations,
        |h| h.raw(head),
        |h, &(i, a)| {
            h.raw("<tr><td>");
            h.initiative(i);
            h.raw("</td><td class=\"num\">");
            allocation_cells(h, &plan.initiative(i).allocations[a]);
        },
    );
}
