//! plansite: a static site generator for operational plans.
//!
//! The pipeline, one module per stage:
//! load → parse → model → check → analyze → render → write.

pub mod allocator;
pub mod analyze;
pub mod check;
pub mod checker;
pub mod clock;
pub mod commands;
pub mod diag;
pub mod export;
pub mod fuzzing;
pub mod load;
pub mod model;
pub mod parse;
pub mod render;
pub mod serve;
pub mod suggest;
pub mod write;

use std::path::Path;
use std::sync::Arc;

pub use checker::{Checker, Reused};
pub use diag::Diagnostic;
pub use load::{LoadError, Loaded};
pub use model::Plan;

/// A plan as read and parsed: its files, its model (when one could be built) and every
/// diagnostic found so far.
pub struct Project {
    pub loaded: Loaded,
    pub plan: Option<Plan>,
    /// The derived figures, computed whenever a model could be built (also with errors, so that
    /// `check` reports the rules that need them in the same run). Shared, because `serve`
    /// keeps it for the next rebuild when only Markdown bodies change.
    pub analysis: Option<Arc<analyze::Analysis>>,
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

/// Parse, check and analyze files already loaded (from disk, or from memory for tests and
/// fuzzing). Every rule runs: structural ones on the model, derived-figure ones (caps, capacity,
/// envelopes, late dependencies) on the analysis, and the site's own (Markdown links, theme).
pub fn check_loaded(loaded: Loaded) -> Project {
    check_with(loaded, &mut Cold)
}

/// The stages whose work `Checker` remembers; `Cold` does them from scratch.
pub(crate) trait Stages: Send {
    fn parse(&mut self, loaded: &Loaded) -> (Option<Plan>, Vec<Diagnostic>);
    fn site_diagnostics(&mut self, plan: &Plan, loaded: &Loaded) -> Vec<Diagnostic>;
    /// What the model's rules and analysis found last time, when the `parse` just done gave
    /// the same model apart from Markdown bodies (which neither reads).
    fn earlier_findings(&mut self) -> Option<ModelFindings>;
    /// Parts of the analysis made earlier, with what they were made from.
    fn earlier_parts(&mut self) -> analyze::Known;
    /// Called after the rules and analysis ran (not when they were reused), with the parts of
    /// the analysis to keep.
    fn remember_findings(&mut self, found: &ModelFindings, kept: analyze::Known);
}

/// What the rules and the analysis find in a model: a pure function of the model (not of its
/// Markdown bodies) and of the front matter and TOML text the rules point into.
#[derive(Clone)]
pub(crate) struct ModelFindings {
    structural: Vec<Diagnostic>,
    analysis: Arc<analyze::Analysis>,
    derived: Vec<Diagnostic>,
}

impl ModelFindings {
    fn of(
        plan: &Plan,
        sources: &load::Sources,
        known: analyze::Known,
    ) -> (ModelFindings, analyze::Known) {
        // The analysis first: it is the longer, and the side rayon runs at once.
        let ((analysis, kept, derived), structural) = rayon::join(
            || {
                clock::time(clock::Part::Analysis, || {
                    let (analysis, kept) = analyze::analyze_with(plan, known);
                    let derived = analyze::diagnostics::diagnostics(plan, &analysis);
                    (analysis, kept, derived)
                })
            },
            || clock::time(clock::Part::Rules, || check::check(plan, sources)),
        );
        let found = ModelFindings {
            structural,
            analysis: Arc::new(analysis),
            derived,
        };
        (found, kept)
    }
}

struct Cold;

impl Stages for Cold {
    fn parse(&mut self, loaded: &Loaded) -> (Option<Plan>, Vec<Diagnostic>) {
        parse::parse(loaded)
    }
    fn site_diagnostics(&mut self, plan: &Plan, loaded: &Loaded) -> Vec<Diagnostic> {
        render::site_diagnostics(plan, loaded)
    }
    fn earlier_findings(&mut self) -> Option<ModelFindings> {
        None
    }
    fn earlier_parts(&mut self) -> analyze::Known {
        analyze::Known::default()
    }
    fn remember_findings(&mut self, _: &ModelFindings, _: analyze::Known) {}
}

/// The one definition of checking, shared by `check_loaded` and `Checker`, so a warm check
/// runs the same steps in the same order as a cold one.
pub(crate) fn check_with(loaded: Loaded, stages: &mut impl Stages) -> Project {
    let (plan, mut diagnostics) = clock::time(clock::Part::Parse, || stages.parse(&loaded));
    let analysis = plan.as_ref().map(|plan| {
        // The structural rules, the analysis and the site's own checks (Markdown links,
        // templates) only read the model: they run side by side. Their findings are added in
        // one fixed order and sorted below, so the report does not depend on which ends first.
        let (found, site) = match stages.earlier_findings() {
            Some(found) => (found, stages.site_diagnostics(plan, &loaded)),
            None => {
                let known = stages.earlier_parts();
                let ((found, kept), site) = rayon::join(
                    || ModelFindings::of(plan, &loaded.sources, known),
                    || stages.site_diagnostics(plan, &loaded),
                );
                stages.remember_findings(&found, kept);
                (found, site)
            }
        };
        let ModelFindings {
            structural,
            analysis,
            derived,
        } = found;
        diagnostics.extend(structural);
        diagnostics.extend(derived);
        diagnostics.extend(site);
        analysis
    });
    let mut project = Project {
        loaded,
        plan,
        analysis,
        diagnostics,
    };
    project.settle();
    project
}

/// A plan given as (relative path, bytes) pairs instead of a folder: every file is classified
/// and read exactly as `load` would, so the same parse and check run on it.
pub fn read_plan_from_memory(files: Vec<(String, Vec<u8>)>) -> Project {
    check_loaded(load::from_memory(files))
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
