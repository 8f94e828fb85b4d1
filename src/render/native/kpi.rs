//! `kpi.html`, written directly: every KPI's page.

use crate::analyze::kpi::{KpiState, KpiStatus};
use crate::model::{Direction, Kpi, KpiIx};
use crate::render::figures;
use crate::render::html::escape;
use crate::render::pages::Cx;
use crate::render::theme;

use super::{Html, PartsOf, Section};

/// The page's navigation section (`page.section`).
const SECTION: &str = "kpis";

pub fn page(cx: &Cx, k: KpiIx, parts: &PartsOf) -> Result<Vec<u8>, tera::Error> {
    let kpi = cx.plan.kpi(k);
    let path = crate::render::refs::kpi_url(kpi);
    let parts = parts(&path, SECTION)?;
    let mut h = Html::new(cx.plan, &path);
    h.shell(&kpi.name, &parts, |h| {
        let st = &cx.an.kpis[k.ix()].status;
        facts(h, kpi, st);
        explain(h, st);
        let svg = figures::kpi(cx.plan, cx.an, k);
        if !svg.is_empty() {
            let title = escape(&format!(
                "{}: readings against baseline and targets",
                kpi.name
            ));
            theme::chart_figure(&mut h.out, &svg, &title, "kpi");
        }
        h.raw("\n<div class=\"cards two\">\n");
        targets(h, kpi);
        readings(h, cx, k);
        history(h, cx, k);
        used_by(h, cx, k);
    });
    Ok(h.finish())
}

/// The crumbs, the name and the facts list.
fn facts(h: &mut Html, kpi: &Kpi, st: &KpiStatus) {
    h.raw("\n\n<p class=\"crumbs\"><a href=\"");
    h.root();
    h.raw("kpis/index.html\">KPIs</a>");
    if let Some(d) = kpi.department {
        h.raw(" › ");
        h.dept(d);
    }
    h.raw("</p>\n<h1>");
    h.text(&kpi.name);
    h.raw("</h1>\n<dl class=\"facts\">\n  <div><dt>Status</dt><dd>");
    h.status(st.state.as_str());
    if st.stale {
        h.raw(" <span class=\"flag\">stale reading</span>");
    }
    h.raw(match kpi.direction {
        Direction::Up => "</dd></div>\n  <div><dt>Direction</dt><dd>↑ higher is better",
        Direction::Down => "</dd></div>\n  <div><dt>Direction</dt><dd>↓ lower is better",
    });
    h.raw("</dd></div>\n  <div><dt>Kind</dt><dd>");
    h.raw(kpi.kind.as_str());
    if let Some(f) = kpi.frequency {
        h.raw(" · ");
        h.raw(f.as_str());
    }
    h.raw("</dd></div>\n  <div><dt>Unit</dt><dd>");
    h.text(kpi.unit.as_deref().unwrap_or("—"));
    h.raw("</dd></div>\n  <div><dt>Owner</dt><dd>");
    h.person(kpi.owner.as_ref());
    h.raw("</dd></div>\n  <div><dt>Goal</dt><dd>");
    match &kpi.goal {
        Some(g) => h.goal(g.to),
        None => h.raw(theme::NONE),
    }
    h.raw("</dd></div>\n  <div><dt>Tolerance</dt><dd>");
    if st.gap_in_units {
        h.opt_value(Some(kpi.tolerance));
        h.unit(kpi.unit.as_deref());
        h.raw(" (the target is zero, so in the KPI's units)");
    } else {
        match super::number(Some(kpi.tolerance)) {
            Some(t) => h.pct(t),
            None => h.raw("–"),
        }
    }
    h.raw("</dd></div>\n  <div><dt>Baseline</dt><dd>");
    match &kpi.baseline {
        Some(b) => {
            h.opt_value(Some(b.value));
            if let Some(d) = b.date {
                h.raw(" on ");
                h.date(d);
            }
        }
        None => h.raw("—"),
    }
    h.raw("</dd></div>\n</dl>\n");
}

/// The `status_detail` block: how the status follows from the reading and the target.
fn explain(h: &mut Html, d: &KpiStatus) {
    let as_of = h.plan.settings.as_of;
    h.raw("\n<p class=\"explain\">");
    if d.state == KpiState::NoData {
        h.raw("No status: ");
        h.raw(if super::number(d.value).is_none() {
            "no reading on or before "
        } else {
            "no target for a period that holds "
        });
        h.date(as_of);
        h.raw(".");
    } else {
        h.raw("Latest reading ");
        h.opt_value(d.value);
        h.raw(" on ");
        if let Some(r) = d.reading_date {
            h.date(r);
        }
        h.raw(" against the ");
        if let Some(p) = &d.target_period {
            h.text(&p.label);
        }
        h.raw(" target ");
        h.opt_value(d.period_target);
        if let Some(share) = super::number(d.elapsed_share) {
            h.raw(", prorated to ");
            h.opt_value(d.target);
            h.raw(" for the elapsed ");
            h.pct(share * 100.0);
            h.raw(" of the period");
        }
        h.raw(": gap ");
        h.opt_value(d.gap);
        h.raw(if d.gap_in_units {
            " (in the KPI's units, the target being zero)"
        } else {
            " %"
        });
        h.raw(", tolerance ");
        h.opt_value(Some(d.tolerance));
        h.raw(" → <strong>");
        h.text(&d.state.as_str().replace('-', " "));
        h.raw("</strong>.");
    }
    if d.stale {
        h.raw(" The reading is older than two reporting intervals.");
    }
    h.raw("</p>\n\n");
}

fn targets(h: &mut Html, kpi: &Kpi) {
    let section = Section::table(
        "<section class=\"card\"><h2>Targets</h2>\n",
        "<p class=\"empty flag\">⚠ No targets.</p>",
    );
    let head = "<table class=\"data\"><thead><tr><th>Period</th><th class=\"num\">Target</th></tr></thead><tbody>";
    section.write(
        h,
        &kpi.targets,
        |h| h.raw(head),
        |h, t| {
            h.raw("<tr><td>");
            h.text(&t.period.label);
            h.raw("</td><td class=\"num\">");
            h.opt_value(Some(t.value));
            h.raw("</td></tr>");
        },
    );
}

fn readings(h: &mut Html, cx: &Cx, k: KpiIx) {
    let section = Section::table(
        "<section class=\"card\"><h2>Readings</h2>\n",
        "<p class=\"empty\">No readings yet.</p>",
    );
    let head = "<table class=\"data\"><thead><tr><th>Date</th><th class=\"num\">Value</th><th>Note</th></tr></thead><tbody>";
    section.write(
        h,
        &cx.rel.kpi_readings[k.ix()],
        |h| h.raw(head),
        |h, &(c, r)| {
            let checkin = &cx.plan.checkins[c];
            let reading = &checkin.readings[r];
            h.raw("<tr><td>");
            h.date(checkin.date);
            h.raw("</td><td class=\"num\">");
            h.opt_value(Some(reading.value));
            h.raw("</td><td>");
            if let Some(note) = reading.note.as_deref() {
                h.text(note);
            }
            h.raw("</td></tr>");
        },
    );
    h.raw("</div>\n");
}

/// The status at each check-in, latest first.
fn history(h: &mut Html, cx: &Cx, k: KpiIx) {
    let section = Section::table(
        "<section><h2>Status history</h2>\n",
        "<p class=\"empty\">No check-ins yet.</p>",
    );
    let head = "<table class=\"data\"><caption>The status as it stood at each check-in</caption><thead><tr><th>Check-in</th><th>Status</th><th class=\"num\">Reading then</th></tr></thead><tbody>";
    let points: Vec<_> = cx.an.kpis[k.ix()].history.iter().rev().collect();
    section.write(
        h,
        &points,
        |h| h.raw(head),
        |h, p| {
            h.raw("<tr><td>");
            h.checkin_link(p.date);
            h.raw("</td><td>");
            h.status(p.state.as_str());
            h.raw("</td><td class=\"num\">");
            match super::number(p.value) {
                Some(v) => h.value(v),
                None => h.raw("—"),
            }
            h.raw("</td></tr>");
        },
    );
}

fn used_by(h: &mut Html, cx: &Cx, k: KpiIx) {
    h.raw("<section><h2>Used by</h2>\n<p><strong>Objectives:</strong> ");
    h.anchors(&cx.rel.kpi_objectives[k.ix()], |h, &o| h.objective(o));
    h.raw("</p>\n<p><strong>Initiatives:</strong> ");
    h.anchors(&cx.rel.kpi_initiatives[k.ix()], |h, &i| h.initiative(i));
    h.raw("</p>\n</section>\n");
}
