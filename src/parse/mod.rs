//! parse: every plan file's TOML into the typed model, with every problem reported.
//!
//! Files are read in parallel into fragments; fragments are then assembled in path order,
//! duplicates are found, and references are resolved (see `resolve`).

pub mod entities;
pub mod reader;
pub mod resolve;

use rayon::prelude::*;

use crate::diag::{codes, Diagnostic, Loc};
use crate::load::{split_front_matter, FileId, FileKind, Loaded};
use crate::model::*;
use reader::{parse_document, Cx, Table};

/// A team named by id (with its span) before it is resolved inside its department.
pub type TeamName = Option<(String, std::ops::Range<usize>)>;

/// What one file contributed. Cloneable so `Checker` can keep it for unchanged files.
#[derive(Clone)]
pub(crate) enum Fragment {
    Strategy(Strategy),
    Goal(Goal),
    People(Vec<(Person, TeamName)>),
    Department(Department, Vec<Team>),
    Budget(String, Vec<BudgetLine>, Vec<BudgetCap>),
    Objectives(String, Vec<(Objective, TeamName)>),
    Kpis(Option<String>, Vec<Kpi>),
    Initiative(String, Initiative),
    CheckIn(CheckIn),
    Appraisal(Appraisal),
}

/// One file's diagnostics and contribution (none when it could not be read).
pub(crate) type FileResult = (Vec<Diagnostic>, Option<Fragment>);

/// Parse a loaded plan. The plan is returned even when it has errors (so that `check` can go on
/// finding problems); callers must not render it when any diagnostic is an error.
pub fn parse(loaded: &Loaded) -> (Option<Plan>, Vec<Diagnostic>) {
    parse_with(loaded, |id, kind, settings| {
        file_result(loaded, id, kind, settings)
    })
}

/// What `file_result` finds for one file: its result depends only on the file's text, kind
/// and id and on the settings `Cx` carries (fiscal year start, currency minor units).
pub(crate) fn file_result(
    loaded: &Loaded,
    id: FileId,
    kind: &FileKind,
    settings: &Settings,
) -> FileResult {
    let mut d = Vec::new();
    let f = fragment(loaded, id, kind, settings, &mut d);
    (d, f)
}

/// `parse`, with each file's result coming from `per_file` (which may remember earlier ones).
pub(crate) fn parse_with(
    loaded: &Loaded,
    per_file: impl Fn(FileId, &FileKind, &Settings) -> FileResult + Sync,
) -> (Option<Plan>, Vec<Diagnostic>) {
    let mut diags = loaded.diagnostics.clone();
    let Some(&(plan_file, _)) = loaded.files.iter().find(|(_, k)| *k == FileKind::PlanToml) else {
        return (None, diags);
    };
    let settings = settings(loaded, plan_file, &mut diags);
    let files: Vec<&(FileId, FileKind)> = loaded
        .files
        .iter()
        .filter(|(_, k)| *k != FileKind::PlanToml)
        .collect();
    let results = largest_first(
        &files,
        |&&(id, _)| loaded.sources.text(id).len(),
        |&&(id, ref kind)| per_file(id, kind, &settings),
    );
    let mut fragments = Vec::with_capacity(results.len());
    for (d, f) in results {
        diags.extend(d);
        fragments.extend(f);
    }
    let plan = resolve::assemble(settings, fragments_into(fragments), loaded, &mut diags);
    (Some(plan), diags)
}

/// `work` on every item on rayon's threads, largest first, one item at a time; the results in
/// the items' order.
///
/// In path order, rayon split the files into runs, and the thread left with people.toml (a
/// twentieth of the enterprise plan's text, parsed as one piece) could still be parsing while
/// the other had finished: 35 ms of a 120 ms parse on the enterprise plan, 200 ms of 800 ms on
/// the huge one, in some runs. Taken first, and with single files to share out at the end,
/// the two threads finish within a file of each other.
fn largest_first<T: Sync, R: Send>(
    items: &[T],
    size: impl Fn(&T) -> usize,
    work: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    // Stable: files of the same size are taken in path order (the results do not depend on it).
    order.sort_by_key(|&i| std::cmp::Reverse(size(&items[i])));
    // One item per piece, so that a thread that runs out takes any single file left instead of
    // waiting for the other to finish a run of them.
    let mut done: Vec<(usize, R)> = order
        .into_par_iter()
        .with_max_len(1)
        .map(|i| (i, work(&items[i])))
        .collect();
    done.sort_unstable_by_key(|&(i, _)| i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// The parts of a plan before references are resolved, in path order.
#[derive(Default)]
pub struct Parts {
    pub strategy: Option<Strategy>,
    pub goals: Vec<Goal>,
    pub people: Vec<(Person, TeamName)>,
    pub departments: Vec<(Department, Vec<Team>)>,
    pub budgets: Vec<(String, Vec<BudgetLine>, Vec<BudgetCap>)>,
    pub objectives: Vec<(String, Vec<(Objective, TeamName)>)>,
    pub kpis: Vec<(Option<String>, Vec<Kpi>)>,
    pub initiatives: Vec<(String, Initiative)>,
    pub checkins: Vec<CheckIn>,
    pub appraisal: Option<Appraisal>,
}

fn fragments_into(fragments: Vec<Fragment>) -> Parts {
    let mut p = Parts::default();
    // The two lists with one entry per file, presized: an initiative is hundreds of bytes, and
    // growing the list copies all of them each time (serve assembles the model on every edit).
    let initiatives = fragments
        .iter()
        .filter(|f| matches!(f, Fragment::Initiative(..)));
    p.initiatives.reserve(initiatives.count());
    let checkins = fragments
        .iter()
        .filter(|f| matches!(f, Fragment::CheckIn(..)));
    p.checkins.reserve(checkins.count());
    for f in fragments {
        match f {
            Fragment::Strategy(s) => p.strategy = Some(s),
            Fragment::Goal(g) => p.goals.push(g),
            Fragment::People(v) => p.people.extend(v),
            Fragment::Department(d, t) => p.departments.push((d, t)),
            Fragment::Budget(d, l, c) => p.budgets.push((d, l, c)),
            Fragment::Objectives(d, o) => p.objectives.push((d, o)),
            Fragment::Kpis(d, k) => p.kpis.push((d, k)),
            Fragment::Initiative(d, i) => p.initiatives.push((d, i)),
            Fragment::CheckIn(c) => p.checkins.push(c),
            Fragment::Appraisal(a) => p.appraisal = Some(a),
        }
    }
    p
}

fn fragment(
    loaded: &Loaded,
    id: FileId,
    kind: &FileKind,
    s: &Settings,
    diags: &mut Vec<Diagnostic>,
) -> Option<Fragment> {
    let text = loaded.sources.text(id);
    let (toml_text, offset, body) = if kind.has_markdown_body() {
        match split_front_matter(id, text) {
            Ok(sp) => (sp.front, sp.front_offset, Some((sp.body, sp.body_offset))),
            Err(d) => {
                diags.push(d);
                return None;
            }
        }
    } else {
        (text, 0, None)
    };
    let mut cx = Cx {
        file: id,
        offset,
        diags,
        fiscal_year_start: s.fiscal_year_start,
        minor_units: s.currency.minor_units,
    };
    let doc = parse_document(&mut cx, toml_text)?;
    let what = what_of(kind);
    let mut t = Table::new(doc.get_ref(), 0..0, what);
    let frag = match kind {
        FileKind::Strategy => Some(Fragment::Strategy(entities::strategy(
            &mut cx, &mut t, body,
        ))),
        FileKind::Goal { id: gid } => {
            check_stem(&mut cx, gid, "goal");
            Some(Fragment::Goal(entities::goal(
                &mut cx,
                &mut t,
                gid.clone(),
                body,
            )))
        }
        FileKind::People => Some(Fragment::People(entities::people(&mut cx, &mut t))),
        FileKind::Department { dept } => {
            check_stem(&mut cx, dept, "department folder");
            let (d, teams) = entities::department(&mut cx, &mut t, dept.clone(), body);
            Some(Fragment::Department(d, teams))
        }
        FileKind::Budget { dept } => {
            let (l, c) = entities::budget(&mut cx, &mut t);
            Some(Fragment::Budget(dept.clone(), l, c))
        }
        FileKind::Objectives { dept } => Some(Fragment::Objectives(
            dept.clone(),
            entities::objectives(&mut cx, &mut t),
        )),
        FileKind::DepartmentKpis { dept } => Some(Fragment::Kpis(
            Some(dept.clone()),
            entities::kpis(&mut cx, &mut t),
        )),
        FileKind::OrgKpis => Some(Fragment::Kpis(None, entities::kpis(&mut cx, &mut t))),
        FileKind::Initiative { dept, id: iid } => {
            check_stem(&mut cx, iid, "initiative");
            entities::initiative(&mut cx, &mut t, iid.clone(), body)
                .map(|i| Fragment::Initiative(dept.clone(), i))
        }
        FileKind::Progress => entities::checkin(&mut cx, &mut t).map(Fragment::CheckIn),
        FileKind::Appraisal => entities::appraisal(&mut cx, &mut t).map(Fragment::Appraisal),
        _ => None,
    };
    t.finish(&mut cx);
    frag
}

fn what_of(kind: &FileKind) -> &'static str {
    match kind {
        FileKind::PlanToml => "plan.toml",
        FileKind::Strategy => "strategy.md",
        FileKind::Goal { .. } => "a goal",
        FileKind::People => "people.toml",
        FileKind::Department { .. } => "a department",
        FileKind::Budget { .. } => "budget.toml",
        FileKind::Objectives { .. } => "objectives.toml",
        FileKind::DepartmentKpis { .. } | FileKind::OrgKpis => "kpis.toml",
        FileKind::Initiative { .. } => "an initiative",
        FileKind::Progress => "a check-in",
        FileKind::Appraisal => "appraisal.toml",
        _ => "a file",
    }
}

/// Ids taken from file and folder names must be kebab-case too.
fn check_stem(cx: &mut Cx, id: &str, what: &str) {
    if !entities::is_kebab(id) {
        let d = Diagnostic::new(
            codes::BAD_VALUE,
            Loc::file(cx.file),
            format!("{what} name `{id}` is not a kebab-case id"),
        )
        .help(format!("rename it to `{}`", entities::to_kebab(id)));
        cx.push(d);
    }
}

/// plan.toml. Missing values get defaults so the rest of the plan can still be checked.
fn settings(loaded: &Loaded, file: FileId, diags: &mut Vec<Diagnostic>) -> Settings {
    let text = loaded.sources.text(file);
    let mut s = Settings {
        format_version: 1,
        title: String::new(),
        organization: String::new(),
        currency: Currency {
            code: "EUR".into(),
            minor_units: 2,
        },
        fiscal_year_start: 1,
        horizon_start: 2026,
        horizon_end: 2030,
        as_of: Date::default(),
        as_of_source: AsOfSource::HorizonStart,
        language: Language::En,
        theme: "default".into(),
        allow_raw_html: false,
        base_url: String::new(),
        check_allow: Vec::new(),
        file,
    };
    let mut cx = Cx {
        file,
        offset: 0,
        diags,
        fiscal_year_start: 1,
        minor_units: 2,
    };
    let Some(doc) = parse_document(&mut cx, text) else {
        return s;
    };
    let mut t = Table::new(doc.get_ref(), 0..0, "plan.toml");
    if let Some((v, span)) = t.opt_int(&mut cx, "format_version") {
        if v != 1 {
            cx.report(
                codes::BAD_VALUE,
                span,
                format!("format_version {v} is not supported; this plansite reads version 1"),
            );
        }
        s.format_version = v;
    }
    s.title = t.req_str(&mut cx, "title").map(|x| x.0).unwrap_or_default();
    s.organization = t
        .req_str(&mut cx, "organization")
        .map(|x| x.0)
        .unwrap_or_default();
    if let Some((code, span)) = t.req_str(&mut cx, "currency") {
        match Currency::lookup(&code) {
            Some(c) => s.currency = c,
            None => {
                cx.report(
                    codes::BAD_VALUE,
                    span,
                    format!("`{code}` is not an ISO 4217 currency code plansite knows"),
                )
                .help = Some(
                    "write a three-letter code such as \"EUR\", \"USD\", \"GBP\" or \"JPY\"".into(),
                );
            }
        }
    }
    if let Some((m, span)) = t.opt_int(&mut cx, "fiscal_year_start") {
        if (1..=12).contains(&m) {
            s.fiscal_year_start = m as u32;
        } else {
            cx.report(
                codes::OUT_OF_RANGE,
                span,
                format!("fiscal_year_start {m} is not a month"),
            )
            .help = Some("write the month the fiscal year starts in, 1 (January) to 12".into());
        }
    }
    if let Some((a, b)) = entities::horizon(&mut cx, &mut t) {
        s.horizon_start = a;
        s.horizon_end = b;
    }
    if let Some((d, _)) = t.opt_date(&mut cx, "as_of") {
        s.as_of = d;
        s.as_of_source = AsOfSource::Declared;
    }
    if let Some((l, _)) = t.opt_choice(&mut cx, "language", &["en", "de", "fr"]) {
        s.language = match l.as_str() {
            "de" => Language::De,
            "fr" => Language::Fr,
            _ => Language::En,
        };
    }
    if let Some(theme) = t.str_or_default(&mut cx, "theme") {
        s.theme = theme;
    }
    s.allow_raw_html = t.opt_bool(&mut cx, "allow_raw_html").unwrap_or(false);
    s.base_url = t.str_or_default(&mut cx, "base_url").unwrap_or_default();
    if let Some(mut c) = t.table(&mut cx, "check", "the [check] table") {
        s.check_allow = c
            .str_list(&mut cx, "allow")
            .into_iter()
            .map(|x| x.0)
            .collect();
        c.finish(&mut cx);
    }
    t.finish(&mut cx);
    s
}

#[cfg(test)]
mod tests {
    use super::largest_first;

    #[test]
    fn largest_first_gives_the_results_in_the_items_order() {
        // Sizes out of order, with ties: the work runs largest first, the results come back
        // in the order of the items.
        let items: Vec<(usize, &str)> = vec![(3, "a"), (10, "b"), (3, "c"), (0, "d"), (7, "e")];
        let out = largest_first(&items, |&(n, _)| n, |&(n, s)| format!("{s}{n}"));
        assert_eq!(out, ["a3", "b10", "c3", "d0", "e7"]);
        let none: Vec<usize> = Vec::new();
        assert!(largest_first(&none, |&n| n, |&n| n).is_empty());
    }
}
