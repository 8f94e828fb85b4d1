//! plansite: a static site generator for operational plans.
//!
//! The pipeline, one module per stage:
//! load → parse → model → check → analyze → render → write.

pub mod check;
pub mod commands;
pub mod diag;
pub mod fuzzing;
pub mod load;
pub mod model;
pub mod parse;
pub mod suggest;

use std::path::Path;

pub use diag::Diagnostic;
pub use load::{LoadError, Loaded};
pub use model::Plan;

/// A plan as read and parsed: its files, its model (when one could be built) and every
/// diagnostic found so far.
pub struct Project {
    pub loaded: Loaded,
    pub plan: Option<Plan>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Project {
    pub fn has_errors(&self) -> bool {
        self.plan.is_none() || self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Load, parse and check the plan in `dir`; `skip` is a folder never read (the output).
pub fn read_plan(dir: &Path, skip: Option<&Path>) -> Result<Project, LoadError> {
    Ok(check_loaded(load::load(dir, skip)?))
}

/// Parse and check files already loaded (from disk, or from memory for tests and fuzzing).
pub fn check_loaded(loaded: Loaded) -> Project {
    let (plan, mut diagnostics) = parse::parse(&loaded);
    if let Some(plan) = &plan {
        diagnostics.extend(check::check(plan, &loaded.sources));
    }
    let mut project = Project {
        loaded,
        plan,
        diagnostics,
    };
    project.settle();
    project
}

/// A plan given as (relative path, bytes) pairs instead of a folder: every file is classified
/// and read exactly as `load` would, so the same parse and check run on it.
pub fn read_plan_from_memory(files: Vec<(String, Vec<u8>)>) -> Project {
    let mut loaded = Loaded::default();
    let mut files = files;
    files.sort_by(|a, b| a.0.cmp(&b.0));
    for (rel, bytes) in files {
        if let ["departments", d, ..] = rel.split('/').collect::<Vec<_>>().as_slice() {
            if rel.matches('/').count() >= 2 && !loaded.department_dirs.iter().any(|x| x == d) {
                loaded.department_dirs.push(d.to_string());
            }
        }
        if let Some(kind) = load::classify(&rel) {
            load::add_file(&mut loaded, rel, kind, bytes);
        }
    }
    loaded.department_dirs.sort();
    check_loaded(loaded)
}

impl Project {
    /// The hook for rules that run elsewhere (analyze: budget caps E012, capacity W005,
    /// envelopes W012, late dependencies W003): add their findings to the one list, which is
    /// filtered by `[check] allow`, sorted and deduplicated again.
    pub fn add_diagnostics(&mut self, extra: impl IntoIterator<Item = Diagnostic>) {
        self.diagnostics.extend(extra);
        self.settle();
    }

    /// Apply `[check] allow`, then sort and remove repeats, so output is stable.
    fn settle(&mut self) {
        if let Some(plan) = &self.plan {
            check::allow::apply(&plan.settings, &self.loaded.sources, &mut self.diagnostics);
        }
        diag::sort(&mut self.diagnostics, &self.loaded.sources);
        diag::dedup(&mut self.diagnostics);
    }
}
