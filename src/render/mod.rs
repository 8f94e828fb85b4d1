//! render: the Plan and its Analysis into site files (page path → bytes). No I/O: files go to
//! a [`Sink`] as they are made (the output folder for `build`, memory for tests), or are made
//! one at a time on request (`serve`, through [`Renderer::file`]).

pub mod charts;
pub mod figures;
pub mod format;
pub mod markdown;
pub mod overview;
pub mod pages;
pub mod refs;
pub mod relations;
pub mod theme;

use std::collections::BTreeMap;
use std::io;
use std::sync::Mutex;

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
            .unwrap_or_else(std::sync::PoisonError::into_inner)
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
    /// A static file of the theme, by its index in `Theme::assets`.
    Asset(usize),
    /// One of the data exports (all are made together).
    Export,
}

/// Everything needed to render any file of the site; the list of files is fixed at creation.
pub struct Renderer<'a> {
    plan: &'a Plan,
    an: &'a Analysis,
    loaded: &'a Loaded,
    theme: theme::Theme,
    cx: pages::Cx<'a>,
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
        let cx = pages::Cx::new(plan, an, loaded);
        let files = list_files(plan, an, &theme);
        Ok(Renderer {
            plan,
            an,
            loaded,
            theme,
            cx,
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
        let entry = self.find(path)?;
        Some(match entry {
            Entry::Export => self
                .exports()
                .map(|mut all| all.remove(path).unwrap_or_default()),
            _ => self
                .make(entry)
                .map(|v| v.into_iter().next().map(|(_, b)| b).unwrap_or_default()),
        })
    }

    /// Make one entry: a page or asset is one file, the exports are several.
    fn make(&self, entry: Entry) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
        match entry {
            Entry::Page(spec) => {
                let page = spec.build(&self.cx, self.loaded);
                let path = page.path.clone();
                let bytes = pages::render_page(&self.theme.tera, self.plan, page)
                    .map_err(|e| theme::template_error(&e, self.loaded))?;
                Ok(vec![(path, bytes)])
            }
            Entry::Asset(n) => Ok(self
                .theme
                .assets
                .iter()
                .nth(n)
                .map(|(p, b)| vec![(p.clone(), b.clone())])
                .unwrap_or_default()),
            Entry::Export => self.exports().map(|m| m.into_iter().collect()),
        }
    }

    /// The JSON and CSV exports, published with the site so readers can take the figures away.
    fn exports(&self) -> Result<Site, Diagnostic> {
        make_exports(self.plan, self.an).map_err(export_error)
    }

    /// Make every file, in parallel, handing each to `sink` as soon as it is made; returns how
    /// many files were made. On template errors, reports the first in path order.
    pub fn render_all<S: Sink>(&self, sink: &S) -> Result<usize, Failure<S::Error>> {
        let mut entries: Vec<(usize, Entry)> = self
            .files
            .iter()
            .enumerate()
            .filter(|(_, (p, e))| !matches!(e, Entry::Export) || p == EXPORT_JSON)
            .map(|(n, (_, e))| (n, *e))
            .collect();
        // The largest pages first, so that no thread is left with a big one at the end.
        entries.sort_by_key(|(n, e)| (!matches!(e, Entry::Page(s) if s.is_big()), *n));
        let failures: Vec<(usize, Failure<S::Error>)> = entries
            .into_par_iter()
            .filter_map(|(n, e)| self.emit(e, sink).err().map(|f| (n, f)))
            .collect();
        match failures.into_iter().min_by_key(|(n, _)| *n) {
            Some((_, f)) => Err(f),
            None => Ok(self.files.len()),
        }
    }

    fn emit<S: Sink>(&self, entry: Entry, sink: &S) -> Result<(), Failure<S::Error>> {
        if let Entry::Export = entry {
            return self.emit_exports(sink);
        }
        let files = self.make(entry).map_err(|d| Failure::Plan(vec![d]))?;
        for (path, bytes) in files {
            sink.put(&path, bytes).map_err(Failure::Sink)?;
        }
        Ok(())
    }
}

impl Renderer<'_> {
    /// The exports into `sink`, the JSON streamed (42 MB for a plan of 2,000 initiatives).
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
    let mut files: BTreeMap<String, Entry> = BTreeMap::new();
    for (n, path) in theme.assets.keys().enumerate() {
        files.insert(path.clone(), Entry::Asset(n));
    }
    for name in crate::export::CSV_FILES {
        files.insert(format!("data/{name}"), Entry::Export);
    }
    files.insert(EXPORT_JSON.to_string(), Entry::Export);
    // Pages win over theme files of the same name.
    for (path, spec) in pages::specs(plan, an) {
        files.insert(path, Entry::Page(spec));
    }
    files.into_iter().collect()
}

fn make_exports(plan: &Plan, an: &Analysis) -> Result<Site, String> {
    let mut site = Site::new();
    let json = crate::export::json(plan, an, false).map_err(|e| e.to_string())?;
    site.insert(EXPORT_JSON.into(), json.into_bytes());
    for (name, bytes) in crate::export::csv(plan, an).map_err(|e| e.to_string())? {
        site.insert(format!("data/{name}"), bytes);
    }
    Ok(site)
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
        Ok(_) => Ok(sink
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)),
        Err(Failure::Plan(d)) => Err(d),
        Err(Failure::Sink(e)) => Err(vec![export_error(e)]),
    }
}

/// Problems only rendering would find, found without rendering: links to plan files that do
/// not exist and templates that do not parse.
pub fn site_diagnostics(plan: &Plan, loaded: &Loaded) -> Vec<Diagnostic> {
    let mut diags = pages::check_bodies(plan, loaded);
    diags.extend(theme::check(loaded, &plan.settings));
    diags
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
