//! `initiative.html`, written directly: every initiative's page.

use crate::analyze::initiative::{InitiativeFigures, InitiativeStatus, UpdatePoint};
use crate::analyze::schedule::InitiativeSchedule;
use crate::load::Loaded;
use crate::model::{Initiative, InitiativeIx};
use crate::render::figures;
use crate::render::html::escape;
use crate::render::pages::Cx;
use crate::render::theme;

use super::{allocation_cells, task_cells, Html, PartsOf, Section, Update};

/// The page's navigation section (`page.section`).
const SECTION: &str = "initiatives";

pub fn page(
    cx: &Cx,
    loaded: &Loaded,
    i: InitiativeIx,
    parts: &PartsOf,
) -> Result<Vec<u8>, tera::Error> {
    let init = cx.plan.initiative(i);
    let path = crate::render::refs::initiative_url(init);
    let parts = parts(&path, SECTION)?;
    let mut h = Html::new(cx.plan, &path);
    h.shell(&init.title, &parts, |h| {
        facts(h, cx, init, i);
        progress(h, cx, i);
        h.raw("\n<section class=\"prose\">");
        h.raw(&cx.body(&init.body, loaded));
        h.raw("</section>\n<div class=\"cards two\">\n");
        serves(h, init);
        dependencies(h, cx, init, i);
        milestones(h, &cx.an.initiatives[i.ix()]);
        tasks(h, init);
        resources(h, init);
        budget(h, cx, i);
        history(h, cx, init, i);
    });
    Ok(h.finish())
}

/// The crumbs, the title and the facts list.
fn facts(h: &mut Html, cx: &Cx, init: &Initiative, i: InitiativeIx) {
    h.raw("\n\n<p class=\"crumbs\"><a href=\"");
    h.root();
    h.raw("initiatives/index.html\">Initiatives</a> › ");
    h.dept(init.department);
    h.raw("</p>\n<h1>");
    h.text(&init.title);
    if init.key {
        h.raw(" <span class=\"key\" title=\"Key initiative\">★ key</span>");
    }
    h.raw("</h1>\n<dl class=\"facts\">\n  <div><dt>Status</dt><dd>");
    h.status(cx.an.initiatives[i.ix()].status.state.as_str());
    h.raw("</dd></div>\n  <div><dt>Owner</dt><dd>");
    h.person(init.owner.as_ref());
    h.raw("</dd></div>\n  <div><dt>Department</dt><dd>");
    h.dept(init.department);
    if let Some(team) = &init.team {
        h.raw(" · team ");
        h.team(team.to);
    }
    h.raw("</dd></div>\n  <div><dt>Dates</dt><dd><time datetime=\"");
    h.iso(init.start);
    h.raw("\">");
    h.date(init.start);
    h.raw("</time> – <time datetime=\"");
    h.iso(init.end);
    h.raw("\">");
    h.date(init.end);
    h.raw("</time></dd></div>\n  <div><dt>Priority</dt><dd>");
    h.priority(init.priority);
    h.raw("</dd></div>\n  <div><dt>Difficulty · impact</dt><dd>");
    h.int(init.difficulty);
    h.raw(" / 5 · ");
    h.int(init.impact);
    h.raw(" / 5</dd></div>\n  <div><dt>Budget envelope</dt><dd>");
    match init.budget {
        Some(m) => h.money(m),
        None => h.raw("—"),
    }
    h.raw("</dd></div>\n</dl>\n");
}

/// The `progress` block: the four figures, the latest note and the schedule.
fn progress(h: &mut Html, cx: &Cx, i: InitiativeIx) {
    let st = &cx.an.initiatives[i.ix()].status;
    h.raw("\n\n<section class=\"card progress-card\" id=\"progress\"><h2>Progress as of ");
    h.date(cx.plan.settings.as_of);
    h.raw("</h2>\n<div class=\"cards four\">\n  <div><div class=\"stat\">");
    let progress = super::number(st.progress);
    match progress {
        Some(p) => h.pct(p),
        None => h.raw("—"),
    }
    h.raw("</div><div class=\"stat-label\">reported progress");
    if let Some(d) = st.update_date {
        h.raw(" (");
        h.date(d);
        h.raw(")");
    }
    h.raw("</div><div class=\"bar\" aria-hidden=\"true\"><span style=\"width: ");
    h.float(progress.unwrap_or(0.0));
    h.raw("%\"></span></div></div>\n  <div><div class=\"stat\">");
    let expected = super::number(Some(st.expected_progress));
    match expected {
        Some(e) => h.pct(e),
        None => h.raw("–"),
    }
    h.raw("</div><div class=\"stat-label\">expected from elapsed time</div><div class=\"bar\" aria-hidden=\"true\"><span style=\"width: ");
    if let Some(e) = expected {
        h.float(e);
    }
    h.raw("%; background: #8a8f99\"></span></div></div>\n  <div><div class=\"stat\">");
    match super::number(st.confidence) {
        Some(c) => {
            h.num(c, 0);
            h.raw("/10");
        }
        None => h.raw("—"),
    }
    h.raw("</div><div class=\"stat-label\">owner's confidence</div></div>\n  ");
    slip(h, st);
    h.raw("\n</div>\n");
    if let Some(note) = st.note.as_deref().filter(|n| !n.is_empty()) {
        h.raw("<p class=\"muted\">Latest note: “");
        h.text(note);
        h.raw("”</p>");
    }
    h.raw("\n");
    schedule(h, &cx.an.schedule.initiatives[i.ix()]);
    h.raw("\n</section>\n");
}

/// The slip figure: days late against the planned end, and the forecast end.
fn slip(h: &mut Html, st: &InitiativeStatus) {
    h.raw("<div><div class=\"stat");
    if st.slip_days.is_some_and(|d| d > 0) {
        h.raw(" over");
    }
    h.raw("\">");
    slip_days(h, st.slip_days);
    h.raw("</div><div class=\"stat-label\">");
    match st.forecast_end {
        Some(end) => {
            h.raw("slip: now expected ");
            h.date(end);
        }
        None => h.raw("slip against the planned end"),
    }
    h.raw("</div></div>");
}

/// Critical path, slack and the dependency chains.
fn schedule(h: &mut Html, s: &InitiativeSchedule) {
    h.raw("<p class=\"muted\">Schedule: ");
    if s.on_critical_path {
        h.raw("<strong>on the critical path</strong> · ");
    }
    match s.slack_days {
        Some(d) => {
            h.raw("slack to what depends on it ");
            h.int(d);
            h.raw(" days");
        }
        None => h.raw("nothing depends on it"),
    }
    if let Some(d) = s.incoming_slack_days {
        h.raw(" · slack after what it depends on ");
        h.int(d);
        h.raw(" days");
        if d < 0 {
            h.raw(" <span class=\"flag\">⚠ conflict</span>");
        }
    }
    h.raw(".</p>\n");
    for (label, chain) in [("upstream", &s.upstream), ("downstream", &s.downstream)] {
        if !chain.is_empty() {
            h.raw("<p class=\"muted\">Dependency chain ");
            h.raw(label);
            h.raw(": ");
            h.anchors(chain, |h, &d| h.initiative(d));
            h.raw("</p>");
        }
        if label == "upstream" {
            h.raw("\n");
        }
    }
}

/// What the initiative serves: goals, objectives, KPIs and collaborating departments.
fn serves(h: &mut Html, init: &Initiative) {
    h.raw("<section class=\"card\"><h2>Serves</h2>\n<p><strong>Goals:</strong> ");
    h.anchors(&init.goals, |h, g| h.goal(g.to));
    h.raw("</p>\n<p><strong>Objectives:</strong> ");
    h.anchors(&init.objectives, |h, o| h.objective(o.to));
    h.raw("</p>\n<p><strong>KPIs:</strong> ");
    h.anchors(&init.kpis, |h, k| h.kpi(k.to));
    h.raw("</p>\n<p><strong>Collaborating departments:</strong> ");
    h.anchors(&init.collaborators, |h, d| h.dept(d.to));
    h.raw("</p>\n</section>\n");
}

/// What it depends on and what depends on it, each flagged when the dates overlap.
fn dependencies(h: &mut Html, cx: &Cx, init: &Initiative, i: InitiativeIx) {
    h.raw(
        "<section class=\"card\" id=\"dependencies\"><h2>Dependencies</h2>\n<h3>Depends on</h3>\n",
    );
    let on: Vec<InitiativeIx> = init.depends_on.iter().map(|r| r.to).collect();
    let ends = Edge {
        label: " · ends ",
        flag: " <span class=\"flag\" title=\"ends after this initiative starts\">⚠ ends after this starts</span>",
    };
    dependency_list(h, cx, &on, &ends, |dep| (dep.end, dep.end > init.start));
    h.raw("\n<h3>Depended on by</h3>\n");
    let starts = Edge {
        label: " · starts ",
        flag: " <span class=\"flag\" title=\"this initiative ends after it starts\">⚠ starts before this ends</span>",
    };
    let by = &cx.rel.dependents[i.ix()];
    dependency_list(h, cx, by, &starts, |dep| (dep.start, init.end > dep.start));
    h.raw("\n</section>\n</div>\n");
}

/// How one list of dependencies shows each: the label before its date, the flag when late.
struct Edge {
    label: &'static str,
    flag: &'static str,
}

/// One list of dependencies; `date_late` gives each one's date and whether it is late.
fn dependency_list(
    h: &mut Html,
    cx: &Cx,
    items: &[InitiativeIx],
    edge: &Edge,
    date_late: impl Fn(&Initiative) -> (crate::model::Date, bool),
) {
    if items.is_empty() {
        h.raw("<p class=\"empty\">Nothing.</p>");
        return;
    }
    h.raw("<ul>");
    for &d in items {
        let dep = cx.plan.initiative(d);
        let (date, late) = date_late(dep);
        h.raw("<li>");
        h.initiative(d);
        h.raw(" · ");
        h.text(&cx.plan.department(dep.department).name);
        h.raw(edge.label);
        h.date(date);
        if late {
            h.raw(edge.flag);
        }
        h.raw("</li>");
    }
    h.raw("</ul>");
}

fn milestones(h: &mut Html, fig: &InitiativeFigures) {
    let head = "<table class=\"data\"><thead><tr><th>Milestone</th><th>Planned</th><th>Reached</th><th class=\"num\">Slip</th></tr></thead><tbody>";
    let section = Section::table(
        "<section id=\"milestones\"><h2>Milestones</h2>\n",
        "<p class=\"empty\">No milestones.</p>",
    );
    section.write(
        h,
        &fig.milestones,
        |h| h.raw(head),
        |h, ms| {
            h.raw("<tr><td>");
            h.text(&ms.title);
            h.raw("</td><td>");
            h.date(ms.date);
            h.raw("</td><td>");
            match ms.reached {
                Some(d) => {
                    h.raw("◆ ");
                    h.date(d);
                }
                None if ms.missed => h.raw("<span class=\"flag\">◇ missed</span>"),
                None => h.raw("◇ due"),
            }
            h.raw("</td><td class=\"num\">");
            slip_days(h, ms.slip_days);
            h.raw("</td></tr>");
        },
    );
}

fn tasks(h: &mut Html, init: &Initiative) {
    let head = "<table class=\"data\" data-sortable><thead><tr><th>Task</th><th>Owner</th><th>Start</th><th>End</th><th class=\"num\">FTE</th></tr></thead><tbody>";
    let section = Section::table(
        "<section id=\"tasks\"><h2>Tasks</h2>\n",
        "<p class=\"empty\">No tasks.</p>",
    );
    section.write(
        h,
        &init.tasks,
        |h| h.raw(head),
        |h, t| {
            h.raw("<tr><td>");
            h.text(&t.title);
            h.raw("</td><td>");
            h.person(t.owner.as_ref());
            task_cells(h, t);
        },
    );
}

fn resources(h: &mut Html, init: &Initiative) {
    let head = "<table class=\"data\"><thead><tr><th>Person</th><th class=\"num\">FTE</th><th>From</th><th>To</th></tr></thead><tbody>";
    let section = Section::table(
        "<section id=\"resources\"><h2>Resources</h2>\n",
        "<p class=\"empty flag\">⚠ No one is allocated to this initiative.</p>",
    );
    section.write(
        h,
        &init.allocations,
        |h| h.raw(head),
        |h, a| {
            h.raw("<tr><td>");
            h.person(Some(&a.person));
            h.raw("</td><td class=\"num\">");
            allocation_cells(h, a);
        },
    );
}

/// The budget lines that name this initiative.
fn budget(h: &mut Html, cx: &Cx, i: InitiativeIx) {
    let section = Section::table(
        "<section id=\"budget\"><h2>Budget lines</h2>\n",
        "<p class=\"empty\">No budget line names this initiative.</p>",
    );
    let head = |h: &mut Html| {
        h.raw("<table class=\"data\"><caption>Amounts in ");
        h.text(&cx.plan.settings.currency.code);
        h.raw("</caption><thead><tr><th>Department</th><th>Category</th><th>Item</th><th>Period</th><th class=\"num\">Planned</th><th class=\"num\">Forecast</th><th class=\"num\">Actual</th></tr></thead><tbody>");
    };
    section.write(h, &cx.rel.initiative_lines[i.ix()], head, |h, &l| {
        let line = &cx.plan.budget_lines[l];
        h.raw("<tr><td>");
        h.dept(line.department);
        h.raw("</td><td>");
        h.text(&line.category);
        h.raw("</td><td>");
        h.text(line.item.as_deref().unwrap_or("—"));
        h.raw("</td><td>");
        h.text(&line.period.label);
        h.raw("</td><td class=\"num\">");
        h.amount(line.planned);
        h.raw("</td><td class=\"num\">");
        h.amount(cx.an.budget.lines[l].forecast);
        h.raw("</td><td class=\"num\">");
        match line.actual {
            Some(a) => h.amount(a),
            None => h.raw("—"),
        }
        h.raw("</td></tr>");
    });
}

/// Days of slip: `+3 d`, `-2 d`, `0 d`, or a dash when there is none.
fn slip_days(h: &mut Html, days: Option<i64>) {
    match days {
        Some(d) => {
            if d > 0 {
                h.raw("+");
            }
            h.int(d);
            h.raw(" d");
        }
        None => h.raw("—"),
    }
}

/// The `history` block: the progress chart and every update, latest first.
fn history(h: &mut Html, cx: &Cx, init: &Initiative, i: InitiativeIx) {
    h.raw("\n<section id=\"history\"><h2>Status history</h2>\n");
    if let Some(svg) = figures::progress_history(cx.plan, cx.an, i).filter(|s| !s.is_empty()) {
        let title = escape(&format!(
            "{}: reported against expected progress",
            init.title
        ));
        theme::chart_figure(&mut h.out, &svg, &title, "history");
    }
    h.raw("\n");
    let fig = &cx.an.initiatives[i.ix()];
    if fig.history.is_empty() {
        h.raw("<p class=\"empty\">No check-in has reported on this initiative yet.</p>");
    } else {
        h.raw("<table class=\"data\"><thead><tr><th>Check-in</th><th>Status</th><th class=\"num\">Progress</th><th class=\"num\">Confidence</th><th>Forecast end</th><th>Note</th></tr></thead><tbody>");
        for u in fig.history.iter().rev() {
            update_row(h, u);
        }
        h.raw("</tbody></table>");
    }
    h.raw("\n</section>\n\n");
}

/// One update: `checkin_link` and `update_cells`.
fn update_row(h: &mut Html, u: &UpdatePoint) {
    h.raw("<tr><td>");
    h.checkin_link(u.date);
    h.raw("</td>");
    Update::from(u).cells(h);
    h.raw("</tr>");
}
