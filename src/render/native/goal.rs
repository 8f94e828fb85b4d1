//! `goal.html`, written directly: every strategic goal's page.

use crate::load::Loaded;
use crate::model::{Goal, GoalIx};
use crate::render::pages::Cx;

use super::{number, rollup, Html, PartsOf, Section};

/// The page's navigation section (`page.section`).
const SECTION: &str = "goals";

pub fn page(cx: &Cx, loaded: &Loaded, g: GoalIx, parts: &PartsOf) -> Result<Vec<u8>, tera::Error> {
    let goal = cx.plan.goal(g);
    let path = crate::render::refs::goal_url(goal);
    let parts = parts(&path, SECTION)?;
    let mut h = Html::new(cx.plan, &path);
    h.shell(&goal.title, &parts, |h| {
        facts(h, goal);
        let fig = &cx.an.rollups.goals[g.ix()];
        rollup(h, fig.progress, &fig.rows);
        h.raw("\n<section class=\"prose\">");
        h.raw(&cx.body(&goal.body, loaded));
        h.raw("</section>\n");
        kpis(h, cx, g);
        objectives(h, cx, g);
        initiatives(h, cx, g);
    });
    Ok(h.finish())
}

fn facts(h: &mut Html, goal: &Goal) {
    h.raw("\n<p class=\"crumbs\"><a href=\"");
    h.root();
    h.raw("goals/index.html\">Goals</a></p>\n<h1>");
    h.text(&goal.title);
    h.raw("</h1>\n<dl class=\"facts\">\n  <div><dt>Owner</dt><dd>");
    h.person(goal.owner.as_ref());
    h.raw("</dd></div>\n  <div><dt>Weight</dt><dd>");
    match number(goal.weight).filter(|w| *w != 0.0) {
        Some(w) => h.num(w, 0),
        None => h.raw("—"),
    }
    h.raw("</dd></div>\n  <div><dt>Target year</dt><dd>");
    match goal.target_year {
        Some(y) => h.int(y),
        None => h.raw("—"),
    }
    h.raw("</dd></div>\n</dl>\n");
}

fn kpis(h: &mut Html, cx: &Cx, g: GoalIx) {
    let section = Section {
        open: "<section><h2>KPIs that measure it</h2>\n",
        empty: "<p class=\"empty\">No KPI measures this goal.</p>",
        close: "</ul>",
    };
    let head = |h: &mut Html| h.raw("<ul class=\"cols\">");
    section.write(h, &cx.rel.goal_kpis[g.ix()], head, |h, &k| {
        h.raw("<li>");
        h.kpi(k);
        if let Some(d) = cx.plan.kpi(k).department {
            h.raw(" · <span class=\"muted\">");
            h.text(&cx.plan.department(d).name);
            h.raw("</span>");
        }
        h.raw("</li>");
    });
}

fn objectives(h: &mut Html, cx: &Cx, g: GoalIx) {
    let section = Section {
        open: "<section><h2>Objectives that serve it</h2>\n",
        empty: "<p class=\"empty\">No objective names this goal.</p>",
        close: "</ul>",
    };
    let head = |h: &mut Html| h.raw("<ul>");
    section.write(h, &cx.rel.goal_objectives[g.ix()], head, |h, &o| {
        let ob = cx.plan.objective(o);
        h.raw("<li>");
        h.objective(o);
        h.raw(" · ");
        h.text(&cx.plan.department(ob.department).name);
        h.raw(" · ");
        h.text(&ob.period.label);
        h.raw("</li>");
    });
}

fn initiatives(h: &mut Html, cx: &Cx, g: GoalIx) {
    let section = Section {
        open: "<section><h2>Initiatives that serve it</h2>\n",
        empty: "<p class=\"empty\">No initiative names this goal.</p>",
        close: "\n</tbody></table>\n",
    };
    let head = "\n<table class=\"data\" data-sortable><thead><tr><th>Initiative</th><th>Department</th><th>Owner</th><th>Start</th><th>End</th><th>Priority</th></tr></thead><tbody>\n";
    section.write(
        h,
        &cx.rel.goal_initiatives[g.ix()],
        |h| h.raw(head),
        |h, &i| {
            let init = cx.plan.initiative(i);
            h.raw("<tr><td>");
            h.initiative(i);
            h.raw("</td><td>");
            h.dept(init.department);
            h.raw("</td><td>");
            h.person(init.owner.as_ref());
            h.dates_and_priority(init);
            h.raw("</td></tr>");
        },
    );
}
