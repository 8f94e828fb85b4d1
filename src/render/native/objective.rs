//! `objective.html`, written directly: every objective's page.

use crate::model::ObjectiveIx;
use crate::render::pages::Cx;

use super::{rollup, Html, PartsOf, Section};

/// The page's navigation section (`page.section`): objectives belong to their departments.
const SECTION: &str = "departments";

pub fn page(cx: &Cx, o: ObjectiveIx, parts: &PartsOf) -> Result<Vec<u8>, tera::Error> {
    let plan = cx.plan;
    let ob = plan.objective(o);
    let path = crate::render::refs::objective_url(ob);
    let parts = parts(&path, SECTION)?;
    let mut h = Html::new(plan, &path);
    h.shell(&ob.title, &parts, |h| {
        h.raw("\n\n<p class=\"crumbs\">");
        h.dept(ob.department);
        h.raw(" › Objectives</p>\n<h1>");
        h.text(&ob.title);
        h.raw("</h1>\n<dl class=\"facts\">\n  <div><dt>Period</dt><dd>");
        h.text(&ob.period.label);
        h.raw("</dd></div>\n  <div><dt>Department</dt><dd>");
        h.dept(ob.department);
        h.raw("</dd></div>\n  <div><dt>Team</dt><dd>");
        match &ob.team {
            Some(t) => h.team(t.to),
            None => h.raw("the whole department"),
        }
        h.raw("</dd></div>\n  <div><dt>Serves</dt><dd>");
        h.anchors(&ob.goals, |h, g| h.goal(g.to));
        h.raw("</dd></div>\n</dl>\n");
        let fig = &cx.an.rollups.objectives[o.ix()];
        rollup(h, fig.progress, &fig.rows);
        h.raw("\n<section><h2>Key results</h2>\n<table class=\"data\"><thead><tr><th>KPI</th><th class=\"num\">Target</th></tr></thead><tbody>");
        for kr in &ob.key_results {
            let k = plan.kpi(kr.kpi.to);
            h.raw("<tr><td>");
            h.kpi(kr.kpi.to);
            h.raw("</td><td class=\"num\">");
            h.opt_value(Some(kr.target));
            h.unit(k.unit.as_deref());
            h.raw("</td></tr>");
        }
        h.raw("</tbody></table>\n</section>\n");
        let section = Section {
            open: "<section><h2>Initiatives that serve it</h2>\n",
            empty: "<p class=\"empty\">No initiative names this objective.</p>",
            close: "</ul>",
        };
        let list = &cx.rel.objective_initiatives[o.ix()];
        section.write(h, list, |h| h.raw("<ul>"), |h, &i| {
            h.raw("<li>");
            h.initiative(i);
            h.raw("</li>");
        });
    });
    Ok(h.finish())
}
