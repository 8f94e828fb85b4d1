//! `plansite new DIR`: write a small starter plan whose comments teach the format.
//!
//! The files are embedded in the binary, so `new` works wherever plansite is installed.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::commands::{OK, USAGE_OR_IO};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The folder to create the plan in; it must be empty or not exist yet.
    pub dir: PathBuf,
}

macro_rules! starter {
    ($($path:literal => $file:literal),* $(,)?) => {
        &[$(($path, include_str!(concat!("starter/", $file)))),*]
    };
}

/// The starter plan: path in the new folder → content.
pub const STARTER: &[(&str, &str)] = starter!(
    "plan.toml" => "plan.toml",
    "strategy.md" => "strategy.md",
    "goals/happy-customers.md" => "goals/happy-customers.md",
    "people.toml" => "people.toml",
    "kpis.toml" => "kpis.toml",
    "appraisal.toml" => "appraisal.toml",
    "progress/2026-03-31.toml" => "progress/2026-03-31.toml",
    "departments/operations/department.md" => "departments/operations/department.md",
    "departments/operations/budget.toml" => "departments/operations/budget.toml",
    "departments/operations/objectives.toml" => "departments/operations/objectives.toml",
    "departments/operations/kpis.toml" => "departments/operations/kpis.toml",
    "departments/operations/initiatives/support-portal.md" => "departments/operations/initiatives/support-portal.md",
    ".gitignore" => "gitignore",
);

pub fn run(args: &Args, quiet: bool) -> u8 {
    match create(&args.dir) {
        Ok(()) => {
            if !quiet {
                let dir = args.dir.display();
                eprintln!("created a starter plan in {dir} ({} files)", STARTER.len());
                eprintln!("next: `plansite serve {dir}` to preview it while you edit, `plansite build {dir}` to publish");
            }
            OK
        }
        Err(e) => {
            eprintln!("error: {e}");
            USAGE_OR_IO
        }
    }
}

#[derive(Debug)]
enum NewError {
    NotEmpty(PathBuf),
    Io(PathBuf, io::Error),
}

impl std::fmt::Display for NewError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NewError::NotEmpty(p) => write!(
                f,
                "{} is not empty; `plansite new` only writes into an empty or new folder",
                p.display()
            ),
            NewError::Io(p, e) => write!(f, "cannot write {}: {e}", p.display()),
        }
    }
}

fn create(dir: &Path) -> Result<(), NewError> {
    ensure_empty(dir)?;
    for (rel, text) in STARTER {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| NewError::Io(parent.to_path_buf(), e))?;
        }
        fs::write(&path, text).map_err(|e| NewError::Io(path.clone(), e))?;
    }
    Ok(())
}

/// The folder must not exist, or be an empty folder.
fn ensure_empty(dir: &Path) -> Result<(), NewError> {
    match fs::read_dir(dir) {
        Ok(mut entries) => match entries.next() {
            None => Ok(()),
            Some(_) => Err(NewError::NotEmpty(dir.to_path_buf())),
        },
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(NewError::Io(dir.to_path_buf(), e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starter_checks_without_errors_or_warnings() {
        let files = STARTER
            .iter()
            .map(|(rel, text)| (rel.to_string(), text.as_bytes().to_vec()))
            .collect();
        let project = crate::read_plan_from_memory(files);
        assert!(project.diagnostics.is_empty(), "{:#?}", project.diagnostics);
        assert!(!project.has_errors());
    }
}
