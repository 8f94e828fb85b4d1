//! write: put a rendered site on disk so that a failed or interrupted build never leaves a
//! half-written or emptied site, and so that rebuilding an unchanged site costs little.
//!
//! # Staging and the atomic swap
//!
//! [`Staging::begin`] makes a fresh folder beside the output (`.NAME.plansite-new`);
//! [`Staging::put`] writes each file into it, from any number of threads, as pages are rendered
//! (nothing has to hold the whole site in memory); [`Staging::commit`] writes the marker, then
//! swaps the fresh folder in: the old output is renamed aside (`.NAME.plansite-old`), the fresh
//! one renamed in, the old one removed. If a build dies between the two renames, the next build
//! finds the aside folder and puts it back before doing anything else. A `Staging` dropped
//! without `commit` (a render error, a panic unwinding) removes its fresh folder and leaves the
//! output as it was. plansite only ever replaces an output folder that is empty or carries its
//! marker file [`MARKER`].
//!
//! # Hard links for unchanged files
//!
//! Creating a new file for every page on every build and deleting the previous one was about a
//! quarter of a build's time, all of it in the kernel (ext4 allocating and freeing 7,000 inodes).
//! So `put` first looks at the file of the same name in the current output: when it is a regular
//! file with exactly the new bytes (same length from its metadata, then the same content), it is
//! hard-linked into the fresh folder: one new name, no new inode, no data written; and removing
//! the aside folder after the swap then only drops names. Unchanged files keep their modification
//! time, which also suits HTTP caches and rsync-style deploys. When linking fails (another
//! device, a file system without links, permissions) the bytes are written as usual. The swap is
//! still atomic: links are made only inside the fresh folder, and the swap is the same two
//! renames.
//!
//! An inode shared by the old and the new tree is safe only because plansite never writes into
//! an existing file: `put` always creates a new file (`create_new`, so a name put twice is an
//! error rather than a write through a link into the previous site) and nothing else opens a file
//! of the output for writing. Content is compared byte for byte, not through a recorded hash, so
//! a file edited by hand in the output is never mistaken for the rendered one.

use std::collections::{BTreeMap, HashSet};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use rayon::prelude::*;

/// Marks a folder as written by plansite, so that plansite never replaces a folder it did not make.
pub const MARKER: &str = ".plansite-site";

const MARKER_TEXT: &[u8] = b"written by plansite; this folder is replaced on every build\n";

/// How much of an old file is read at a time to compare it with new bytes: large enough for
/// few read calls. The buffer is one per thread, kept between files: allocating it per file
/// made the allocator hand back and fault in fresh pages thousands of times a build.
const COMPARE_CHUNK: usize = 64 * 1024;

thread_local! {
    static COMPARE_BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

#[derive(Debug)]
pub enum WriteError {
    /// The output exists, holds files, and was not made by plansite.
    NotOurs(PathBuf),
    /// A site path that is empty, absolute, leaves the site (`..`) or names the marker.
    BadPath(String),
    Io(PathBuf, io::Error),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::NotOurs(p) => write!(
                f,
                "{} exists and was not written by plansite; refusing to replace it (choose another folder with -o, or delete it)",
                p.display()
            ),
            WriteError::BadPath(rel) => write!(
                f,
                "refusing to write {rel:?}: a site path must be relative, stay inside the site and not be {MARKER}"
            ),
            WriteError::Io(p, e) => write!(f, "cannot write {}: {}", p.display(), e),
        }
    }
}

impl std::error::Error for WriteError {}

fn io_at(p: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |e| WriteError::Io(p.to_path_buf(), e)
}

fn sibling(out: &Path, tag: &str) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    out.with_file_name(format!(".{name}.plansite-{tag}"))
}

/// Write `files` (site-relative path → bytes) as the new content of `out`.
pub fn write_site(out: &Path, files: &BTreeMap<String, Vec<u8>>) -> Result<(), WriteError> {
    let staging = Staging::begin(out)?;
    files
        .par_iter()
        .try_for_each(|(rel, bytes)| staging.put(rel, bytes))?;
    staging.commit()
}

/// A site being written into a fresh folder beside `out`; see the module documentation.
pub struct Staging {
    out: PathBuf,
    fresh: PathBuf,
    aside: PathBuf,
    /// Folders under `fresh` known to exist (site-relative, "" for the root), so that `put`
    /// creates each folder once rather than calling `create_dir_all` for every file.
    dirs: Mutex<HashSet<PathBuf>>,
    /// Set once the fresh folder has become `out`, so that `Drop` leaves it alone.
    committed: bool,
}

impl Staging {
    /// Put back a site left aside by an interrupted build, refuse an output plansite did not
    /// write, and create the fresh folder (removing one left by a build that died).
    pub fn begin(out: &Path) -> Result<Staging, WriteError> {
        let aside = sibling(out, "old");
        let fresh = sibling(out, "new");
        recover(out, &aside)?;
        guard_ours(out)?;
        if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent).map_err(io_at(parent))?;
        }
        if fresh.exists() {
            fs::remove_dir_all(&fresh).map_err(io_at(&fresh))?;
        }
        fs::create_dir(&fresh).map_err(io_at(&fresh))?;
        Ok(Staging {
            out: out.to_path_buf(),
            fresh,
            aside,
            dirs: Mutex::new(HashSet::from([PathBuf::new()])),
            committed: false,
        })
    }

    /// Add one file to the new site (thread-safe; each `rel` once). An unchanged file is
    /// hard-linked from the current output, anything else written as a new file.
    pub fn put(&self, rel: &str, bytes: &[u8]) -> Result<(), WriteError> {
        let rel = checked_rel(rel)?;
        self.ensure_parent(rel)?;
        self.link_or_write(rel, bytes)
    }

    /// Add one file written by `write` straight into the new site, for files too large to hold
    /// in memory whole (the data export). Always a new file: it is not compared with the old.
    pub fn put_with(
        &self,
        rel: &str,
        write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> Result<(), WriteError> {
        let rel = checked_rel(rel)?;
        self.ensure_parent(rel)?;
        let path = self.fresh.join(rel);
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(io_at(&path))?;
        let mut out = io::BufWriter::with_capacity(1 << 16, file);
        write(&mut out)
            .and_then(|()| out.flush())
            .map_err(io_at(&path))
    }

    /// Write the marker, swap the fresh folder in and remove the old site.
    pub fn commit(mut self) -> Result<(), WriteError> {
        // Linked like any unchanged file, so that an unchanged site costs no new inode at all.
        self.link_or_write(Path::new(MARKER), MARKER_TEXT)?;
        // On failure the old site is back in place and `Drop` removes the fresh folder.
        swap_in(&self.out, &self.fresh, &self.aside)?;
        self.committed = true;
        remove_tree(&self.aside)
    }

    fn link_or_write(&self, rel: &Path, bytes: &[u8]) -> Result<(), WriteError> {
        place(
            &self.out.join(rel),
            &self.fresh.join(rel),
            bytes,
            |old, new| fs::hard_link(old, new),
        )
    }

    fn ensure_parent(&self, rel: &Path) -> Result<(), WriteError> {
        let Some(parent) = rel.parent() else {
            return Ok(());
        };
        if self.known_dirs().contains(parent) {
            return Ok(());
        }
        // Not under the lock: two threads may both create a folder, which create_dir_all allows.
        let dir = self.fresh.join(parent);
        fs::create_dir_all(&dir).map_err(io_at(&dir))?;
        let mut known = self.known_dirs();
        known.extend(parent.ancestors().map(Path::to_path_buf));
        Ok(())
    }

    fn known_dirs(&self) -> MutexGuard<'_, HashSet<PathBuf>> {
        // The set only grows by whole inserts, so a thread that panicked holding the lock left
        // it consistent: a poisoned lock is still usable.
        self.dirs.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            // Best effort (a drop cannot report): a leftover is removed by the next `begin`.
            let _ = fs::remove_dir_all(&self.fresh);
        }
    }
}

/// Site paths come from plan ids, already validated; still refuse anything that could land
/// outside the fresh folder, and the marker, which only `commit` writes.
fn checked_rel(rel: &str) -> Result<&Path, WriteError> {
    let path = Path::new(rel);
    let plain = path.components().all(|c| matches!(c, Component::Normal(_)));
    if rel.is_empty() || rel.ends_with('/') || !plain || rel == MARKER {
        return Err(WriteError::BadPath(rel.to_string()));
    }
    Ok(path)
}

/// Put `bytes` at `new`: a link of `old` when that holds the same bytes and `link` succeeds,
/// otherwise a new file. `link` is a parameter so that tests can make it fail.
fn place(
    old: &Path,
    new: &Path,
    bytes: &[u8],
    link: impl FnOnce(&Path, &Path) -> io::Result<()>,
) -> Result<(), WriteError> {
    if same_content(old, bytes) && link(old, new).is_ok() {
        return Ok(());
    }
    write_new(new, bytes)
}

/// Always a new file (`create_new`): an existing file may be a hard link shared with the
/// previous site, and writing into it would change that site too.
fn write_new(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(io_at(path))?;
    file.write_all(bytes).map_err(io_at(path))
}

/// Whether `old` is a regular file holding exactly `bytes`. The length comes first (most changed
/// pages change length); any error reading it means "no", and the bytes are simply written.
fn same_content(old: &Path, bytes: &[u8]) -> bool {
    match fs::symlink_metadata(old) {
        Ok(meta) if meta.is_file() && meta.len() == bytes.len() as u64 => {}
        _ => return false,
    }
    File::open(old)
        .and_then(|file| reads_exactly(file, bytes))
        .unwrap_or(false)
}

/// Compare a file, whose length the caller found equal to `expected`'s, with `expected` chunk
/// by chunk, stopping at the first difference. It stops reading once all of `expected` has
/// matched: a file that grows between the length check and the link is being written by
/// someone else, and a hard link would share that writing anyway.
fn reads_exactly(mut file: File, mut expected: &[u8]) -> io::Result<bool> {
    COMPARE_BUF.with(|buf| {
        let mut buf = buf.borrow_mut();
        buf.resize(COMPARE_CHUNK, 0);
        while !expected.is_empty() {
            let want = expected.len().min(buf.len());
            let n = file.read(&mut buf[..want])?;
            if n == 0 || buf[..n] != expected[..n] {
                return Ok(false);
            }
            expected = &expected[n..];
        }
        Ok(true)
    })
}

/// A build that died between the two renames left the old site aside: put it back.
fn recover(out: &Path, aside: &Path) -> Result<(), WriteError> {
    if aside.exists() {
        if out.exists() {
            remove_tree(aside)?;
        } else {
            fs::rename(aside, out).map_err(io_at(out))?;
        }
    }
    Ok(())
}

fn guard_ours(out: &Path) -> Result<(), WriteError> {
    if !out.exists() {
        return Ok(());
    }
    let mut entries = fs::read_dir(out).map_err(io_at(out))?;
    let empty = entries.next().is_none();
    if empty || out.join(MARKER).is_file() {
        Ok(())
    } else {
        Err(WriteError::NotOurs(out.to_path_buf()))
    }
}

fn swap_in(out: &Path, fresh: &Path, aside: &Path) -> Result<(), WriteError> {
    if out.exists() {
        fs::rename(out, aside).map_err(io_at(out))?;
    }
    if let Err(e) = fs::rename(fresh, out) {
        // Put the old site back rather than leave no site at all.
        let _ = fs::rename(aside, out);
        return Err(WriteError::Io(out.to_path_buf(), e));
    }
    Ok(())
}

/// Remove a folder left aside, if there is one: each top-level entry on rayon's threads
/// (unlinks within one folder take that folder's lock, so the parallelism is across the
/// site's sections), then the folder itself.
fn remove_tree(root: &Path) -> Result<(), WriteError> {
    // An output given as a symlink was renamed aside as the link itself: remove the link, never
    // what it points to.
    match fs::symlink_metadata(root) {
        Ok(meta) if !meta.is_dir() => return fs::remove_file(root).map_err(io_at(root)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        _ => {}
    }
    let entries = match fs::read_dir(root) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(WriteError::Io(root.to_path_buf(), e)),
    };
    let entries: Vec<fs::DirEntry> = entries.collect::<Result<_, _>>().map_err(io_at(root))?;
    entries.par_iter().try_for_each(|entry| {
        let path = entry.path();
        let is_dir = entry.file_type().map_err(io_at(&path))?.is_dir();
        let removed = if is_dir {
            fs::remove_dir_all(&path)
        } else {
            fs::remove_file(&path)
        };
        removed.map_err(io_at(&path))
    })?;
    fs::remove_dir(root).map_err(io_at(root))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_content_compares_every_byte_across_chunks() {
        let d = tmp("same-content");
        fs::create_dir_all(&d).unwrap();
        let big: Vec<u8> = (0..3 * COMPARE_CHUNK + 17)
            .map(|i| (i % 251) as u8)
            .collect();
        let file = d.join("big");
        fs::write(&file, &big).unwrap();
        assert!(same_content(&file, &big));
        for at in [0, COMPARE_CHUNK - 1, COMPARE_CHUNK, big.len() - 1] {
            let mut other = big.clone();
            other[at] ^= 1;
            assert!(!same_content(&file, &other), "a difference at byte {at}");
        }
        assert!(!same_content(&file, &big[..big.len() - 1]));
        let empty = d.join("empty");
        fs::write(&empty, b"").unwrap();
        assert!(same_content(&empty, b""));
        assert!(!same_content(&empty, b"x"));
        assert!(!same_content(&d.join("missing"), b""));
        assert!(!same_content(&d, b""), "a folder is not a file");
    }

    #[cfg(unix)]
    #[test]
    fn an_output_that_is_a_symlink_is_replaced_without_emptying_its_target() {
        let d = tmp("symlink");
        let target = d.join("target-site");
        write_site(&target, &site(&[("index.html", "one"), ("a/b.html", "b")])).unwrap();
        let link = d.join("link");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        write_site(&link, &site(&[("index.html", "two")])).unwrap();
        assert_eq!(fs::read_to_string(link.join("index.html")).unwrap(), "two");
        assert_eq!(fs::read_to_string(target.join("a/b.html")).unwrap(), "b");
        assert!(!sibling(&link, "old").exists());
        // And the next build works too.
        write_site(&link, &site(&[("index.html", "three")])).unwrap();
        assert_eq!(
            fs::read_to_string(link.join("index.html")).unwrap(),
            "three"
        );
    }

    fn tmp(name: &str) -> PathBuf {
        let d =
            std::env::temp_dir().join(format!("plansite-write-{}-{}", name, std::process::id()));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(&d).unwrap();
        d
    }

    fn site(pairs: &[(&str, &str)]) -> BTreeMap<String, Vec<u8>> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
            .collect()
    }

    fn read(out: &Path, rel: &str) -> String {
        fs::read_to_string(out.join(rel)).unwrap()
    }

    /// Every file under `root` with its bytes, to compare whole trees.
    fn snapshot(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut files = BTreeMap::new();
        for entry in fs::read_dir(root).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files.extend(snapshot(&path));
            } else {
                files.insert(path.clone(), fs::read(&path).unwrap());
            }
        }
        files
    }

    #[cfg(unix)]
    fn ino(path: &Path) -> u64 {
        std::os::unix::fs::MetadataExt::ino(&fs::metadata(path).unwrap())
    }

    #[test]
    fn replaces_the_previous_site_whole() {
        let d = tmp("replace");
        let out = d.join("public");
        write_site(&out, &site(&[("index.html", "one"), ("a/b.html", "b")])).unwrap();
        write_site(&out, &site(&[("index.html", "two")])).unwrap();
        assert_eq!(read(&out, "index.html"), "two");
        assert!(!out.join("a/b.html").exists());
        assert!(!sibling(&out, "old").exists());
        assert!(!sibling(&out, "new").exists());
    }

    #[cfg(unix)]
    #[test]
    fn links_unchanged_files_and_writes_the_rest() {
        let d = tmp("links");
        let out = d.join("public");
        let first = [
            ("index.html", "same"),
            ("a/b/same.html", "nested, same"),
            ("a/resized.html", "short"),
            ("a/edited.html", "abc"),
            ("a/empty.html", ""),
            ("gone.html", "removed next time"),
        ];
        write_site(&out, &site(&first)).unwrap();
        let before: BTreeMap<&str, u64> = first
            .iter()
            .map(|(rel, _)| (*rel, ino(&out.join(rel))))
            .collect();
        let before_marker = ino(&out.join(MARKER));
        let second = [
            ("index.html", "same"),
            ("a/b/same.html", "nested, same"),
            ("a/resized.html", "longer now"),
            ("a/edited.html", "abd"),
            ("a/empty.html", ""),
            ("new/page.html", "new"),
        ];
        write_site(&out, &site(&second)).unwrap();
        for rel in ["index.html", "a/b/same.html", "a/empty.html"] {
            assert_eq!(
                ino(&out.join(rel)),
                before[rel],
                "{rel}: not a link of the old file"
            );
        }
        for rel in ["a/resized.html", "a/edited.html"] {
            assert_ne!(
                ino(&out.join(rel)),
                before[rel],
                "{rel}: changed, must be a new file"
            );
        }
        for (rel, text) in second {
            assert_eq!(read(&out, rel), text);
        }
        assert!(!out.join("gone.html").exists());
        assert!(!sibling(&out, "old").exists());
        assert_eq!(ino(&out.join(MARKER)), before_marker);
    }

    #[cfg(unix)]
    #[test]
    fn writes_the_bytes_when_linking_fails() {
        let d = tmp("nolink");
        fs::write(d.join("old"), "same").unwrap();
        let unsupported = |_: &Path, _: &Path| Err(io::Error::from(io::ErrorKind::Unsupported));
        place(&d.join("old"), &d.join("new"), b"same", unsupported).unwrap();
        assert_eq!(fs::read_to_string(d.join("new")).unwrap(), "same");
        assert_ne!(ino(&d.join("new")), ino(&d.join("old")));
    }

    #[test]
    fn never_writes_into_an_existing_file() {
        let d = tmp("twice");
        let out = d.join("public");
        write_site(&out, &site(&[("index.html", "old")])).unwrap();
        let staging = Staging::begin(&out).unwrap();
        // A link of the current site's file: writing through it would change that site.
        staging.put("index.html", b"old").unwrap();
        assert!(matches!(
            staging.put("index.html", b"new"),
            Err(WriteError::Io(..))
        ));
        drop(staging);
        assert_eq!(read(&out, "index.html"), "old");
    }

    #[test]
    fn a_staging_dropped_without_commit_leaves_the_site_as_it_was() {
        let d = tmp("drop");
        let out = d.join("public");
        let old = site(&[("index.html", "old"), ("a/b.html", "b"), ("a/c.html", "c")]);
        write_site(&out, &old).unwrap();
        let before = snapshot(&out);
        let staging = Staging::begin(&out).unwrap();
        staging.put("index.html", b"new").unwrap();
        staging.put("a/b.html", b"b").unwrap();
        staging.put("x/y.html", b"y").unwrap();
        drop(staging);
        assert_eq!(snapshot(&out), before);
        assert!(!sibling(&out, "new").exists());

        let unwound = std::panic::catch_unwind(|| {
            let staging = Staging::begin(&out).unwrap();
            staging.put("index.html", b"new").unwrap();
            panic!("a page failed to render");
        });
        assert!(unwound.is_err());
        assert_eq!(snapshot(&out), before);
        assert!(!sibling(&out, "new").exists());
    }

    #[test]
    fn puts_from_many_threads_into_nested_folders() {
        let d = tmp("threads");
        let out = d.join("public");
        let files: BTreeMap<String, Vec<u8>> = (0..400)
            .map(|i| (format!("s{}/t{}/p{i}.html", i % 7, i % 5), vec![b'x'; i]))
            .collect();
        let staging = Staging::begin(&out).unwrap();
        files
            .par_iter()
            .try_for_each(|(rel, bytes)| staging.put(rel, bytes))
            .unwrap();
        staging.commit().unwrap();
        for (rel, bytes) in &files {
            assert_eq!(&fs::read(out.join(rel)).unwrap(), bytes);
        }
        assert!(out.join(MARKER).is_file());
    }

    #[test]
    fn staging_can_be_shared_between_threads() {
        fn sync<T: Sync>() {}
        sync::<Staging>();
    }

    #[test]
    fn rejects_paths_that_leave_the_site() {
        let d = tmp("paths");
        let out = d.join("public");
        let staging = Staging::begin(&out).unwrap();
        for rel in [
            "",
            "/etc/passwd",
            "../escape.html",
            "a/../../b.html",
            "./a.html",
            "a/",
            MARKER,
        ] {
            assert!(
                matches!(staging.put(rel, b"x"), Err(WriteError::BadPath(_))),
                "{rel:?} should be refused"
            );
        }
        assert!(!d.join("escape.html").exists());
        staging.put("a/.plansite-site.html", b"fine").unwrap();
    }

    #[test]
    fn recovers_a_site_left_aside_by_an_interrupted_build() {
        let d = tmp("recover");
        let out = d.join("public");
        write_site(&out, &site(&[("index.html", "old")])).unwrap();
        fs::rename(&out, sibling(&out, "old")).unwrap();
        write_site(&out, &site(&[("index.html", "new")])).unwrap();
        assert_eq!(read(&out, "index.html"), "new");
        assert!(!sibling(&out, "old").exists());

        fs::rename(&out, sibling(&out, "old")).unwrap();
        recover(&out, &sibling(&out, "old")).unwrap();
        assert_eq!(read(&out, "index.html"), "new");
        let staging = Staging::begin(&out).unwrap();
        drop(staging);
        assert_eq!(read(&out, "index.html"), "new");
    }

    #[test]
    fn refuses_to_replace_a_folder_it_did_not_write() {
        let d = tmp("refuse");
        let out = d.join("docs");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("precious.txt"), "keep").unwrap();
        assert!(matches!(
            write_site(&out, &site(&[("index.html", "x")])),
            Err(WriteError::NotOurs(_))
        ));
        assert!(matches!(Staging::begin(&out), Err(WriteError::NotOurs(_))));
        assert_eq!(read(&out, "precious.txt"), "keep");
        assert!(!sibling(&out, "new").exists());
    }
}
