//! `plansite build`: check the plan, render the site and swap it in atomically.

use std::path::Path;
use std::time::Instant;

use crate::clock::{self, Part};
use crate::commands::{OK, PLAN_ERRORS, USAGE_OR_IO};

/// Wall time of each phase and the peak memory at its end, printed by `--timings`.
struct Timings {
    last: Instant,
    phases: Vec<(&'static str, f64, Option<u64>)>,
}

impl Timings {
    fn new() -> Timings {
        Timings {
            last: Instant::now(),
            phases: Vec::new(),
        }
    }
    fn lap(&mut self, phase: &'static str) {
        let now = Instant::now();
        let ms = (now - self.last).as_secs_f64() * 1000.0;
        self.phases
            .push((phase, ms, crate::commands::peak_memory_kib()));
        self.last = now;
    }
    fn print(&self) {
        let total: f64 = self.phases.iter().map(|(_, ms, _)| ms).sum();
        for (phase, ms, peak) in &self.phases {
            match peak {
                Some(kib) => eprintln!(
                    "{phase:>28} {ms:>9.1} ms   (peak memory so far {:.1} MiB)",
                    *kib as f64 / 1024.0
                ),
                None => eprintln!("{phase:>28} {ms:>9.1} ms"),
            }
        }
        eprintln!("{:>28} {total:>9.1} ms", "total");
        match crate::commands::peak_memory_kib() {
            Some(kib) => eprintln!("{:>28} {:>9.1} MiB", "peak memory", kib as f64 / 1024.0),
            None => eprintln!("{:>28} {:>9}", "peak memory", "unknown"),
        }
        // Parse runs alone; the other parts of a phase run side by side, so their times overlap,
        // and a part run once per file is summed over the threads that ran it.
        eprintln!("time in each part (side by side within a phase; per-file parts summed over threads; render pages includes charts):");
        for part in Part::ALL {
            let ms = clock::spent(part).as_secs_f64() * 1000.0;
            eprintln!("{:>28} {ms:>9.1} ms", part_name(part));
        }
    }
}

fn part_name(part: Part) -> &'static str {
    match part {
        Part::Parse => "parse",
        Part::Rules => "check: rules",
        Part::SiteChecks => "check: links and templates",
        Part::Analysis => "analyze",
        Part::Pages => "render pages",
        Part::Charts => "charts",
        Part::Writing => "write pages",
        Part::Exports => "data exports (JSON, CSV)",
    }
}

pub fn run(plan: &Path, output: Option<&Path>, timings: bool, quiet: bool) -> u8 {
    let out = output
        .map(Path::to_path_buf)
        .unwrap_or_else(|| plan.join("public"));
    let mut t = Timings::new();
    if timings {
        clock::turn_on();
    }
    crate::render::theme::prepare_builtin();
    let loaded = match crate::load::load(plan, Some(&out)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return USAGE_OR_IO;
        }
    };
    t.lap("load");
    let mut project = crate::check_loaded(loaded);
    t.lap("parse, check, analyze");
    crate::check::report::print_human(&project.loaded.sources, &project.diagnostics, plan, quiet);
    if project.plan.is_none() || project.analysis.is_none() {
        eprintln!("error: the plan could not be read; nothing was written");
        return PLAN_ERRORS;
    }
    if project.has_errors() {
        eprintln!("error: the plan has errors; nothing was written");
        return PLAN_ERRORS;
    }
    project.loaded.sources.release_texts();
    let (Some(model), Some(analysis)) = (project.plan.as_ref(), project.analysis.as_ref()) else {
        return PLAN_ERRORS;
    };
    // Pages go to disk as they are rendered; the old site stays in place until all are written.
    // Listing the spare folder and setting up the renderer are both a few ms on one thread
    // (28 and 26 ms for the huge plan), and independent.
    let (staging, renderer) = rayon::join(
        || crate::write::Staging::begin(&out).map_err(crate::render::Failure::Sink),
        || crate::render::Renderer::new(model, analysis, &project.loaded),
    );
    let written = staging.and_then(|staging| {
        let renderer = renderer.map_err(crate::render::Failure::Plan)?;
        let n = renderer.render_all(&staging)?;
        crate::commands::exit_without_freeing(renderer);
        t.lap("render and write pages");
        staging.commit().map_err(crate::render::Failure::Sink)?;
        Ok(n)
    });
    let files = match written {
        Ok(n) => n,
        Err(crate::render::Failure::Plan(diags)) => {
            crate::check::report::print_human(&project.loaded.sources, &diags, plan, quiet);
            eprintln!("error: the site could not be rendered; the previous site is unchanged");
            return PLAN_ERRORS;
        }
        Err(crate::render::Failure::Sink(e)) => {
            eprintln!("error: {e}");
            return USAGE_OR_IO;
        }
    };
    t.lap("swap in");
    if !quiet {
        eprintln!("wrote {files} files to {}", out.display());
    }
    if timings {
        t.print();
    }
    crate::commands::exit_without_freeing(project);
    OK
}
