//! Watching the plan folder: recursive, debounced, and blind to what is not the plan.
//!
//! Editors save in many ways (write in place; write a temp file and rename it over the original;
//! delete and recreate), so the whole folder is watched, not single files, and every relevant
//! event within a quiet period becomes one change. The output folder, hidden files and editor
//! temp files are ignored, so a rebuild never triggers another.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::{Duration, Instant};

use notify::{Config, Event, EventKind, PollWatcher, RecommendedWatcher, RecursiveMode, Watcher};

/// Events closer together than this are one change.
const QUIET: Duration = Duration::from_millis(100);
/// A change is reported after this long even while events keep coming.
const MAX_WAIT: Duration = Duration::from_secs(2);
/// How often the polling watcher looks at the files.
const POLL_INTERVAL: Duration = Duration::from_millis(500);

/// Files changed in the plan folder.
#[derive(Debug)]
pub struct Change {
    /// When the first event of the change arrived (rebuild times are measured from here).
    pub first_event: Instant,
    /// Changed paths, relative to the plan folder, sorted.
    pub paths: Vec<String>,
    /// Whether the watcher lost events (its queue overflowed, or it reported an error), so that
    /// `paths` may miss some changes.
    pub rescan: bool,
}

impl Change {
    /// Fold a later change into this one.
    pub fn merge(&mut self, other: Change) {
        self.first_event = self.first_event.min(other.first_event);
        self.rescan |= other.rescan;
        self.paths.extend(other.paths);
        self.paths.sort();
        self.paths.dedup();
    }
}

/// A running watcher; it stops when dropped.
pub struct Watch {
    watcher: Box<dyn Watcher + Send>,
    root: PathBuf,
    /// Polling only: the top-level folders watched one by one (so that `.git` and `public/` are
    /// never read and hashed on every poll).
    polled: Option<BTreeSet<PathBuf>>,
}

/// Watch `plan_dir` (canonical) recursively and send a [`Change`] for every burst of relevant
/// events.
pub fn start(plan_dir: &Path, poll: bool, tx: Sender<Change>) -> notify::Result<Watch> {
    let (raw_tx, raw_rx) = channel::<Change>();
    let root = plan_dir.to_path_buf();
    // Set for good once the watcher reports an error: it may have stopped watching a folder
    // (inotify's watch limit, say), so no later change can be trusted to name every path.
    let mut degraded = false;
    let handler = move |res: notify::Result<Event>| match res {
        Ok(event) => {
            let paths = relevant_paths(&root, &event);
            if !paths.is_empty() || event.need_rescan() {
                let _ = raw_tx.send(Change {
                    first_event: Instant::now(),
                    paths,
                    rescan: degraded || event.need_rescan(),
                });
            }
        }
        Err(e) => {
            eprintln!(
                "warning: watching the plan folder: {e}; every rebuild now reads the whole folder"
            );
            degraded = true;
            let _ = raw_tx.send(Change {
                first_event: Instant::now(),
                paths: Vec::new(),
                rescan: true,
            });
        }
    };
    let mut watch = if poll {
        // File times have one-second resolution here; hashing contents catches quick saves.
        let config = Config::default()
            .with_poll_interval(POLL_INTERVAL)
            .with_compare_contents(true);
        let mut watcher: Box<dyn Watcher + Send> = Box::new(PollWatcher::new(handler, config)?);
        watcher.watch(plan_dir, RecursiveMode::NonRecursive)?;
        let polled = Some(BTreeSet::new());
        Watch {
            watcher,
            root: plan_dir.to_path_buf(),
            polled,
        }
    } else {
        let mut watcher: Box<dyn Watcher + Send> =
            Box::new(RecommendedWatcher::new(handler, Config::default())?);
        watcher.watch(plan_dir, RecursiveMode::Recursive)?;
        Watch {
            watcher,
            root: plan_dir.to_path_buf(),
            polled: None,
        }
    };
    watch.refresh();
    thread::Builder::new()
        .name("debounce".into())
        .spawn(move || debounce(raw_rx, tx))
        .map_err(notify::Error::io)?;
    Ok(watch)
}

impl Watch {
    /// Polling only: watch top-level plan folders that appeared, forget those that went. Call it
    /// before every rebuild, so a new folder's files are seen from then on.
    pub fn refresh(&mut self) {
        let Some(polled) = &mut self.polled else {
            return;
        };
        let current: BTreeSet<PathBuf> = std::fs::read_dir(&self.root)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.path().is_dir() && is_relevant(&e.file_name().to_string_lossy()))
            .map(|e| e.path())
            .collect();
        for gone in polled.difference(&current) {
            let _ = self.watcher.unwatch(gone);
        }
        for new in current.difference(polled) {
            if let Err(e) = self.watcher.watch(new, RecursiveMode::Recursive) {
                eprintln!("warning: cannot watch {}: {e}", new.display());
            }
        }
        *polled = current;
    }
}

/// Turn bursts of raw events into changes, each sent once the folder has been quiet for a moment.
fn debounce(raw: Receiver<Change>, tx: Sender<Change>) {
    while let Ok(mut change) = raw.recv() {
        loop {
            match raw.recv_timeout(QUIET) {
                Ok(more) => {
                    change.merge(more);
                    if change.first_event.elapsed() >= MAX_WAIT {
                        break;
                    }
                }
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => {
                    let _ = tx.send(change);
                    return;
                }
            }
        }
        if tx.send(change).is_err() {
            return;
        }
    }
}

/// The plan-relative paths of an event that matter; reads (opening a file) never do.
fn relevant_paths(root: &Path, event: &Event) -> Vec<String> {
    if matches!(event.kind, EventKind::Access(_)) {
        return Vec::new();
    }
    event
        .paths
        .iter()
        .filter_map(|p| relative(root, p))
        .filter(|rel| is_relevant(rel))
        .collect()
}

fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(parts.join("/"))
}

/// Whether a change to this plan-relative path (`/` separated) should rebuild the site.
pub fn is_relevant(rel: &str) -> bool {
    let parts: Vec<&str> = rel.split('/').collect();
    let Some(name) = parts.last().copied().filter(|n| !n.is_empty()) else {
        return false;
    };
    let hidden = parts.iter().any(|p| p.starts_with('.'));
    !(hidden || parts[0] == "public" || is_editor_temp(name))
}

/// Swap, backup, lock and probe files that editors write beside the real one.
fn is_editor_temp(name: &str) -> bool {
    const SUFFIXES: &[&str] = &[
        "~",
        ".swp",
        ".swo",
        ".swx",
        ".swpx",
        ".tmp",
        ".bak",
        ".crswap",
        "___jb_tmp___",
        "___jb_old___",
    ];
    name == "4913"
        || (name.starts_with('#') && name.ends_with('#'))
        || SUFFIXES.iter().any(|s| name.ends_with(s))
}

/// For messages: the changed paths, shortened.
pub fn describe(paths: &[String]) -> String {
    const SHOWN: usize = 3;
    if paths.is_empty() {
        // A change the watcher could not name (it lost events): everything is read again.
        return "the whole plan folder".to_string();
    }
    let mut text = paths
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if paths.len() > SHOWN {
        text.push_str(&format!(" and {} more", paths.len() - SHOWN));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_files_are_relevant() {
        for rel in [
            "plan.toml",
            "strategy.md",
            "departments/sales/initiatives/crm.md",
            "templates/base.html",
            "static/logo.svg",
            "themes/dark/static/style.css",
            "departments/new-dept",
        ] {
            assert!(is_relevant(rel), "{rel}");
        }
    }

    #[test]
    fn output_hidden_and_temp_files_are_not() {
        for rel in [
            "public/index.html",
            ".git/index",
            "goals/.strategy.md.swp",
            "goals/x.md.swp",
            "strategy.md~",
            "goals/.#x.md",
            "goals/#x.md#",
            "4913",
            "departments/4913",
            ".plansite-site",
            "",
        ] {
            assert!(!is_relevant(rel), "{rel}");
        }
    }

    #[test]
    fn changes_merge_their_paths_and_any_loss_of_events() {
        let at = Instant::now();
        let change = |paths: &[&str], rescan| Change {
            first_event: at,
            paths: paths.iter().map(|p| p.to_string()).collect(),
            rescan,
        };
        let mut c = change(&["b.md", "a.md"], false);
        c.merge(change(&["a.md"], false));
        assert_eq!(
            (c.paths.clone(), c.rescan),
            (vec!["a.md".into(), "b.md".into()], false)
        );
        c.merge(change(&[], true));
        assert!(c.rescan, "a lost event survives the merge");
        assert_eq!(describe(&c.paths), "a.md, b.md");
        assert_eq!(describe(&[]), "the whole plan folder");
    }
}
