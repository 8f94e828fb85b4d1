//! The fuzz entry point, shared by `fuzz/fuzz_targets/load.rs` and the corpus replay test
//! (tests/fuzz_replay.rs), so that CI replays the corpus on stable without libFuzzer.
//!
//! The input is cut into files at each 0xFF byte (a byte that never occurs in UTF-8, so any
//! valid text survives as one piece): plan.toml, an initiative, a budget, a department, a
//! check-in, KPIs, a goal, people, the appraisal and objectives, in that order. The whole
//! pipeline up to diagnostics runs on them, and every output format is rendered into memory.
//! A plan without errors also has its natively written pages compared with Tera's.

use std::path::Path;

use crate::check::report;

/// Where each piece of the input goes.
const FILES: &[&str] = &[
    "plan.toml",
    "departments/ops/initiatives/launch.md",
    "departments/ops/budget.toml",
    "departments/ops/department.md",
    "progress/q1.toml",
    "kpis.toml",
    "goals/growth.md",
    "people.toml",
    "appraisal.toml",
    "departments/ops/objectives.toml",
];

/// Split fuzz input into plan files.
pub fn files_of(data: &[u8]) -> Vec<(String, Vec<u8>)> {
    data.split(|&b| b == 0xFF)
        .zip(FILES)
        .map(|(bytes, path)| (path.to_string(), bytes.to_vec()))
        .collect()
}

/// Run load, parse, check and every report format on one input. Must never panic or hang.
pub fn run(data: &[u8]) -> usize {
    let project = crate::read_plan_from_memory(files_of(data));
    let sources = &project.loaded.sources;
    let all: Vec<&crate::Diagnostic> = project.diagnostics.iter().collect();
    let plan = Path::new("plan");
    // Rendering costs several times what parse and check do; one diagnostic per code keeps
    // every code's kind of span rendered while leaving the fuzzer time for more inputs.
    let mut sample: Vec<&crate::Diagnostic> = Vec::new();
    for d in &all {
        if !sample.iter().any(|s| s.code == d.code) {
            sample.push(d);
        }
    }
    let mut out = report::termcolor::NoColor::new(Vec::new());
    // Writing to memory cannot fail; a formatting error would be a bug the fuzzer should see.
    if let Err(e) = report::human(&mut out, &sample, sources, plan) {
        panic!("human report failed: {e}");
    }
    let json = report::json(&sample, sources, plan);
    let lines: usize = sample
        .iter()
        .map(|d| report::github(d, sources, plan).len())
        .sum();
    native_parity(&project);
    out.into_inner().len() + json.to_string().len() + lines
}

/// The pages written without Tera must be the bytes the built-in templates make of a plan
/// that passes `check`, whatever odd text or number it holds.
fn native_parity(project: &crate::Project) {
    let (Some(plan), Some(an)) = (&project.plan, &project.analysis) else {
        return;
    };
    if project.diagnostics.iter().any(crate::Diagnostic::is_error) {
        return;
    }
    let diffs = crate::render::native::differences(plan, an, &project.loaded);
    assert!(
        diffs.is_empty(),
        "native pages differ:\n{}",
        diffs.join("\n")
    );
}
