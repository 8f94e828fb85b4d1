//! render: the Plan and its Analysis into site files (page path → bytes). No I/O: files go to
//! a [`Sink`] as they are made (the output folder for `build`, memory for tests), or are made
//! one at a time on request (`serve`, through [`Renderer::file`]).

pub mod charts;
pub mod figures;
pub mod format;
pub mod html;
pub mod markdown;
pub mod native;
pub mod overview;
pub mod pages;
pub mod refs;
pub mod relations;
pub mod shell;
pub mod theme;

use std::collections::BTreeMap;
use std::io;
use std::sync::{Mutex, PoisonError};

use rayon::prelude::*;

use crate::analyze::Analysis;
use crate::diag::Diagnostic;
use crate::load::Loaded;
use crate::model::Plan;

/// A rendered site: sorted map from site-relative path to bytes.
pub type Site = BTreeMap<String, Vec<u8>>;

/// Writes a file's bytes into whatever it is given; fails only if the destination does.
pub type Writer<'w> = &'w dyn Fn(&mut dyn io::Write) -> io::Result<()>;

/// Where rendered files go. Called from many threads, once per file, in no particular order.
pub trait Sink: Sync {
    type Error: Send;
    fn put(&self, path: &str, bytes: Vec<u8>) -> Result<(), Self::Error>;
    /// A file made by a writer: a sink that can stream it to its destination does, so a large
    /// export is never held whole in memory.
    fn put_with(&self, path: &str, write: Writer) -> Result<(), Self::Error>;
}

/// Collects the site in memory.
impl Sink for Mutex<Site> {
    type Error = io::Error;
    fn put(&self, path: &str, bytes: Vec<u8>) -> Result<(), Self::Error> {
        self.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(path.to_string(), bytes);
        Ok(())
    }
    fn put_with(&self, path: &str, write: Writer) -> Result<(), Self::Error> {
        let mut bytes = Vec::new();
        write(&mut bytes)?;
        self.put(path, bytes)
    }
}

/// Writes each file into the new site as soon as it is made.
impl Sink for crate::write::Staging {
    type Error = crate::write::WriteError;
    fn put(&self, path: &str, bytes: Vec<u8>) -> Result<(), Self::Error> {
        crate::write::Staging::put(self, path, &bytes)
    }
    fn put_with(&self, path: &str, write: Writer) -> Result<(), Self::Error> {
        crate::write::Staging::put_with(self, path, write)
    }
}

/// Why a site was not rendered: problems in the plan or its theme, or the sink failed.
#[derive(Debug)]
pub enum Failure<E> {
    Plan(Vec<Diagnostic>),
    Sink(E),
}

/// One file of the site, known before it is made.
#[derive(Clone, Copy, Debug)]
enum Entry {
    Page(pages::Spec),
    /// A static file of the theme, under the same path in `Theme::assets`.
    Asset,
    /// One of the data exports (all are made together).
    Export,
}

/// Everything needed to render any file of the site; the list of files is fixed at creation.
pub struct Renderer<'a> {
    plan: &'a Plan,
    an: &'a Analysis,
    loaded: &'a Loaded,
    theme: theme::Theme,
    /// Whether the pages [`native`] writes are written there rather than by Tera: when the
    /// plan uses the built-in templates unchanged.
    native: bool,
    cx: pages::Cx<'a>,
    shell: shell::Shell,
    /// Every file in path order.
    files: Vec<(String, Entry)>,
}

impl<'a> Renderer<'a> {
    /// Load the theme and list the files. Errors are template problems. The plan must have
    /// passed `check` (broken links in Markdown are reported there).
    pub fn new(
        plan: &'a Plan,
        an: &'a Analysis,
        loaded: &'a Loaded,
    ) -> Result<Self, Vec<Diagnostic>> {
        let theme = theme::load(loaded, &plan.settings)?;
        // Each a few ms of a large plan, on the way to the first page.
        let (cx, files) = rayon::join(
            || pages::Cx::new(plan, an, loaded),
            || list_files(plan, an, &theme),
        );
        Ok(Renderer {
            plan,
            an,
            loaded,
            native: theme.builtin,
            theme,
            cx,
            shell: shell::Shell::default(),
            files,
        })
    }

    /// The path of every file of the site, sorted.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.iter().map(|(p, _)| p.as_str())
    }

    /// Whether the site has a file at `path`.
    pub fn has(&self, path: &str) -> bool {
        self.find(path).is_some()
    }

    fn find(&self, path: &str) -> Option<Entry> {
        self.files
            .binary_search_by(|(p, _)| p.as_str().cmp(path))
            .ok()
            .map(|i| self.files[i].1)
    }

    /// Make the file at `path` alone (`None` when the site has no such file).
    pub fn file(&self, path: &str) -> Option<Result<Vec<u8>, Diagnostic>> {
        Some(match self.find(path)? {
            Entry::Page(spec) => self.page(spec),
            Entry::Asset => Ok(self.asset(path)),
            Entry::Export => {
                let all = Mutex::new(Site::new());
                self.emit_exports(&all)
                    .map(|()| {
                        let mut all = all.into_inner().unwrap_or_else(PoisonError::into_inner);
                        all.remove(path).unwrap_or_default()
                    })
                    .map_err(|f| match f {
                        Failure::Plan(d) => {
                            d.into_iter().next().unwrap_or_else(|| export_error(""))
                        }
                        Failure::Sink(e) => export_error(e),
                    })
            }
        })
    }

    /// Render every page with Tera, the built-in theme's too: for the tests that compare the
    /// pages [`native`] writes with what the templates make of them.
    pub fn tera_only(mut self) -> Self {
        self.native = false;
        self
    }

    fn page(&self, spec: pages::Spec) -> Result<Vec<u8>, Diagnostic> {
        if self.native {
            let parts = |path: &str, section: &str| {
                self.shell.parts(&self.theme.tera, self.plan, path, section)
            };
            if let Some(made) = native::page(&self.cx, self.loaded, spec, &parts) {
                return made.map_err(|e| theme::template_error(&e, self.loaded));
            }
        }
        let page = spec.build(&self.cx, self.loaded);
        pages::render_page(&self.theme.tera, &self.shell, self.plan, page)
            .map_err(|e| theme::template_error(&e, self.loaded))
    }

    fn asset(&self, path: &str) -> Vec<u8> {
        self.theme
            .assets
            .get(path)
            .map(|b| b.to_vec())
            .unwrap_or_default()
    }

    /// Make every file, in parallel, handing each to `sink` as soon as it is made; returns how
    /// many files were made. On template errors, reports the first in path order.
    pub fn render_all<S: Sink>(&self, sink: &S) -> Result<usize, Failure<S::Error>> {
        // All exports are made together, once: by the entry of the JSON file.
        let mut entries: Vec<usize> = (0..self.files.len())
            .filter(|&n| {
                !matches!(self.files[n].1, Entry::Export) || self.files[n].0 == EXPORT_JSON
            })
            .collect();
        // The largest pages first, so that no thread is left with a big one at the end; and one
        // file per piece, so that no thread is left with a run of them either (rayon hands out
        // runs of a list, and the thread that took the last worked alone until it was done).
        entries.sort_by_key(|&n| (self.size_rank(n), n));
        let failures: Vec<(usize, Failure<S::Error>)> = entries
            .into_par_iter()
            .with_max_len(1)
            .filter_map(|n| self.emit(n, sink).err().map(|f| (n, f)))
            .collect();
        match failures.into_iter().min_by_key(|(n, _)| *n) {
            Some((_, f)) => Err(f),
            None => Ok(self.files.len()),
        }
    }

    /// The order in which files are started: the exports first (the JSON alone is 40 MB of a
    /// large site, made on one thread), then the big pages, then the rest.
    fn size_rank(&self, n: usize) -> u8 {
        match self.files[n].1 {
            Entry::Export => 0,
            Entry::Page(s) if s.is_big() => 1,
            _ => 2,
        }
    }

    /// Make the `n`th file (all the exports, for an export) and hand it to `sink`.
    fn emit<S: Sink>(&self, n: usize, sink: &S) -> Result<(), Failure<S::Error>> {
        use crate::clock::{time, Part};
        let (path, entry) = &self.files[n];
        let bytes = match entry {
            Entry::Export => return time(Part::Exports, || self.emit_exports(sink)),
            Entry::Page(spec) => {
                time(Part::Pages, || self.page(*spec)).map_err(|d| Failure::Plan(vec![d]))?
            }
            Entry::Asset => self.asset(path),
        };
        time(Part::Writing, || sink.put(path, bytes)).map_err(Failure::Sink)
    }

    /// The JSON and CSV exports, published with the site so readers can take the figures
    /// away; the JSON is streamed (42 MB for a plan of 2,000 initiatives).
    fn emit_exports<S: Sink>(&self, sink: &S) -> Result<(), Failure<S::Error>> {
        let (plan, an) = (self.plan, self.an);
        let json = |w: &mut dyn io::Write| {
            crate::export::write_json(plan, an, false, w).map_err(io::Error::other)
        };
        sink.put_with(EXPORT_JSON, &json).map_err(Failure::Sink)?;
        let csv = crate::export::csv(plan, an).map_err(|e| Failure::Plan(vec![export_error(e)]))?;
        for (name, bytes) in csv {
            sink.put(&format!("data/{name}"), bytes)
                .map_err(Failure::Sink)?;
        }
        Ok(())
    }
}

/// A data export that could not be made, as a diagnostic.
pub fn export_error(e: impl std::fmt::Display) -> Diagnostic {
    Diagnostic {
        code: crate::diag::codes::TEMPLATE,
        message: format!("could not write the data export: {e}"),
        loc: None,
        help: None,
        related: Vec::new(),
    }
}

/// The path under which the JSON export appears; the CSV files sit beside it.
const EXPORT_JSON: &str = "data/plan.json";

fn list_files(plan: &Plan, an: &Analysis, theme: &theme::Theme) -> Vec<(String, Entry)> {
    let assets = theme.assets.keys().map(|p| (p.clone(), Entry::Asset));
    let csv = crate::export::CSV_FILES
        .iter()
        .map(|n| (format!("data/{n}"), Entry::Export));
    let json = std::iter::once((EXPORT_JSON.to_string(), Entry::Export));
    let pages = pages::specs(plan, an)
        .into_iter()
        .map(|(p, s)| (p, Entry::Page(s)));
    let mut files: Vec<(String, Entry)> = assets.chain(csv).chain(json).chain(pages).collect();
    // Of entries with one path the last listed wins (pages over theme files of the same
    // name): reversed, a stable sort puts it first in its run, and `dedup` keeps the first.
    // A sorted list rather than a map: inserting 7,700 paths into a BTreeMap was 10 M
    // instructions of every `serve` rebuild of the enterprise plan.
    files.reverse();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files.dedup_by(|later, kept| later.0 == kept.0);
    files
}

/// Render the whole site into `sink`; returns how many files it has.
pub fn render_site<S: Sink>(
    plan: &Plan,
    an: &Analysis,
    loaded: &Loaded,
    sink: &S,
) -> Result<usize, Failure<S::Error>> {
    Renderer::new(plan, an, loaded)
        .map_err(Failure::Plan)?
        .render_all(sink)
}

/// Render the whole site into memory.
pub fn render_to_memory(
    plan: &Plan,
    an: &Analysis,
    loaded: &Loaded,
) -> Result<Site, Vec<Diagnostic>> {
    let sink = Mutex::new(Site::new());
    match render_site(plan, an, loaded, &sink) {
        Ok(_) => Ok(sink.into_inner().unwrap_or_else(PoisonError::into_inner)),
        Err(Failure::Plan(d)) => Err(d),
        Err(Failure::Sink(e)) => Err(vec![export_error(e)]),
    }
}

/// Problems only rendering would find, found without rendering: links to plan files that do
/// not exist and templates that do not parse.
pub fn site_diagnostics(plan: &Plan, loaded: &Loaded) -> Vec<Diagnostic> {
    crate::clock::time(crate::clock::Part::SiteChecks, || {
        let mut diags = pages::check_bodies(plan, loaded);
        diags.extend(theme::check(loaded, &plan.settings));
        diags
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> crate::Project {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("example-plan");
        crate::read_plan(&dir, None).expect("example-plan loads")
    }

    #[test]
    fn every_page_is_built_at_the_path_it_is_listed_under() {
        let p = example();
        let (plan, an) = (p.plan.as_ref().unwrap(), p.analysis.as_ref().unwrap());
        let r = Renderer::new(plan, an, &p.loaded).expect("renders");
        for (path, entry) in &r.files {
            if let Entry::Page(spec) = entry {
                assert_eq!(&spec.build(&r.cx, &p.loaded).path, path);
            }
        }
    }

    #[test]
    fn files_are_sorted_unique_and_pages_win_over_theme_files() {
        let p = example();
        let (plan, an) = (p.plan.as_ref().unwrap(), p.analysis.as_ref().unwrap());
        let mut theme = theme::load(&p.loaded, &plan.settings).expect("theme");
        for path in ["strategy.html", "data/plan.json", "zz.txt"] {
            theme.assets.insert(path.to_string(), Vec::new().into());
        }
        let files = list_files(plan, an, &theme);
        assert!(
            files.windows(2).all(|w| w[0].0 < w[1].0),
            "sorted, no repeats"
        );
        let entry = |path: &str| files.iter().find(|(p, _)| p == path).map(|(_, e)| *e);
        assert!(matches!(entry("strategy.html"), Some(Entry::Page(_))));
        assert!(matches!(entry("data/plan.json"), Some(Entry::Export)));
        assert!(matches!(entry("zz.txt"), Some(Entry::Asset)));
        assert!(matches!(entry("assets/style.css"), Some(Entry::Asset)));
    }

    #[test]
    fn one_file_on_request_equals_the_same_file_of_the_whole_site() {
        let p = example();
        let (plan, an) = (p.plan.as_ref().unwrap(), p.analysis.as_ref().unwrap());
        let site = render_to_memory(plan, an, &p.loaded).expect("renders");
        let r = Renderer::new(plan, an, &p.loaded).expect("renders");
        assert_eq!(
            r.paths().collect::<Vec<_>>(),
            site.keys().map(String::as_str).collect::<Vec<_>>()
        );
        for path in [
            "index.html",
            "timeline.html",
            "data/plan.json",
            "data/scores.csv",
            "assets/style.css",
        ] {
            let one = r.file(path).expect("listed").expect("renders");
            assert_eq!(&one, &site[path], "{path}");
        }
        assert!(r.file("nope.html").is_none());
    }
}
