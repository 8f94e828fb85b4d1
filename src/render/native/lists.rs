//! The lists of all people and all initiatives, and the organization's timeline, written
//! directly: `people.html`, `initiatives.html` and `timeline.html`.

use crate::model::{InitiativeIx, Priority};
use crate::render::html::escape;
use crate::render::pages::{Cx, Timeline};
use crate::render::theme;

use super::{Html, PartsOf};

/// `people/index.html`.
pub fn people(cx: &Cx, parts: &PartsOf) -> Result<Vec<u8>, tera::Error> {
    let path = "people/index.html";
    let parts = parts(path, "people")?;
    let mut h = Html::new(cx.plan, path);
    h.shell("People", &parts, |h| {
        h.raw("\n<h1>People</h1>\n");
        filter(h, "people", "Filter people");
        h.raw("\n<table class=\"data\" data-sortable id=\"people\">\n<thead><tr><th>Name</th><th>Role</th><th>Department</th><th>Team</th><th class=\"num\">Capacity</th></tr></thead>\n<tbody>\n");
        let plan = cx.plan;
        for p in &plan.people {
            h.raw("<tr><td>");
            h.anchor("people", &p.id, "", &p.name);
            h.raw("</td><td>");
            h.text(p.role.as_deref().unwrap_or("—"));
            h.raw("</td><td>");
            match &p.department {
                Some(d) => h.dept(d.to),
                None => h.raw(theme::NONE),
            }
            h.raw("</td><td>");
            match &p.team {
                Some(t) => h.team(t.to),
                None => h.raw("—"),
            }
            h.raw("</td><td class=\"num\">");
            h.fixed(p.capacity, 2);
            h.raw("</td></tr>");
        }
        h.raw("\n</tbody>\n</table>\n");
    });
    Ok(h.finish())
}

/// The macro `filter`: the search box that filters a table's rows.
fn filter(h: &mut Html, id: &str, label: &str) {
    h.raw("<div class=\"filter\"><label for=\"filter-");
    h.text(id);
    h.raw("\">");
    h.text(label);
    h.raw("</label><input id=\"filter-");
    h.text(id);
    h.raw("\" type=\"search\" data-filter=\"");
    h.text(id);
    h.raw("\" placeholder=\"Type to filter…\" autocomplete=\"off\"><span class=\"count\" data-count=\"");
    h.text(id);
    h.raw("\" aria-live=\"polite\"></span></div>");
}

/// `initiatives/index.html`.
pub fn initiatives(cx: &Cx, parts: &PartsOf) -> Result<Vec<u8>, tera::Error> {
    let path = "initiatives/index.html";
    let parts = parts(path, "initiatives")?;
    let plan = cx.plan;
    let mut h = Html::new(plan, path);
    h.shell("Initiatives", &parts, |h| {
        h.raw("\n<h1>Initiatives</h1>\n<p class=\"lede\">");
        h.int(plan.initiatives.len());
        h.raw(" initiatives. Sort by any column; filter by any word in a row.</p>\n");
        filter(h, "initiatives", "Filter initiatives");
        h.raw("\n<table class=\"data\" data-sortable id=\"initiatives\">\n<thead><tr><th>Initiative</th><th>Department</th><th>Owner</th><th>Start</th><th>End</th><th>Priority</th><th class=\"num\">Difficulty</th><th class=\"num\">Impact</th><th>Status</th></tr></thead>\n<tbody>\n");
        for n in 0..plan.initiatives.len() {
            let i = InitiativeIx::from(n);
            let init = plan.initiative(i);
            h.raw("<tr><td>");
            h.initiative(i);
            if init.key {
                h.raw(" <span class=\"key\" title=\"Key initiative\">★ key</span>");
            }
            h.raw("</td><td>");
            h.dept(init.department);
            h.raw("</td><td>");
            h.person(init.owner.as_ref());
            h.dates(init);
            h.raw("</td><td data-sort=\"");
            h.raw(match init.priority {
                Priority::Critical => "0",
                Priority::High => "1",
                Priority::Medium => "2",
                Priority::Low => "3",
            });
            h.raw("\">");
            h.priority(init.priority);
            h.raw("</td><td class=\"num\">");
            h.int(init.difficulty);
            h.raw("</td><td class=\"num\">");
            h.int(init.impact);
            h.raw("</td><td>");
            h.status(cx.an.initiatives[n].status.state.as_str());
            h.raw("</td></tr>");
        }
        h.raw("\n</tbody>\n</table>\n");
    });
    Ok(h.finish())
}

/// `timeline.html`.
pub fn timeline(cx: &Cx, parts: &PartsOf) -> Result<Vec<u8>, tera::Error> {
    let path = "timeline.html";
    let parts = parts(path, "timeline")?;
    let plan = cx.plan;
    let t = Timeline::new(cx);
    let mut h = Html::new(plan, path);
    h.shell("Timeline", &parts, |h| {
        h.raw("\n<h1>Timeline</h1>\n<p class=\"lede\">Every initiative by department, with milestones, dependencies and the status date.</p>\n");
        if let Some(svg) = t.svg.as_deref().filter(|s| !s.is_empty()) {
            h.raw("<div class=\"scroll\">");
            theme::chart_figure(&mut h.out, svg, &escape("Organization timeline"), "timeline");
            h.raw("</div>");
        }
        h.raw("\n<details><summary>Timeline as a table</summary>\n<table class=\"data\" data-sortable><thead><tr><th>Initiative</th><th>Department</th><th>Start</th><th>End</th><th>Milestones</th><th>Status</th></tr></thead><tbody>\n");
        for &i in &t.rows {
            let init = plan.initiative(i);
            h.raw("<tr><td>");
            h.initiative(i);
            h.raw("</td><td>");
            h.text(&plan.department(init.department).name);
            h.dates(init);
            h.raw("</td><td>");
            h.int(init.milestones.len());
            h.raw("</td><td>");
            h.status(cx.an.initiatives[i.ix()].status.state.as_str());
            h.raw("</td></tr>");
        }
        h.raw("\n</tbody></table></details>\n");
    });
    Ok(h.finish())
}
