//! write: put a rendered site on disk so that a failed or interrupted build never leaves a
//! half-written or emptied site.
//!
//! The site is written to a fresh folder beside the output, then swapped in: the old output is
//! renamed aside, the new one renamed in, the old one removed. If a build dies between the two
//! renames, the next build finds the aside folder and puts it back before doing anything else.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

/// Marks a folder as written by plansite, so that plansite never replaces a folder it did not make.
pub const MARKER: &str = ".plansite-site";

#[derive(Debug)]
pub enum WriteError {
    /// The output exists, holds files, and was not made by plansite.
    NotOurs(PathBuf),
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
    fs::create_dir_all(&fresh).map_err(io_at(&fresh))?;
    write_tree(&fresh, files)?;
    fs::write(
        fresh.join(MARKER),
        b"written by plansite; this folder is replaced on every build\n",
    )
    .map_err(io_at(&fresh))?;
    swap_in(out, &fresh, &aside)
}

/// A build that died between the two renames left the old site aside: put it back.
fn recover(out: &Path, aside: &Path) -> Result<(), WriteError> {
    if aside.exists() {
        if out.exists() {
            fs::remove_dir_all(aside).map_err(io_at(aside))?;
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

fn write_tree(root: &Path, files: &BTreeMap<String, Vec<u8>>) -> Result<(), WriteError> {
    let mut dirs: Vec<PathBuf> = files
        .keys()
        .filter_map(|k| Path::new(k).parent().map(|p| root.join(p)))
        .collect();
    dirs.sort();
    dirs.dedup();
    for d in &dirs {
        fs::create_dir_all(d).map_err(io_at(d))?;
    }
    files.par_iter().try_for_each(|(rel, bytes)| {
        let p = root.join(rel);
        fs::write(&p, bytes).map_err(io_at(&p))
    })
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
    if aside.exists() {
        fs::remove_dir_all(aside).map_err(io_at(aside))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn replaces_the_previous_site_whole() {
        let d = tmp("replace");
        let out = d.join("public");
        write_site(&out, &site(&[("index.html", "one"), ("a/b.html", "b")])).unwrap();
        write_site(&out, &site(&[("index.html", "two")])).unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "two");
        assert!(!out.join("a/b.html").exists());
        assert!(!sibling(&out, "old").exists());
        assert!(!sibling(&out, "new").exists());
    }

    #[test]
    fn recovers_a_site_left_aside_by_an_interrupted_build() {
        let d = tmp("recover");
        let out = d.join("public");
        write_site(&out, &site(&[("index.html", "old")])).unwrap();
        fs::rename(&out, sibling(&out, "old")).unwrap();
        recover(&out, &sibling(&out, "old")).unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "old");
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
        assert_eq!(
            fs::read_to_string(out.join("precious.txt")).unwrap(),
            "keep"
        );
    }
}
