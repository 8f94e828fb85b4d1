//! What the spare folder holds: listed once when a build begins, claimed file by file as the new
//! site is put, and cut down at the end to what the new site has.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use super::{io_at, remove_entry, unless_gone, WriteError};

/// The spare folder's files and folders (site-relative; `""` is the folder itself), each with
/// whether the new site has it: a file put by this build, a folder with something put in it.
#[derive(Debug, Default)]
pub(super) struct Spare {
    files: HashMap<PathBuf, bool>,
    dirs: HashMap<PathBuf, bool>,
}

/// What `claim` found for one file of the new site.
pub(super) struct Claim {
    /// The spare folder had a file of that name when the build began.
    pub existed: bool,
    /// Its folder is not known to exist yet and has to be made.
    pub make_parent: bool,
}

impl Spare {
    /// List the folder at `root`. Anything that is neither a file nor a folder (a symbolic link,
    /// say) is removed now: plansite never makes one, and a link to a folder would let a file
    /// put under it land outside the site.
    pub fn survey(root: &Path) -> Result<Spare, WriteError> {
        let mut spare = Spare::default();
        spare.dirs.insert(PathBuf::new(), false);
        for entry in WalkDir::new(root).min_depth(1) {
            let entry = entry.map_err(|e| {
                let at = e.path().unwrap_or(root).to_path_buf();
                WriteError::Io(at, e.into())
            })?;
            let Ok(rel) = entry.path().strip_prefix(root) else {
                continue;
            };
            let kind = entry.file_type();
            if kind.is_dir() {
                spare.dirs.insert(rel.to_path_buf(), false);
            } else if kind.is_file() {
                spare.files.insert(rel.to_path_buf(), false);
            } else {
                fs::remove_file(entry.path()).map_err(io_at(entry.path()))?;
            }
        }
        Ok(spare)
    }

    /// Record that the new site has `rel`. A name claimed twice is an error: two pages would
    /// overwrite each other.
    pub fn claim(&mut self, rel: &Path) -> Result<Claim, WriteError> {
        let existed = match self.files.insert(rel.to_path_buf(), true) {
            Some(true) => {
                let twice = io::Error::new(io::ErrorKind::AlreadyExists, "put twice in one build");
                return Err(WriteError::Io(rel.to_path_buf(), twice));
            }
            before => before.is_some(),
        };
        let mut make_parent = false;
        for (depth, dir) in rel.ancestors().skip(1).enumerate() {
            match self.dirs.get_mut(dir) {
                Some(used) => *used = true,
                None => make_parent |= depth == 0,
            }
        }
        Ok(Claim {
            existed,
            make_parent,
        })
    }

    /// Record that the folders down to `dir` now exist, once `claim` asked for them.
    pub fn made(&mut self, dir: &Path) {
        for dir in dir.ancestors() {
            self.dirs.insert(dir.to_path_buf(), true);
        }
    }

    /// Remove from `root` every file and folder the new site does not have: a whole folder at a
    /// time where the new site has nothing in it.
    pub fn prune(&self, root: &Path) -> Result<(), WriteError> {
        let aliases = self.aliases(root);
        let kept = |path: &Path| {
            let parent = path.parent().unwrap_or(Path::new(""));
            self.dirs.get(parent).copied().unwrap_or(false) || aliases.contains(parent)
        };
        let stale = |path: &Path| !aliases.contains(path) && kept(path);
        let dirs = self.dirs.iter().filter(|(dir, used)| !**used && stale(dir));
        let files = self
            .files
            .iter()
            .filter(|(file, put)| !**put && stale(file));
        let gone: Vec<(&PathBuf, bool)> = dirs
            .map(|(dir, _)| (dir, true))
            .chain(files.map(|(file, _)| (file, false)))
            .collect();
        gone.par_iter()
            .try_for_each(|(rel, is_dir)| remove_if(&root.join(rel), *is_dir))
    }

    /// The names the new site does not have that are, on this disk, names it has: on a
    /// case-insensitive file system, `Logo.png` when the site now has `logo.png` (a static file
    /// renamed) is the new file, and removing it would remove that.
    fn aliases(&self, root: &Path) -> HashSet<&Path> {
        let left: Vec<&Path> = (self.files.iter().chain(&self.dirs))
            .filter(|(_, used)| !**used)
            .map(|(path, _)| path.as_path())
            .collect();
        if left.is_empty() {
            return HashSet::new();
        }
        let lower = |p: &Path| p.to_string_lossy().to_lowercase();
        let has: HashMap<String, &Path> = (self.files.iter().chain(&self.dirs))
            .filter(|(_, used)| **used)
            .map(|(path, _)| (lower(path), path.as_path()))
            .collect();
        left.into_iter()
            .filter(|p| {
                has.get(&lower(p)).is_some_and(|q| {
                    same_file::is_same_file(root.join(p), root.join(q)).unwrap_or(false)
                })
            })
            .collect()
    }
}

/// Remove `path` if it is still what the listing found: a name that was a file and is now a
/// folder of the new site (or the other way round) stays.
fn remove_if(path: &Path, is_dir: bool) -> Result<(), WriteError> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() == is_dir => {}
        _ => return Ok(()),
    }
    unless_gone(path, remove_entry(path, is_dir))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> PathBuf {
        PathBuf::from(s)
    }

    #[test]
    fn claims_mark_the_file_and_every_folder_above_it() {
        let mut spare = Spare::default();
        spare.dirs.insert(p(""), false);
        spare.dirs.insert(p("a"), false);
        spare.dirs.insert(p("a/b"), false);
        spare.dirs.insert(p("c"), false);
        spare.files.insert(p("a/b/x.html"), false);
        let claim = spare.claim(Path::new("a/b/x.html")).unwrap();
        assert!(claim.existed && !claim.make_parent);
        assert!(spare.dirs[&p("a")]);
        assert!(spare.dirs[&p("")]);
        assert!(!spare.dirs[&p("c")]);
        let claim = spare.claim(Path::new("a/new/y.html")).unwrap();
        assert!(!claim.existed && claim.make_parent);
        spare.made(Path::new("a/new"));
        assert!(!spare.claim(Path::new("a/new/z.html")).unwrap().make_parent);
        assert!(matches!(
            spare.claim(Path::new("a/b/x.html")),
            Err(WriteError::Io(..))
        ));
    }
}
