//! The theme: tera templates and static assets. The default theme is built into the binary;
//! a plan may use another theme from `themes/<name>/` and override any template by name from
//! `templates/`.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

use rust_decimal::Decimal;
use serde_json::Value;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use tera::Tera;

use crate::diag::{codes, Diagnostic, Loc};
use crate::load::{FileKind, Loaded};
use crate::model::{Money, Settings};
use crate::render::format::Locale;
use crate::render::html::{self, escape_into, needs_escape};

macro_rules! embed {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../themes/default/templates/", $name)))),*]
    };
}

/// The default theme's templates, by name.
pub const TEMPLATES: &[(&str, &str)] = embed!(
    "base.html",
    "nav.html",
    "footer.html",
    "macros.html",
    "dashboard.html",
    "strategy.html",
    "goals.html",
    "goal.html",
    "departments.html",
    "department.html",
    "initiatives.html",
    "initiative.html",
    "objective.html",
    "kpis.html",
    "kpi.html",
    "people.html",
    "person.html",
    "timeline.html",
    "budget.html",
    "checkins.html",
    "checkin.html",
    "coordination.html",
    "resources.html",
    "focus.html",
    "appraisal.html",
    "scorecard.html",
    "404.html",
);

/// The default theme's static files: site path → bytes.
pub const ASSETS: &[(&str, &[u8])] = &[
    (
        "assets/style.css",
        include_bytes!("../../themes/default/static/style.css"),
    ),
    (
        "assets/app.js",
        include_bytes!("../../themes/default/static/app.js"),
    ),
    (
        "assets/fonts/DejaVuSans.ttf",
        include_bytes!("../../themes/default/static/fonts/DejaVuSans.ttf"),
    ),
    (
        "assets/fonts/DejaVuSans-Bold.ttf",
        include_bytes!("../../themes/default/static/fonts/DejaVuSans-Bold.ttf"),
    ),
    (
        "assets/fonts/DejaVu-LICENSE.txt",
        include_bytes!("../../themes/default/static/fonts/DejaVu-LICENSE.txt"),
    ),
];

/// Templates ready to render, and the static files that go with them.
pub struct Theme {
    /// Shared: the built-in templates are parsed once per process and language.
    pub tera: Arc<Tera>,
    pub assets: BTreeMap<String, Cow<'static, [u8]>>,
    /// Every template is the built-in one.
    pub builtin: bool,
}

/// Problems with the plan's theme or template overrides. The built-in templates are tested with
/// the project, so a plan that overrides nothing is not loaded at all (that also keeps `check`
/// from copying the embedded fonts).
pub fn check(loaded: &Loaded, settings: &Settings) -> Vec<Diagnostic> {
    if !has_own_templates(loaded, settings) {
        return Vec::new();
    }
    load(loaded, settings).err().unwrap_or_default()
}

/// Whether any template is not the built-in one: the plan names another theme, or has
/// templates of its own (in `templates/`, or in `themes/<its theme>/templates/`).
pub fn has_own_templates(loaded: &Loaded, settings: &Settings) -> bool {
    settings.theme != "default"
        || loaded.assets.iter().any(|(_, k, _)| match k {
            FileKind::Template { .. } => true,
            FileKind::Theme { theme, rel } => {
                *theme == settings.theme && rel.starts_with("templates/")
            }
            _ => false,
        })
}

/// Assemble the theme for a plan: built-in or named theme, then the plan's overrides.
pub fn load(loaded: &Loaded, settings: &Settings) -> Result<Theme, Vec<Diagnostic>> {
    // Borrowed until a plan overrides them: `serve` loads the theme on every rebuild, and
    // copying the built-in fonts and templates each time was work for nothing.
    let mut templates: BTreeMap<String, (Cow<'static, str>, Option<Loc>)> = TEMPLATES
        .iter()
        .map(|(n, t)| (n.to_string(), (Cow::Borrowed(*t), None)))
        .collect();
    let mut assets: BTreeMap<String, Cow<'static, [u8]>> = ASSETS
        .iter()
        .map(|(p, b)| (p.to_string(), Cow::Borrowed(*b)))
        .collect();
    let mut diags = Vec::new();
    let mut theme_found = settings.theme == "default";
    for (rel, kind, bytes) in &loaded.assets {
        match kind {
            FileKind::Theme { theme, rel: inner } if *theme == settings.theme => {
                theme_found = true;
                if let Some(name) = inner.strip_prefix("templates/") {
                    templates.insert(
                        name.to_string(),
                        (text(rel, bytes, &mut diags, settings).into(), None),
                    );
                } else if let Some(file) = inner.strip_prefix("static/") {
                    assets.insert(format!("assets/{file}"), bytes.clone().into());
                }
            }
            _ => {}
        }
    }
    // The plan's own files come last so that they override the theme's.
    for (rel, kind, bytes) in &loaded.assets {
        match kind {
            FileKind::Static { rel: inner } => {
                assets.insert(inner.clone(), bytes.clone().into());
            }
            FileKind::Template { name } => {
                let text = text(rel, bytes, &mut diags, settings);
                templates.insert(name.clone(), (text.into(), None));
            }
            _ => {}
        }
    }
    if !theme_found {
        diags.push(
            Diagnostic::new(
                codes::BAD_VALUE,
                Loc::file(settings.file),
                format!("theme `{}` not found", settings.theme),
            )
            .help(format!(
                "put the theme in themes/{}/ or use theme = \"default\"",
                settings.theme
            )),
        );
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let builtin = !has_own_templates(loaded, settings);
    let tera = if !builtin {
        let raw: Vec<(String, String)> = templates
            .into_iter()
            .map(|(n, (t, _))| (n, t.into_owned()))
            .collect();
        let mut tera = compile(raw).map_err(|e| vec![template_error(&e, loaded)])?;
        register_filters(&mut tera, settings);
        Arc::new(tera)
    } else {
        default_tera(settings).map_err(|e| vec![template_error(&e, loaded)])?
    };
    Ok(Theme {
        tera,
        assets,
        builtin,
    })
}

fn compile(raw: Vec<(String, String)>) -> Result<Tera, tera::Error> {
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".htm", ".xml"]);
    tera.set_escape_fn(html::escape);
    tera.set_escape_write_fn(html::write_escaped);
    tera.add_raw_templates(raw)?;
    Ok(tera)
}

/// The built-in templates with the filters of one language and currency, parsed once per
/// process and shared, not copied: every rebuild in `serve` reuses them, and `build` holds one.
fn default_tera(s: &Settings) -> Result<Arc<Tera>, tera::Error> {
    type Key = (crate::model::Language, String, u32);
    static CACHE: Mutex<Vec<(Key, Arc<Tera>)>> = Mutex::new(Vec::new());
    let key: Key = (s.language, s.currency.code.clone(), s.currency.minor_units);
    let mut cache = CACHE.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((_, tera)) = cache.iter().find(|(k, _)| *k == key) {
        return Ok(Arc::clone(tera));
    }
    let mut tera = builtin_parsed()?;
    register_filters(&mut tera, s);
    let tera = Arc::new(tera);
    cache.push((key, Arc::clone(&tera)));
    Ok(tera)
}

/// The built-in templates parsed, without the filters (which depend on the plan's settings).
/// Parsing them takes ~40 ms; `build` starts it on a spare thread while it reads the plan
/// ([`prepare_builtin`]), and the first caller here takes that thread's result (no copy);
/// anyone else parses them anew.
fn builtin_parsed() -> Result<Tera, tera::Error> {
    let prepared = PREPARED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take();
    match prepared.map(JoinHandle::join) {
        Some(Ok(parsed)) => parsed,
        // Nothing was prepared, or the thread panicked: parse here.
        _ => compile(builtin_raw()),
    }
}

fn builtin_raw() -> Vec<(String, String)> {
    TEMPLATES
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect()
}

type Prepared = JoinHandle<Result<Tera, tera::Error>>;
static PREPARED: Mutex<Option<Prepared>> = Mutex::new(None);

/// Parse the built-in templates on another thread, ahead of need.
pub fn prepare_builtin() {
    let handle = std::thread::spawn(|| compile(builtin_raw()));
    *PREPARED.lock().unwrap_or_else(PoisonError::into_inner) = Some(handle);
}

fn text(rel: &str, bytes: &[u8], diags: &mut Vec<Diagnostic>, settings: &Settings) -> String {
    match String::from_utf8(bytes.to_vec()) {
        Ok(t) => t,
        Err(_) => {
            diags.push(Diagnostic::new(
                codes::NOT_UTF8,
                Loc::file(settings.file),
                format!("template {rel} is not UTF-8"),
            ));
            String::new()
        }
    }
}

/// A tera error as a diagnostic naming the template (its file when the plan overrides it) and line.
pub fn template_error(e: &tera::Error, loaded: &Loaded) -> Diagnostic {
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    let overridden: Vec<&str> = loaded
        .assets
        .iter()
        .filter_map(|(rel, k, _)| match k {
            FileKind::Template { name } if msg.contains(name.as_str()) => Some(rel.as_str()),
            _ => None,
        })
        .collect();
    let help = match overridden.first() {
        Some(rel) => format!("the plan overrides this template in {rel}; the message gives the line and column in it"),
        None => "the message names the template and, for syntax errors, the line and column in it".to_string(),
    };
    Diagnostic {
        code: codes::TEMPLATE,
        message: format!("template error: {msg}"),
        loc: None,
        help: Some(help),
        related: Vec::new(),
    }
}

type FilterFn = dyn Fn(&Value, &HashMap<String, Value>) -> tera::Result<Value> + Send + Sync;

/// A filter whose output is already HTML-escaped (or HTML made here from escaped parts), so
/// tera must not escape it again. Tera's own escaping of a filter's result costs two string
/// copies per `{{ }}`; these filters run tens of thousands of times per build.
struct Safe(Box<FilterFn>);

impl tera::Filter for Safe {
    fn filter(&self, v: &Value, args: &HashMap<String, Value>) -> tera::Result<Value> {
        (self.0)(v, args)
    }
    fn is_safe(&self) -> bool {
        true
    }
}

fn register_safe<F>(tera: &mut Tera, name: &str, f: F)
where
    F: Fn(&Value, &HashMap<String, Value>) -> tera::Result<Value> + Send + Sync + 'static,
{
    tera.register_filter(name, Safe(Box::new(f)));
}

/// A formatted text as a safe filter result: escaped here when (rarely, e.g. an odd currency
/// code) it holds a special character, so the page gets the same bytes as with tera escaping.
fn text_value(s: String) -> Value {
    if needs_escape(&s) {
        Value::String(html::escape(&s))
    } else {
        Value::String(s)
    }
}

fn register_filters(tera: &mut Tera, s: &Settings) {
    register_format_filters(tera, s);
    register_html_filters(tera);
}

fn register_format_filters(tera: &mut Tera, s: &Settings) {
    let loc = Locale::new(s.language);
    register_locale_filters(tera, loc, s.currency.code.clone(), s.currency.minor_units);
}

fn register_locale_filters(tera: &mut Tera, loc: Locale, code: String, minor: u32) {
    register_safe(tera, "money", move |v, _| {
        Ok(text_value(
            money_of(v).map_or_else(String::new, |m| loc.money(m, &code, minor)),
        ))
    });
    register_safe(tera, "amount", move |v, _| {
        Ok(text_value(
            money_of(v).map_or_else(String::new, |m| loc.amount(m, minor)),
        ))
    });
    register_safe(tera, "date", move |v, _| {
        let d = v.as_str().and_then(|s| loc.date_str(s));
        Ok(text_value(d.unwrap_or_default()))
    });
    register_safe(tera, "num", move |v, args| {
        let dp = args.get("dp").and_then(Value::as_u64).unwrap_or(0) as u32;
        Ok(text_value(
            v.as_f64().map_or_else(|| "–".into(), |x| loc.number(x, dp)),
        ))
    });
    register_safe(tera, "value", move |v, _| {
        Ok(text_value(kpi_value(v, &loc)))
    });
    register_safe(tera, "update_cells", move |u, _| {
        let mut out = String::with_capacity(256);
        update_cells(&mut out, u, &loc)?;
        Ok(Value::String(out))
    });
    register_safe(tera, "load_cells", move |m, _| {
        let mut out = String::with_capacity(96);
        load_cells(&mut out, m, &loc);
        Ok(Value::String(out))
    });
    register_safe(tera, "checkin_link", move |d, args| {
        let mut out = String::with_capacity(64);
        with_root(args, "checkin_link", |root| {
            checkin_link(&mut out, d, root, &loc);
            Ok(())
        })?;
        Ok(Value::String(out))
    });
    register_safe(tera, "reading_cells", move |r, _| {
        let mut out = String::with_capacity(96);
        reading_cells(&mut out, r, &loc);
        Ok(Value::String(out))
    });
    register_safe(tera, "kpi_status_cells", move |h, _| {
        let mut out = String::with_capacity(160);
        kpi_status_cells(&mut out, h, &loc)?;
        Ok(Value::String(out))
    });
    register_safe(tera, "budget_line_cells", move |l, args| {
        let mut out = String::with_capacity(400);
        with_root(args, "budget_line_cells", |root| {
            budget_line_cells(&mut out, l, root, &loc, minor)
        })?;
        Ok(Value::String(out))
    });
    register_safe(tera, "pct", move |v, args| {
        let dp = args.get("dp").and_then(Value::as_u64).unwrap_or(0) as u32;
        Ok(text_value(
            v.as_f64()
                .map_or_else(|| "–".into(), |x| loc.percent(x, dp)),
        ))
    });
}

/// The HTML filters behind the theme's most used macros (`link`, `links`, `status`,
/// `priority`, `chart`). A tera macro call builds a frame, renders into a fresh buffer and
/// looks every field up by a dotted path that allocates; a page calls them hundreds of times.
/// The output is byte for byte what the macros in macros.html wrote.
fn register_html_filters(tera: &mut Tera) {
    // Each filter's buffer is sized for what it usually writes: growing a `String` from empty
    // reallocates it three or four times, and these run hundreds of thousands of times.
    register_safe(tera, "link", |x, args| {
        let mut out = String::with_capacity(128);
        with_root(args, "link", |root| link(&mut out, x, root))?;
        Ok(Value::String(out))
    });
    register_safe(tera, "links", |xs, args| {
        let mut out = String::with_capacity(256);
        with_root(args, "links", |root| links(&mut out, xs, root))?;
        Ok(Value::String(out))
    });
    register_safe(tera, "status", |s, _| {
        let mut out = String::with_capacity(96);
        status(&mut out, s)?;
        Ok(Value::String(out))
    });
    register_safe(tera, "priority", |p, _| {
        let mut out = String::from("<span class=\"prio prio-");
        push_value(&mut out, p);
        out.push_str("\">");
        push_value(&mut out, p);
        out.push_str("</span>");
        Ok(Value::String(out))
    });
    register_safe(tera, "chart", |svg, args| {
        let mut out = String::with_capacity(svg.as_str().map_or(0, str::len) + 256);
        chart(
            &mut out,
            svg,
            arg(args, "chart", "title")?,
            arg(args, "chart", "id")?,
        );
        Ok(Value::String(out))
    });
}

thread_local! {
    /// The `root` of the page this thread is rendering (see [`with_page_root`]).
    static PAGE_ROOT: RefCell<Value> = const { RefCell::new(Value::Null) };
}

/// Render the template `name` with `ctx` into `out`, with the context's `root` as the root the
/// link filters use when not given one: how pages and their navigation and footer are
/// rendered.
pub fn render_to(
    tera: &Tera,
    name: &str,
    ctx: &tera::Context,
    out: impl std::io::Write,
) -> tera::Result<()> {
    let root = ctx.get("root").cloned().unwrap_or(Value::Null);
    with_page_root(root, || tera.render_to(name, ctx, out))
}

/// Run `render` with `root` as the page's root for the filters that write links. A filter sees
/// only its input and arguments, not the page; passing `root=root` to each call cost a
/// variable lookup, a copy and a hashed map per link (~180,000 of them on a large site).
fn with_page_root<R>(root: Value, render: impl FnOnce() -> R) -> R {
    let outer = PAGE_ROOT.with(|r| r.replace(root));
    let result = render();
    PAGE_ROOT.with(|r| r.replace(outer));
    result
}

/// Call `f` with a link filter's root: its `root` argument when the template gives one,
/// otherwise the root of the page being rendered.
fn with_root<R>(
    args: &HashMap<String, Value>,
    filter: &str,
    f: impl FnOnce(&Value) -> tera::Result<R>,
) -> tera::Result<R> {
    if let Some(root) = args.get("root") {
        return f(root);
    }
    PAGE_ROOT.with(|root| {
        let root = root.borrow();
        if root.is_null() {
            return Err(tera::Error::msg(format!(
                "filter `{filter}` needs the argument `root` outside a page"
            )));
        }
        f(&root)
    })
}

fn arg<'a>(args: &'a HashMap<String, Value>, filter: &str, name: &str) -> tera::Result<&'a Value> {
    args.get(name)
        .ok_or_else(|| tera::Error::msg(format!("filter `{filter}` needs the argument `{name}`")))
}

/// Append a value as `{{ v }}` renders it with autoescape: strings escaped, null empty,
/// numbers and booleans as tera writes them.
fn push_value(out: &mut String, v: &Value) {
    use std::fmt::Write;
    match v {
        Value::String(s) => escape_into(out, s),
        Value::Null => {}
        Value::Bool(b) => {
            let _ = write!(out, "{b}");
        }
        Value::Number(n) => {
            let _ = match (n.as_i64(), n.as_u64(), n.as_f64()) {
                (Some(i), _, _) => write!(out, "{i}"),
                (_, Some(u), _) => write!(out, "{u}"),
                (_, _, f) => write!(out, "{}", f.unwrap_or(f64::NAN)),
            };
        }
        Value::Array(items) => {
            out.push('[');
            for (k, item) in items.iter().enumerate() {
                if k > 0 {
                    out.push_str(", ");
                }
                push_value(out, item);
            }
            out.push(']');
        }
        Value::Object(_) => out.push_str("[object]"),
    }
}

/// Tera's truthiness (`{% if x %}`).
fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0 && !f.is_nan()),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

fn field<'a>(x: &'a Value, key: &str, filter: &str) -> tera::Result<&'a Value> {
    x.get(key).ok_or_else(|| {
        tera::Error::msg(format!("filter `{filter}`: the value has no field `{key}`"))
    })
}

pub const NONE: &str = "<span class=\"none\">—</span>";

/// `<a href="{root}{x.url}">{label}</a>`, or a dash when `x` is empty (null).
fn link(out: &mut String, x: &Value, root: &Value) -> tera::Result<()> {
    if truthy(x) {
        anchor(out, x, root, "link")
    } else {
        out.push_str(NONE);
        Ok(())
    }
}

/// The links to every entity of a list, comma separated, or a dash when it is empty.
fn links(out: &mut String, xs: &Value, root: &Value) -> tera::Result<()> {
    let Value::Array(items) = xs else {
        return Err(tera::Error::msg("filter `links` needs a list"));
    };
    if items.is_empty() {
        out.push_str(NONE);
    }
    for (k, x) in items.iter().enumerate() {
        if k > 0 {
            out.push_str(", ");
        }
        anchor(out, x, root, "links")?;
    }
    Ok(())
}

/// The anchor of one entity reference: its `title`, else its `name`, else its `id`.
fn anchor(out: &mut String, x: &Value, root: &Value, filter: &str) -> tera::Result<()> {
    let url = field(x, "url", filter)?;
    let label = ["title", "name"]
        .iter()
        .filter_map(|k| x.get(*k))
        .find(|v| !v.is_null());
    let label = match label {
        Some(v) => v,
        None => field(x, "id", filter)?,
    };
    out.push_str("<a href=\"");
    push_value(out, root);
    push_value(out, url);
    out.push_str("\">");
    push_value(out, label);
    out.push_str("</a>");
    Ok(())
}

/// A status badge: a shape and the status words, or "no data".
fn status(out: &mut String, s: &Value) -> tera::Result<()> {
    match s {
        _ if !truthy(s) => status_badge(out, ""),
        Value::String(text) => status_badge(out, text),
        _ => return Err(tera::Error::msg("filter `status` needs a string")),
    }
    Ok(())
}

/// The badge of a status name (`at-risk`: a shape and "at risk"), or "no data" when empty.
pub fn status_badge(out: &mut String, text: &str) {
    const SHAPE: &str = "<span class=\"shape\" aria-hidden=\"true\"></span>";
    if text.is_empty() {
        out.push_str("<span class=\"status status-none\">");
        out.push_str(SHAPE);
        out.push_str("no data</span>");
        return;
    }
    out.push_str("<span class=\"status status-");
    escape_into(out, text);
    out.push_str("\">");
    out.push_str(SHAPE);
    for (k, word) in text.split('-').enumerate() {
        if k > 0 {
            out.push(' ');
        }
        escape_into(out, word);
    }
    out.push_str("</span>");
}

/// The cells of one initiative update (status, progress, confidence, forecast end, note), as
/// the status history of an initiative and every check-in page list them: tens of thousands of
/// rows per build, each of which cost ten template lookups and five filter calls.
fn update_cells(out: &mut String, u: &Value, loc: &Locale) -> tera::Result<()> {
    const DASH: &str = "—";
    let get = |key: &str| u.get(key).unwrap_or(&Value::Null);
    out.push_str("<td>");
    status(out, get("status"))?;
    out.push_str("</td><td class=\"num\">");
    match get("progress").as_f64() {
        Some(p) => escape_into(out, &loc.percent(p, 0)),
        None => out.push_str(DASH),
    }
    out.push_str("</td><td class=\"num\">");
    match get("confidence").as_f64() {
        Some(c) => escape_into(out, &loc.number(c, 0)),
        None => out.push_str(DASH),
    }
    out.push_str("</td><td>");
    let end = get("forecast_end");
    if truthy(end) {
        let date = end.as_str().and_then(|s| loc.date_str(s));
        escape_into(out, &date.unwrap_or_default());
    } else {
        out.push_str(DASH);
    }
    out.push_str("</td><td>");
    push_value(out, get("note"));
    out.push_str("</td>");
    Ok(())
}

/// The cells of one month of a person's load (month, load, capacity; the load flagged when
/// over capacity): a person page's table has one row per month with any load.
fn load_cells(out: &mut String, m: &Value, loc: &Locale) {
    let get = |key: &str| m.get(key).unwrap_or(&Value::Null);
    let fte = |v: &Value| v.as_f64().map_or_else(|| "–".into(), |x| loc.number(x, 2));
    let over = truthy(get("over"));
    out.push_str("<td>");
    push_value(out, get("month"));
    out.push_str(if over {
        "</td><td class=\"num over\">"
    } else {
        "</td><td class=\"num\">"
    });
    escape_into(out, &fte(get("load")));
    if over {
        out.push_str(" ⚠");
    }
    out.push_str("</td><td class=\"num\">");
    escape_into(out, &fte(get("capacity")));
    out.push_str("</td>");
}

/// The link to the check-in of a date (`checkins/<date>.html`), labelled with the date: the
/// first cell of every row of an initiative's or a KPI's status history.
fn checkin_link(out: &mut String, date: &Value, root: &Value, loc: &Locale) {
    out.push_str("<a href=\"");
    push_value(out, root);
    out.push_str("checkins/");
    push_value(out, date);
    out.push_str(".html\">");
    let label = date.as_str().and_then(|s| loc.date_str(s));
    escape_into(out, &label.unwrap_or_default());
    out.push_str("</a>");
}

/// The status and the reading of a KPI at one check-in (an entry of `kpi.history`).
fn kpi_status_cells(out: &mut String, h: &Value, loc: &Locale) -> tera::Result<()> {
    let get = |key: &str| h.get(key).unwrap_or(&Value::Null);
    out.push_str("<td>");
    status(out, get("status"))?;
    out.push_str("</td><td class=\"num\">");
    match get("value").as_f64() {
        Some(v) => escape_into(out, &loc.value(v)),
        None => out.push('—'),
    }
    out.push_str("</td>");
    Ok(())
}

/// What the `value` filter writes (before escaping): a KPI-style number, or `–`.
fn kpi_value(v: &Value, loc: &Locale) -> String {
    v.as_f64().map_or_else(|| "–".into(), |x| loc.value(x))
}

/// A KPI reading's value (`value`, then the KPI's unit when the reading names its KPI, as on
/// a check-in's page) and its note: the two cells of a row of ~48,000 on a large site.
fn reading_cells(out: &mut String, r: &Value, loc: &Locale) {
    let get = |key: &str| r.get(key).unwrap_or(&Value::Null);
    out.push_str("<td class=\"num\">");
    escape_into(out, &kpi_value(get("value"), loc));
    let unit = get("kpi").get("unit").unwrap_or(&Value::Null);
    if truthy(unit) {
        out.push(' ');
        push_value(out, unit);
    }
    out.push_str("</td><td>");
    push_value(out, get("note"));
    out.push_str("</td>");
}

/// One budget line of a department's table: category, item, initiative, period, planned,
/// forecast and actual, the amounts with their raw value to sort by.
fn budget_line_cells(
    out: &mut String,
    l: &Value,
    root: &Value,
    loc: &Locale,
    minor: u32,
) -> tera::Result<()> {
    let get = |key: &str| l.get(key).unwrap_or(&Value::Null);
    let amount = |v: &Value| money_of(v).map_or_else(String::new, |m| loc.amount(m, minor));
    out.push_str("<td>");
    push_value(out, get("category"));
    out.push_str("</td><td>");
    match get("item") {
        Value::Null => out.push('—'),
        item => push_value(out, item),
    }
    out.push_str("</td><td>");
    link(out, get("initiative"), root)?;
    out.push_str("</td><td data-sort=\"");
    push_value(out, get("period_start"));
    out.push_str("\">");
    push_value(out, get("period"));
    for key in ["planned", "forecast"] {
        out.push_str("</td><td class=\"num\" data-sort=\"");
        push_value(out, get(key));
        out.push_str("\">");
        escape_into(out, &amount(get(key)));
    }
    out.push_str("</td><td class=\"num\" data-sort=\"");
    let actual = get("actual");
    push_value(out, actual);
    out.push_str("\">");
    if truthy(actual) {
        escape_into(out, &amount(actual));
    } else {
        out.push('—');
    }
    out.push_str("</td>");
    Ok(())
}

/// A chart's SVG (already safe) in its figure, labelled by `title`.
fn chart(out: &mut String, svg: &Value, title: &Value, id: &Value) {
    let html = |v: &Value| {
        let mut s = String::new();
        push_value(&mut s, v);
        s
    };
    let svg = match svg {
        Value::String(s) => std::borrow::Cow::Borrowed(s.as_str()),
        other => std::borrow::Cow::Owned(html(other)),
    };
    chart_figure(out, &svg, &html(title), &html(id));
}

/// The `chart` filter of parts that are HTML already: the SVG, and the title and id escaped.
pub fn chart_figure(out: &mut String, svg: &str, title: &str, id: &str) {
    out.push_str("<figure class=\"chart\" id=\"chart-");
    out.push_str(id);
    out.push_str("\"><div class=\"chart-svg\" role=\"img\" aria-label=\"");
    out.push_str(title);
    out.push_str("\">");
    out.push_str(svg);
    out.push_str("</div><figcaption>");
    out.push_str(title);
    out.push_str(" — the data is in the table below.</figcaption></figure>");
}

fn money_of(v: &Value) -> Option<Money> {
    match v {
        Value::String(s) => Money::parse(s),
        Value::Number(n) => n
            .as_i64()
            .map(Money::from_int)
            .or_else(|| n.as_f64().and_then(Decimal::from_f64_retain).map(Money)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The macros as they were before they became filters: the filters must write the same.
    const OLD_MACROS: &str = r#"{% macro link(x, root) %}{% if x %}<a href="{{ root }}{{ x.url }}">{{ x.title | default(value=x.name | default(value=x.id)) }}</a>{% else %}<span class="none">—</span>{% endif %}{% endmacro link %}
{% macro links(xs, root) %}{% if xs | length > 0 %}{% for x in xs %}<a href="{{ root }}{{ x.url }}">{{ x.title | default(value=x.name | default(value=x.id)) }}</a>{% if not loop.last %}, {% endif %}{% endfor %}{% else %}<span class="none">—</span>{% endif %}{% endmacro links %}
{% macro status(s) %}{% if s %}<span class="status status-{{ s }}"><span class="shape" aria-hidden="true"></span>{{ s | replace(from="-", to=" ") }}</span>{% else %}<span class="status status-none"><span class="shape" aria-hidden="true"></span>no data</span>{% endif %}{% endmacro status %}
{% macro priority(p) %}<span class="prio prio-{{ p }}">{{ p }}</span>{% endmacro priority %}
{% macro chart(svg, title, id) %}<figure class="chart" id="chart-{{ id }}"><div class="chart-svg" role="img" aria-label="{{ title }}">{{ svg | safe }}</div><figcaption>{{ title }} — the data is in the table below.</figcaption></figure>{% endmacro chart %}"#;

    fn tera(templates: &[(&str, &str)]) -> Tera {
        let mut raw: Vec<(String, String)> = templates
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        raw.push(("old.html".into(), OLD_MACROS.into()));
        let mut tera = compile(raw).unwrap();
        register_html_filters(&mut tera);
        tera
    }

    fn render(tera: &Tera, name: &str, vars: serde_json::Value) -> String {
        let ctx = tera::Context::from_value(vars).unwrap();
        tera.render(name, &ctx).unwrap()
    }

    #[test]
    fn own_templates_include_those_in_the_folder_of_the_plans_theme() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("example-plan");
        let project = crate::read_plan(&dir, None).unwrap();
        let settings = &project.plan.as_ref().unwrap().settings;
        assert_eq!(settings.theme, "default");
        let with = |rel: &str| {
            let mut loaded = Loaded::default();
            let kind = crate::load::classify(rel).unwrap();
            crate::load::add_file(&mut loaded, rel.into(), kind, b"x".to_vec());
            has_own_templates(&loaded, settings)
        };
        assert!(!has_own_templates(&Loaded::default(), settings));
        assert!(with("templates/goal.html"));
        assert!(with("themes/default/templates/goal.html"));
        assert!(!with("themes/other/templates/goal.html"));
        assert!(!with("static/logo.svg"));
    }

    #[test]
    fn filters_write_what_the_macros_wrote() {
        let old = r#"{% import "old.html" as m %}{{ m::link(x=a, root=root) }}|{{ m::link(x=none, root=root) }}|{{ m::links(xs=list, root=root) }}|{{ m::links(xs=empty, root=root) }}|{{ m::status(s=st) }}|{{ m::status(s=none) }}|{{ m::priority(p=pr) }}|{{ m::chart(svg=svg, title=a.title ~ ": x", id="c") }}"#;
        let new = r#"{{ a | link(root=root) }}|{{ none | link(root=root) }}|{{ list | links(root=root) }}|{{ empty | links(root=root) }}|{{ st | status }}|{{ none | status }}|{{ pr | priority }}|{{ svg | chart(title=a.title ~ ": x", id="c") }}"#;
        let t = tera(&[("old-use.html", old), ("new-use.html", new)]);
        let vars = json!({
            "root": "../",
            "a": {"id": "crm", "title": "CRM <roll-out> & \"go\"", "url": "initiatives/crm.html"},
            "none": null,
            "list": [
                {"id": "g", "title": "Growth", "url": "goals/g.html"},
                {"id": "p", "name": "Ana", "role": null, "url": "people/p.html"},
                {"id": "x", "name": null, "url": "kpis/x.html"},
            ],
            "empty": [],
            "st": "at-risk",
            "pr": "high",
            "svg": "<svg><text>a &amp; b</text></svg>",
        });
        assert_eq!(
            render(&t, "new-use.html", vars.clone()),
            render(&t, "old-use.html", vars)
        );
    }

    /// Render `vars` with the `new` template and the `old` one it replaced (with the filters of
    /// `lang` and EUR), check they are the same, and return it.
    fn same_as_template(
        old: &str,
        new: &str,
        lang: crate::model::Language,
        vars: serde_json::Value,
    ) -> String {
        let mut t = tera(&[("old-use.html", old), ("new-use.html", new)]);
        register_locale_filters(&mut t, Locale::new(lang), "EUR".into(), 2);
        let written = render(&t, "new-use.html", vars.clone());
        assert_eq!(written, render(&t, "old-use.html", vars));
        written
    }

    #[test]
    fn update_cells_writes_what_the_template_wrote() {
        let old = r#"{% for u in us %}<td>{{ u.status | status }}</td><td class="num">{% if u.progress is number %}{{ u.progress | pct }}{% else %}—{% endif %}</td><td class="num">{% if u.confidence is number %}{{ u.confidence | num }}{% else %}—{% endif %}</td><td>{% if u.forecast_end %}{{ u.forecast_end | date }}{% else %}—{% endif %}</td><td>{{ u.note | default(value="") }}</td>{% endfor %}"#;
        let new = r#"{% for u in us %}{{ u | update_cells }}{% endfor %}"#;
        let vars = json!({"us": [
            {"status": "at-risk", "progress": 42.5, "confidence": 3, "forecast_end": "2027-03-31", "note": "late <vendor> & \"co\""},
            {"status": null, "progress": null, "confidence": null, "forecast_end": null, "note": null},
            {"status": "done", "progress": 100, "confidence": 1234.5, "forecast_end": "", "note": ""},
        ]});
        let new = same_as_template(old, new, crate::model::Language::De, vars);
        assert!(
            new.contains("43\u{202f}%") && new.contains("1.235") && new.contains("31. März 2027")
        );
    }

    #[test]
    fn history_and_budget_cells_write_what_the_templates_wrote() {
        let old = r#"{% for h in hs %}<td><a href="{{ root }}checkins/{{ h.date }}.html">{{ h.date | date }}</a></td><td>{{ h.status | status }}</td><td class="num">{% if h.value is number %}{{ h.value | value }}{% else %}—{% endif %}</td>{% endfor %}|{% for l in ls %}<td>{{ l.category }}</td><td>{{ l.item | default(value="—") }}</td><td>{{ l.initiative | link(root=root) }}</td><td data-sort="{{ l.period_start }}">{{ l.period }}</td><td class="num" data-sort="{{ l.planned }}">{{ l.planned | amount }}</td><td class="num" data-sort="{{ l.forecast }}">{{ l.forecast | amount }}</td><td class="num" data-sort="{{ l.actual | default(value='') }}">{% if l.actual %}{{ l.actual | amount }}{% else %}—{% endif %}</td>{% endfor %}"#;
        let new = r#"{% for h in hs %}<td>{{ h.date | checkin_link(root=root) }}</td>{{ h | kpi_status_cells }}{% endfor %}|{% for l in ls %}{{ l | budget_line_cells(root=root) }}{% endfor %}"#;
        let vars = json!({
            "root": "../",
            "hs": [
                {"date": "2027-03-31", "status": "off-track", "value": 1234.567},
                {"date": "2027-04-30", "status": null, "value": null},
            ],
            "ls": [
                {"category": "Opex <x>", "item": "Licences & \"seats\"", "period": "FY2027", "period_start": "2026-04",
                 "planned": "125000.5", "forecast": "130000", "actual": "-20",
                 "initiative": {"id": "crm", "title": "CRM", "url": "initiatives/crm.html"}},
                {"category": "Capex", "item": null, "period": "2026-Q3", "period_start": "2026-07",
                 "planned": "0", "forecast": "0.005", "actual": null, "initiative": null},
            ],
        });
        let new = same_as_template(old, new, crate::model::Language::Fr, vars);
        assert!(
            new.contains("31 mars 2027") && new.contains("125\u{202f}000,50"),
            "{new}"
        );
    }

    #[test]
    fn reading_cells_write_what_the_templates_wrote() {
        // A check-in's readings name their KPI (and its unit); a KPI page's do not.
        let old = r#"{% for r in rs %}<td class="num">{{ r.value | value }}{% if r.kpi.unit %} {{ r.kpi.unit }}{% endif %}</td><td>{{ r.note }}</td>{% endfor %}"#;
        let new = r#"{% for r in rs %}{{ r | reading_cells }}{% endfor %}"#;
        let vars = json!({"rs": [
            {"kpi": {"id": "nps", "unit": "pts & <more>"}, "value": 1234.567, "note": "after the <survey> & \"co\""},
            {"kpi": {"id": "churn", "unit": ""}, "value": 12, "note": null},
            {"kpi": {"id": "x", "unit": null}, "value": null, "note": ""},
        ]});
        let written = same_as_template(old, new, crate::model::Language::De, vars);
        assert!(
            written.contains("1.234,57 pts &amp; &lt;more&gt;"),
            "{written}"
        );
        let old = r#"{% for r in rs %}<td class="num">{{ r.value | value }}</td><td>{{ r.note }}</td>{% endfor %}"#;
        let vars = json!({"rs": [{"date": "2027-03-31", "value": -0.5, "note": "ok"}]});
        same_as_template(old, new, crate::model::Language::En, vars);
    }

    #[test]
    fn load_cells_writes_what_the_template_wrote() {
        let old = r#"{% for mo in ms %}<td>{{ mo.month }}</td><td class="num{% if mo.over %} over{% endif %}">{{ mo.load | num(dp=2) }}{% if mo.over %} ⚠{% endif %}</td><td class="num">{{ mo.capacity | num(dp=2) }}</td>{% endfor %}"#;
        let new = r#"{% for mo in ms %}{{ mo | load_cells }}{% endfor %}"#;
        let vars = json!({"ms": [
            {"month": "2027-03", "load": 1.25, "capacity": 1.0, "over": true},
            {"month": "2027-04", "load": 0.5, "capacity": 0.8, "over": false},
            {"month": "<x>", "load": null, "capacity": 1234.5, "over": null},
        ]});
        let new = same_as_template(old, new, crate::model::Language::En, vars);
        assert!(
            new.contains("num over\">1.25 ⚠") && new.contains("&lt;x&gt;"),
            "{new}"
        );
    }

    #[test]
    fn names_are_escaped_once() {
        // The old macro escaped a `name` (reached through `default`) twice; the filter once.
        let t = tera(&[(
            "n.html",
            "{{ p | link(root=root) }}{{ ps | links(root=root) }}",
        )]);
        let p = json!({"id": "o", "name": "O'Brien & <Co>", "url": "people/o.html"});
        let html = render(&t, "n.html", json!({"root": "", "p": p, "ps": [p]}));
        let a = r#"<a href="people/o.html">O&#x27;Brien &amp; &lt;Co&gt;</a>"#;
        assert_eq!(html, format!("{a}{a}"));
    }

    #[test]
    fn macros_still_work_and_errors_are_reported() {
        let mut raw: Vec<(String, String)> = TEMPLATES
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        raw.push((
            "use.html".into(),
            r#"{% import "macros.html" as m %}{{ m::link(x=a, root="") }}{{ m::status(s="on-track") }}"#.into(),
        ));
        raw.push(("bad.html".into(), "{{ a | link }}".into()));
        let mut t = compile(raw).unwrap();
        register_html_filters(&mut t);
        let vars = json!({"a": {"id": "g", "title": "G", "url": "g.html"}});
        assert_eq!(
            render(&t, "use.html", vars.clone()),
            r#"<a href="g.html">G</a><span class="status status-on-track"><span class="shape" aria-hidden="true"></span>on track</span>"#
        );
        let ctx = tera::Context::from_value(vars).unwrap();
        assert!(t.render("bad.html", &ctx).is_err());
    }

    /// Inside a page the link filters take the page's root when not given one; an explicit
    /// `root` still wins, and the page's root is put back after a nested render.
    #[test]
    fn link_filters_default_to_the_page_root() {
        let t = tera(&[
            ("page.html", "{{ a | link }}|{{ list | links }}"),
            ("given.html", r#"{{ a | link(root="x/") }}"#),
        ]);
        let vars = json!({
            "a": {"id": "g", "title": "G", "url": "goals/g.html"},
            "list": [{"id": "p", "name": "Ana", "url": "people/p.html"}],
        });
        let in_page =
            |root: &str, name: &str| with_page_root(json!(root), || render(&t, name, vars.clone()));
        assert_eq!(
            in_page("../", "page.html"),
            r#"<a href="../goals/g.html">G</a>|<a href="../people/p.html">Ana</a>"#
        );
        assert_eq!(
            in_page("../", "given.html"),
            r#"<a href="x/goals/g.html">G</a>"#
        );
        let nested = with_page_root(json!("../../"), || {
            let inner = in_page("", "page.html");
            (inner, render(&t, "page.html", vars.clone()))
        });
        assert!(nested.0.starts_with(r#"<a href="goals/g.html">"#));
        assert!(nested.1.starts_with(r#"<a href="../../goals/g.html">"#));
        // `render_to`, which pages and their navigation and footer go through, takes the root
        // from the context.
        let mut with_ctx = vars.clone();
        with_ctx["root"] = json!("../");
        let ctx = tera::Context::from_value(with_ctx).unwrap();
        let mut out = Vec::new();
        render_to(&t, "page.html", &ctx, &mut out).unwrap();
        assert!(String::from_utf8(out)
            .unwrap()
            .starts_with(r#"<a href="../goals/g.html">"#));
    }

    #[test]
    fn text_values_are_escaped_when_needed() {
        assert_eq!(text_value("EUR 1".into()), json!("EUR 1"));
        assert_eq!(text_value("<1>".into()), json!("&lt;1&gt;"));
    }
}
