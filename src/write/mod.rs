//! write: put a rendered site on disk so that a failed or interrupted build never leaves a
//! half-written or emptied site, and so that rebuilding an unchanged site costs little.
//!
//! # Two folders, swapped
//!
//! A build never writes into the output. It makes the *spare* folder beside it
//! (`.NAME.plansite-prev`) into the new site, then swaps the two: the output is renamed aside
//! (`.NAME.plansite-old`), the spare renamed in, and the old output renamed to be the next
//! build's spare. If a build dies between the first two renames, the next build finds the aside
//! folder and puts it back before doing anything else; a build that fails before the swap leaves
//! the output as it was, and a spare that the next build brings up to date. plansite only ever
//! replaces an output folder that is empty or carries its marker file [`MARKER`]. One build at
//! a time: a second one of the same output stops at once (see [`lock_site`]). A spare folder
//! removed during a build fails that build; the folders in it are made one level at a time,
//! never the spare itself again.
//!
//! # Only changed files are written
//!
//! The spare folder holds the site from the build before the last one, so most of its files
//! already hold the bytes the new site needs. [`Staging::begin`] lists it; [`Staging::put`],
//! called from any number of threads as pages are rendered (nothing has to hold the whole site in
//! memory), compares each new file with the spare one of the same name (length from its
//! metadata, then content) and writes only when they differ; [`Staging::commit`] removes what the
//! new site no longer has. Writing a new file for every page and deleting the previous one, or
//! hard-linking every unchanged one, was a quarter to a sixth of a build's time, all of it in
//! the kernel (ext4 creating and dropping 7,000 names). The cost is disk space: the spare is a
//! second copy of the site. Content is compared byte for byte, not through a recorded hash, so a
//! file edited by hand is never mistaken for the rendered one.
//!
//! A file is never written into: a changed one is removed and created anew, so that a file
//! that shares its inode with another (a hard link made by hand, or by an earlier plansite)
//! never changes under that other name.
//!
//! # Modification times
//!
//! A file's time should change when, and only when, its bytes change for a reader of the live
//! site: HTTP caches and rsync-style deploys trust it. A spare file that already holds the new
//! bytes may still be older than the live file it replaces (a page changed and changed back), and
//! a file written anew may hold the bytes the live one already had. So each file's time is
//! settled against the live one of the same name: the live file's time when the live bytes are
//! the same, a new time when they differ. Once both copies carry one time, a live file of the
//! same length and time is taken to hold the same bytes without reading it: on a disk whose file
//! times are coarse (FAT's two seconds), or after a hand edit that kept both, a changed file could
//! keep its time. The data export, written as a stream ([`Staging::put_with`]), is always written
//! anew and so always gets a new time.

mod files;
mod spare;

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use rayon::prelude::*;

use spare::Spare;

/// Marks a folder as written by plansite, so that plansite never replaces a folder it did not make.
pub const MARKER: &str = ".plansite-site";

const MARKER_TEXT: &[u8] = b"written by plansite; this folder is replaced on every build\n";

#[derive(Debug)]
pub enum WriteError {
    /// The output exists, holds files, and was not made by plansite.
    NotOurs(PathBuf),
    /// A site path that is empty, absolute, leaves the site (`..`) or names the marker.
    BadPath(String),
    /// Another build is writing the same output (it holds the lock file beside it).
    Busy(PathBuf),
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
            WriteError::Busy(p) => write!(
                f,
                "another plansite build is writing {}; wait for it to finish (it holds {})",
                p.display(),
                sibling(p, "lock").display()
            ),
            WriteError::Io(p, e) => write!(f, "cannot write {}: {}", p.display(), e),
        }
    }
}

impl std::error::Error for WriteError {}

fn io_at(p: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |e| WriteError::Io(p.to_path_buf(), e)
}

/// The result of removing `path`, where finding it already gone is success.
fn unless_gone(path: &Path, removed: io::Result<()>) -> Result<(), WriteError> {
    match removed {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(WriteError::Io(path.to_path_buf(), e)),
        _ => Ok(()),
    }
}

/// Remove a folder with all it holds, or a file (a symbolic link is a file here: the link goes,
/// never what it points to).
fn remove_entry(path: &Path, is_dir: bool) -> io::Result<()> {
    if is_dir {
        fs::remove_dir_all(path)
    } else {
        fs::remove_file(path)
    }
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

/// A site being made in the spare folder beside `out`; see the module documentation.
pub struct Staging {
    out: PathBuf,
    spare: PathBuf,
    aside: PathBuf,
    listing: Mutex<Spare>,
    /// Held until the build ends, whichever way (see [`lock_site`]).
    _lock: File,
}

impl Staging {
    /// Put back a site left aside by an interrupted build, refuse an output plansite did not
    /// write, and list the spare folder (making an empty one if there is none).
    pub fn begin(out: &Path) -> Result<Staging, WriteError> {
        if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent).map_err(io_at(parent))?;
        }
        let lock = lock_site(out)?;
        let aside = sibling(out, "old");
        let spare = sibling(out, "prev");
        recover(out, &aside, &spare)?;
        guard_ours(out)?;
        // Where builds before the spare folder was kept wrote theirs; one that died left it.
        remove_tree(&sibling(out, "new"))?;
        ready_spare(&spare)?;
        let listing = Mutex::new(Spare::survey(&spare)?);
        Ok(Staging {
            out: out.to_path_buf(),
            spare,
            aside,
            listing,
            _lock: lock,
        })
    }

    /// Add one file to the new site (thread-safe; each `rel` once): written only when the spare
    /// file of that name does not hold `bytes` already.
    pub fn put(&self, rel: &str, bytes: &[u8]) -> Result<(), WriteError> {
        let rel = checked_rel(rel)?;
        let existed = self.claim(rel)?;
        files::place(&self.spare.join(rel), &self.out.join(rel), bytes, existed)
    }

    /// Add one file written by `write` straight into the new site, for files too large to hold
    /// in memory whole (the data export). Always a new file: it is not compared with the old.
    pub fn put_with(
        &self,
        rel: &str,
        write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> Result<(), WriteError> {
        let rel = checked_rel(rel)?;
        let path = self.spare.join(rel);
        let file = files::create_fresh(&path, self.claim(rel)?)?;
        let mut out = io::BufWriter::with_capacity(1 << 16, file);
        write(&mut out)
            .and_then(|()| out.flush())
            .map_err(io_at(&path))
    }

    /// Write the marker, remove what the new site does not have, and swap it in.
    pub fn commit(self) -> Result<(), WriteError> {
        let marker = Path::new(MARKER);
        let existed = self.claim(marker)?;
        files::place(
            &self.spare.join(marker),
            &self.out.join(marker),
            MARKER_TEXT,
            existed,
        )?;
        self.listing().prune(&self.spare)?;
        // On failure the old site is back in place, and the spare folder stays the spare.
        swap_in(&self.out, &self.spare, &self.aside)?;
        keep_aside(&self.aside, &self.spare)
    }

    /// Claim `rel` in the listing and make its folder if needed; whether the spare folder had
    /// a file of that name.
    fn claim(&self, rel: &Path) -> Result<bool, WriteError> {
        let claim = self.listing().claim(rel)?;
        if let Some(parent) = rel.parent().filter(|_| claim.make_parent) {
            // Not under the lock: two threads may both make a folder, which make_dir allows.
            files::make_dir(&self.spare, parent)?;
            self.listing().made(parent);
        }
        Ok(claim.existed)
    }

    fn listing(&self) -> MutexGuard<'_, Spare> {
        // The listing changes only by whole inserts and updates, so a thread that panicked
        // holding the lock left it consistent: a poisoned lock is still usable.
        self.listing.lock().unwrap_or_else(PoisonError::into_inner)
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

/// Only one build at a time may make the site at `out`: two would bring the same spare folder
/// up to date, and each one's swap would publish the other's half-written files. The lock is
/// the operating system's, on a file beside the output (`.NAME.plansite-lock`), so it is
/// released when the build ends however it ends, even killed.
fn lock_site(out: &Path) -> Result<File, WriteError> {
    let path = sibling(out, "lock");
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io_at(&path))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(TryLockError::WouldBlock) => Err(WriteError::Busy(out.to_path_buf())),
        Err(TryLockError::Error(e)) => Err(WriteError::Io(path, e)),
    }
}

/// A build that died during the renames of `commit` left the old site aside: put it back when
/// there is no output, or else keep it as the spare folder.
fn recover(out: &Path, aside: &Path, spare: &Path) -> Result<(), WriteError> {
    if fs::symlink_metadata(aside).is_err() {
        return Ok(());
    }
    if out.exists() {
        keep_aside(aside, spare)
    } else {
        fs::rename(aside, out).map_err(io_at(out))
    }
}

/// The old output, renamed aside by the swap, becomes the next build's spare folder. Unless it is
/// not a folder of its own: an output given as a symbolic link was renamed aside as the link,
/// which is removed, never what it points to.
fn keep_aside(aside: &Path, spare: &Path) -> Result<(), WriteError> {
    let own_folder = fs::symlink_metadata(aside).is_ok_and(|m| m.is_dir());
    if own_folder && fs::symlink_metadata(spare).is_err() {
        fs::rename(aside, spare).map_err(io_at(spare))
    } else {
        remove_tree(aside)
    }
}

/// Make sure the spare folder is a folder of its own, empty when there was none.
fn ready_spare(spare: &Path) -> Result<(), WriteError> {
    let is_dir = fs::symlink_metadata(spare).map(|m| m.is_dir());
    if let Ok(false) = is_dir {
        fs::remove_file(spare).map_err(io_at(spare))?;
    }
    if !matches!(is_dir, Ok(true)) {
        fs::create_dir(spare).map_err(io_at(spare))?;
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

fn swap_in(out: &Path, spare: &Path, aside: &Path) -> Result<(), WriteError> {
    if out.exists() {
        fs::rename(out, aside).map_err(io_at(out))?;
    }
    if let Err(e) = fs::rename(spare, out) {
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
        remove_entry(&path, is_dir).map_err(io_at(&path))
    })?;
    fs::remove_dir(root).map_err(io_at(root))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holding_compares_every_byte_across_chunks() {
        let d = tmp("same-content");
        fs::create_dir_all(&d).unwrap();
        let big: Vec<u8> = (0..3 * files::COMPARE_CHUNK + 17)
            .map(|i| (i % 251) as u8)
            .collect();
        let file = d.join("big");
        fs::write(&file, &big).unwrap();
        assert!(files::holding(&file, &big).is_some());
        for at in [
            0,
            files::COMPARE_CHUNK - 1,
            files::COMPARE_CHUNK,
            big.len() - 1,
        ] {
            let mut other = big.clone();
            other[at] ^= 1;
            assert!(
                files::holding(&file, &other).is_none(),
                "a difference at byte {at}"
            );
        }
        assert!(files::holding(&file, &big[..big.len() - 1]).is_none());
        let empty = d.join("empty");
        fs::write(&empty, b"").unwrap();
        assert!(files::holding(&empty, b"").is_some());
        assert!(files::holding(&empty, b"x").is_none());
        assert!(files::holding(&d.join("missing"), b"").is_none());
        assert!(files::holding(&d, b"").is_none(), "a folder is not a file");
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
    #[test]
    fn replaces_the_previous_site_whole() {
        let d = tmp("replace");
        let out = d.join("public");
        write_site(&out, &site(&[("index.html", "one"), ("a/b.html", "b")])).unwrap();
        write_site(&out, &site(&[("index.html", "two")])).unwrap();
        assert_eq!(read(&out, "index.html"), "two");
        assert!(!out.join("a/b.html").exists());
        assert!(!sibling(&out, "old").exists());
        assert_eq!(
            read(&sibling(&out, "prev"), "a/b.html"),
            "b",
            "the old site is the spare"
        );
    }

    /// Build `first`, then `second`, then `third` into `out`, so that the third build makes the
    /// first one's tree (the spare) into its site; check that it holds exactly `third`. Before
    /// the third build each spare file gets a second name outside the site, so that a file kept
    /// has two names after it and a file written anew one (inode numbers alone would not tell:
    /// the file system may give a removed file's number to the next new one).
    fn three_builds(
        out: &Path,
        first: &[(&str, &str)],
        second: &[(&str, &str)],
        third: &[(&str, &str)],
    ) {
        write_site(out, &site(first)).unwrap();
        write_site(out, &site(second)).unwrap();
        let pins = out.with_extension("pins");
        fs::create_dir_all(&pins).unwrap();
        let spare = sibling(out, "prev");
        for (i, file) in snapshot(&spare).keys().enumerate() {
            fs::hard_link(file, pins.join(i.to_string())).unwrap();
        }
        write_site(out, &site(third)).unwrap();
        let mut expected = site(third);
        expected.insert(MARKER.into(), MARKER_TEXT.to_vec());
        let expected: BTreeMap<PathBuf, Vec<u8>> = expected
            .into_iter()
            .map(|(rel, bytes)| (out.join(rel), bytes))
            .collect();
        assert_eq!(snapshot(out), expected);
        assert!(!sibling(out, "old").exists());
    }

    #[cfg(unix)]
    fn names(path: &Path) -> u64 {
        std::os::unix::fs::MetadataExt::nlink(&fs::metadata(path).unwrap())
    }

    #[cfg(unix)]
    #[test]
    fn writes_only_the_files_that_changed_since_the_spare_site() {
        let d = tmp("changed");
        let out = d.join("public");
        let first = [
            ("index.html", "same"),
            ("a/b/same.html", "nested, same"),
            ("a/resized.html", "short"),
            ("a/edited.html", "abc"),
            ("a/empty.html", ""),
            ("a/gone.html", "removed by the third build"),
            (
                "old/deep/page.html",
                "a folder the third site does not have",
            ),
        ];
        let third = [
            ("index.html", "same"),
            ("a/b/same.html", "nested, same"),
            ("a/resized.html", "longer now"),
            ("a/edited.html", "abd"),
            ("a/empty.html", ""),
            ("new/page.html", "new"),
        ];
        three_builds(&out, &first, &[("index.html", "between")], &third);
        for rel in ["index.html", "a/b/same.html", "a/empty.html", MARKER] {
            assert_eq!(names(&out.join(rel)), 2, "{rel}: unchanged, must be kept");
        }
        for rel in ["a/resized.html", "a/edited.html", "new/page.html"] {
            assert_eq!(
                names(&out.join(rel)),
                1,
                "{rel}: changed, must be a new file"
            );
        }
        assert!(!out.join("old").exists());
        // The second site is now the spare, and it is still whole.
        assert_eq!(read(&sibling(&out, "prev"), "index.html"), "between");
    }

    #[test]
    fn a_file_can_become_a_folder_and_a_folder_a_file() {
        let d = tmp("file-folder");
        let out = d.join("public");
        three_builds(
            &out,
            &[("a", "a file")],
            &[("b", "b")],
            &[("a/x.html", "now a folder")],
        );
        let out = d.join("other");
        let folder = [("d/x.html", "x"), ("d/e/y.html", "y")];
        three_builds(&out, &folder, &[("b", "b")], &[("d", "now a file")]);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_in_the_spare_folder_is_removed_never_followed() {
        let d = tmp("spare-link");
        let out = d.join("public");
        write_site(&out, &site(&[("index.html", "one")])).unwrap();
        write_site(&out, &site(&[("index.html", "two")])).unwrap();
        let elsewhere = d.join("elsewhere");
        fs::create_dir_all(&elsewhere).unwrap();
        std::os::unix::fs::symlink(&elsewhere, sibling(&out, "prev").join("a")).unwrap();
        write_site(&out, &site(&[("a/x.html", "x")])).unwrap();
        assert_eq!(read(&out, "a/x.html"), "x");
        assert!(fs::symlink_metadata(out.join("a")).unwrap().is_dir());
        assert_eq!(fs::read_dir(&elsewhere).unwrap().count(), 0);
    }

    #[cfg(unix)]
    #[test]
    fn never_writes_into_a_file_shared_with_the_live_site() {
        let d = tmp("shared");
        let out = d.join("public");
        write_site(&out, &site(&[("index.html", "old")])).unwrap();
        write_site(&out, &site(&[("index.html", "old")])).unwrap();
        // A spare file that is a hard link of the live one, as an earlier plansite made them.
        let spare = sibling(&out, "prev").join("index.html");
        fs::remove_file(&spare).unwrap();
        fs::hard_link(out.join("index.html"), &spare).unwrap();
        let staging = Staging::begin(&out).unwrap();
        staging.put("index.html", b"new").unwrap();
        assert_eq!(read(&out, "index.html"), "old");
        assert!(matches!(
            staging.put("index.html", b"again"),
            Err(WriteError::Io(..))
        ));
        staging.commit().unwrap();
        assert_eq!(read(&out, "index.html"), "new");
        assert_eq!(read(&sibling(&out, "prev"), "index.html"), "old");
    }

    fn set_mtime(path: &Path, secs: u64) {
        let file = fs::OpenOptions::new().write(true).open(path).unwrap();
        let time = std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs);
        file.set_modified(time).unwrap();
    }

    fn mtime(path: &Path) -> std::time::SystemTime {
        fs::metadata(path).unwrap().modified().unwrap()
    }

    #[test]
    fn a_file_keeps_its_time_until_its_bytes_change() {
        let d = tmp("times");
        let out = d.join("public");
        let page = |text: &str| site(&[("p.html", text)]);
        write_site(&out, &page("A")).unwrap();
        set_mtime(&out.join("p.html"), 1_000);
        // Unchanged: the new file is the spare one, given the live file's time.
        write_site(&out, &page("A")).unwrap();
        let first = mtime(&out.join("p.html"));
        assert_eq!(first, mtime(&sibling(&out, "prev").join("p.html")));
        for _ in 0..3 {
            write_site(&out, &page("A")).unwrap();
            assert_eq!(mtime(&out.join("p.html")), first);
        }
        // The spare copy holds the same bytes with another time: it takes the live file's.
        set_mtime(&sibling(&out, "prev").join("p.html"), 500);
        write_site(&out, &page("A")).unwrap();
        assert_eq!(mtime(&out.join("p.html")), first);
        // Changed and changed back: the spare copy holds "A" with its old time, which must not
        // go live, or a cache that saw "B" would keep it.
        write_site(&out, &page("B")).unwrap();
        set_mtime(&out.join("p.html"), 2_000);
        write_site(&out, &page("A")).unwrap();
        let back = mtime(&out.join("p.html"));
        assert!(back > std::time::UNIX_EPOCH + std::time::Duration::from_secs(2_000));
    }

    #[test]
    fn a_streamed_file_replaces_the_spare_one() {
        let d = tmp("streamed");
        let out = d.join("public");
        for text in ["one", "two", "three"] {
            let staging = Staging::begin(&out).unwrap();
            staging
                .put_with("data/plan.json", |w| w.write_all(text.as_bytes()))
                .unwrap();
            staging.commit().unwrap();
            assert_eq!(read(&out, "data/plan.json"), text);
        }
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

        let unwound = std::panic::catch_unwind(|| {
            let staging = Staging::begin(&out).unwrap();
            staging.put("index.html", b"new").unwrap();
            panic!("a page failed to render");
        });
        assert!(unwound.is_err());
        assert_eq!(snapshot(&out), before);
        // The spare folder, half made into another site, is brought up to date by the next build.
        write_site(&out, &old).unwrap();
        assert_eq!(snapshot(&out), before);
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
    fn recovers_a_site_left_aside_by_a_build_killed_between_the_renames() {
        let d = tmp("recover");
        let out = d.join("public");
        let (aside, spare) = (sibling(&out, "old"), sibling(&out, "prev"));
        write_site(&out, &site(&[("index.html", "one")])).unwrap();
        write_site(&out, &site(&[("index.html", "two")])).unwrap();
        // Killed after the first rename: no output; the live site aside, the new one the spare.
        fs::rename(&out, &aside).unwrap();
        recover(&out, &aside, &spare).unwrap();
        assert_eq!(read(&out, "index.html"), "two", "the live site is put back");
        assert_eq!(read(&spare, "index.html"), "one");
        assert!(!aside.exists());
        // Killed after the second: the new site is in place, the old one aside, no spare.
        fs::rename(&spare, &aside).unwrap();
        recover(&out, &aside, &spare).unwrap();
        assert_eq!(read(&out, "index.html"), "two");
        assert_eq!(
            read(&spare, "index.html"),
            "one",
            "the old site becomes the spare"
        );
        assert!(!aside.exists());
        // And the next build finds everything in order.
        write_site(&out, &site(&[("index.html", "three")])).unwrap();
        assert_eq!(read(&out, "index.html"), "three");
        assert_eq!(read(&spare, "index.html"), "two");
    }

    #[test]
    fn a_second_build_of_the_same_site_waits_for_none_and_fails_at_once() {
        let d = tmp("busy");
        let out = d.join("public");
        write_site(&out, &site(&[("index.html", "one")])).unwrap();
        let first = Staging::begin(&out).unwrap();
        let second = Staging::begin(&out);
        assert!(matches!(second, Err(WriteError::Busy(_))));
        first.put("index.html", b"two").unwrap();
        first.commit().unwrap();
        write_site(&out, &site(&[("index.html", "three")])).unwrap();
        assert_eq!(read(&out, "index.html"), "three");
    }

    #[test]
    fn a_spare_folder_removed_during_the_build_fails_it_and_keeps_the_site() {
        let d = tmp("spare-gone");
        let out = d.join("public");
        let old = site(&[("index.html", "one"), ("a/b.html", "b")]);
        write_site(&out, &old).unwrap();
        write_site(&out, &old).unwrap();
        let before = snapshot(&out);
        let staging = Staging::begin(&out).unwrap();
        staging.put("index.html", b"two").unwrap();
        fs::remove_dir_all(sibling(&out, "prev")).unwrap();
        assert!(staging.put("new/page.html", b"x").is_err());
        assert!(staging.commit().is_err());
        assert_eq!(snapshot(&out), before);
        write_site(&out, &site(&[("index.html", "two")])).unwrap();
        assert_eq!(read(&out, "index.html"), "two");
    }

    #[test]
    fn a_streamed_file_replaces_a_folder_of_the_same_name() {
        let d = tmp("streamed-folder");
        let out = d.join("public");
        write_site(&out, &site(&[("data/plan.json/x", "a folder then")])).unwrap();
        write_site(&out, &site(&[("index.html", "between")])).unwrap();
        let staging = Staging::begin(&out).unwrap();
        staging
            .put_with("data/plan.json", |w| w.write_all(b"{}"))
            .unwrap();
        staging.commit().unwrap();
        assert_eq!(read(&out, "data/plan.json"), "{}");
    }

    #[cfg(unix)]
    #[test]
    fn a_stale_name_that_is_another_name_of_a_new_file_is_kept() {
        // On a case-insensitive disk `Logo.png` and `logo.png` are one file; here a second hard
        // link stands in for that.
        let d = tmp("alias");
        let out = d.join("public");
        write_site(&out, &site(&[("Logo.png", "logo")])).unwrap();
        write_site(&out, &site(&[("index.html", "between")])).unwrap();
        let staging = Staging::begin(&out).unwrap();
        staging.put("logo.png", b"logo, renamed").unwrap();
        let spare = sibling(&out, "prev");
        fs::remove_file(spare.join("Logo.png")).unwrap();
        fs::hard_link(spare.join("logo.png"), spare.join("Logo.png")).unwrap();
        staging.commit().unwrap();
        assert_eq!(read(&out, "logo.png"), "logo, renamed");
        // Removing the stale name would have removed the file on a case-insensitive disk.
        assert!(
            out.join("Logo.png").exists(),
            "the other name of the new file was removed"
        );
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
