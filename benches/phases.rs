//! Where a build spends its time and memory, phase by phase, through the library's public API.
//!
//! ```text
//! cargo bench --bench phases -- [PLAN] [RUNS]      # default: example-plan, 3 runs
//! cargo run --release --example genplan -- --scale enterprise /tmp/ent
//! cargo bench --bench phases -- /tmp/ent 3
//! PER_TEMPLATE=1 cargo bench --bench phases -- /tmp/ent 1   # also: per template, one thread
//! REBUILDS=15 cargo bench --bench phases -- /tmp/ent 1       # also: serve's rebuild, in parts
//! ```
//!
//! A tiny harness (`harness = false`, `std::time::Instant`, medians) rather than criterion:
//! the phases of a real build take tens of milliseconds to seconds and run in order, each
//! needing the one before, so one build is one sample of all of them. The pipeline is
//! the one `plansite build` runs (commands/build.rs and render::render_site), split finer:
//! load, parse, each analysis, theme, Markdown bodies, relations, page variables (which also
//! draws the charts), templates, JSON and CSV exports, write. After each phase of the first run
//! it prints the process's peak resident set size so far (VmHWM) and the current one (VmRSS).
//! The hot helpers one by one (period parsing, Money::spread, escaping, ...) are criterion's, in
//! benches/hot.rs.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use plansite::render::{pages, theme};
use rayon::prelude::*;

// The allocator of the `plansite` binary (src/main.rs), with its options, so that phases cost
// the time and memory they cost there.
plansite::global_allocator!();

fn status_kb(key: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

struct Phases {
    names: Vec<&'static str>,
    times: Vec<Vec<Duration>>,
    mem: Vec<(u64, u64)>,
    run: usize,
    i: usize,
    t: Instant,
}

impl Phases {
    fn start(&mut self, run: usize) {
        self.run = run;
        self.i = 0;
        self.t = Instant::now();
    }
    /// Close the current phase.
    fn lap(&mut self, name: &'static str) {
        let d = self.t.elapsed();
        if self.run == 0 {
            self.names.push(name);
            self.times.push(vec![]);
            self.mem.push((status_kb("VmHWM:"), status_kb("VmRSS:")));
        }
        self.times[self.i].push(d);
        self.i += 1;
        self.t = Instant::now();
    }
}

fn median(v: &[Duration]) -> Duration {
    let mut v = v.to_vec();
    v.sort();
    v[v.len() / 2]
}

fn build_once(plan_dir: &Path, out: &Path, ph: &mut Phases) -> usize {
    let loaded = plansite::load::load(plan_dir, Some(out)).expect("load");
    ph.lap("load (walk, read, split front matter)");
    let (plan, diags) = plansite::parse::parse(&loaded);
    let plan = plan.expect("the plan parses");
    assert!(!diags.iter().any(|d| d.is_error()), "the plan has errors");
    ph.lap("parse (TOML, model, references)");

    use plansite::analyze::*;
    let inis = initiative::initiatives(&plan);
    ph.lap("analyze: initiatives");
    let kpis = kpi::kpis(&plan, &checkin_dates(&plan));
    ph.lap("analyze: kpis");
    black_box(rollup::rollups(&plan, &kpis, &inis));
    ph.lap("analyze: rollups");
    black_box(budget::budget(&plan));
    ph.lap("analyze: budget");
    let cancelled: Vec<bool> = inis
        .iter()
        .map(|f| f.status.state == initiative::InitiativeState::Cancelled)
        .collect();
    black_box(schedule::schedule(&plan, &cancelled));
    ph.lap("analyze: schedule");
    black_box(load::load(&plan));
    ph.lap("analyze: load");
    drop((inis, kpis, cancelled));
    let an = analyze(&plan);
    ph.lap("analyze (all again, as build runs it)");

    let th = theme::load(&loaded, &plan.settings).expect("theme");
    ph.lap("render: theme (tera templates)");
    let cx = pages::Cx::new(&plan, &an, &loaded);
    ph.lap("render: relations and link targets");
    let list: Vec<pages::Page> = pages::specs(&plan, &an)
        .into_par_iter()
        .map(|(_, spec)| spec.build(&cx, &loaded))
        .collect();
    let n = list.len();
    ph.lap("render: page variables, Markdown bodies, charts (serde_json)");
    let shell = plansite::render::shell::Shell::default();
    let mut site: plansite::render::Site = list
        .into_par_iter()
        .map(|p| {
            let path = p.path.clone();
            (
                path,
                pages::render_page(&th.tera, &shell, &plan, p).expect("templates"),
            )
        })
        .collect();
    ph.lap("render: templates (tera)");
    // What `build` does instead for a plan with the built-in templates: most pages are
    // written natively (src/render/native), the rest as above.
    let renderer = plansite::render::Renderer::new(&plan, &an, &loaded).expect("renders");
    let pages: Vec<&str> = renderer.paths().filter(|p| p.ends_with(".html")).collect();
    let bytes: usize = pages
        .par_iter()
        .map(|p| {
            renderer
                .file(p)
                .map_or(0, |made| made.map_or(0, |b| b.len()))
        })
        .sum();
    black_box(bytes);
    ph.lap("render: every page as build makes it (the above, most pages written natively)");
    for (p, b) in th.assets {
        site.entry(p).or_insert_with(|| b.into_owned());
    }
    let json = plansite::export::json(&plan, &an, false).expect("json");
    site.insert("data/plan.json".into(), json.into_bytes());
    ph.lap("export: data/plan.json");
    for (name, bytes) in plansite::export::csv(&plan, &an).expect("csv") {
        site.insert(format!("data/{name}"), bytes);
    }
    ph.lap("export: CSV");
    plansite::write::write_site(out, &site).expect("write");
    ph.lap("write (temp folder, swap)");
    drop(site);
    drop(cx);
    ph.lap("drop everything");
    n
}

/// What `serve` does after a save, `edits` times of each kind over a copy of the plan: edit one
/// initiative (its Markdown body, then its front matter), then load (reading only the edited
/// file again, as serve does when its watcher names the file), check with the `Checker`
/// that remembers each file's parse (and, after a body edit, the rules and analysis; after the
/// front-matter edit, which leaves the inputs of the budget, the load and the KPIs alone, those),
/// and make
/// the live site (as `serve::build::build_in_memory` does, in parts). Prints the median of each
/// part; the old site is dropped outside the timings, as serve frees it on a thread of its own.
/// Serve also turns the diagnostics into the problems it shows (none on a clean plan), so its
/// log can read a little higher.
fn rebuilds(plan_dir: &Path, edits: usize) {
    let copy = std::env::temp_dir().join(format!("plansite-rebuild-{}", std::process::id()));
    copy_dir(plan_dir, &copy);
    let edited = first_initiative(&copy).expect("the plan has an initiative");
    // As serve's watcher names it: relative to the plan folder, with `/`.
    let rel = edited.strip_prefix(&copy).expect("inside the copy");
    let changed = [rel.to_string_lossy().replace('\\', "/")];
    let mut warm = plansite::serve::build::Warm::new();
    // Serve keeps the site it is serving until the new one is made, and so does this.
    let mut serving = plansite::serve::build::build_in_memory(&copy, &mut warm, None)
        .map(|(site, _)| site)
        .ok();
    // Per kind of edit (body, front matter): load, check, live site, total.
    let mut parts: [[Vec<Duration>; 4]; 2] = Default::default();
    for n in 0..edits {
        for (kind, times) in parts.iter_mut().enumerate() {
            edit(&edited, kind == 0, n);
            let t0 = Instant::now();
            let public = copy.join("public");
            let loaded = warm.files.load(&copy, Some(&public), Some(&changed));
            let t1 = Instant::now();
            let project = warm.checker.check(loaded.expect("load"));
            assert!(!project.has_errors(), "the edit left errors in the plan");
            // A body edit keeps the rules and analysis; a front-matter one, the budget and load.
            let r = warm.checker.reused();
            assert!(
                r.findings == (kind == 0) && (r.findings || (r.budget && r.load && r.kpis)),
                "{r:?}"
            );
            let t2 = Instant::now();
            let site = plansite::serve::site::LiveSite::new(project);
            let t3 = Instant::now();
            for (k, d) in [t1 - t0, t2 - t1, t3 - t2, t3 - t0].into_iter().enumerate() {
                times[k].push(d);
            }
            let Ok(site) = site else {
                panic!("the edited plan does not render")
            };
            let previous = serving.replace(site);
            drop(previous); // outside the timings: serve frees it on a thread of its own
        }
    }
    let _ = std::fs::remove_dir_all(&copy);
    println!(
        "| serve rebuild ({edits} edits of each kind), medians | body edit | front-matter edit |"
    );
    println!("|---|---|---|");
    let names = [
        "load",
        "check (parse from memory, rules, analysis)",
        "live site",
        "total",
    ];
    for (k, name) in names.iter().enumerate() {
        let ms = |kind: usize| median(&parts[kind][k]).as_secs_f64() * 1000.0;
        println!("| {name} | {:.1} ms | {:.1} ms |", ms(0), ms(1));
    }
}

/// Append a line of prose to the initiative's body, or a TOML comment to its front matter
/// (which changes no figure, but is a change of front matter all the same).
fn edit(initiative: &Path, body: bool, n: usize) {
    let text = std::fs::read_to_string(initiative).expect("read the initiative");
    let text = if body {
        format!("{text}\nEdit {n}.\n")
    } else {
        text.replacen("+++\n", &format!("+++\n# edit {n}\n"), 1)
    };
    std::fs::write(initiative, text).expect("write the initiative");
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
        let entry = entry.expect("walk the plan");
        let rel = entry.path().strip_prefix(from).expect("inside the plan");
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("create a folder");
        } else {
            std::fs::copy(entry.path(), &dest).expect("copy a file");
        }
    }
}

/// The first initiative file in path order (`departments/*/initiatives/*.md`).
fn first_initiative(plan: &Path) -> Option<PathBuf> {
    walkdir::WalkDir::new(plan.join("departments"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .find(|p| {
            p.extension().is_some_and(|x| x == "md")
                && p.parent().is_some_and(|d| d.ends_with("initiatives"))
        })
}

/// One thread, every page: time spent building variables and rendering, by template.
fn per_template(plan_dir: &Path) {
    let loaded = plansite::load::load(plan_dir, None).expect("load");
    let plan = plansite::parse::parse(&loaded).0.expect("the plan parses");
    let an = plansite::analyze::analyze(&plan);
    let th = theme::load(&loaded, &plan.settings).expect("theme");
    let cx = pages::Cx::new(&plan, &an, &loaded);
    let shell = plansite::render::shell::Shell::default();
    let mut by: std::collections::BTreeMap<&str, (usize, Duration, Duration, usize)> =
        Default::default();
    for (_, spec) in pages::specs(&plan, &an) {
        let t = Instant::now();
        let p = spec.build(&cx, &loaded);
        let b = t.elapsed();
        let name = p.template;
        let t = Instant::now();
        let html = pages::render_page(&th.tera, &shell, &plan, p).expect("templates");
        let r = t.elapsed();
        let e = by.entry(name).or_default();
        e.0 += 1;
        e.1 += b;
        e.2 += r;
        e.3 += html.len();
    }
    let t = Instant::now();
    for _ in 0..2000 {
        let p = pages::Page {
            path: "people/x.html".into(),
            template: "404.html",
            vars: serde_json::json!({"page": {"title": "T", "section": "people"}}),
        };
        black_box(pages::render_page(&th.tera, &shell, &plan, p).expect("404"));
    }
    println!(
        "shell (404.html): {:.1} µs per page\n",
        t.elapsed().as_secs_f64() * 1e6 / 2000.0
    );
    println!("| template | pages | variables | render | output MB |");
    println!("|---|---|---|---|---|");
    let mut rows: Vec<_> = by.into_iter().collect();
    rows.sort_by_key(|(_, v)| std::cmp::Reverse(v.1 + v.2));
    for (name, (n, b, r, len)) in rows {
        println!(
            "| {name} | {n} | {:.3} s | {:.3} s | {:.1} |",
            b.as_secs_f64(),
            r.as_secs_f64(),
            len as f64 / 1e6
        );
    }
    println!();
}

fn main() {
    // `cargo bench` passes `--bench`; ignore flags.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let plan_dir = args
        .first()
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("example-plan"));
    let runs: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(3);
    let out = std::env::temp_dir().join(format!("plansite-phases-{}", std::process::id()));

    let mut ph = Phases {
        names: vec![],
        times: vec![],
        mem: vec![],
        run: 0,
        i: 0,
        t: Instant::now(),
    };
    let mut pages = 0;
    let t_all = Instant::now();
    let mut totals = vec![];
    for run in 0..runs {
        let t = Instant::now();
        ph.start(run);
        pages = build_once(&plan_dir, &out, &mut ph);
        totals.push(t.elapsed());
    }
    let _ = std::fs::remove_dir_all(&out);
    if std::env::var_os("PER_TEMPLATE").is_some() {
        per_template(&plan_dir);
    }
    println!(
        "plan: {} ({pages} pages), {runs} runs in {:.1?}",
        plan_dir.display(),
        t_all.elapsed()
    );
    println!();
    println!("| phase | median | share | peak RSS after (MB) | RSS after (MB) |");
    println!("|---|---|---|---|---|");
    let total = median(&totals);
    for (k, name) in ph.names.iter().enumerate() {
        let m = median(&ph.times[k]);
        println!(
            "| {name} | {:.3} s | {:.1}% | {} | {} |",
            m.as_secs_f64(),
            100.0 * m.as_secs_f64() / total.as_secs_f64(),
            ph.mem[k].0 / 1024,
            ph.mem[k].1 / 1024
        );
    }
    println!(
        "| **total** (analysis counted twice) | {:.3} s | | | |",
        total.as_secs_f64()
    );
    println!();
    let edits = std::env::var("REBUILDS").ok().and_then(|n| n.parse().ok());
    if let Some(edits) = edits.filter(|&n: &usize| n > 0) {
        rebuilds(&plan_dir, edits);
        println!();
    }
}
