//! `plansite check`: report every problem of a plan, in the format asked for.

use std::path::PathBuf;

use crate::check::report::{self, ColorChoice, Format, Options};
use crate::commands::{OK, PLAN_ERRORS, USAGE_OR_IO};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The plan folder (the one with plan.toml).
    #[arg(default_value = ".")]
    pub plan: PathBuf,
    /// Treat warnings as errors (exit 1 when there is any).
    #[arg(long)]
    pub deny_warnings: bool,
    /// Output format: human (stderr), json or github (Actions annotations; both on stdout).
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Colour for human output: auto is on for a terminal unless NO_COLOR is set.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
}

pub fn run(args: &Args, quiet: bool) -> u8 {
    let project = match crate::read_plan(&args.plan, None) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return USAGE_OR_IO;
        }
    };
    let opts = Options {
        format: args.format,
        quiet,
        color: report::stderr_color(args.color),
        plan: &args.plan,
    };
    if let Err(e) = report::print(&project.diagnostics, &project.loaded.sources, &opts) {
        eprintln!("error: cannot write the report: {e}");
        return USAGE_OR_IO;
    }
    let warnings = project.diagnostics.iter().any(|d| !d.is_error());
    let failed = project.has_errors() || (args.deny_warnings && warnings);
    super::exit_without_freeing(project);
    if failed {
        PLAN_ERRORS
    } else {
        OK
    }
}
