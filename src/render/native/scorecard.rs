//! `scorecard.html`, written directly: every department's and person's appraisal scorecard.

use crate::analyze::appraisal::{Scorecard, Subject};
use crate::analyze::rollup::Row;
use crate::render::overview::scorecard_url;
use crate::render::pages::Cx;

use super::{number, Html, PartsOf};

/// The page's navigation section (`page.section`).
const SECTION: &str = "appraisal";

pub fn page(cx: &Cx, card: &Scorecard, parts: &PartsOf) -> Result<Vec<u8>, tera::Error> {
    let path = scorecard_url(cx.plan, &card.subject);
    let parts = parts(&path, SECTION)?;
    let (kind, name) = match card.subject {
        Subject::Department(d) => ("department", &cx.plan.department(d).name),
        Subject::Person(p) => ("person", &cx.plan.person(p).name),
    };
    let mut h = Html::new(cx.plan, &path);
    h.shell(&format!("Scorecard: {name}"), &parts, |h| {
        h.raw("\n<p class=\"crumbs\"><a href=\"");
        h.root();
        h.raw("appraisal/index.html\">Appraisal ");
        if let Some(a) = &cx.an.appraisal {
            h.text(&a.period.label);
        }
        h.raw("</a></p>\n<h1>Scorecard: ");
        h.text(name);
        h.raw("</h1>\n<dl class=\"facts\">\n  <div><dt>");
        h.raw(kind);
        h.raw("</dt><dd>");
        match card.subject {
            Subject::Department(d) => h.dept(d),
            Subject::Person(p) => h.person_ix(p),
        }
        h.raw("</dd></div>\n  <div><dt>Score</dt><dd>");
        match number(card.score) {
            Some(s) => {
                h.num(s, 1);
                h.raw(" / 100");
            }
            None => h.raw("no data"),
        }
        h.raw("</dd></div>\n  <div><dt>Rating</dt><dd>");
        h.text(card.rating.as_deref().unwrap_or("—"));
        h.raw("</dd></div>\n  <div><dt>Consequence</dt><dd>");
        h.text(card.consequence.as_deref().unwrap_or("—"));
        h.raw("</dd></div>\n</dl>\n");
        components(h, card);
        h.raw("\n<section><h2>Score</h2>\n<table class=\"data\"><tbody>");
        rows(h, &card.rows);
        h.raw("</tbody></table>\n</section>\n");
    });
    Ok(h.finish())
}

/// One section per component: its score, weights and the rows of its arithmetic.
fn components(h: &mut Html, card: &Scorecard) {
    for c in &card.components {
        h.raw("\n<section><h2>");
        h.raw(match c.name {
            "kpis" => "KPI attainment",
            "initiatives" => "Initiative delivery",
            _ => "Budget adherence",
        });
        h.raw(": ");
        match number(c.score) {
            Some(s) => h.num(s, 1),
            None => h.raw("no data"),
        }
        h.raw(" <span class=\"muted\">(weight ");
        h.fixed(c.weight, 0);
        h.raw(", effective ");
        h.fixed(c.effective_weight, 1);
        h.raw(")</span></h2>\n");
        if c.rows.is_empty() {
            h.raw("<p class=\"empty\">Nothing to score in this part.</p>");
        } else {
            h.raw("<table class=\"data\"><thead><tr><th>Input</th><th class=\"num\">Value</th><th>Arithmetic</th></tr></thead><tbody>");
            rows(h, &c.rows);
            h.raw("</tbody></table>");
        }
        h.raw("\n</section>\n");
    }
}

/// Rows of arithmetic: label, value with one decimal, and the detail.
fn rows(h: &mut Html, rows: &[Row]) {
    for r in rows {
        h.raw("<tr><td>");
        h.text(&r.label);
        h.raw("</td><td class=\"num\">");
        match number(r.value) {
            Some(v) => h.num(v, 1),
            None => h.raw("—"),
        }
        h.raw("</td><td>");
        h.text(&r.detail);
        h.raw("</td></tr>");
    }
}
