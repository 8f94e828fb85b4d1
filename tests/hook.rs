//! The hook through which rules computed elsewhere (analyze) join check's diagnostics.

use plansite::diag::{codes, Diagnostic, Loc};

fn plan(allow: &str) -> plansite::Project {
    let toml = format!(
        "title = \"t\"\norganization = \"o\"\ncurrency = \"EUR\"\nhorizon = {{ start = 2026, end = 2027 }}\nas_of = 2026-06-30\n[check]\nallow = [{allow}]\n"
    );
    plansite::read_plan_from_memory(vec![("plan.toml".into(), toml.into_bytes())])
}

#[test]
fn extra_diagnostics_are_filtered_sorted_and_deduplicated() {
    let mut p = plan("\"W012\"");
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    let file = p.plan.as_ref().map(|x| x.settings.file).unwrap_or_default();
    let warn = Diagnostic::new(
        codes::ENVELOPE_EXCEEDED,
        Loc::file(file),
        "over the envelope",
    );
    let err = Diagnostic::new(codes::CAP_EXCEEDED, Loc::file(file), "over the cap");
    p.add_diagnostics([warn, err.clone(), err]);
    let got: Vec<&str> = p.diagnostics.iter().map(|d| d.code.0).collect();
    // W012 is allowed plan-wide; the error stays, once.
    assert_eq!(got, ["E012"]);
    assert!(p.has_errors());
}
