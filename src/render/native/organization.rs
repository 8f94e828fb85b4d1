//! Two of the organization-wide pages, written directly: `focus.html` and `appraisal.html`.

use crate::analyze::appraisal::{Scorecard, Subject};
use crate::model::InitiativeIx;
use crate::render::overview::{by_score, priority_mix, scorecard_url};
use crate::render::pages::Cx;
use crate::render::{figures, theme};

use super::{number, Html, PartsOf};

/// `focus.html`: difficulty against impact, the key initiatives and the priority mix.
pub fn focus(cx: &Cx, parts: &PartsOf) -> Result<Vec<u8>, tera::Error> {
    let path = "focus.html";
    let parts = parts(path, "focus")?;
    let plan = cx.plan;
    let all: Vec<InitiativeIx> = (0..plan.initiatives.len())
        .map(InitiativeIx::from)
        .collect();
    let mut h = Html::new(plan, path);
    h.shell("Focus", &parts, |h| {
        h.raw("\n<h1>Focus</h1>\n<p class=\"lede\">How hard the work is against what it brings, the priority mix per department, and the key initiatives.</p>\n");
        if !all.is_empty() {
            let svg = figures::difficulty_impact(plan, cx.an, &all);
            if !svg.is_empty() {
                let title = "Difficulty and impact: bubble size is the budget envelope, colour and shape the status";
                theme::chart_figure(&mut h.out, &svg, title, "focus");
            }
        }
        h.raw("\n<section><h2>Key initiatives</h2>\n");
        let key: Vec<InitiativeIx> = all.iter().copied().filter(|&i| plan.initiative(i).key).collect();
        if key.is_empty() {
            h.raw("<p class=\"empty\">No initiative is marked key.</p>");
        } else {
            h.raw("<ul>");
            for i in key {
                let init = plan.initiative(i);
                h.raw("<li>");
                h.status(cx.an.initiatives[i.ix()].status.state.as_str());
                h.raw(" ");
                h.initiative(i);
                h.raw(" · ");
                h.text(&plan.department(init.department).name);
                h.raw(" · difficulty ");
                h.int(init.difficulty);
                h.raw(", impact ");
                h.int(init.impact);
                h.raw("</li>");
            }
            h.raw("</ul>");
        }
        h.raw("\n</section>\n<section><h2>Priority mix per department</h2>\n<table class=\"data\"><thead><tr><th>Department</th><th class=\"num\">Critical</th><th class=\"num\">High</th><th class=\"num\">Medium</th><th class=\"num\">Low</th><th class=\"num\">Total</th></tr></thead><tbody>");
        for (d, n) in priority_mix(cx) {
            h.raw("<tr><td>");
            h.dept(d);
            for count in n.into_iter().chain([n.iter().sum()]) {
                h.raw("</td><td class=\"num\">");
                h.int(count);
            }
            h.raw("</td></tr>");
        }
        h.raw("</tbody></table>\n</section>\n<details><summary>The chart as a table</summary>\n<table class=\"data\" data-sortable><thead><tr><th>Initiative</th><th class=\"num\">Difficulty</th><th class=\"num\">Impact</th><th class=\"num\">Budget</th><th>Status</th></tr></thead><tbody>");
        for &i in &all {
            let init = plan.initiative(i);
            h.raw("<tr><td>");
            h.initiative(i);
            h.raw("</td><td class=\"num\">");
            h.int(init.difficulty);
            h.raw("</td><td class=\"num\">");
            h.int(init.impact);
            h.raw("</td><td class=\"num\" data-sort=\"");
            if let Some(m) = init.budget {
                h.plain(m);
            }
            h.raw("\">");
            match init.budget {
                Some(m) => h.amount(m),
                None => h.raw("—"),
            }
            h.raw("</td><td>");
            h.status(cx.an.initiatives[i.ix()].status.state.as_str());
            h.raw("</td></tr>");
        }
        h.raw("</tbody></table>\n</details>\n");
    });
    Ok(h.finish())
}

/// `appraisal/index.html`: the policy and every scorecard, ranked.
pub fn appraisal(cx: &Cx, parts: &PartsOf) -> Result<Vec<u8>, tera::Error> {
    let path = "appraisal/index.html";
    let parts = parts(path, "appraisal")?;
    let mut h = Html::new(cx.plan, path);
    h.shell("Appraisal", &parts, |h| {
        let (Some(a), Some(policy)) = (&cx.an.appraisal, &cx.plan.appraisal) else {
            h.raw("\n\n<h1>Appraisal</h1>\n<p class=\"empty\">This plan has no appraisal policy. Add appraisal.toml (see docs/format.md) to score departments and owners.</p>\n\n");
            return;
        };
        h.raw("\n\n<h1>Appraisal ");
        h.text(&a.period.label);
        h.raw("</h1>\n<p class=\"lede\">Scores 0–100 from KPI attainment (");
        let w = &policy.weights;
        for (n, weight) in [w.kpis, w.initiatives, w.budget].into_iter().enumerate() {
            h.raw(["", "), initiative delivery (", ") and budget adherence ("][n]);
            h.fixed(weight, 0);
        }
        h.raw("); weights are re-spread over the parts that have data.</p>\n<table class=\"data\"><caption>Bands</caption><thead><tr><th class=\"num\">From score</th><th>Rating</th><th>Consequence</th></tr></thead><tbody>");
        for b in &policy.bands {
            h.raw("<tr><td class=\"num\">");
            h.fixed(b.min, 0);
            h.raw("</td><td>");
            h.text(&b.rating);
            h.raw("</td><td>");
            h.text(b.consequence.as_deref().unwrap_or("—"));
            h.raw("</td></tr>");
        }
        h.raw("</tbody></table>\n");
        ranking(h, cx, "Departments", "Department", &a.departments);
        h.raw("\n");
        ranking(h, cx, "People", "Person", &a.people);
        h.raw("\n\n");
    });
    Ok(h.finish())
}

/// One ranked table of scorecards, with a link to each one's computation.
fn ranking(h: &mut Html, cx: &Cx, heading: &str, column: &str, cards: &[Scorecard]) {
    h.raw("<section><h2>");
    h.raw(heading);
    h.raw(", ranked</h2>\n<table class=\"data\" data-sortable><thead><tr><th class=\"num\">Rank</th><th>");
    h.raw(column);
    h.raw("</th><th class=\"num\">Score</th><th>Rating</th><th>Consequence</th><th>Scorecard</th></tr></thead><tbody>\n");
    for (rank, c) in by_score(cards).into_iter().enumerate() {
        h.raw("<tr><td class=\"num\">");
        h.int(rank + 1);
        h.raw("</td><td>");
        match c.subject {
            Subject::Department(d) => h.dept(d),
            Subject::Person(p) => h.person_ix(p),
        }
        h.raw("</td><td class=\"num\">");
        match number(c.score) {
            Some(s) => h.num(s, 1),
            None => h.raw("—"),
        }
        h.raw("</td><td>");
        h.text(c.rating.as_deref().unwrap_or("—"));
        h.raw("</td><td>");
        h.text(c.consequence.as_deref().unwrap_or("—"));
        h.raw("</td><td><a href=\"");
        h.root();
        h.text(&scorecard_url(cx.plan, &c.subject));
        h.raw("\">computation</a></td></tr>");
    }
    h.raw("\n</tbody></table></section>");
}
