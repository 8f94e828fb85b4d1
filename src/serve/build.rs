//! The one seam between `serve` and the pipeline: build a plan folder into an in-memory site.
//!
//! Everything else in `serve` sees only [`build_in_memory`], [`Warm`], [`LiveSite`] and [`Problem`]; when the pipeline
//! grows a stage (check, analyze), it is added here and nowhere else.

use std::path::Path;

use super::site::{LiveSite, Unrenderable};
use super::watch;
use crate::diag::{Diagnostic, Severity};
use crate::load::{Memory, Sources};
use crate::Checker;

/// One diagnostic, resolved against the sources so it can be shown without them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    /// `E006`, `W001`, … (empty for problems that are not plan diagnostics).
    pub code: String,
    /// `path:line:col`, or empty when the problem has no place.
    pub at: String,
    pub message: String,
    pub help: Option<String>,
    /// The line of the file the problem points at, when it has one.
    pub source_line: Option<String>,
    /// Other places that explain the problem, as `path:line:col: label`.
    pub notes: Vec<String>,
}

impl Problem {
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// A problem with no place in the plan (a folder that cannot be read, say).
    pub fn general(message: impl Into<String>) -> Problem {
        Problem {
            severity: Severity::Error,
            code: String::new(),
            at: String::new(),
            message: message.into(),
            help: None,
            source_line: None,
            notes: Vec::new(),
        }
    }

    pub fn from_diagnostic(d: &Diagnostic, sources: &Sources) -> Problem {
        Problem {
            severity: d.severity(),
            code: d.code.to_string(),
            at: d.loc.map(|l| sources.describe(l)).unwrap_or_default(),
            message: d.message.clone(),
            help: d.help.clone(),
            source_line: d.loc.and_then(|l| line_at(sources, l)),
            notes: d
                .related
                .iter()
                .map(|(l, label)| format!("{}: {label}", sources.describe(*l)))
                .collect(),
        }
    }
}

fn line_at(sources: &Sources, loc: crate::diag::Loc) -> Option<String> {
    let file = sources.get(loc.file);
    let (line, _) = file.line_col(loc.span.start as usize);
    file.text
        .lines()
        .nth(line - 1)
        .map(|l| l.trim_end().to_string())
        .filter(|l| !l.trim().is_empty())
}

/// What a build produced: the site and its warnings, or every problem (errors and warnings).
pub type Built = Result<(LiveSite, Vec<Problem>), Vec<Problem>>;

/// What serve keeps from one rebuild to the next.
pub struct Warm {
    /// The files last read, so that a save re-reads only the saved files.
    pub files: Memory,
    /// The parse of unchanged files, and more (see [`Checker`]).
    pub checker: Checker,
}

impl Warm {
    /// Nothing kept yet. The loads leave out the files the watcher ignores (editor temp files),
    /// so that what a load sees changes only with what the watcher reports.
    pub fn new() -> Warm {
        Warm {
            files: Memory::leaving_out(|rel| !watch::is_relevant(rel)),
            checker: Checker::new(),
        }
    }
}

impl Default for Warm {
    fn default() -> Self {
        Warm::new()
    }
}

/// Run the pipeline on `plan_dir` (load, parse, check, analyze; never reading
/// `plan_dir/public`) and make a site that renders each file when it is asked for. The same
/// rules as `plansite build`: any error means no site.
/// `changed` names the plan files saved since the last call (`None`: unknown, read them all);
/// `warm` keeps what unchanged files gave from one rebuild to the next.
pub fn build_in_memory(plan_dir: &Path, warm: &mut Warm, changed: Option<&[String]>) -> Built {
    let output = plan_dir.join("public");
    let project = match warm.files.load(plan_dir, Some(&output), changed) {
        Ok(loaded) => warm.checker.check(loaded),
        Err(e) => return Err(vec![Problem::general(e.to_string())]),
    };
    let sources = &project.loaded.sources;
    let mut problems: Vec<Problem> = project
        .diagnostics
        .iter()
        .map(|d| Problem::from_diagnostic(d, sources))
        .collect();
    if project.has_errors() {
        if !problems.iter().any(Problem::is_error) {
            problems.push(Problem::general("the plan could not be read"));
        }
        return Err(problems);
    }
    match LiveSite::new(project) {
        Ok(site) => Ok((site, problems)),
        Err(Unrenderable::Theme(more)) => {
            problems.extend(more);
            Err(problems)
        }
        Err(Unrenderable::NoModel) => {
            problems.push(Problem::general("the plan could not be read"));
            Err(problems)
        }
    }
}
