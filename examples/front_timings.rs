//! Wall and CPU time of the front of the pipeline (load, parse, check, analyze, the site's
//! link check, the JSON export) and of a warm `Checker` rerun after one edit, through the
//! public API:
//!
//! ```text
//! cargo run --release --example front_timings -- /tmp/gp/enterprise [RUNS]
//! ```
//!
//! CPU time is the process's user + system time from /proc/self/stat (all threads, 10 ms
//! ticks), so parallel phases show what they cost the machine and not only how long they took;
//! on a shared machine it is also steadier than wall time. Each figure is the median of RUNS.

use std::path::{Path, PathBuf};
use std::time::Instant;

use plansite::load;

/// User + system CPU seconds of this process so far (Linux; 0 elsewhere).
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name, which is in parentheses and may contain spaces.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|s| s.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

#[derive(Default)]
struct Table {
    rows: Vec<(&'static str, Vec<(f64, f64)>)>,
}

impl Table {
    fn time<T>(&mut self, name: &'static str, f: impl FnOnce() -> T) -> T {
        let (w, c) = (Instant::now(), cpu_seconds());
        let out = f();
        let sample = (w.elapsed().as_secs_f64(), cpu_seconds() - c);
        match self.rows.iter_mut().find(|(n, _)| *n == name) {
            Some((_, v)) => v.push(sample),
            None => self.rows.push((name, vec![sample])),
        }
        out
    }
    fn print(&self) {
        println!(
            "{:<44} {:>10} {:>10}",
            "phase (median)", "wall ms", "cpu ms"
        );
        for (name, v) in &self.rows {
            let med = |f: fn(&(f64, f64)) -> f64| {
                let mut x: Vec<f64> = v.iter().map(f).collect();
                x.sort_by(f64::total_cmp);
                x[x.len() / 2] * 1000.0
            };
            println!("{name:<44} {:>10.1} {:>10.0}", med(|s| s.0), med(|s| s.1));
        }
    }
}

fn one_run(plan: &Path, out: &Path, t: &mut Table) {
    let loaded = t.time("load (skip output, like build)", || {
        load::load(plan, Some(out)).expect("load")
    });
    t.time("load (no skip, like check)", || {
        load::load(plan, None).expect("load")
    });
    let (model, diags) = t.time("parse", || plansite::parse::parse(&loaded));
    let model = model.expect("the plan parses");
    assert!(!diags.iter().any(|d| d.is_error()), "the plan has errors");
    t.time("check::check", || {
        plansite::check::check(&model, &loaded.sources)
    });
    let an = t.time("analyze", || plansite::analyze::analyze(&model));
    t.time("analyze::diagnostics", || {
        plansite::analyze::diagnostics::diagnostics(&model, &an)
    });
    t.time("render::site_diagnostics", || {
        plansite::render::site_diagnostics(&model, &loaded)
    });
    let json = t.time("export::json (compact)", || {
        plansite::export::json(&model, &an, false).expect("json")
    });
    t.time("export::csv", || {
        plansite::export::csv(&model, &an).expect("csv")
    });
    drop(json);
    t.time("check_loaded (cold, whole)", || {
        plansite::check_loaded(loaded)
    });
    warm(plan, t);
}

/// A `Checker` that has seen the plan, then sees it again with one initiative's body edited.
fn warm(plan: &Path, t: &mut Table) {
    let mut files = plan_files(plan);
    let mut checker = plansite::Checker::new();
    checker.check(load::from_memory(files.clone()));
    let (_, text) = files
        .iter_mut()
        .find(|(p, _)| p.contains("/initiatives/"))
        .expect("the plan has an initiative");
    text.extend_from_slice(b"\nOne more sentence, edited.\n");
    let loaded = load::from_memory(files.clone());
    let project = t.time("Checker::check after one edit (warm)", || {
        checker.check(loaded)
    });
    assert!(!project.has_errors());
    let loaded = load::from_memory(files);
    t.time("check_loaded of the same (cold)", || {
        plansite::check_loaded(loaded)
    });
}

/// Every file of the plan as (relative path, bytes), as an editor's buffers would hold them.
fn plan_files(plan: &Path) -> Vec<(String, Vec<u8>)> {
    walkdir::WalkDir::new(plan)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e
                .path()
                .strip_prefix(plan)
                .ok()?
                .to_string_lossy()
                .into_owned();
            Some((rel, std::fs::read(e.path()).ok()?))
        })
        .collect()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let plan = PathBuf::from(args.next().unwrap_or_else(|| "example-plan".into()));
    let runs: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(3);
    let out = std::env::temp_dir().join("front-timings-out");
    let mut t = Table::default();
    for _ in 0..runs {
        one_run(&plan, &out, &mut t);
    }
    t.print();
}
