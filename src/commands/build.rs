//! `plansite build`: check the plan, render the site and swap it in atomically.

use std::path::Path;

use crate::commands::{OK, PLAN_ERRORS, USAGE_OR_IO};

pub fn run(plan: &Path, output: Option<&Path>, _timings: bool, quiet: bool) -> u8 {
    let out = output
        .map(Path::to_path_buf)
        .unwrap_or_else(|| plan.join("public"));
    let project = match crate::read_plan(plan, Some(&out)) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return USAGE_OR_IO;
        }
    };
    let sources = &project.loaded.sources;
    crate::check::report::print_human(sources, &project.diagnostics, plan, quiet);
    if project.has_errors() {
        return PLAN_ERRORS;
    }
    OK
}
