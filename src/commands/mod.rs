//! The commands, each a thin layer over the pipeline. Each returns its exit code:
//! 0 success, 1 the plan has errors, 2 usage or I/O errors.

pub mod build;
pub mod check;
pub mod export;

pub const OK: u8 = 0;
pub const PLAN_ERRORS: u8 = 1;
pub const USAGE_OR_IO: u8 = 2;

/// Print diagnostics for a person at a terminal (one line each, with help).
pub fn print_diagnostics(project: &crate::Project, diags: &[crate::Diagnostic], quiet: bool) {
    for d in diags {
        let at = d
            .loc
            .map(|l| project.loaded.sources.describe(l))
            .unwrap_or_default();
        if !quiet || d.is_error() {
            eprintln!("{}[{}]: {} at {}", d.severity(), d.code, d.message, at);
            if let Some(h) = &d.help {
                eprintln!("  help: {h}");
            }
        }
    }
}
