//! `plansite serve`: build the plan in memory, answer HTTP from it, rebuild on every change and
//! tell the browser to reload.
//!
//! Threads: HTTP workers read the current [`Snapshot`]; the watcher's debounce thread sends
//! changes; the main thread rebuilds (always the whole pipeline) and publishes a new snapshot.

pub mod build;
pub mod http;
pub mod overlay;
pub mod reload;
pub mod site;
pub mod watch;

use std::fmt;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver};
use std::sync::{Arc, RwLock};
use std::time::Instant;

use build::Problem;
use site::LiveSite;

/// What `plansite serve` was asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    pub plan: PathBuf,
    pub bind: IpAddr,
    pub port: u16,
    pub open: bool,
    pub poll: bool,
    pub quiet: bool,
}

/// Why the server could not start (exit code 2). Plan errors never stop it.
#[derive(Debug)]
pub enum ServeError {
    Plan(crate::LoadError),
    PortInUse(SocketAddr),
    Bind(SocketAddr, io::Error),
    Watch(PathBuf, notify::Error),
}

impl fmt::Display for ServeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServeError::Plan(e) => write!(f, "{e}"),
            ServeError::PortInUse(a) => write!(
                f,
                "port {} on {} is already in use; choose another with --port (or --port 0 for any free port)",
                a.port(),
                a.ip()
            ),
            ServeError::Bind(a, e) => write!(f, "cannot listen on {a}: {e} (try another --bind or --port)"),
            ServeError::Watch(p, e) => write!(f, "cannot watch {}: {e} (try --poll)", p.display()),
        }
    }
}

impl std::error::Error for ServeError {}

/// What the server answers from: the last good site, and the problems of the last build.
pub struct Snapshot {
    /// Goes up by one with every build, good or failed.
    pub generation: u64,
    pub site: Arc<LiveSite>,
    /// Whether any build has succeeded (else `site` is empty and pages are the error page).
    pub has_site: bool,
    /// Problems of the last build when it failed; empty after a good build.
    pub problems: Vec<Problem>,
}

/// Shared between the rebuild loop and the HTTP workers.
pub struct State {
    current: RwLock<Arc<Snapshot>>,
    pub hub: reload::Hub,
}

impl State {
    fn new() -> State {
        State {
            current: RwLock::new(Arc::new(Snapshot {
                generation: 0,
                site: Arc::new(LiveSite::empty()),
                has_site: false,
                problems: Vec::new(),
            })),
            hub: reload::Hub::default(),
        }
    }

    pub fn snapshot(&self) -> Arc<Snapshot> {
        let guard = self
            .current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Arc::clone(&guard)
    }

    /// Publish a build: a new site (or the last good one kept, when `site` is `None`).
    fn publish(&self, site: Option<LiveSite>, problems: Vec<Problem>) -> u64 {
        let mut guard = self
            .current
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let generation = guard.generation + 1;
        let has_site = site.is_some() || guard.has_site;
        let site = site
            .map(Arc::new)
            .unwrap_or_else(|| Arc::clone(&guard.site));
        let old = std::mem::replace(
            &mut *guard,
            Arc::new(Snapshot {
                generation,
                site,
                has_site,
                problems,
            }),
        );
        drop(guard);
        // Freeing a large plan takes tens of milliseconds; the browser need not wait for it.
        // When no thread can be started, spawn drops the closure, and the old site, right here.
        let _ = std::thread::Builder::new()
            .name("free-old-site".into())
            .spawn(move || drop(old));
        self.hub.broadcast(generation);
        generation
    }
}

/// How long serve keeps memory it frees before giving it back to the system: longer than a
/// person takes between two saves, so that each rebuild reuses what the last one freed.
const HOLD_FREED_MS: isize = 30_000;

/// Run the server until the process is stopped. Returns only when it cannot start.
pub fn run(opts: &Options) -> Result<(), ServeError> {
    crate::allocator::hold_freed_memory(HOLD_FREED_MS);
    let plan = plan_folder(&opts.plan)?;
    let addr = SocketAddr::new(opts.bind, opts.port);
    let (server, local) = http::bind(addr).map_err(|e| match e.kind() {
        io::ErrorKind::AddrInUse => ServeError::PortInUse(addr),
        _ => ServeError::Bind(addr, e),
    })?;
    let (tx, rx) = channel();
    let mut watcher =
        watch::start(&plan, opts.poll, tx).map_err(|e| ServeError::Watch(plan.clone(), e))?;
    let state = Arc::new(State::new());
    let mut log = Log {
        quiet: opts.quiet,
        warnings: Vec::new(),
    };
    let mut warm = build::Warm::new();
    rebuild(&plan, &state, (&mut log, &mut warm), Instant::now(), None);
    http::spawn_workers(server, Arc::clone(&state));
    let url = format!("http://{local}/");
    announce(opts, &plan, &url);
    if opts.open {
        open_browser(&url);
    }
    rebuild_loop(&plan, &state, (&mut log, &mut warm), (&mut watcher, rx));
    Ok(())
}

/// The plan folder, canonical (watch events name canonical paths), or why it is not one.
fn plan_folder(dir: &Path) -> Result<PathBuf, ServeError> {
    if !dir.is_dir() {
        return Err(ServeError::Plan(crate::LoadError::NotAFolder(
            dir.to_path_buf(),
        )));
    }
    if !dir.join("plan.toml").is_file() {
        return Err(ServeError::Plan(crate::LoadError::NoPlanToml(
            dir.to_path_buf(),
        )));
    }
    dir.canonicalize()
        .map_err(|e| ServeError::Plan(crate::LoadError::Io(dir.to_path_buf(), e)))
}

fn announce(opts: &Options, plan: &Path, url: &str) {
    if !opts.bind.is_loopback() {
        eprintln!(
            "warning: listening on {}: anyone who can reach this machine on the network can read the plan",
            opts.bind
        );
    }
    println!("serving {} at {url}", plan.display());
    if !opts.quiet {
        println!("watching for changes; press Ctrl+C to stop");
    }
}

fn rebuild_loop(
    plan: &Path,
    state: &State,
    (log, warm): (&mut Log, &mut build::Warm),
    (watcher, rx): (&mut watch::Watch, Receiver<watch::Change>),
) {
    while let Ok(mut change) = rx.recv() {
        while let Ok(more) = rx.try_recv() {
            change.merge(more);
        }
        watcher.refresh();
        rebuild(
            plan,
            state,
            (&mut *log, &mut *warm),
            change.first_event,
            Some(&change),
        );
    }
}

/// Build, publish and report; `since` is when the triggering file event arrived, `change` what
/// it changed (`None` for the first build).
fn rebuild(
    plan: &Path,
    state: &State,
    (log, warm): (&mut Log, &mut build::Warm),
    since: Instant,
    change: Option<&watch::Change>,
) {
    let what = change.map_or_else(|| FIRST.to_string(), |c| watch::describe(&c.paths));
    // A watcher that lost track of events (it says so) cannot say which files changed.
    let changed = change.filter(|c| !c.rescan).map(|c| c.paths.as_slice());
    let started = Instant::now();
    let built = build::build_in_memory(plan, warm, changed);
    let build_ms = started.elapsed().as_millis();
    let ok = built.is_ok();
    let kept = if ok {
        reuse_note(warm.checker.reused())
    } else {
        String::new()
    };
    match built {
        Ok((site, warnings)) => {
            log.warnings(warnings);
            state.publish(Some(site), Vec::new());
        }
        Err(problems) => {
            log.problems(&problems);
            state.publish(None, problems);
        }
    }
    let total = since.elapsed().as_millis();
    log.outcome(ok, &what, total, build_ms, &kept);
}

/// What the checker reused, as the log says it: when only Markdown prose changed, the rules
/// and the whole analysis; else each part of the analysis whose inputs were unchanged (the
/// budget, the people's load, the KPIs' figures; see `checker`).
fn reuse_note(r: crate::checker::Reused) -> String {
    if r.findings {
        return "; prose only: rules and analysis kept".to_string();
    }
    let kept: Vec<&str> = [
        (r.budget, "budget"),
        (r.load, "load"),
        (r.kpis, "KPI figures"),
    ]
    .into_iter()
    .filter_map(|(kept, name)| kept.then_some(name))
    .collect();
    match kept.split_last() {
        None => String::new(),
        Some((last, [])) => format!("; {last} kept"),
        Some((last, rest)) => format!("; {} and {last} kept", rest.join(", ")),
    }
}

/// What the first build is called in messages.
const FIRST: &str = "first build";

/// Terminal output of the rebuilds.
struct Log {
    quiet: bool,
    /// The warnings last printed, so that unchanged ones are not repeated on every save.
    warnings: Vec<Problem>,
}

impl Log {
    fn warnings(&mut self, warnings: Vec<Problem>) {
        if warnings != self.warnings {
            if !self.quiet {
                print_problems(&warnings);
            }
        } else if !warnings.is_empty() && !self.quiet {
            eprintln!("({} warnings, unchanged)", warnings.len());
        }
        self.warnings = warnings;
    }

    fn problems(&mut self, problems: &[Problem]) {
        let shown: Vec<Problem> = problems
            .iter()
            .filter(|p| p.is_error() || !self.quiet)
            .cloned()
            .collect();
        print_problems(&shown);
        self.warnings.clear();
    }

    /// `kept`: what was not made again, from [`reuse_note`].
    fn outcome(&self, ok: bool, what: &str, total_ms: u128, build_ms: u128, kept: &str) {
        if ok && !self.quiet {
            let verb = if what == FIRST { "built" } else { "rebuilt" };
            eprintln!("{verb} in {total_ms} ms ({what}; build {build_ms} ms{kept})");
        } else if !ok {
            eprintln!("build failed in {total_ms} ms ({what}); serving the last good site with the errors on every page");
        }
    }
}

/// Print problems the way `plansite build` does, with the source line.
pub fn print_problems(problems: &[Problem]) {
    for p in problems {
        let code = if p.code.is_empty() {
            String::new()
        } else {
            format!("[{}]", p.code)
        };
        let at = if p.at.is_empty() {
            String::new()
        } else {
            format!(" at {}", p.at)
        };
        eprintln!("{}{code}: {}{at}", p.severity, p.message);
        if let Some(line) = &p.source_line {
            eprintln!("  | {line}");
        }
        for note in &p.notes {
            eprintln!("  note: {note}");
        }
        if let Some(h) = &p.help {
            eprintln!("  help: {h}");
        }
    }
}

/// Open the URL in the default browser; failing is only a warning.
fn open_browser(url: &str) {
    let program = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    let spawned = std::process::Command::new(program)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    match spawned {
        Ok(mut child) => {
            let url = url.to_string();
            std::thread::spawn(move || match child.wait() {
                Ok(status) if status.success() => {}
                _ => {
                    eprintln!("warning: could not open a browser ({program}); open {url} yourself")
                }
            });
        }
        Err(e) => {
            eprintln!("warning: could not open a browser ({program}: {e}); open {url} yourself")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::reuse_note;
    use crate::checker::Reused;

    #[test]
    fn the_log_names_every_part_kept() {
        let r = |findings, budget, load, kpis| Reused {
            findings,
            budget,
            load,
            kpis,
            ..Reused::default()
        };
        assert_eq!(
            reuse_note(r(true, true, true, true)),
            "; prose only: rules and analysis kept"
        );
        assert_eq!(
            reuse_note(r(false, true, true, true)),
            "; budget, load and KPI figures kept"
        );
        assert_eq!(
            reuse_note(r(false, true, false, true)),
            "; budget and KPI figures kept"
        );
        assert_eq!(reuse_note(r(false, false, true, false)), "; load kept");
        assert_eq!(reuse_note(r(false, false, false, false)), "");
    }
}
