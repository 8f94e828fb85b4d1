//! Parity: every page written natively is byte for byte what Tera makes of the built-in
//! templates, on the example plan in each language and with each way of deciding `as_of`, with a
//! `base_url`, and on the test fixtures. (The fuzz target checks the same on its corpus.)

use std::path::Path;

use walkdir::WalkDir;

use super::*;

/// Every file of a folder, as `read_plan_from_memory` takes them.
fn files(dir: &str) -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    WalkDir::new(&root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(&root).unwrap();
            let rel = rel.to_string_lossy().replace('\\', "/");
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// `files` with `plan.toml`'s line that starts with `key` replaced by `line` (or removed).
fn with_setting(
    mut files: Vec<(String, Vec<u8>)>,
    key: &str,
    line: &str,
) -> Vec<(String, Vec<u8>)> {
    let (_, plan) = files.iter_mut().find(|(p, _)| p == "plan.toml").unwrap();
    let text = String::from_utf8(plan.clone()).unwrap();
    let edited: Vec<&str> = text
        .lines()
        .map(|l| if l.starts_with(key) { line } else { l })
        .collect();
    *plan = edited.join("\n").into_bytes();
    files
}

/// The pages that differ, and how many of the natively written pages the plan has (so that a
/// plan which lost its initiatives or people cannot pass by having nothing to compare).
fn check(files: Vec<(String, Vec<u8>)>) -> (Vec<String>, usize) {
    let project = crate::read_plan_from_memory(files);
    let errors: Vec<_> = project
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let (plan, an) = (
        project.plan.as_ref().unwrap(),
        project.analysis.as_ref().unwrap(),
    );
    let renderer = Renderer::new(plan, an, &project.loaded).unwrap();
    assert!(renderer.native, "the built-in templates are used unchanged");
    let kinds = [
        plan.initiatives.len(),
        plan.people.len(),
        plan.checkins.len(),
        plan.departments.len(),
        plan.kpis.len(),
        plan.goals.len(),
        plan.objectives.len(),
        an.appraisal.as_ref().map_or(0, |a| a.people.len()),
        an.appraisal.as_ref().map_or(0, |a| a.departments.len()),
    ];
    (
        differences(plan, an, &project.loaded),
        kinds.into_iter().min().unwrap_or(0),
    )
}

fn assert_same(files: Vec<(String, Vec<u8>)>) {
    let (diffs, fewest) = check(files);
    assert!(fewest > 0, "a kind of native page is missing from the plan");
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}

#[test]
fn the_example_plan_is_written_as_the_templates_write_it() {
    assert_same(files("example-plan"));
}

#[test]
fn every_language_is_written_as_the_templates_write_it() {
    for lang in ["de", "fr"] {
        assert_same(with_setting(
            files("example-plan"),
            "language",
            &format!("language = \"{lang}\""),
        ));
    }
}

#[test]
fn a_base_url_and_a_derived_as_of_are_written_as_the_templates_write_them() {
    let base = with_setting(
        files("example-plan"),
        "base_url",
        "base_url = \"https://intranet.example/plans?a=1&b=2\"",
    );
    assert_same(with_setting(base, "as_of", ""));
}

/// `files` with `text` added to the end of the file at `path`.
fn with_appended(
    mut files: Vec<(String, Vec<u8>)>,
    path: &str,
    text: &str,
) -> Vec<(String, Vec<u8>)> {
    let (_, bytes) = files.iter_mut().find(|(p, _)| p == path).unwrap();
    bytes.extend_from_slice(text.as_bytes());
    files
}

#[test]
fn a_kpi_without_readings_and_odd_text_is_written_as_the_template_writes_it() {
    let kpi = r#"
[[kpi]]
id = "spill-volume"
name = "Spills <in the yard> & \"elsewhere\""
unit = "m³ <raw>"
direction = "down"
kind = "cumulative"
owner = "maria-jansen"
targets = [{ period = "FY2027", value = 0 }]
tolerance = 2.5
"#;
    let files = with_appended(files("example-plan"), "kpis.toml", kpi);
    let project = crate::read_plan_from_memory(files.clone());
    let (plan, an) = (
        project.plan.as_ref().unwrap(),
        project.analysis.as_ref().unwrap(),
    );
    let renderer = Renderer::new(plan, an, &project.loaded).unwrap();
    let page = renderer.file("kpis/spill-volume.html").unwrap().unwrap();
    let page = String::from_utf8(page).unwrap();
    assert!(
        page.contains("No status: no reading on or before"),
        "{page}"
    );
    assert!(page.contains("Spills &lt;in the yard&gt; &amp; &quot;elsewhere&quot;"));
    assert_same(files);
}

#[test]
fn the_fixtures_are_written_as_the_templates_write_them() {
    assert_same(files("tests/fixtures/small"));
    assert_same(files("tests/fixtures/minimal"));
}

#[test]
fn a_difference_is_reported_with_its_line() {
    let d = first_difference("a.html", b"x\ny\nz", b"x\nY\nz");
    assert_eq!(d, "a.html:2\n  native: y\n  tera:   Y");
}

#[test]
fn a_plan_with_its_own_templates_is_rendered_by_tera_alone() {
    let mut files = files("example-plan");
    files.push((
        "templates/footer.html".into(),
        b"<p>Our own footer</p>".to_vec(),
    ));
    let project = crate::read_plan_from_memory(files);
    let (plan, an) = (
        project.plan.as_ref().unwrap(),
        project.analysis.as_ref().unwrap(),
    );
    let renderer = Renderer::new(plan, an, &project.loaded).unwrap();
    assert!(!renderer.native);
}

#[test]
fn a_plan_without_an_appraisal_policy_is_written_as_the_templates_write_it() {
    let mut files = files("example-plan");
    files.retain(|(p, _)| p != "appraisal.toml");
    let (diffs, _) = check(files);
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}

#[test]
fn the_pages_compared_are_the_pages_written_natively() {
    let project = crate::read_plan_from_memory(files("example-plan"));
    let (plan, an) = (
        project.plan.as_ref().unwrap(),
        project.analysis.as_ref().unwrap(),
    );
    let r = Renderer::new(plan, an, &project.loaded).unwrap();
    let parts = |path: &str, section: &str| r.shell.parts(&r.theme.tera, plan, path, section);
    for (path, entry) in &r.files {
        if let Entry::Page(spec) = entry {
            let written = page(&r.cx, &project.loaded, *spec, &parts).is_some();
            assert_eq!(covers(*spec), written, "{path}");
        }
    }
}
