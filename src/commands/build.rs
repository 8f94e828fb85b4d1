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
    crate::commands::print_diagnostics(&project, &project.diagnostics, quiet);
    let Some(model) = project.plan.as_ref().filter(|_| !project.has_errors()) else {
        eprintln!("error: the plan has errors; nothing was written");
        return PLAN_ERRORS;
    };
    let analysis = crate::analyze::analyze(model);
    let site = match crate::render::render_site(model, &analysis, &project.loaded) {
        Ok(s) => s,
        Err(diags) => {
            crate::commands::print_diagnostics(&project, &diags, quiet);
            eprintln!("error: the site could not be rendered; nothing was written");
            return PLAN_ERRORS;
        }
    };
    if let Err(e) = crate::write::write_site(&out, &site) {
        eprintln!("error: {e}");
        return USAGE_OR_IO;
    }
    if !quiet {
        eprintln!("wrote {} files to {}", site.len(), out.display());
    }
    OK
}
