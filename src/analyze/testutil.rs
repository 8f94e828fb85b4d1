//! Small plans for the analysis tests, parsed from in-memory files through the real parser.

use crate::load::{add_file, classify, Loaded};
use crate::model::{Date, Plan};

/// A plan.toml with the given `fiscal_year_start` and `as_of`, currency EUR, horizon 2026–2028.
pub fn plan_toml(fiscal_year_start: u32, as_of: &str) -> String {
    format!(
        "title = \"T\"\norganization = \"O\"\ncurrency = \"EUR\"\nfiscal_year_start = {fiscal_year_start}\n\
         horizon = {{ start = 2026, end = 2028 }}\nas_of = {as_of}\n"
    )
}

/// A department.md with a name and an optional parent.
pub fn dept(name: &str, parent: Option<&str>) -> String {
    match parent {
        Some(p) => format!("+++\nname = \"{name}\"\nparent = \"{p}\"\n+++\n"),
        None => format!("+++\nname = \"{name}\"\n+++\n"),
    }
}

/// Parse the given files (relative path, text) into a Plan; panics on any error diagnostic,
/// so a test never runs on a plan the parser refused.
pub fn plan(files: &[(&str, &str)]) -> Plan {
    let mut files: Vec<_> = files.to_vec();
    files.sort();
    let mut loaded = Loaded::default();
    for (path, text) in &files {
        let parts: Vec<&str> = path.split('/').collect();
        if let ["departments", d, ..] = parts.as_slice() {
            if !loaded.department_dirs.iter().any(|x| x == d) {
                loaded.department_dirs.push(d.to_string());
            }
        }
        let kind = classify(path).unwrap_or_else(|| panic!("not a plan path: {path}"));
        add_file(
            &mut loaded,
            path.to_string(),
            kind,
            text.as_bytes().to_vec(),
        );
    }
    let (plan, diags) = crate::parse::parse(&loaded);
    let errors: Vec<_> = diags
        .iter()
        .filter(|d| d.is_error())
        .map(|d| {
            format!(
                "{} {} at {}",
                d.code,
                d.message,
                d.loc
                    .map(|l| loaded.sources.describe(l))
                    .unwrap_or_default()
            )
        })
        .collect();
    assert!(errors.is_empty(), "test plan has errors: {errors:#?}");
    plan.expect("plan")
}

pub fn d(s: &str) -> Date {
    s.parse().expect("date")
}
