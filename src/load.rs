//! load: walk the plan folder, read every file once, and say what kind of plan file each is.
//!
//! Nothing here understands TOML or Markdown; it only finds files, keeps their text for
//! diagnostics, and splits `+++` front matter from a Markdown body.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;

use walkdir::WalkDir;

use crate::diag::{codes, Diagnostic, Loc, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct FileId(pub u32);

/// One file of the plan, as read from disk.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the plan folder, with `/` separators.
    pub path: String,
    /// Shared with what `serve` keeps of the last load (see [`Memory`]), so that a load after
    /// a save does not copy the text of every file again.
    pub text: Arc<String>,
    /// Byte offsets where lines start, built on first use: only files with a diagnostic need
    /// it, and scanning all 15 MB of a large plan for newlines on every load costs more than
    /// building it for the few that do.
    line_starts: OnceLock<Vec<usize>>,
}

impl SourceFile {
    pub fn new(path: String, text: String) -> SourceFile {
        SourceFile::shared(path, Arc::new(text))
    }

    fn shared(path: String, text: Arc<String>) -> SourceFile {
        SourceFile {
            path,
            text,
            line_starts: OnceLock::new(),
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0];
            starts.extend(self.text.match_indices('\n').map(|(i, _)| i + 1));
            starts
        })
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let starts = self.line_starts();
        let line = starts.partition_point(|&s| s <= offset) - 1;
        let start = starts[line];
        let col = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line + 1, col + 1)
    }
}

/// All files read, addressable by `FileId`.
#[derive(Debug, Default, Clone)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    /// Forget the text of every file, keeping the paths. For `build` once the plan is checked:
    /// rendering reads the model, not the files, and the text of a large plan is a tenth of the
    /// build's memory. A diagnostic reported after this shows its place without an excerpt.
    pub fn release_texts(&mut self) {
        for f in &mut self.files {
            f.text = Arc::default();
            f.line_starts = OnceLock::new();
        }
    }

    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId(self.files.len() as u32 - 1)
    }
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }
    pub fn path(&self, id: FileId) -> &str {
        &self.get(id).path
    }
    pub fn text(&self, id: FileId) -> &str {
        &self.get(id).text
    }
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }
    pub fn find(&self, path: &str) -> Option<FileId> {
        self.iter().find(|(_, f)| f.path == path).map(|(id, _)| id)
    }
    /// `path:line:col` of a place.
    pub fn describe(&self, loc: Loc) -> String {
        let f = self.get(loc.file);
        let (l, c) = f.line_col(loc.span.start as usize);
        format!("{}:{}:{}", f.path, l, c)
    }
}

/// What a file is, decided by where it sits in the plan folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileKind {
    PlanToml,
    Strategy,
    Goal {
        id: String,
    },
    People,
    Department {
        dept: String,
    },
    Budget {
        dept: String,
    },
    Objectives {
        dept: String,
    },
    DepartmentKpis {
        dept: String,
    },
    Initiative {
        dept: String,
        id: String,
    },
    OrgKpis,
    Progress,
    Appraisal,
    /// A file under `templates/`: a theme override, by name.
    Template {
        name: String,
    },
    /// A file under `static/`, copied as it is.
    Static {
        rel: String,
    },
    /// A file of a theme under `themes/<name>/`.
    Theme {
        theme: String,
        rel: String,
    },
    /// Somewhere no plan kind lives.
    Stray,
}

impl FileKind {
    /// Plan files are read as text; templates, static and theme files are handled by the renderer.
    pub fn is_plan_text(&self) -> bool {
        !matches!(
            self,
            FileKind::Static { .. } | FileKind::Theme { .. } | FileKind::Template { .. }
        )
    }

    /// Markdown with `+++` front matter: the front matter is read into the model and the rest
    /// is the entity's body.
    pub fn has_markdown_body(&self) -> bool {
        matches!(
            self,
            FileKind::Strategy
                | FileKind::Goal { .. }
                | FileKind::Department { .. }
                | FileKind::Initiative { .. }
        )
    }
}

/// Decide a file's kind from its relative path (`/` separated). `None`: not part of the plan at all.
pub fn classify(rel: &str) -> Option<FileKind> {
    let parts: Vec<&str> = rel.split('/').collect();
    if parts.iter().any(|p| p.starts_with('.')) {
        return None;
    }
    let file = parts.last().copied().unwrap_or_default();
    if parts[0] == "public" || file.starts_with("README") {
        return None;
    }
    let stem = |f: &str, ext: &str| f.strip_suffix(ext).map(str::to_string);
    let kind = match parts.as_slice() {
        ["plan.toml"] => FileKind::PlanToml,
        ["strategy.md"] => FileKind::Strategy,
        ["people.toml"] => FileKind::People,
        ["kpis.toml"] => FileKind::OrgKpis,
        ["appraisal.toml"] => FileKind::Appraisal,
        ["goals", f] => match stem(f, ".md") {
            Some(id) => FileKind::Goal { id },
            None => FileKind::Stray,
        },
        ["progress", f] if f.ends_with(".toml") => FileKind::Progress,
        ["templates", rest @ ..] if !rest.is_empty() => FileKind::Template {
            name: rest.join("/"),
        },
        ["static", rest @ ..] if !rest.is_empty() => FileKind::Static {
            rel: rest.join("/"),
        },
        ["themes", theme, rest @ ..] if !rest.is_empty() => FileKind::Theme {
            theme: theme.to_string(),
            rel: rest.join("/"),
        },
        ["departments", dept, f] => {
            let dept = dept.to_string();
            match *f {
                "department.md" => FileKind::Department { dept },
                "budget.toml" => FileKind::Budget { dept },
                "objectives.toml" => FileKind::Objectives { dept },
                "kpis.toml" => FileKind::DepartmentKpis { dept },
                _ => FileKind::Stray,
            }
        }
        ["departments", dept, "initiatives", f] => match stem(f, ".md") {
            Some(id) => FileKind::Initiative {
                dept: dept.to_string(),
                id,
            },
            None => FileKind::Stray,
        },
        _ => FileKind::Stray,
    };
    Some(kind)
}

/// A plan folder as read from disk.
#[derive(Debug, Default)]
pub struct Loaded {
    pub sources: Sources,
    /// Plan text files, with their kind, sorted by path.
    pub files: Vec<(FileId, FileKind)>,
    /// Static, template and theme files: relative path, kind and raw bytes.
    pub assets: Vec<(String, FileKind, Vec<u8>)>,
    /// Department folders (names), sorted, whether or not they hold department.md.
    pub department_dirs: Vec<String>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Why a plan could not be read at all (exit code 2).
#[derive(Debug)]
pub enum LoadError {
    NotAFolder(PathBuf),
    NoPlanToml(PathBuf),
    Io(PathBuf, std::io::Error),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::NotAFolder(p) => write!(f, "{} is not a plan folder (no such folder)", p.display()),
            LoadError::NoPlanToml(p) => write!(
                f,
                "{} has no plan.toml; a plan folder needs one (try `plansite new {}` to start a plan)",
                p.display(),
                p.display()
            ),
            LoadError::Io(p, e) => write!(f, "cannot read {}: {}", p.display(), e),
        }
    }
}

impl std::error::Error for LoadError {}

/// Read every file of the plan folder. `skip` names a folder (the output) never to read.
///
/// The folder is walked in path order, then the files are read (and checked for UTF-8) in
/// parallel, and added in path order again, so the result does not depend on scheduling.
pub fn load(dir: &Path, skip: Option<&Path>) -> Result<Loaded, LoadError> {
    is_plan_folder(dir)?;
    let walk = walk(dir, skip, |_| false)?;
    let (contents, _) = read(&walk.files)?;
    Ok(assemble(walk, contents))
}

fn is_plan_folder(dir: &Path) -> Result<(), LoadError> {
    if !dir.is_dir() {
        return Err(LoadError::NotAFolder(dir.to_path_buf()));
    }
    if !dir.join("plan.toml").is_file() {
        return Err(LoadError::NoPlanToml(dir.to_path_buf()));
    }
    Ok(())
}

/// Each file's content, in the walk's order, and whether any file is also reachable by another
/// name; the first error in the walk's order if any.
fn read(files: &[(String, FileKind, PathBuf)]) -> Result<(Vec<Content>, bool), LoadError> {
    let read: Vec<Result<(Content, bool), LoadError>> = files
        .par_iter()
        .map(|(_, kind, path)| {
            let (bytes, linked) = read_file(path).map_err(|e| LoadError::Io(path.clone(), e))?;
            Ok((Content::of(kind, bytes), linked))
        })
        .collect();
    let mut linked = false;
    let mut contents = Vec::with_capacity(read.len());
    for r in read {
        let (content, l) = r?;
        contents.push(content);
        linked |= l;
    }
    Ok((contents, linked))
}

/// A file's bytes, and whether it has other names (hard links): as many system calls as
/// `fs::read`, whose size hint comes from the same `stat`.
fn read_file(path: &Path) -> std::io::Result<(Vec<u8>, bool)> {
    let mut file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    std::io::Read::read_to_end(&mut file, &mut bytes)?;
    Ok((bytes, has_other_names(&meta)))
}

#[cfg(unix)]
fn has_other_names(meta: &std::fs::Metadata) -> bool {
    std::os::unix::fs::MetadataExt::nlink(meta) > 1
}

/// Not known here (the link count is not in the standard library's portable metadata).
#[cfg(not(unix))]
fn has_other_names(_: &std::fs::Metadata) -> bool {
    false
}

fn assemble(walk: Walk, contents: Vec<Content>) -> Loaded {
    let mut out = Loaded {
        department_dirs: walk.department_dirs,
        ..Loaded::default()
    };
    for ((rel, kind, _), content) in walk.files.into_iter().zip(contents) {
        add_content(&mut out, rel, kind, content);
    }
    out
}

/// What the last load read, kept by `serve` so that a load after a save re-reads only the
/// saved files. Reading all of them again (2,200 files for a large plan: open, stat, read,
/// close, and checking each for UTF-8) took 25–40 ms of a rebuild; copying what is kept took 3
/// to 9 (15 MB of text, into memory the allocator had to fault in again), and the texts are now
/// shared with the load instead: about 1 ms.
///
/// It relies on the watcher naming every path whose content or existence changed. A file
/// reached through a symbolic link, or with other names (hard links), changes without its own
/// path being named (the watcher sees the target, or nothing when it lies outside the plan),
/// so while the plan has one, every load is a full one.
pub struct Memory {
    /// Files (by plan-relative path) this memory never loads: what serve's watcher ignores, so
    /// that the files a load sees are exactly those whose changes the watcher reports.
    leave_out: fn(&str) -> bool,
    /// `None` until a load succeeds, and again after one fails.
    kept: Option<Kept>,
}

struct Kept {
    walk: Walk,
    /// By the walk's order.
    contents: Vec<Content>,
    /// Whether some file is a symbolic link or has other names: then a save can change it
    /// without the watcher naming it.
    aliased: bool,
}

/// More changed files than this at once (a `git checkout`, say) are read in a full load.
const FEW: usize = 16;

impl Memory {
    pub fn leaving_out(leave_out: fn(&str) -> bool) -> Memory {
        Memory {
            leave_out,
            kept: None,
        }
    }

    /// Load `dir` as [`load`] does, but for the files left out. With `changed` (the
    /// plan-relative paths whose files changed since the last call, as the watcher reports
    /// them), when each is a file the last call read and still a file, only those are read
    /// again: a file that appeared, went or was renamed is itself among `changed` then, and
    /// forces a full load. `None` means "cannot say" (the first load; the watcher lost track)
    /// and also loads in full.
    pub fn load(
        &mut self,
        dir: &Path,
        skip: Option<&Path>,
        changed: Option<&[String]>,
    ) -> Result<Loaded, LoadError> {
        // Taken, not borrowed: a load that fails leaves nothing kept, because what was kept may
        // be older than the disk now and the next change's paths will not name what this one
        // changed. The next load is then a full one.
        let kept = self.kept.take();
        is_plan_folder(dir)?;
        if let (Some(changed), Some(mut kept)) = (changed, kept) {
            if let Some(saved) = kept.saved_files(changed) {
                kept.read_again(&saved)?;
                let loaded = assemble(kept.walk.clone(), kept.contents.clone());
                self.kept = Some(kept);
                return Ok(loaded);
            }
        }
        let walk = walk(dir, skip, self.leave_out)?;
        let (contents, linked) = read(&walk.files)?;
        self.kept = Some(Kept {
            aliased: linked || walk.symlinked,
            walk: walk.clone(),
            contents: contents.clone(),
        });
        Ok(assemble(walk, contents))
    }
}

impl Kept {
    /// Where the `changed` files are in the walk, when reading them again stands for a full
    /// load: no aliased files, not too many changes, and each changed path a file read last
    /// time and still a file. `None` otherwise.
    fn saved_files(&self, changed: &[String]) -> Option<Vec<usize>> {
        if self.aliased || changed.len() > FEW {
            return None;
        }
        let files = &self.walk.files;
        changed
            .iter()
            .map(|rel| {
                let i = files.iter().position(|(r, _, _)| r == rel)?;
                let still_a_file = std::fs::metadata(&files[i].2).is_ok_and(|m| m.is_file());
                still_a_file.then_some(i)
            })
            .collect()
    }

    fn read_again(&mut self, saved: &[usize]) -> Result<(), LoadError> {
        for &i in saved {
            let (_, kind, path) = &self.walk.files[i];
            let (bytes, _) = read_file(path).map_err(|e| LoadError::Io(path.clone(), e))?;
            self.contents[i] = Content::of(kind, bytes);
        }
        Ok(())
    }
}

/// What a walk of the plan folder found, in path order.
#[derive(Clone)]
struct Walk {
    /// Files to read: relative path, kind, path on disk.
    files: Vec<(String, FileKind, PathBuf)>,
    /// Department folder names.
    department_dirs: Vec<String>,
    /// Whether any of the files is a symbolic link.
    symlinked: bool,
}

fn walk(dir: &Path, skip: Option<&Path>, leave_out: fn(&str) -> bool) -> Result<Walk, LoadError> {
    let skip = skip_inside(dir, skip);
    let mut files = Vec::new();
    let mut department_dirs = Vec::new();
    let mut symlinked = false;
    let walker = WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let hidden = e.depth() > 0 && e.file_name().to_string_lossy().starts_with('.');
            // Only a folder can be the output, so only folders pay for `canonicalize` (a
            // syscall per path component: on every file it was most of the load's time).
            let skipped = e.file_type().is_dir()
                && skip
                    .as_ref()
                    .is_some_and(|s| e.path().canonicalize().ok().as_ref() == Some(s));
            !hidden && !skipped
        });
    for entry in walker {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(dir).to_path_buf();
            LoadError::Io(path, e.into())
        })?;
        let rel = relative(dir, entry.path());
        if entry.file_type().is_dir() {
            if let ["departments", d] = rel.split('/').collect::<Vec<_>>().as_slice() {
                department_dirs.push(d.to_string());
            }
            continue;
        }
        if leave_out(&rel) {
            continue;
        }
        if let Some(kind) = classify(&rel) {
            symlinked |= entry.path_is_symlink();
            files.push((rel, kind, entry.into_path()));
        }
    }
    Ok(Walk {
        files,
        department_dirs,
        symlinked,
    })
}

/// The output folder in canonical form when it lies inside the plan folder; `None` when it
/// cannot be met by the walk (the usual `-o` elsewhere), so nothing needs comparing.
fn skip_inside(dir: &Path, skip: Option<&Path>) -> Option<PathBuf> {
    let skip = skip?.canonicalize().ok()?;
    match dir.canonicalize() {
        Ok(root) if !skip.starts_with(&root) => None,
        _ => Some(skip),
    }
}

/// A file's bytes, decoded as far as that needs no other file (so it can run in parallel).
#[derive(Clone)]
enum Content {
    Asset(Vec<u8>),
    Text(Arc<String>),
    /// Not UTF-8: the text with replacement characters, and where the first bad byte is.
    NotUtf8(Arc<String>, usize),
}

impl Content {
    fn of(kind: &FileKind, bytes: Vec<u8>) -> Content {
        if !kind.is_plan_text() {
            return Content::Asset(bytes);
        }
        match String::from_utf8(bytes) {
            Ok(t) => Content::Text(Arc::new(t)),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
                Content::NotUtf8(Arc::new(lossy), at)
            }
        }
    }
}

/// Add one file (from disk or memory) to what has been loaded.
pub fn add_file(out: &mut Loaded, rel: String, kind: FileKind, bytes: Vec<u8>) {
    let content = Content::of(&kind, bytes);
    add_content(out, rel, kind, content);
}

fn add_content(out: &mut Loaded, rel: String, kind: FileKind, content: Content) {
    let text = match content {
        Content::Asset(bytes) => {
            out.assets.push((rel, kind, bytes));
            return;
        }
        Content::Text(text) => text,
        Content::NotUtf8(lossy, at) => {
            let id = out.sources.add(SourceFile::shared(rel, lossy));
            out.diagnostics.push(
                Diagnostic::new(
                    codes::NOT_UTF8,
                    Loc::new(id, Span::new(at, at + 1)),
                    "this file is not valid UTF-8",
                )
                .help(
                    "save the file as UTF-8 (most editors offer it under \"Save with encoding\")",
                ),
            );
            return;
        }
    };
    let id = out.sources.add(SourceFile::shared(rel, text));
    if out.sources.text(id).trim().is_empty() {
        out.diagnostics.push(
            Diagnostic::new(codes::EMPTY_FILE, Loc::file(id), "this file is empty")
                .help("write its content or delete the file"),
        );
        return;
    }
    if kind == FileKind::Stray {
        out.diagnostics.push(
            Diagnostic::new(
                codes::STRAY_FILE,
                Loc::file(id),
                "no kind of plan file lives here, so plansite does not read it",
            )
            .help("see docs/format.md for where each kind of file goes; README files and hidden files are never read"),
        );
        return;
    }
    out.files.push((id, kind));
}

/// Files given as (relative path, bytes) pairs instead of a folder, classified and read
/// exactly as `load` would (for tests, fuzzing, `plansite new` and serve's in-memory edits).
pub fn from_memory(mut files: Vec<(String, Vec<u8>)>) -> Loaded {
    let mut loaded = Loaded::default();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    for (rel, bytes) in files {
        if let ["departments", d, ..] = rel.split('/').collect::<Vec<_>>().as_slice() {
            if rel.matches('/').count() >= 2 && !loaded.department_dirs.iter().any(|x| x == d) {
                loaded.department_dirs.push(d.to_string());
            }
        }
        if let Some(kind) = classify(&rel) {
            add_file(&mut loaded, rel, kind, bytes);
        }
    }
    loaded.department_dirs.sort();
    loaded
}

fn relative(base: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// A Markdown file split into its TOML front matter and its body, with their byte offsets.
#[derive(Debug, Clone, Copy)]
pub struct Split<'a> {
    pub front: &'a str,
    pub front_offset: usize,
    pub body: &'a str,
    pub body_offset: usize,
}

/// Split `+++` front matter from a Markdown file, or say what is wrong with it.
pub fn split_front_matter(file: FileId, text: &str) -> Result<Split<'_>, Diagnostic> {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[bom..];
    let first_line_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
    if rest[..first_line_end].trim_end() != "+++" {
        return Err(Diagnostic::new(
            codes::FRONT_MATTER,
            Loc::new(file, Span::new(bom, bom + first_line_end.min(rest.len()).max(1).min(rest.len()))),
            "this file does not start with `+++` front matter",
        )
        .help("begin the file with a line `+++`, the TOML fields, then another line `+++`, then the Markdown body"));
    }
    let front_offset = bom + first_line_end;
    let mut pos = front_offset;
    for line in text[front_offset..].split_inclusive('\n') {
        if line.trim_end() == "+++" {
            let body_offset = pos + line.len();
            return Ok(Split {
                front: &text[front_offset..pos],
                front_offset,
                body: &text[body_offset..],
                body_offset,
            });
        }
        pos += line.len();
    }
    Err(Diagnostic::new(
        codes::FRONT_MATTER,
        Loc::new(file, Span::new(bom, front_offset)),
        "the front matter opened here is never closed",
    )
    .help("add a line `+++` after the last front-matter field"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_plan_paths() {
        assert_eq!(classify("plan.toml"), Some(FileKind::PlanToml));
        assert_eq!(
            classify("departments/sales/initiatives/crm.md"),
            Some(FileKind::Initiative {
                dept: "sales".into(),
                id: "crm".into()
            })
        );
        assert_eq!(
            classify("departments/sales/notes.txt"),
            Some(FileKind::Stray)
        );
        assert_eq!(classify("public/index.html"), None);
        assert_eq!(classify(".git/config"), None);
        assert_eq!(classify("goals/README.md"), None);
    }

    #[test]
    fn splits_front_matter_with_offsets() {
        let text = "+++\ntitle = \"x\"\n+++\nBody\n";
        let s = split_front_matter(FileId(0), text).unwrap();
        assert_eq!(s.front, "title = \"x\"\n");
        assert_eq!(&text[s.front_offset..s.front_offset + 5], "title");
        assert_eq!(s.body, "Body\n");
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let d = split_front_matter(FileId(0), "+++\ntitle = 1\n").unwrap_err();
        assert_eq!(d.code, codes::FRONT_MATTER);
        let d = split_front_matter(FileId(0), "title = 1\n").unwrap_err();
        assert_eq!(d.code, codes::FRONT_MATTER);
    }

    #[test]
    fn line_col_counts_characters() {
        let f = SourceFile::new("a".into(), "ab\ncdé f\n".into());
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(3), (2, 1));
        assert_eq!(f.line_col(8), (2, 5));
    }

    /// A plan folder of its own for one test, with `files` (relative path, text) in it.
    fn folder(name: &str, files: &[(&str, &str)]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("plansite-load-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (rel, text) in files {
            write(&dir, rel, text);
        }
        dir
    }

    fn write(dir: &Path, rel: &str, text: &str) {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// Everything a load gives, in a form two loads can be compared by.
    fn seen(l: &Loaded) -> String {
        let texts: Vec<(&str, &str)> = l
            .sources
            .iter()
            .map(|(_, f)| (f.path.as_str(), f.text.as_str()))
            .collect();
        format!(
            "{texts:?}\n{:?}\n{:?}\n{:?}\n{:?}",
            l.files, l.assets, l.department_dirs, l.diagnostics
        )
    }

    const PLAN: &[(&str, &str)] = &[
        ("plan.toml", "title = \"P\"\n"),
        ("goals/growth.md", "+++\ntitle = \"Grow\"\n+++\nWhy.\n"),
        (
            "departments/sales/department.md",
            "+++\nname = \"Sales\"\n+++\n",
        ),
        ("static/logo.svg", "<svg/>"),
        ("notes.md~", "a backup the watcher ignores"),
    ];

    fn ignore_backups(rel: &str) -> bool {
        rel.ends_with('~')
    }

    /// A memory that has read `dir` once.
    fn loaded_memory(dir: &Path) -> Memory {
        let mut memory = Memory::leaving_out(ignore_backups);
        memory.load(dir, None, None).unwrap();
        memory
    }

    /// What a memory that read nothing before loads: everything, but for the files left out.
    fn full_load(dir: &Path) -> Loaded {
        Memory::leaving_out(ignore_backups)
            .load(dir, None, None)
            .unwrap()
    }

    #[test]
    fn a_memory_reads_again_only_the_files_it_is_told_changed() {
        let dir = folder("again", PLAN);
        let mut memory = Memory::leaving_out(ignore_backups);
        let first = memory.load(&dir, None, None).unwrap();
        assert!(!seen(&first).contains("notes.md~"), "left out");

        write(
            &dir,
            "goals/growth.md",
            "+++\ntitle = \"Grow more\"\n+++\nWhy.\n",
        );
        write(&dir, "static/logo.svg", "<svg>new</svg>");
        let again = memory
            .load(&dir, None, Some(&["goals/growth.md".into()]))
            .unwrap();
        let text = seen(&again);
        assert!(text.contains("Grow more"), "{text}");
        // Not named as changed, so not read: the memory's copy is what the load gives.
        assert_eq!(again.assets[0].2, b"<svg/>", "{text}");

        let named = ["goals/growth.md".into(), "static/logo.svg".into()];
        let again = memory.load(&dir, None, Some(&named)).unwrap();
        assert_eq!(seen(&again), seen(&full_load(&dir)));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_memory_loads_in_full_when_files_come_go_or_it_cannot_say() {
        let dir = folder("full", PLAN);
        let mut memory = loaded_memory(&dir);
        let full = |m: &mut Memory, changed: Option<&[String]>| {
            seen(&m.load(&dir, None, changed).unwrap())
        };

        // A new file, named as changed.
        write(&dir, "goals/reach.md", "+++\ntitle = \"Reach\"\n+++\n");
        assert!(full(&mut memory, Some(&["goals/reach.md".into()])).contains("Reach"));
        // A removed one.
        std::fs::remove_file(dir.join("goals/reach.md")).unwrap();
        assert!(!full(&mut memory, Some(&["goals/reach.md".into()])).contains("Reach"));
        // A folder that appeared: named by itself, not by a file the memory holds.
        write(
            &dir,
            "departments/ops/department.md",
            "+++\nname = \"Ops\"\n+++\n",
        );
        assert!(full(&mut memory, Some(&["departments/ops".into()])).contains("\"ops\""));
        // Unknown changes (the watcher lost track) and too many at once.
        write(&dir, "goals/growth.md", "+++\ntitle = \"Unnamed\"\n+++\n");
        assert!(full(&mut memory, None).contains("Unnamed"));
        write(&dir, "goals/growth.md", "+++\ntitle = \"Many\"\n+++\n");
        let many: Vec<String> = (0..=FEW).map(|n| format!("goals/g{n}.md")).collect();
        assert!(full(&mut memory, Some(&many)).contains("Many"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A file with two names changes under both while the watcher names one: a memory that
    /// holds such a file always loads in full.
    #[cfg(unix)]
    #[test]
    fn files_with_other_names_are_always_read_again() {
        let dir = folder("aliases", PLAN);
        std::os::unix::fs::symlink("../static/shared.md", dir.join("goals/linked.md")).unwrap();
        write(&dir, "static/shared.md", "+++\ntitle = \"V1\"\n+++\n");
        let mut memory = loaded_memory(&dir);
        write(&dir, "static/shared.md", "+++\ntitle = \"V2\"\n+++\n");
        let again = memory
            .load(&dir, None, Some(&["static/shared.md".into()]))
            .unwrap();
        assert_eq!(seen(&again), seen(&full_load(&dir)));
        assert!(!seen(&again).contains("V1"), "{}", seen(&again));

        std::fs::remove_file(dir.join("goals/linked.md")).unwrap();
        std::fs::hard_link(dir.join("goals/growth.md"), dir.join("goals/twin.md")).unwrap();
        memory.load(&dir, None, None).unwrap();
        write(&dir, "goals/growth.md", "+++\ntitle = \"Grown\"\n+++\n");
        let again = memory
            .load(&dir, None, Some(&["goals/growth.md".into()]))
            .unwrap();
        assert_eq!(seen(&again), seen(&full_load(&dir)));
        assert_eq!(seen(&again).matches("Grown").count(), 2, "{}", seen(&again));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_load_that_fails_is_followed_by_a_full_one() {
        let dir = folder("fails", PLAN);
        let mut memory = loaded_memory(&dir);
        // plan.toml goes and a goal comes in one change, which fails; plan.toml comes back in
        // the next, which names only it: the goal must be seen all the same.
        let plan_toml = std::fs::read_to_string(dir.join("plan.toml")).unwrap();
        std::fs::remove_file(dir.join("plan.toml")).unwrap();
        write(&dir, "goals/reach.md", "+++\ntitle = \"Reach\"\n+++\n");
        let both = ["goals/reach.md".into(), "plan.toml".into()];
        assert!(memory.load(&dir, None, Some(&both)).is_err());
        write(&dir, "plan.toml", &plan_toml);
        let back = memory
            .load(&dir, None, Some(&["plan.toml".into()]))
            .unwrap();
        assert_eq!(seen(&back), seen(&full_load(&dir)));
        assert!(seen(&back).contains("Reach"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_file_read_again_gets_the_diagnostics_a_full_load_gives() {
        let dir = folder("diags", PLAN);
        let mut memory = loaded_memory(&dir);
        write(&dir, "goals/growth.md", "  \n");
        let again = memory
            .load(&dir, None, Some(&["goals/growth.md".into()]))
            .unwrap();
        assert!(again
            .diagnostics
            .iter()
            .any(|d| d.code == codes::EMPTY_FILE));
        assert_eq!(seen(&again), seen(&full_load(&dir)));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
