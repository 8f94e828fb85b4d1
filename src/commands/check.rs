//! `plansite check`: report every problem of a plan.

use std::path::PathBuf;

use crate::commands::{OK, PLAN_ERRORS, USAGE_OR_IO};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The plan folder (the one with plan.toml).
    #[arg(default_value = ".")]
    pub plan: PathBuf,
    /// Treat warnings as errors (exit 1 when there is any).
    #[arg(long)]
    pub deny_warnings: bool,
}

pub fn run(args: &Args, quiet: bool) -> u8 {
    let project = match crate::read_plan(&args.plan, None) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return USAGE_OR_IO;
        }
    };
    for d in &project.diagnostics {
        let at = d
            .loc
            .map(|l| project.loaded.sources.describe(l))
            .unwrap_or_default();
        if !quiet || d.is_error() {
            eprintln!("{}[{}]: {} at {}", d.severity(), d.code, d.message, at);
        }
    }
    let warnings = project.diagnostics.iter().any(|d| !d.is_error());
    if project.has_errors() || (args.deny_warnings && warnings) {
        PLAN_ERRORS
    } else {
        OK
    }
}
