//! One file of the new site in the spare folder: compared with the bytes it should hold,
//! replaced when they differ, and given the modification time a reader of the live site should
//! see (see the module documentation of `write`).

use std::fs::{self, File, Metadata, OpenOptions};
use std::io::{self, Read, Write};
use std::path::Path;
use std::time::SystemTime;

use super::{io_at, unless_gone, WriteError};

/// How much of a file is read at a time to compare it with new bytes: large enough for few read
/// calls. The buffer is one per thread, kept between files: allocating it per file made the
/// allocator hand back and fault in fresh pages thousands of times a build.
pub(super) const COMPARE_CHUNK: usize = 64 * 1024;

thread_local! {
    static COMPARE_BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Make `path` hold `bytes`, with the time of `live` (the same name in the live site) when that
/// holds them too. `existed`: the spare folder had a file of that name.
pub(super) fn place(
    path: &Path,
    live: &Path,
    bytes: &[u8],
    existed: bool,
) -> Result<(), WriteError> {
    let kept = if existed { holding(path, bytes) } else { None };
    if kept.is_none() {
        replace(path, bytes, existed)?;
    }
    settle_time(path, kept.as_ref(), live, bytes)
}

/// The metadata of `path` when it is a regular file holding exactly `bytes`. The length comes
/// first (most changed pages change length); any error reading it means "no", and the bytes are
/// simply written.
pub(super) fn holding(path: &Path, bytes: &[u8]) -> Option<Metadata> {
    let meta = fs::symlink_metadata(path).ok()?;
    holds(path, &meta, bytes).then_some(meta)
}

/// Whether `meta` is a regular file's of `bytes`' length.
fn sized_for(meta: &Metadata, bytes: &[u8]) -> bool {
    meta.is_file() && meta.len() == bytes.len() as u64
}

/// Whether `path`, with metadata `meta`, is a regular file holding exactly `bytes`.
fn holds(path: &Path, meta: &Metadata, bytes: &[u8]) -> bool {
    if !sized_for(meta, bytes) {
        return false;
    }
    let same = File::open(path).and_then(|file| reads_exactly(file, bytes));
    same.unwrap_or(false)
}

/// Compare a file, whose length the caller found equal to `expected`'s, with `expected` chunk
/// by chunk, stopping at the first difference.
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

/// Write `bytes` as a new file at `path`, in place of what is there (`existed`: the listing
/// had a file of that name).
fn replace(path: &Path, bytes: &[u8], existed: bool) -> Result<(), WriteError> {
    let mut file = create_fresh(path, existed)?;
    file.write_all(bytes).map_err(io_at(path))
}

/// A new file at `path` (`create_new`: never one opened through a name it shares with another),
/// in place of what is there: the spare file of that name when `existed`, or a folder of an
/// older site.
pub(super) fn create_fresh(path: &Path, existed: bool) -> Result<File, WriteError> {
    if existed {
        remove_file(path)?;
    }
    match create(path) {
        Err(e) if is_dir(path) => {
            fs::remove_dir_all(path).map_err(io_at(path))?;
            create(path).map_err(|_| WriteError::Io(path.to_path_buf(), e))
        }
        // On a case-insensitive disk: a file of an older site under another case (`Logo.png`
        // where the site now has `logo.png`), which the listing could not know by this name.
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            remove_file(path)?;
            create(path).map_err(|_| WriteError::Io(path.to_path_buf(), e))
        }
        created => created.map_err(io_at(path)),
    }
}

pub(super) fn create(path: &Path) -> io::Result<File> {
    OpenOptions::new().write(true).create_new(true).open(path)
}

pub(super) fn remove_file(path: &Path) -> Result<(), WriteError> {
    unless_gone(path, fs::remove_file(path))
}

/// Make the folder `dir` under `root` and those between, one level at a time and never `root`
/// itself: a spare folder removed during the build then fails the build instead of being made
/// again with part of the site. A file of an older site where the new one has a folder is
/// removed first. Several threads may make the same folder at once; each takes the folder it
/// finds made as made.
pub(super) fn make_dir(root: &Path, dir: &Path) -> Result<(), WriteError> {
    let mut at = root.to_path_buf();
    for part in dir.components() {
        at.push(part);
        match fs::create_dir(&at) {
            Ok(()) => continue,
            Err(_) if is_dir(&at) => continue,
            // The spare folder, or a folder above this one, is gone.
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(io_at(&at)(e)),
            Err(_) => {}
        }
        // Something that is not a folder is in the way: a file of an older site.
        if let Err(e) = fs::remove_file(&at) {
            if e.kind() != io::ErrorKind::NotFound && !is_dir(&at) {
                return Err(io_at(&at)(e));
            }
        }
        match fs::create_dir(&at) {
            Err(_) if is_dir(&at) => {}
            made => made.map_err(io_at(&at))?,
        }
    }
    Ok(())
}

fn is_dir(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.is_dir())
}

/// Give `path` the modification time a reader should see. `kept`: the spare file already held
/// the bytes, with this metadata; otherwise it was just written, and its time is now.
fn settle_time(
    path: &Path,
    kept: Option<&Metadata>,
    live: &Path,
    bytes: &[u8],
) -> Result<(), WriteError> {
    let live_meta = fs::symlink_metadata(live).ok();
    let live_time = live_meta.as_ref().and_then(|m| m.modified().ok());
    // The usual case once a site is stable: both copies hold the bytes, with one time.
    let one_time = kept
        .and_then(|k| k.modified().ok())
        .is_some_and(|t| Some(t) == live_time);
    if one_time && live_meta.as_ref().is_some_and(|m| sized_for(m, bytes)) {
        return Ok(());
    }
    let live_same = live_meta.is_some_and(|m| holds(live, &m, bytes));
    match live_time.filter(|_| live_same) {
        // Best effort: a time that cannot be set costs a cache one fetch, and the bytes are right.
        Some(time) => {
            let _ = set_time(path, time);
            Ok(())
        }
        // Bytes the live site does not have, in a file older than the live one.
        None if kept.is_some() => {
            set_time(path, SystemTime::now()).or_else(|_| replace(path, bytes, true))
        }
        None => Ok(()),
    }
}

fn set_time(path: &Path, time: SystemTime) -> Result<(), WriteError> {
    let file = OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(io_at(path))?;
    file.set_modified(time).map_err(io_at(path))
}
