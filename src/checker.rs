//! checker: `check_loaded` that remembers per-file work between runs, for `plansite serve`.
//!
//! A rebuild after one saved file should cost a fraction of a cold one, yet give exactly what a
//! fresh run gives. So only work that is a pure function of things compared in full is reused:
//!
//! - each plan file's parse (its TOML read into a fragment of the model, with its diagnostics),
//!   keyed by the file's path, id, kind and text and by the settings the reader uses;
//! - each Markdown body's link check, keyed by its file, offset, text and page prefix, valid
//!   while the table of plan files and pages it checks against is unchanged;
//! - the structural rules and the analysis, valid while every file is the same but for the
//!   Markdown after its front matter (the edit of prose that writing a plan mostly is): the
//!   model then differs only in bodies, which neither reads, and the rules point only into
//!   front matter and TOML files, unchanged byte for byte;
//! - when those run again, the budget and the people's load, each valid for any model whose
//!   `BudgetInputs` or `LoadInputs` (everything it is made from) compare equal to those it was
//!   made from. Neither holds a place in a file, so an edit that only moves text keeps them.
//!
//! Assembling the model and resolving references run again on every call.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::analyze::budget::{Budget, BudgetInputs};
use crate::analyze::kpi::{KpiFigures, KpiInputs};
use crate::analyze::load::{Load, LoadInputs};
use crate::analyze::{Kept, Known};
use crate::diag::Diagnostic;
use crate::load::{split_front_matter, FileId, FileKind, Loaded};
use crate::model::{Body, Plan, Settings};
use crate::parse::{self, FileResult};
use crate::render::markdown::{self, Links};
use crate::render::pages;
use crate::{ModelFindings, Project, Stages};

/// Checks plans again and again, reusing what unchanged files contributed last time.
#[derive(Default)]
pub struct Checker {
    /// Last run's parse of each plan file, by path.
    files: HashMap<String, ParsedFile>,
    /// Last run's link check of each Markdown body, by source path.
    bodies: HashMap<String, CheckedBody>,
    /// The plan-file → page table and the set of existing files the bodies were checked against.
    tables: Option<Tables>,
    /// The last rules and analysis, kept only while each parse gives the same model but for
    /// bodies.
    findings: Option<ModelFindings>,
    /// At the last parse, `plan.toml`'s text and the path of every source in order (a file's
    /// id is its place in that list, stray and empty files included): what `findings` also
    /// depends on and no per-file comparison sees.
    settings_text: Option<String>,
    source_paths: Vec<String>,
    /// The last budget made, with what it was made from: valid for any model with equal
    /// inputs, whatever else changed.
    budget: Option<Kept<BudgetInputs, Budget>>,
    /// The same for the people's load and for the KPIs' figures.
    load: Option<Kept<LoadInputs, Load>>,
    kpis: Option<Kept<KpiInputs, Vec<KpiFigures>>>,
    reused: Reused,
}

/// How much of the last `check` came from earlier runs (for serve's log, and tests).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Reused {
    /// Plan files whose parse was reused, of `parsed` parsed in all.
    pub files: usize,
    pub parsed: usize,
    /// Markdown bodies whose link check was reused, of `bodies` in all.
    pub bodies_reused: usize,
    pub bodies: usize,
    /// Whether the structural rules and the analysis were reused (only Markdown bodies changed).
    pub findings: bool,
    /// Whether, the rest being made again, the budget was reused (its inputs were unchanged).
    pub budget: bool,
    /// The same for the people's load.
    pub load: bool,
    /// The same for the KPIs' figures.
    pub kpis: bool,
}

type Tables = (HashMap<String, String>, HashSet<String>);

/// Everything a file's parse depends on, and its result.
struct ParsedFile {
    id: FileId,
    kind: FileKind,
    /// The loaded text itself: `serve`'s loads hand on the same text for every file not read
    /// again, so that comparing 15 MB comes down to comparing pointers.
    text: Arc<String>,
    reader: (u32, u32),
    result: FileResult,
}

/// Everything a body's link check depends on besides the tables, and its result.
struct CheckedBody {
    file: FileId,
    offset: usize,
    root: String,
    /// The body's own text, shared with the model it came from (and, while the file is
    /// unchanged, with every later one).
    text: Arc<str>,
    diags: Vec<Diagnostic>,
}

/// What the TOML reader takes from the settings (see `parse::reader::Cx`).
fn reader_settings(s: &Settings) -> (u32, u32) {
    (s.fiscal_year_start, s.currency.minor_units)
}

impl Checker {
    pub fn new() -> Self {
        Checker::default()
    }

    /// Same result as `check_loaded(loaded)`, reusing per-file work from earlier calls for
    /// files whose bytes (and place in the plan) are unchanged.
    pub fn check(&mut self, loaded: Loaded) -> Project {
        self.reused = Reused::default();
        crate::check_with(loaded, self)
    }

    /// How much of the last `check` was reused.
    pub fn reused(&self) -> Reused {
        self.reused
    }
}

impl Stages for Checker {
    fn parse(&mut self, loaded: &Loaded) -> (Option<Plan>, Vec<Diagnostic>) {
        let old = std::mem::take(&mut self.files);
        let fresh = Mutex::new(HashMap::default());
        let settings_text = settings_text(loaded);
        // What no per-file comparison below sees: plan.toml, the number of plan files, and
        // every source's place (its id), stray and empty files included.
        let unchanged_outside_files = settings_text.is_some()
            && settings_text == self.settings_text.as_deref()
            && old.len() + 1 == loaded.files.len()
            && same_sources(loaded, &self.source_paths);
        let model_changed = AtomicBool::new(!unchanged_outside_files);
        let out = parse::parse_with(loaded, |id, kind, settings| {
            let path = loaded.sources.path(id);
            let source = &loaded.sources.get(id).text;
            let text = source.as_str();
            let reader = reader_settings(settings);
            let before = old
                .get(path)
                .filter(|p| p.id == id && p.kind == *kind && p.reader == reader);
            match before {
                Some(p) if Arc::ptr_eq(&p.text, source) || *p.text == *text => p.result.clone(),
                _ => {
                    if !before.is_some_and(|p| only_body_differs(kind, id, &p.text, text)) {
                        model_changed.store(true, Ordering::Relaxed);
                    }
                    let result = parse::file_result(loaded, id, kind, settings);
                    let parsed = ParsedFile {
                        id,
                        kind: kind.clone(),
                        text: Arc::clone(source),
                        reader,
                        result: result.clone(),
                    };
                    lock(&fresh).insert(id, parsed);
                    result
                }
            }
        });
        if model_changed.into_inner() {
            self.findings = None;
        }
        self.settings_text = settings_text.map(str::to_string);
        if !unchanged_outside_files {
            self.source_paths = loaded.sources.iter().map(|(_, f)| f.path.clone()).collect();
        }
        let fresh = fresh.into_inner().unwrap_or_else(|e| e.into_inner());
        self.reused.parsed = loaded.files.len().saturating_sub(1);
        self.reused.files = self.reused.parsed.saturating_sub(fresh.len());
        self.files = if unchanged_outside_files {
            // The same files as last time: only the fresh parses change, in place.
            replace_parsed(loaded, old, fresh)
        } else {
            keep_parsed(loaded, old, fresh)
        };
        out
    }

    fn site_diagnostics(&mut self, plan: &Plan, loaded: &Loaded) -> Vec<Diagnostic> {
        let tables = (pages::file_pages(plan, loaded), pages::known_files(loaded));
        if self.tables.as_ref() != Some(&tables) {
            self.bodies.clear();
        }
        let old = std::mem::take(&mut self.bodies);
        let fresh = Mutex::new(HashMap::default());
        let mut diags = pages::check_bodies_in(plan, loaded, &tables.0, &tables.1, |b, links| {
            match old.get(links.source) {
                Some(c) if same_body(c, b, links) => c.diags.clone(),
                _ => {
                    let d = markdown::check_links(b, links);
                    lock(&fresh).insert(links.source.to_string(), checked(b, links, &d));
                    d
                }
            }
        });
        let fresh = fresh.into_inner().unwrap_or_else(|e| e.into_inner());
        self.reused.bodies = plan_body_files(plan).len();
        self.reused.bodies_reused = self.reused.bodies.saturating_sub(fresh.len());
        self.bodies = keep_bodies(plan, loaded, old, fresh);
        self.tables = Some(tables);
        diags.extend(crate::render::theme::check(loaded, &plan.settings));
        diags
    }

    fn earlier_findings(&mut self) -> Option<ModelFindings> {
        self.reused.findings = self.findings.is_some();
        self.findings.clone()
    }

    fn earlier_parts(&mut self) -> Known {
        Known {
            budget: self.budget.clone(),
            load: self.load.clone(),
            kpis: self.kpis.clone(),
            keep: true,
        }
    }

    fn remember_findings(&mut self, found: &ModelFindings, kept: Known) {
        self.findings = Some(found.clone());
        self.reused.budget = remember(&mut self.budget, kept.budget);
        self.reused.load = remember(&mut self.load, kept.load);
        self.reused.kpis = remember(&mut self.kpis, kept.kpis);
    }
}

/// Keep `new`, the part of the analysis just used with its inputs; whether it is the part kept
/// before.
fn remember<I, T>(slot: &mut Option<Kept<I, T>>, new: Option<Kept<I, T>>) -> bool {
    let same =
        matches!((&*slot, &new), (Some(old), Some(new)) if Arc::ptr_eq(&old.part, &new.part));
    *slot = new;
    same
}

/// Whether the plan's sources are those of `paths`, in the same order, so that every file id
/// (diagnostics kept from the last run carry them) still names the same file.
fn same_sources(loaded: &Loaded, paths: &[String]) -> bool {
    loaded
        .sources
        .iter()
        .map(|(_, f)| f.path.as_str())
        .eq(paths.iter().map(String::as_str))
}

/// The text of `plan.toml`, when the plan has one.
fn settings_text(loaded: &Loaded) -> Option<&str> {
    let (id, _) = loaded
        .files
        .iter()
        .find(|(_, k)| *k == FileKind::PlanToml)?;
    Some(loaded.sources.text(*id))
}

/// Whether two texts of a Markdown plan file have the same front matter at the same place, so
/// that they differ only in the body the model keeps as it is.
fn only_body_differs(kind: &FileKind, id: FileId, old: &str, new: &str) -> bool {
    if !kind.has_markdown_body() {
        return false;
    }
    match (split_front_matter(id, old), split_front_matter(id, new)) {
        (Ok(a), Ok(b)) => {
            a.front == b.front && a.front_offset == b.front_offset && a.body_offset == b.body_offset
        }
        _ => false,
    }
}

/// A mutex whose holder panicked still holds a usable map (nothing is left half-inserted).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The cache after a parse: fresh results, and old ones still matching a file of this run.
/// Entries of files that were deleted, renamed or changed are dropped.
fn keep_parsed(
    loaded: &Loaded,
    mut old: HashMap<String, ParsedFile>,
    mut fresh: HashMap<FileId, ParsedFile>,
) -> HashMap<String, ParsedFile> {
    let mut kept = HashMap::default();
    for (id, _) in &loaded.files {
        let path = loaded.sources.path(*id);
        let entry = match fresh.remove(id) {
            Some(p) => p,
            None => match old.remove(path) {
                Some(p) => p,
                None => continue,
            },
        };
        kept.insert(path.to_string(), entry);
    }
    kept
}

/// The cache after a parse of the same files as last time: `old` with each fresh result in
/// place of its file's entry, rather than every entry moved into a new map as `keep_parsed`
/// must do when files were added, removed or renamed.
fn replace_parsed(
    loaded: &Loaded,
    mut old: HashMap<String, ParsedFile>,
    fresh: HashMap<FileId, ParsedFile>,
) -> HashMap<String, ParsedFile> {
    for (id, entry) in fresh {
        let path = loaded.sources.path(id);
        match old.get_mut(path) {
            Some(kept) => *kept = entry,
            None => {
                old.insert(path.to_string(), entry);
            }
        }
    }
    old
}

fn same_body(c: &CheckedBody, b: &Body, links: &Links) -> bool {
    let same_text = Arc::ptr_eq(&c.text, &b.text) || c.text == b.text;
    c.file == b.file && c.offset == b.offset && c.root == links.root && same_text
}

fn checked(b: &Body, links: &Links, diags: &[Diagnostic]) -> CheckedBody {
    CheckedBody {
        file: b.file,
        offset: b.offset,
        root: links.root.to_string(),
        text: b.text.clone(),
        diags: diags.to_vec(),
    }
}

/// The body cache after a check: fresh results, and old ones for bodies still in the plan.
fn keep_bodies(
    plan: &Plan,
    loaded: &Loaded,
    mut old: HashMap<String, CheckedBody>,
    fresh: HashMap<String, CheckedBody>,
) -> HashMap<String, CheckedBody> {
    let mut kept = fresh;
    let files = plan_body_files(plan);
    for file in files {
        let path = loaded.sources.path(file);
        if !kept.contains_key(path) {
            if let Some(c) = old.remove(path) {
                kept.insert(path.to_string(), c);
            }
        }
    }
    kept
}

/// The files whose Markdown bodies the plan has.
fn plan_body_files(plan: &Plan) -> Vec<FileId> {
    let strategy = plan.strategy.iter().map(|s| s.body.file);
    let goals = plan.goals.iter().map(|g| g.body.file);
    let depts = plan.departments.iter().map(|d| d.body.file);
    let inits = plan.initiatives.iter().map(|i| i.body.file);
    strategy.chain(goals).chain(depts).chain(inits).collect()
}
