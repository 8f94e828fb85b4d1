//! `plansite export`: the resolved model and every computed figure as JSON or CSV.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::commands::{OK, PLAN_ERRORS, USAGE_OR_IO};

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The plan folder (the one with plan.toml).
    #[arg(default_value = ".")]
    pub plan: PathBuf,
    /// json: one document (to standard output unless -o); csv: one file per table into -o DIR.
    #[arg(long, value_enum, default_value = "json")]
    pub format: Format,
    /// The file (json) or folder (csv) to write.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

pub fn run(args: &Args, quiet: bool) -> u8 {
    let project = match crate::read_plan(&args.plan, None) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return USAGE_OR_IO;
        }
    };
    let (Some(plan), Some(an)) = (project.plan.as_ref(), project.analysis.as_ref()) else {
        eprintln!("error: the plan could not be read; run `plansite check` for details");
        return PLAN_ERRORS;
    };
    if project.has_errors() {
        crate::check::report::print_human(
            &project.loaded.sources,
            &project.diagnostics,
            &args.plan,
            quiet,
        );
        eprintln!("error: the plan has errors; run `plansite check` for details");
        return PLAN_ERRORS;
    }
    let written = match args.format {
        Format::Json => write_json(plan, an, args.output.as_deref()),
        Format::Csv => match &args.output {
            Some(dir) => write_csv(plan, an, dir),
            None => {
                Err("CSV export writes one file per table: give a folder with -o DIR".to_string())
            }
        },
    };
    match written {
        Ok(()) => OK,
        Err(e) => {
            eprintln!("error: {e}");
            USAGE_OR_IO
        }
    }
}

fn write_json(
    plan: &crate::Plan,
    an: &crate::analyze::Analysis,
    out: Option<&Path>,
) -> Result<(), String> {
    let text =
        crate::export::json(plan, an, true).map_err(|e| format!("cannot encode JSON: {e}"))?;
    match out {
        Some(p) => {
            std::fs::write(p, text).map_err(|e| format!("cannot write {}: {e}", p.display()))
        }
        None => std::io::stdout()
            .lock()
            .write_all(text.as_bytes())
            .map_err(|e| format!("cannot write to standard output: {e}")),
    }
}

fn write_csv(plan: &crate::Plan, an: &crate::analyze::Analysis, dir: &Path) -> Result<(), String> {
    let files = crate::export::csv(plan, an).map_err(|e| format!("cannot encode CSV: {e}"))?;
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    for (name, bytes) in files {
        let p = dir.join(name);
        std::fs::write(&p, bytes).map_err(|e| format!("cannot write {}: {e}", p.display()))?;
    }
    Ok(())
}
