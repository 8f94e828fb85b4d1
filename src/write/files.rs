//! One file of the new site in the spare folder: compared with the bytes it should hold,
//! replaced when they differ, and given the modification time a reader of the live site should
//! see (see the module documentation of `write`).

use std::fs::{self, File, Metadata, OpenOptions};
use std::io::{self, Read, Write};
use std::path::Path;
use std::time::SystemTime;

use super::{io_at, WriteError};

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
    if !meta.is_file() || meta.len() != bytes.len() as u64 {
        return None;
    }
    let same = File::open(path).and_then(|file| reads_exactly(file, bytes));
    same.unwrap_or(false).then_some(meta)
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

/// Write `bytes` as a new file at `path`, removing what is there first (`existed`), or a folder
/// of an older site in the way.
fn replace(path: &Path, bytes: &[u8], existed: bool) -> Result<(), WriteError> {
    if existed {
        remove_file(path)?;
    }
    let mut file = match create(path) {
        Err(e) if path.is_dir() => {
            fs::remove_dir_all(path).map_err(io_at(path))?;
            create(path).map_err(|_| WriteError::Io(path.to_path_buf(), e))?
        }
        created => created.map_err(io_at(path))?,
    };
    file.write_all(bytes).map_err(io_at(path))
}

/// A new file (`create_new`): never one opened through a name it shares with another.
pub(super) fn create(path: &Path) -> io::Result<File> {
    OpenOptions::new().write(true).create_new(true).open(path)
}

pub(super) fn remove_file(path: &Path) -> Result<(), WriteError> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(WriteError::Io(path.to_path_buf(), e)),
        _ => Ok(()),
    }
}

/// Make the folder `dir` and those above it. A file of an older site where the new one has a
/// folder is removed first; so is anything else that is not a folder, never followed.
pub(super) fn make_dir(root: &Path, dir: &Path) -> Result<(), WriteError> {
    let path = root.join(dir);
    if fs::create_dir_all(&path).is_ok() {
        return Ok(());
    }
    for above in dir.ancestors().collect::<Vec<_>>().into_iter().rev() {
        let at = root.join(above);
        match fs::symlink_metadata(&at) {
            Ok(meta) if !meta.is_dir() => remove_file(&at)?,
            _ => {}
        }
    }
    // Another thread may be making the same folder: create_dir_all allows that.
    fs::create_dir_all(&path).map_err(io_at(&path))
}

/// Give `path` the modification time a reader should see. `kept`: the spare file already held
/// the bytes, with this metadata; otherwise it was just written, and its time is now.
fn settle_time(
    path: &Path,
    kept: Option<&Metadata>,
    live: &Path,
    bytes: &[u8],
) -> Result<(), WriteError> {
    let live_meta = fs::symlink_metadata(live)
        .ok()
        .filter(|m| m.is_file() && m.len() == bytes.len() as u64);
    let live_time = live_meta.as_ref().and_then(|m| m.modified().ok());
    // The usual case once a site is stable: both copies hold the bytes, with one time.
    if let (Some(kept), Some(live_time)) = (kept, live_time) {
        if kept.modified().ok() == Some(live_time) {
            return Ok(());
        }
    }
    let live_same = live_time.is_some() && holding(live, bytes).is_some();
    match (live_same, live_time, kept) {
        // Best effort: a time that cannot be set costs a cache one fetch, and the bytes are right.
        (true, Some(time), _) => {
            let _ = set_time(path, time);
            Ok(())
        }
        // Bytes the live site does not have, in a file older than the live one.
        (false, _, Some(_)) => {
            set_time(path, SystemTime::now()).or_else(|_| replace(path, bytes, true))
        }
        _ => Ok(()),
    }
}

fn set_time(path: &Path, time: SystemTime) -> Result<(), WriteError> {
    let file = OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(io_at(path))?;
    file.set_modified(time).map_err(io_at(path))
}
