//! `[check] allow = [codes]` in plan.toml: warnings silenced plan-wide.
//!
//! Only warnings can be silenced: an error means the site would be wrong. An entry that names an
//! error, or no code at all, is itself a warning (W013), so a typo never silences nothing quietly.

use crate::diag::{codes, Code, Diagnostic, Loc, Severity, Span};
use crate::load::Sources;
use crate::model::Settings;

/// Report bad allow entries, then drop the warnings the plan allows.
pub fn apply(settings: &Settings, sources: &Sources, diags: &mut Vec<Diagnostic>) {
    let mut allowed: Vec<Code> = Vec::new();
    for entry in &settings.check_allow {
        match codes::ALL.iter().find(|(c, _)| c.0 == entry) {
            Some((c, _)) if c.severity() == Severity::Warning => allowed.push(*c),
            Some(_) => diags.push(
                bad(
                    settings,
                    sources,
                    entry,
                    "is an error; errors cannot be silenced",
                )
                .help("fix the problem instead; only warning codes (W…) can be allowed"),
            ),
            None => {
                let known = codes::ALL.iter().map(|(c, _)| c.0);
                let help = match crate::suggest::nearest(entry, known) {
                    Some(s) => {
                        format!("did you mean `{s}`? see docs/diagnostics.md for every code")
                    }
                    None => "write a warning code such as \"W012\"; see docs/diagnostics.md".into(),
                };
                diags.push(bad(settings, sources, entry, "is not a plansite code").help(help));
            }
        }
    }
    diags.retain(|d| d.is_error() || !allowed.contains(&d.code));
}

fn bad(settings: &Settings, sources: &Sources, entry: &str, why: &str) -> Diagnostic {
    Diagnostic::new(
        codes::BAD_ALLOW,
        entry_loc(settings, sources, entry),
        format!("`[check] allow` entry `{entry}` {why}"),
    )
}

/// The quoted entry in plan.toml, or the file when it cannot be found.
fn entry_loc(settings: &Settings, sources: &Sources, entry: &str) -> Loc {
    let text = sources.text(settings.file);
    let from = text.find("[check]").unwrap_or(0);
    let quoted = format!("\"{entry}\"");
    match text[from..].find(&quoted) {
        Some(i) => Loc::new(settings.file, Span::new(from + i, from + i + quoted.len())),
        None => Loc::file(settings.file),
    }
}
