//! render: the Plan and its Analysis into a `Site` (page path → bytes). No I/O.

pub mod charts;
pub mod figures;
pub mod format;
pub mod markdown;
pub mod overview;
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
    let cx = pages::Cx::new(plan, an, html);
    let list = pages::pages(&cx, loaded);
    let mut site = pages::render_pages(&theme.tera, plan, list)
        .map_err(|e| vec![theme::template_error(&e, loaded)])?;
    for (path, bytes) in theme.assets {
        site.entry(path).or_insert(bytes);
    }
    add_exports(&mut site, plan, an).map_err(|e| {
        vec![Diagnostic {
            code: crate::diag::codes::TEMPLATE,
            message: format!("could not write the data export: {e}"),
            loc: None,
            help: None,
            related: Vec::new(),
        }]
    })?;
    Ok(site)
}

/// The JSON and CSV exports, published with the site so readers can take the figures away.
fn add_exports(site: &mut Site, plan: &Plan, an: &Analysis) -> Result<(), String> {
    let json = crate::export::json(plan, an, false).map_err(|e| e.to_string())?;
    site.insert("data/plan.json".into(), json.into_bytes());
    for (name, bytes) in crate::export::csv(plan, an).map_err(|e| e.to_string())? {
        site.insert(format!("data/{name}"), bytes);
    }
    Ok(())
}

/// Problems only rendering would find, found without rendering: links to plan files that do
/// not exist and templates that do not parse.
pub fn site_diagnostics(plan: &Plan, loaded: &Loaded) -> Vec<Diagnostic> {
    let mut diags = pages::check_bodies(plan, loaded);
    diags.extend(theme::check(loaded, &plan.settings));
    diags
}
