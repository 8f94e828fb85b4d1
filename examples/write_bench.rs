//! Time `write::write_site` alone: render a plan's site in memory once, then write it to the
//! same output folder several times (first into an empty folder, then over the previous site,
//! which is what every rebuild of an unchanged plan does). Also times removing a tree whose
//! files are hard links of another one (the aside folder after a swap), serially and in
//! parallel, to see whether that removal is worth parallelizing.
//!
//! `cargo run --release --example write_bench -- PLAN_DIR [OUT_DIR] [RUNS]`
//! (defaults: /tmp/write-bench, 5 runs).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use rayon::prelude::*;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(plan) = args.first().map(PathBuf::from) else {
        eprintln!("usage: write_bench PLAN_DIR [OUT_DIR] [RUNS]");
        return ExitCode::from(2);
    };
    let out = args
        .get(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp/write-bench/public"));
    let runs: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(5);
    match run(&plan, &out, runs) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn run(plan: &Path, out: &Path, runs: usize) -> Res<()> {
    let site = render(plan)?;
    let bytes: usize = site.values().map(Vec::len).sum();
    println!("site: {} files, {:.1} MB", site.len(), bytes as f64 / 1e6);

    let mut fresh = Vec::new();
    let mut over = Vec::new();
    for _ in 0..runs {
        remove_if_there(out)?;
        fresh.push(timed(|| plansite::write::write_site(out, &site))?);
        over.push(timed(|| plansite::write::write_site(out, &site))?);
    }
    report("write_site into an empty folder", &mut fresh);
    report("write_site over the same site", &mut over);

    let mut phases = [Vec::new(), Vec::new(), Vec::new()];
    for _ in 0..runs {
        for (all, one) in phases.iter_mut().zip(staged(out, &site)?) {
            all.push(one);
        }
    }
    let [begin, put, commit] = &mut phases;
    report("over the same site: Staging::begin", begin);
    report("over the same site: put (in parallel)", put);
    report("over the same site: commit", commit);

    let copy = out.with_file_name("write-bench-links");
    let mut serial = Vec::new();
    let mut parallel = Vec::new();
    for _ in 0..runs {
        link_tree(out, &copy)?;
        serial.push(timed(|| fs::remove_dir_all(&copy))?);
        link_tree(out, &copy)?;
        parallel.push(timed(|| remove_parallel(&copy))?);
    }
    report("remove_dir_all of a hard-linked copy", &mut serial);
    report("parallel removal of a hard-linked copy", &mut parallel);
    Ok(())
}

/// `write_site` in its three steps, timed each.
fn staged(out: &Path, site: &plansite::render::Site) -> Res<[(f64, f64); 3]> {
    let mut staging = None;
    let begin = timed(|| plansite::write::Staging::begin(out).map(|s| staging = Some(s)))?;
    let staging = staging.ok_or("no staging")?;
    let put = timed(|| {
        site.par_iter()
            .try_for_each(|(rel, bytes)| staging.put(rel, bytes))
    })?;
    let commit = timed(|| staging.commit())?;
    Ok([begin, put, commit])
}

/// The site as `plansite build` renders it (src/commands/build.rs), in memory.
fn render(plan: &Path) -> Res<plansite::render::Site> {
    let project = plansite::read_plan(plan, None)?;
    let (Some(model), Some(analysis)) = (project.plan.as_ref(), project.analysis.as_ref()) else {
        return Err("the plan could not be read".into());
    };
    plansite::render::render_to_memory(model, analysis, &project.loaded)
        .map_err(|d| format!("{} diagnostics while rendering", d.len()).into())
}

/// Wall and CPU (user + system, all threads) milliseconds of one call. The machine is shared,
/// so CPU time is the steadier of the two.
fn timed<E: Into<Box<dyn std::error::Error>>>(
    f: impl FnOnce() -> Result<(), E>,
) -> Res<(f64, f64)> {
    let (t, cpu) = (Instant::now(), cpu_ms());
    f().map_err(Into::into)?;
    Ok((t.elapsed().as_secs_f64() * 1000.0, cpu_ms() - cpu))
}

/// User + system time of this process from /proc/self/stat (clock ticks, 100 per second on
/// Linux); 0 where there is no /proc.
fn cpu_ms() -> f64 {
    let Ok(stat) = fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    let after_name = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) * 10.0
}

fn report(what: &str, runs: &mut [(f64, f64)]) {
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let wall: Vec<f64> = runs.iter().map(|r| r.0).collect();
    let cpu: Vec<f64> = runs.iter().map(|r| r.1).collect();
    let all: Vec<String> = wall.iter().map(|m| format!("{m:.0}")).collect();
    println!(
        "{what:>42}: median wall {:>7.1} ms, cpu {:>7.1} ms  (wall runs: {})",
        median(wall.clone()),
        median(cpu),
        all.join(", ")
    );
}

fn remove_if_there(p: &Path) -> std::io::Result<()> {
    match fs::remove_dir_all(p) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// `cp -al from to`: the same tree of names over the same inodes, like the aside folder.
fn link_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    remove_if_there(to)?;
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            link_tree(&entry.path(), &target)?;
        } else {
            fs::hard_link(entry.path(), target)?;
        }
    }
    Ok(())
}

/// One `remove_dir_all` per top-level entry, spread over rayon's threads.
fn remove_parallel(root: &Path) -> std::io::Result<()> {
    let entries: Vec<fs::DirEntry> = fs::read_dir(root)?.collect::<Result<_, _>>()?;
    entries.par_iter().try_for_each(|e| {
        if e.file_type()?.is_dir() {
            fs::remove_dir_all(e.path())
        } else {
            fs::remove_file(e.path())
        }
    })?;
    fs::remove_dir(root)
}
