//! plansite: a static site generator for operational plans.
//!
//! The pipeline, one module per stage:
//! load → parse → model → check → analyze → render → write.

pub mod commands;
pub mod diag;
pub mod load;
pub mod model;
pub mod parse;
pub mod render;
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

/// Load and parse the plan in `dir`; `skip` is a folder never read (the output).
pub fn read_plan(dir: &Path, skip: Option<&Path>) -> Result<Project, LoadError> {
    let loaded = load::load(dir, skip)?;
    let (plan, mut diagnostics) = parse::parse(&loaded);
    diag::sort(&mut diagnostics, &loaded.sources);
    diag::dedup(&mut diagnostics);
    Ok(Project {
        loaded,
        plan,
        diagnostics,
    })
}
