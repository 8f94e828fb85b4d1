//! `plansite check` driven as a user would: the binary on small plans.
//!
//! Each folder tests/bad-plans/<case>/ holds a plan (in plan/, so that the snapshot is not
//! itself a stray plan file) with one family of mistakes, and expected.txt: the plain human
//! output followed by the exit code. `UPDATE_SNAPSHOTS=1 cargo test` rewrites
//! them after an intended change (review the diff before committing).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

/// Run the binary in `cwd` with `args`, colour off unless a test asks otherwise.
fn run(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_plansite"))
        .args(args)
        .current_dir(cwd)
        .env_remove("NO_COLOR")
        .output()
        .expect("the plansite binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn cases() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(tests_dir().join("bad-plans"))
        .expect("tests/bad-plans exists")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("plan/plan.toml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn check_case(case: &str) -> String {
    let o = run(
        &tests_dir().join("bad-plans"),
        &["check", "--color", "never", &format!("{case}/plan")],
    );
    assert!(o.stdout.is_empty(), "{case}: human output goes to stderr");
    format!("{}exit code: {}\n", text(&o.stderr), code(&o))
}

#[test]
fn bad_plans_match_their_snapshots() {
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let mut failed = Vec::new();
    let all = cases();
    assert!(
        all.len() >= 20,
        "expected the bad-plan cases, found {all:?}"
    );
    for case in all {
        let got = check_case(&case);
        assert!(
            got.contains("error[") || got.contains("warning["),
            "{case}: a bad plan must report something:\n{got}"
        );
        let path = tests_dir()
            .join("bad-plans")
            .join(&case)
            .join("expected.txt");
        if update {
            std::fs::write(&path, &got).expect("write snapshot");
            continue;
        }
        let want = std::fs::read_to_string(&path).unwrap_or_default();
        if want != got {
            failed.push(format!("--- {case}: expected\n{want}--- got\n{got}"));
        }
    }
    assert!(
        failed.is_empty(),
        "{} snapshot(s) differ (UPDATE_SNAPSHOTS=1 rewrites them):\n{}",
        failed.len(),
        failed.join("\n")
    );
}

#[test]
fn exit_codes() {
    let t = tests_dir();
    let ok = run(&t.join("fixtures"), &["check", "minimal"]);
    assert_eq!(code(&ok), 0, "{}", text(&ok.stderr));
    assert!(text(&ok.stderr).contains("0 errors, 0 warnings"));
    let bad = run(&t.join("bad-plans"), &["check", "cycles/plan"]);
    assert_eq!(code(&bad), 1);
    let missing = run(&t, &["check", "no-such-plan"]);
    assert_eq!(code(&missing), 2);
    assert!(text(&missing.stderr).contains("no-such-plan"));
    // A folder without plan.toml cannot be read at all.
    let not_a_plan = run(&t, &["check", "fixtures"]);
    assert_eq!(code(&not_a_plan), 2);
    assert!(text(&not_a_plan.stderr).contains("plan.toml"));
}

fn json_of(case: &str) -> serde_json::Value {
    let o = run(
        &tests_dir().join("bad-plans"),
        &["check", "--format", "json", &format!("{case}/plan")],
    );
    serde_json::from_slice(&o.stdout).expect("--format json prints JSON on stdout")
}

#[test]
fn json_follows_the_documented_schema() {
    let v = json_of("dates");
    assert_eq!(v["version"], 1);
    let diags = v["diagnostics"].as_array().expect("diagnostics array");
    assert!(!diags.is_empty());
    for d in diags {
        for key in [
            "severity",
            "code",
            "message",
            "file",
            "line",
            "column",
            "end_line",
            "end_column",
            "help",
            "related",
        ] {
            assert!(d.get(key).is_some(), "missing {key} in {d}");
        }
        assert!(["error", "warning"].contains(&d["severity"].as_str().unwrap_or("")));
        assert!(d["file"].as_str().unwrap_or("").starts_with("dates/plan/"));
        assert!(d["line"].as_u64().unwrap_or(0) >= 1);
        assert!(d["related"].is_array());
    }
    let errors = diags.iter().filter(|d| d["severity"] == "error").count();
    assert_eq!(v["summary"]["errors"], errors);
    assert_eq!(v["summary"]["warnings"], diags.len() - errors);
    // Related places carry their own positions.
    let cycles = json_of("cycles");
    let with_related = cycles["diagnostics"]
        .as_array()
        .and_then(|a| {
            a.iter()
                .find(|d| d["related"].as_array().is_some_and(|r| r.len() == 2))
        })
        .expect("a three-initiative cycle has two related edges");
    let r = &with_related["related"][0];
    assert!(r["file"].as_str().is_some() && r["line"].as_u64().is_some());
    assert!(r["message"].as_str().unwrap_or("").contains("depends on"));
}

#[test]
fn github_lines_are_workflow_commands() {
    let o = run(
        &tests_dir().join("bad-plans"),
        &["check", "--format", "github", "dates/plan"],
    );
    let out = text(&o.stdout);
    assert_eq!(code(&o), 1);
    let lines: Vec<&str> = out.lines().collect();
    assert!(!lines.is_empty());
    for l in &lines {
        assert!(
            l.starts_with("::error file=dates/plan/")
                || l.starts_with("::warning file=dates/plan/"),
            "{l}"
        );
        assert!(l.contains(",line=") && l.contains(",col=") && l.contains(",endLine="));
        assert!(l.contains(",title=E") || l.contains(",title=W"));
    }
    // Help goes on a second annotation line, escaped so the command stays on one line.
    assert!(lines.iter().any(|l| l.contains("%0Ahelp: ")));
    let first = lines[0];
    assert!(first.starts_with(
        "::error file=dates/plan/departments/ops/initiatives/backwards.md,line=5,col=7,endLine=5,endColumn=17,title=E008::"
    ), "{first}");
}

#[test]
fn deny_warnings_fails_on_warnings() {
    let dir = tests_dir().join("bad-plans");
    assert_eq!(code(&run(&dir, &["check", "goal-weights/plan"])), 0);
    assert_eq!(
        code(&run(
            &dir,
            &["check", "--deny-warnings", "goal-weights/plan"]
        )),
        1
    );
}

#[test]
fn check_allow_silences_warnings_but_not_errors() {
    let v = json_of("allow");
    let codes: Vec<&str> = v["diagnostics"]
        .as_array()
        .map(|a| a.iter().filter_map(|d| d["code"].as_str()).collect())
        .unwrap_or_default();
    assert!(!codes.contains(&"W007"), "W007 is allowed: {codes:?}");
    assert_eq!(
        codes.iter().filter(|c| **c == "W013").count(),
        2,
        "{codes:?}"
    );
    let msgs = v["diagnostics"].to_string();
    assert!(msgs.contains("E006") && msgs.contains("W99"));
}

#[test]
fn colour_only_when_wanted() {
    let dir = tests_dir().join("bad-plans");
    let always = run(&dir, &["check", "--color", "always", "cycles/plan"]);
    assert!(text(&always.stderr).contains("\u{1b}["));
    // Not a terminal (a pipe): no colour with auto, and NO_COLOR is honoured too.
    let auto = run(&dir, &["check", "cycles/plan"]);
    assert!(!text(&auto.stderr).contains("\u{1b}["));
    let no_color = Command::new(env!("CARGO_BIN_EXE_plansite"))
        .args(["check", "cycles/plan"])
        .current_dir(&dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    assert!(!text(&no_color.stderr).contains("\u{1b}["));
}

#[test]
fn quiet_prints_only_errors() {
    let dir = tests_dir().join("bad-plans");
    let o = run(
        &dir,
        &["--quiet", "check", "--color", "never", "checkins/plan"],
    );
    let err = text(&o.stderr);
    assert!(
        err.contains("error[E021]") && !err.contains("warning["),
        "{err}"
    );
    let o = run(&dir, &["check", "--quiet", "goal-weights/plan"]);
    assert_eq!(text(&o.stderr), "");
}

#[test]
fn one_run_reports_every_problem() {
    // The dates plan has problems in two files, from parse and from check, all in one run.
    let v = json_of("dates");
    let codes: std::collections::BTreeSet<&str> = v["diagnostics"]
        .as_array()
        .map(|a| a.iter().filter_map(|d| d["code"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        codes.contains("E008") && codes.contains("E009"),
        "{codes:?}"
    );
    assert_eq!(v["summary"]["errors"], 7);
    let v = json_of("values");
    assert!(v["summary"]["errors"].as_u64().unwrap_or(0) >= 9);
}

#[test]
fn front_matter_lines_are_those_of_the_whole_file() {
    let v = json_of("front-matter-lines");
    let d = v["diagnostics"]
        .as_array()
        .and_then(|a| a.iter().find(|d| d["code"] == "E016"))
        .expect("impact out of range");
    // `impact = 9` is on line 6 of the file (line 5 of the front matter).
    assert_eq!(d["line"], 6);
    assert_eq!(d["column"], 10);
    let d = v["diagnostics"]
        .as_array()
        .and_then(|a| a.iter().find(|d| d["code"] == "E006"))
        .expect("unknown KPI");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(7), Some(9))
    );
}

#[test]
fn build_prints_the_same_report_and_writes_nothing_on_error() {
    let out = std::env::temp_dir().join(format!("plansite-build-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let dir = tests_dir().join("bad-plans");
    let o = run(
        &dir,
        &[
            "build",
            "cycles/plan",
            "--output",
            out.to_str().expect("utf-8 temp path"),
        ],
    );
    assert_eq!(code(&o), 1);
    let err = text(&o.stderr);
    assert!(
        err.contains("error[E007]") && err.contains("┌─ cycles/plan/departments/"),
        "{err}"
    );
    assert!(!out.exists(), "build wrote output despite errors");
}
