//! The site as `serve` holds it: the checked plan and a renderer. Each file is made the first
//! time a browser asks for it and kept until the next rebuild, so a rebuild costs the check of
//! the plan, not the rendering of thousands of pages nobody is looking at. What a page shows is
//! exactly what `plansite build` writes for it (both go through `render::Renderer`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use crate::render::Renderer;
use crate::Project;

use super::build::Problem;

self_cell::self_cell!(
    /// A checked project and the renderer that borrows its plan and analysis.
    struct Cell {
        owner: Project,
        #[covariant]
        dependent: Renderer,
    }
);

/// The served site: empty until the first good build.
pub struct LiveSite {
    cell: Option<Cell>,
    made: Mutex<HashMap<String, Arc<Vec<u8>>>>,
}

/// Why a site could not be made from a project.
pub enum Unrenderable {
    /// The project has no model or analysis (it had errors).
    NoModel,
    /// The theme could not be loaded.
    Theme(Vec<Problem>),
}

impl LiveSite {
    pub fn empty() -> LiveSite {
        LiveSite {
            cell: None,
            made: Mutex::new(HashMap::new()),
        }
    }

    /// A site for a project that passed `check`.
    pub fn new(project: Project) -> Result<LiveSite, Unrenderable> {
        let cell = Cell::try_new_or_recover(project, |p| {
            let (Some(plan), Some(an)) = (p.plan.as_ref(), p.analysis.as_ref()) else {
                return Err(None);
            };
            Renderer::new(plan, an, &p.loaded).map_err(Some)
        });
        match cell {
            Ok(cell) => {
                let site = LiveSite {
                    cell: Some(cell),
                    made: Mutex::new(HashMap::new()),
                };
                site.render_all_if_themed()?;
                Ok(site)
            }
            Err((_, None)) => Err(Unrenderable::NoModel),
            Err((project, Some(diags))) => Err(Unrenderable::Theme(
                diags
                    .iter()
                    .map(|d| Problem::from_diagnostic(d, &project.loaded.sources))
                    .collect(),
            )),
        }
    }

    /// A plan with its own templates may have one that fails only when a page is rendered. Then
    /// every page is rendered now, so that the failure shows as a failed build, with the
    /// overlay over the last good site, as `plansite build` would fail. The built-in templates
    /// are tested with the project and are rendered lazily.
    fn render_all_if_themed(&self) -> Result<(), Unrenderable> {
        let Some(cell) = &self.cell else {
            return Ok(());
        };
        let project = cell.borrow_owner();
        let settings = project.plan.as_ref().map(|p| &p.settings);
        let themed =
            settings.is_some_and(|s| crate::render::theme::has_own_templates(&project.loaded, s));
        if !themed {
            return Ok(());
        }
        match cell.borrow_dependent().render_all(self) {
            Ok(_) => Ok(()),
            Err(crate::render::Failure::Plan(diags)) | Err(crate::render::Failure::Sink(diags)) => {
                Err(Unrenderable::Theme(
                    diags
                        .iter()
                        .map(|d| Problem::from_diagnostic(d, &project.loaded.sources))
                        .collect(),
                ))
            }
        }
    }

    /// Whether the site has a file at `path` (site-relative, no leading slash).
    pub fn has(&self, path: &str) -> bool {
        self.cell
            .as_ref()
            .is_some_and(|c| c.borrow_dependent().has(path))
    }

    /// The file at `path`, made now if it was not made since the last rebuild; `None` when the
    /// site has no such file, a problem when its template fails.
    pub fn get(&self, path: &str) -> Option<Result<Arc<Vec<u8>>, Problem>> {
        let cell = self.cell.as_ref()?;
        if let Some(bytes) = self.lock().get(path) {
            return Some(Ok(Arc::clone(bytes)));
        }
        // Made outside the lock: other requests go on meanwhile (two at once may both make it).
        let made = cell.borrow_dependent().file(path)?;
        Some(match made {
            Ok(mut bytes) => {
                // Pages are rendered into a buffer sized for a typical page; the cache keeps
                // them for the whole session.
                bytes.shrink_to_fit();
                let bytes = Arc::new(bytes);
                self.lock().insert(path.to_string(), Arc::clone(&bytes));
                Ok(bytes)
            }
            Err(d) => Err(Problem::from_diagnostic(
                &d,
                &cell.borrow_owner().loaded.sources,
            )),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Vec<u8>>>> {
        self.made.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Rendering every page ahead of requests fills the cache.
impl crate::render::Sink for LiveSite {
    type Error = Vec<crate::Diagnostic>;
    fn put(&self, path: &str, mut bytes: Vec<u8>) -> Result<(), Self::Error> {
        bytes.shrink_to_fit();
        self.lock().insert(path.to_string(), Arc::new(bytes));
        Ok(())
    }
    fn put_with(&self, path: &str, write: crate::render::Writer) -> Result<(), Self::Error> {
        let mut bytes = Vec::new();
        write(&mut bytes).map_err(|e| vec![crate::render::export_error(e)])?;
        self.put(path, bytes)
    }
}
