//! `department.html`, written directly: every department's page.

use crate::analyze::budget::Totals;
use crate::load::Loaded;
use crate::model::{Department, DeptIx, Direction, InitiativeIx, Money};
use crate::render::html::escape;
use crate::render::pages::{subtree_initiatives, Cx, DeptCharts};
use crate::render::theme;

use super::{number, Html, PartsOf};

/// The page's navigation section (`page.section`).
const SECTION: &str = "departments";

pub fn page(cx: &Cx, loaded: &Loaded, d: DeptIx, parts: &PartsOf) -> Result<Vec<u8>, tera::Error> {
    let dept = cx.plan.department(d);
    let path = crate::render::refs::dept_url(dept);
    let parts = parts(&path, SECTION)?;
    let subtree = subtree_initiatives(cx, d);
    let charts = DeptCharts::new(cx, d, &subtree);
    let mut h = Html::new(cx.plan, &path);
    h.shell(&dept.name, &parts, |h| {
        facts(h, cx, dept, d);
        h.raw("\n\n<section id=\"plan\" class=\"prose\">");
        h.raw(&cx.body(&dept.body, loaded));
        h.raw("</section>\n\n");
        teams(h, cx, dept);
        budget(h, cx, d, &charts);
        objectives(h, cx, d);
        kpis(h, cx, d);
        initiatives(h, cx, d);
        timeline(h, cx, dept, &subtree, &charts);
    });
    Ok(h.finish())
}

/// The crumbs, the name, the mission, the facts and the table of contents.
fn facts(h: &mut Html, cx: &Cx, dept: &Department, d: DeptIx) {
    h.raw("\n<p class=\"crumbs\"><a href=\"");
    h.root();
    h.raw("departments/index.html\">Departments</a>");
    let chain = cx.plan.ancestors(d);
    for (n, &a) in chain.iter().enumerate() {
        h.raw(" › ");
        if n + 1 == chain.len() {
            h.raw("<span>");
            h.text(&cx.plan.department(a).name);
            h.raw("</span>");
        } else {
            h.dept(a);
        }
    }
    h.raw("</p>\n<h1>");
    h.text(&dept.name);
    h.raw("</h1>\n");
    if let Some(mission) = dept.mission.as_deref().filter(|m| !m.is_empty()) {
        h.raw("<p class=\"lede\">");
        h.text(mission);
        h.raw("</p>");
    }
    h.raw("\n<dl class=\"facts\">\n  <div><dt>Head</dt><dd>");
    h.person(dept.head.as_ref());
    h.raw("</dd></div>\n  <div><dt>Part of</dt><dd>");
    match &dept.parent {
        Some(p) => h.dept(p.to),
        None => h.raw(theme::NONE),
    }
    h.raw("</dd></div>\n  <div><dt>Sub-departments</dt><dd>");
    h.anchors(&dept.children, |h, &c| h.dept(c));
    h.raw("</dd></div>\n  <div><dt>People</dt><dd>");
    h.int(cx.rel.dept_people[d.ix()].len());
    h.raw("</dd></div>\n</dl>\n<nav class=\"toc\" aria-label=\"On this page\"><a href=\"#plan\">Plan</a> <a href=\"#teams\">Teams</a> <a href=\"#budget\">Budget</a> <a href=\"#objectives\">Objectives</a> <a href=\"#kpis\">KPIs</a> <a href=\"#initiatives\">Initiatives</a> <a href=\"#timeline\">Timeline</a></nav>");
}

fn teams(h: &mut Html, cx: &Cx, dept: &Department) {
    h.raw("<section id=\"teams\"><h2>Teams</h2>\n");
    if dept.teams.is_empty() {
        h.raw("<p class=\"empty\">No teams.</p>");
    } else {
        h.raw("<div class=\"cards\">");
        for &t in &dept.teams {
            let team = cx.plan.team(t);
            h.raw("<div class=\"card\" id=\"team-");
            h.text(&team.id);
            h.raw("\"><h3>");
            h.text(&team.name);
            h.raw("</h3><p>Lead: ");
            h.person(team.lead.as_ref());
            h.raw("</p><p class=\"muted\">");
            h.anchors(&cx.rel.team_people[t.ix()], |h, &p| h.person_ix(p));
            h.raw("</p></div>");
        }
        h.raw("</div>");
    }
    h.raw("\n</section>\n\n");
}

/// The `budget` section: totals, caps, the two breakdowns with their charts, the own lines.
fn budget(h: &mut Html, cx: &Cx, d: DeptIx, charts: &DeptCharts) {
    let b = &cx.an.budget.departments[d.ix()];
    h.raw("<section id=\"budget\"><h2>Budget</h2>\n");
    if b.subtree.totals.lines == 0 {
        h.raw("<p class=\"empty\">No budget.</p>\n</section>\n\n");
        return;
    }
    h.raw("\n<table class=\"data totals\"><caption>Amounts in ");
    h.text(&cx.plan.settings.currency.code);
    h.raw("</caption>\n<thead><tr><th></th><th class=\"num\">Planned</th><th class=\"num\">Forecast</th><th class=\"num\">Actual</th><th class=\"num\">Forecast − planned</th></tr></thead>\n<tbody>");
    totals_row(h, "Own lines", &b.own.totals);
    if !cx.plan.department(d).children.is_empty() {
        totals_row(h, "With all departments under it", &b.subtree.totals);
    }
    h.raw("</tbody></table>\n");
    caps(h, cx, d);
    h.raw("\n");
    if let Some(svg) = charts.budget_period.as_deref().filter(|s| !s.is_empty()) {
        let title =
            "Budget by quarter: planned, forecast and actual (with all departments under it)";
        theme::chart_figure(&mut h.out, svg, title, "budget-period");
    }
    h.raw("\n<table class=\"data\"><caption>By quarter, with all departments under it</caption><thead><tr><th>Period</th><th class=\"num\">Planned</th><th class=\"num\">Forecast</th><th class=\"num\">Actual</th><th class=\"num\">Forecast − planned</th></tr></thead><tbody>");
    for q in &b.subtree.by_quarter {
        totals_row(h, &q.label, &q.totals);
    }
    h.raw("</tbody></table>\n");
    if let Some(svg) = charts.budget_category.as_deref().filter(|s| !s.is_empty()) {
        let title = "Budget by category (with all departments under it)";
        theme::chart_figure(&mut h.out, svg, title, "budget-category");
    }
    h.raw("\n<table class=\"data\"><caption>By category, with all departments under it</caption><thead><tr><th>Category</th><th class=\"num\">Planned</th><th class=\"num\">Forecast</th><th class=\"num\">Actual</th><th class=\"num\">Forecast − planned</th></tr></thead><tbody>");
    for (category, t) in &b.subtree.by_category {
        totals_row(h, category, t);
    }
    h.raw("</tbody></table>\n<h3>Own budget lines</h3>\n");
    if b.lines.is_empty() {
        h.raw("<p class=\"empty\">No budget lines of its own.</p>");
    } else {
        h.raw("\n<table class=\"data\" data-sortable><thead><tr><th>Category</th><th>Item</th><th>Initiative</th><th>Period</th><th class=\"num\">Planned</th><th class=\"num\">Forecast</th><th class=\"num\">Actual</th></tr></thead><tbody>\n");
        for &l in &b.lines {
            h.raw("<tr>");
            line_cells(h, cx, l);
            h.raw("</tr>");
        }
        h.raw("\n</tbody></table>\n");
    }
    h.raw("\n\n</section>\n\n");
}

/// The macro `totals_row`.
fn totals_row(h: &mut Html, label: &str, t: &Totals) {
    h.raw("<tr><th scope=\"row\">");
    h.text(label);
    h.raw("</th><td class=\"num\">");
    h.amount(t.planned);
    h.raw("</td><td class=\"num\">");
    h.amount(t.forecast);
    h.raw("</td><td class=\"num\">");
    h.amount(t.actual);
    h.raw(if t.forecast_variance > Money::ZERO {
        "</td><td class=\"num over\">"
    } else {
        "</td><td class=\"num \">"
    });
    h.amount(t.forecast_variance);
    h.raw("</td></tr>");
}

/// The caps on the department and all under it, with their headroom.
fn caps(h: &mut Html, cx: &Cx, d: DeptIx) {
    let mut caps = cx
        .an
        .budget
        .caps
        .iter()
        .filter(|c| c.department == d)
        .peekable();
    if caps.peek().is_none() {
        return;
    }
    h.raw("<table class=\"data\"><caption>Caps (department and all under it)</caption><thead><tr><th>Period</th><th class=\"num\">Cap</th><th class=\"num\">Planned</th><th class=\"num\">Headroom</th></tr></thead><tbody>");
    for c in caps {
        h.raw("<tr><td>");
        h.text(&c.period.label);
        h.raw("</td><td class=\"num\">");
        h.amount(c.amount);
        h.raw("</td><td class=\"num\">");
        h.amount(c.planned);
        h.raw("</td><td class=\"num\">");
        h.amount(c.amount - c.planned);
        h.raw("</td></tr>");
    }
    h.raw("</tbody></table>");
}

/// `budget_line_cells`: one of the department's own lines, with the raw amounts to sort by.
fn line_cells(h: &mut Html, cx: &Cx, l: usize) {
    let line = &cx.plan.budget_lines[l];
    h.raw("<td>");
    h.text(&line.category);
    h.raw("</td><td>");
    h.text(line.item.as_deref().unwrap_or("—"));
    h.raw("</td><td>");
    match &line.initiative {
        Some(i) => h.initiative(i.to),
        None => h.raw(theme::NONE),
    }
    h.raw("</td><td data-sort=\"");
    h.text(&line.period.start.to_string());
    h.raw("\">");
    h.text(&line.period.label);
    let forecast = cx.an.budget.lines[l].forecast;
    for m in [line.planned, forecast] {
        h.raw("</td><td class=\"num\" data-sort=\"");
        h.plain(m);
        h.raw("\">");
        h.amount(m);
    }
    h.raw("</td><td class=\"num\" data-sort=\"");
    if let Some(a) = line.actual {
        h.plain(a);
    }
    h.raw("\">");
    match line.actual {
        Some(a) => h.amount(a),
        None => h.raw("—"),
    }
    h.raw("</td>");
}

fn objectives(h: &mut Html, cx: &Cx, d: DeptIx) {
    let plan = cx.plan;
    let list = &cx.rel.dept_objectives[d.ix()];
    h.raw("<section id=\"objectives\"><h2>Objectives</h2>\n");
    for &o in list {
        let ob = plan.objective(o);
        h.raw("<div class=\"objective\"><h3>");
        h.objective(o);
        h.raw("</h3><p class=\"muted\">");
        h.text(&ob.period.label);
        if let Some(t) = &ob.team {
            h.raw(" · team ");
            h.text(&plan.team(t.to).name);
        }
        if !ob.goals.is_empty() {
            h.raw(" · serves ");
            h.anchors(&ob.goals, |h, g| h.goal(g.to));
        }
        let progress = number(cx.an.rollups.objectives[o.ix()].progress);
        if let Some(p) = progress.filter(|p| *p != 0.0) {
            h.raw(" · progress ");
            h.pct(p);
        }
        h.raw("</p>\n<ul>");
        for kr in &ob.key_results {
            h.raw("<li>");
            h.kpi(kr.kpi.to);
            h.raw(" → ");
            h.opt_value(Some(kr.target));
            h.unit(plan.kpi(kr.kpi.to).unit.as_deref());
            h.raw("</li>");
        }
        h.raw("</ul></div>");
    }
    h.raw(if list.is_empty() {
        "<p class=\"empty\">No objectives.</p>"
    } else {
        "\n"
    });
    h.raw("\n</section>\n\n");
}

fn kpis(h: &mut Html, cx: &Cx, d: DeptIx) {
    let list = &cx.rel.dept_kpis[d.ix()];
    h.raw("<section id=\"kpis\"><h2>KPIs</h2>\n");
    if list.is_empty() {
        h.raw("<p class=\"empty\">No KPIs of its own.</p>");
    } else {
        h.raw("<table class=\"data\" data-sortable><thead><tr><th>KPI</th><th>Owner</th><th>Direction</th><th class=\"num\">Latest</th><th>Status</th></tr></thead><tbody>\n");
        for &k in list {
            let kpi = cx.plan.kpi(k);
            let st = &cx.an.kpis[k.ix()].status;
            h.raw("<tr><td>");
            h.kpi(k);
            h.raw("</td><td>");
            h.person(kpi.owner.as_ref());
            h.raw(match kpi.direction {
                Direction::Up => "</td><td>↑ higher is better",
                Direction::Down => "</td><td>↓ lower is better",
            });
            h.raw("</td><td class=\"num\">");
            match st.value {
                Some(v) => {
                    h.opt_value(Some(v));
                    h.unit(kpi.unit.as_deref());
                }
                None => h.raw("—"),
            }
            h.raw("</td><td>");
            h.status(st.state.as_str());
            h.raw("</td></tr>");
        }
        h.raw("\n</tbody></table>");
    }
    h.raw("\n</section>\n\n");
}

fn initiatives(h: &mut Html, cx: &Cx, d: DeptIx) {
    let list = &cx.rel.dept_initiatives[d.ix()];
    h.raw("<section id=\"initiatives\"><h2>Initiatives</h2>\n");
    if list.is_empty() {
        h.raw("<p class=\"empty\">No initiatives of its own.</p>");
    } else {
        h.raw("<table class=\"data\" data-sortable><thead><tr><th>Initiative</th><th>Owner</th><th>Start</th><th>End</th><th>Priority</th><th>Status</th></tr></thead><tbody>\n");
        for &i in list {
            initiative_row(h, cx, i);
        }
        h.raw("\n</tbody></table>");
    }
    h.raw("\n");
    let collaborations = &cx.rel.dept_collaborations[d.ix()];
    if !collaborations.is_empty() {
        h.raw("<p>Takes part in: ");
        h.anchors(collaborations, |h, &i| h.initiative(i));
        h.raw("</p>");
    }
    h.raw("\n</section>\n\n");
}

fn initiative_row(h: &mut Html, cx: &Cx, i: InitiativeIx) {
    let init = cx.plan.initiative(i);
    h.raw("<tr><td>");
    h.initiative(i);
    if init.key {
        h.raw(" <span class=\"key\" title=\"Key initiative\">★ key</span>");
    }
    h.raw("</td><td>");
    h.person(init.owner.as_ref());
    h.dates_and_priority(init);
    h.raw("</td><td>");
    h.status(cx.an.initiatives[i.ix()].status.state.as_str());
    h.raw("</td></tr>");
}

/// The timeline of every initiative of the department and all under it, and its table.
fn timeline(
    h: &mut Html,
    cx: &Cx,
    dept: &Department,
    subtree: &[InitiativeIx],
    charts: &DeptCharts,
) {
    h.raw("<section id=\"timeline\"><h2>Timeline</h2>\n");
    match charts.timeline.as_deref().filter(|s| !s.is_empty()) {
        Some(svg) => {
            let title = escape(&format!(
                "Timeline of the initiatives of {} and the departments under it",
                dept.name
            ));
            h.raw("<div class=\"scroll\">");
            theme::chart_figure(&mut h.out, svg, &title, "timeline");
            h.raw("</div>\n<details><summary>Timeline as a table</summary><table class=\"data\"><thead><tr><th>Initiative</th><th>Department</th><th>Start</th><th>End</th><th>Status</th></tr></thead><tbody>");
            for &i in subtree {
                let init = cx.plan.initiative(i);
                h.raw("<tr><td>");
                h.initiative(i);
                h.raw("</td><td>");
                h.text(&cx.plan.department(init.department).name);
                h.raw("</td><td>");
                h.date(init.start);
                h.raw("</td><td>");
                h.date(init.end);
                h.raw("</td><td>");
                h.status(cx.an.initiatives[i.ix()].status.state.as_str());
                h.raw("</td></tr>");
            }
            h.raw("</tbody></table></details>\n");
        }
        None => h.raw("<p class=\"empty\">No initiatives in this department or under it.</p>"),
    }
    h.raw("\n</section>\n");
}
