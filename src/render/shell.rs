//! The page shell's shared parts: `nav.html` and `footer.html` depend only on the site, the path
//! back to the root and the page's navigation section, so each is rendered once per folder depth
//! and section and handed to every page as the `nav` and `footer` variables. On a site of 7,000
//! pages this replaces ~50 template expressions per page by two string copies (Hugo's
//! `partialCached` does the same for the same reason).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::{json, Value};

use crate::model::Plan;

use super::pages;

/// The rendered parts, for one depth and section.
pub struct Parts {
    pub nav: String,
    pub footer: String,
}

/// Rendered parts by folder depth, then section, made on first use. The parts see nothing that
/// differs between pages of one key (not even `path`), so renders of the same key racing on
/// two threads give the same bytes, and the loser's copy is simply dropped.
#[derive(Default)]
pub struct Shell {
    parts: Mutex<HashMap<usize, HashMap<String, Arc<Parts>>>>,
}

impl Shell {
    /// The parts for a page at `path` in navigation section `section`.
    pub fn parts(
        &self,
        tera: &tera::Tera,
        plan: &Plan,
        path: &str,
        section: &str,
    ) -> Result<Arc<Parts>, tera::Error> {
        let depth = path.matches('/').count();
        if let Some(found) = self.lock().get(&depth).and_then(|s| s.get(section)) {
            return Ok(found.clone());
        }
        let made = Arc::new(render(tera, plan, depth, section)?);
        let mut parts = self.lock();
        let by_section = parts.entry(depth).or_default();
        Ok(by_section
            .entry(section.to_string())
            .or_insert(made)
            .clone())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<usize, HashMap<String, Arc<Parts>>>> {
        self.parts.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// `nav.html` and `footer.html` with `root`, `site` and `page.section` only.
fn render(
    tera: &tera::Tera,
    plan: &Plan,
    depth: usize,
    section: &str,
) -> Result<Parts, tera::Error> {
    let mut vars = pages::site_vars(plan, depth);
    pages::merge(&mut vars, json!({ "page": { "section": section } }));
    let ctx = tera::Context::from_value(vars)?;
    Ok(Parts {
        nav: render_part(tera, "nav.html", &ctx)?,
        footer: render_part(tera, "footer.html", &ctx)?,
    })
}

/// One part, through the theme's `render_to` so that the link filters know `root` here as
/// they do in pages.
fn render_part(tera: &tera::Tera, name: &str, ctx: &tera::Context) -> Result<String, tera::Error> {
    let mut out = Vec::new();
    super::theme::render_to(tera, name, ctx, &mut out)?;
    String::from_utf8(out).map_err(|e| tera::Error::msg(format!("{name} is not UTF-8: {e}")))
}

/// The page's navigation section, as its variables name it (`page.section`).
pub fn section(vars: &Value) -> &str {
    vars.pointer("/page/section")
        .and_then(Value::as_str)
        .unwrap_or("")
}
