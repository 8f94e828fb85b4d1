//! render: the Plan and its Analysis into a `Site` (page path → bytes). No I/O.

pub mod format;
pub mod markdown;
pub mod pages;
pub mod refs;
pub mod relations;
pub mod theme;

use std::collections::BTreeMap;

use crate::analyze::Analysis;
use crate::diag::Diagnostic;
use crate::load::Loaded;
use crate::model::Plan;

/// A rendered site: sorted map from site-relative path to bytes.
pub type Site = BTreeMap<String, Vec<u8>>;

/// Render the whole site. Errors are template problems or broken links.
pub fn render_site(plan: &Plan, an: &Analysis, loaded: &Loaded) -> Result<Site, Vec<Diagnostic>> {
    let theme = theme::load(loaded, &plan.settings)?;
    let (html, link_diags) = pages::render_bodies(plan, loaded);
    if link_diags.iter().any(Diagnostic::is_error) {
        return Err(link_diags);
    }
    let cx = pages::Cx {
        plan,
        an,
        rel: relations::Relations::new(plan),
        html,
    };
    let list = pages::pages(&cx, loaded);
    let mut site = pages::render_pages(&theme.tera, plan, list)
        .map_err(|e| vec![theme::template_error(&e, loaded)])?;
    for (path, bytes) in theme.assets {
        site.entry(path).or_insert(bytes);
    }
    Ok(site)
}
