//! `plansite build`: check the plan, render the site and swap it in atomically.

use std::path::Path;
use std::time::Instant;

use crate::commands::{OK, PLAN_ERRORS, USAGE_OR_IO};

/// Wall time of each phase, printed by `--timings`.
struct Timings {
    last: Instant,
    phases: Vec<(&'static str, f64)>,
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
        self.phases
            .push((phase, (now - self.last).as_secs_f64() * 1000.0));
        self.last = now;
    }
    fn print(&self) {
        let total: f64 = self.phases.iter().map(|(_, ms)| ms).sum();
        for (phase, ms) in &self.phases {
            eprintln!("{phase:>28} {ms:>9.1} ms");
        }
        eprintln!("{:>28} {total:>9.1} ms", "total");
        match crate::commands::peak_memory_kib() {
            Some(kib) => eprintln!("{:>28} {:>9.1} MiB", "peak memory", kib as f64 / 1024.0),
            None => eprintln!("{:>28} {:>9}", "peak memory", "unknown"),
        }
    }
}

pub fn run(plan: &Path, output: Option<&Path>, timings: bool, quiet: bool) -> u8 {
    let out = output
        .map(Path::to_path_buf)
        .unwrap_or_else(|| plan.join("public"));
    let mut t = Timings::new();
    let loaded = match crate::load::load(plan, Some(&out)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return USAGE_OR_IO;
        }
    };
    t.lap("load");
    let project = crate::check_loaded(loaded);
    t.lap("parse, check, analyze");
    crate::check::report::print_human(&project.loaded.sources, &project.diagnostics, plan, quiet);
    let (Some(model), Some(analysis)) = (project.plan.as_ref(), project.analysis.as_ref()) else {
        eprintln!("error: the plan could not be read; nothing was written");
        return PLAN_ERRORS;
    };
    if project.has_errors() {
        eprintln!("error: the plan has errors; nothing was written");
        return PLAN_ERRORS;
    }
    let site = match crate::render::render_to_memory(model, analysis, &project.loaded) {
        Ok(s) => s,
        Err(diags) => {
            crate::check::report::print_human(&project.loaded.sources, &diags, plan, quiet);
            eprintln!("error: the site could not be rendered; nothing was written");
            return PLAN_ERRORS;
        }
    };
    t.lap("render (pages and charts)");
    if let Err(e) = crate::write::write_site(&out, &site) {
        eprintln!("error: {e}");
        return USAGE_OR_IO;
    }
    t.lap("write");
    if !quiet {
        eprintln!("wrote {} files to {}", site.len(), out.display());
    }
    if timings {
        t.print();
    }
    OK
}
