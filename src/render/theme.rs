//! The theme: tera templates and static assets. The default theme is built into the binary;
//! a plan may use another theme from `themes/<name>/` and override any template by name from
//! `templates/`.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde_json::Value;
use tera::Tera;

use crate::diag::{codes, Diagnostic, Loc};
use crate::load::{FileKind, Loaded};
use crate::model::{Date, Money, Settings};
use crate::render::format::Locale;

macro_rules! embed {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../themes/default/templates/", $name)))),*]
    };
}

/// The default theme's templates, by name.
pub const TEMPLATES: &[(&str, &str)] = embed!(
    "base.html",
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
    pub tera: Tera,
    pub assets: BTreeMap<String, Vec<u8>>,
}

/// Problems with the plan's theme or template overrides. The built-in templates are tested with
/// the project, so a plan that overrides nothing is not loaded at all (that also keeps `check`
/// from copying the embedded fonts).
pub fn check(loaded: &Loaded, settings: &Settings) -> Vec<Diagnostic> {
    let overrides = loaded
        .assets
        .iter()
        .any(|(_, k, _)| matches!(k, FileKind::Template { .. }));
    if settings.theme == "default" && !overrides {
        return Vec::new();
    }
    load(loaded, settings).err().unwrap_or_default()
}

/// Assemble the theme for a plan: built-in or named theme, then the plan's overrides.
pub fn load(loaded: &Loaded, settings: &Settings) -> Result<Theme, Vec<Diagnostic>> {
    let mut templates: BTreeMap<String, (String, Option<Loc>)> = TEMPLATES
        .iter()
        .map(|(n, t)| (n.to_string(), (t.to_string(), None)))
        .collect();
    let mut assets: BTreeMap<String, Vec<u8>> = ASSETS
        .iter()
        .map(|(p, b)| (p.to_string(), b.to_vec()))
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
                        (text(rel, bytes, &mut diags, settings), None),
                    );
                } else if let Some(file) = inner.strip_prefix("static/") {
                    assets.insert(format!("assets/{file}"), bytes.clone());
                }
            }
            _ => {}
        }
    }
    // The plan's own files come last so that they override the theme's.
    for (rel, kind, bytes) in &loaded.assets {
        match kind {
            FileKind::Static { rel: inner } => {
                assets.insert(inner.clone(), bytes.clone());
            }
            FileKind::Template { name } => {
                templates.insert(name.clone(), (text(rel, bytes, &mut diags, settings), None));
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
    let overridden = loaded
        .assets
        .iter()
        .any(|(_, k, _)| matches!(k, FileKind::Template { .. }))
        || settings.theme != "default";
    let mut tera = if overridden {
        let raw: Vec<(String, String)> = templates.into_iter().map(|(n, (t, _))| (n, t)).collect();
        compile(raw).map_err(|e| vec![template_error(&e, loaded)])?
    } else {
        default_templates().map_err(|e| vec![template_error(&e, loaded)])?
    };
    register_filters(&mut tera, settings);
    Ok(Theme { tera, assets })
}

fn compile(raw: Vec<(String, String)>) -> Result<Tera, tera::Error> {
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".htm", ".xml"]);
    tera.set_escape_fn(escape_html);
    tera.add_raw_templates(raw)?;
    Ok(tera)
}

/// The built-in templates, parsed once per process: every rebuild in `serve` and every plan
/// checked reuses them (a clone is far cheaper than parsing them again).
fn default_templates() -> Result<Tera, tera::Error> {
    static DEFAULT: std::sync::OnceLock<Result<Tera, String>> = std::sync::OnceLock::new();
    let cached = DEFAULT.get_or_init(|| {
        let raw = TEMPLATES
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        compile(raw).map_err(|e| e.to_string())
    });
    cached.clone().map_err(tera::Error::msg)
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

/// HTML escaping for text and attribute values. Unlike tera's default it leaves `/` alone:
/// escaping it buys no safety inside quoted attributes and makes every link unreadable.
pub fn escape_html(input: &str) -> String {
    let bytes = input.as_bytes();
    let mut out = String::with_capacity(input.len() + input.len() / 8);
    let mut start = 0;
    for (i, b) in bytes.iter().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#x27;",
            _ => continue,
        };
        out.push_str(&input[start..i]);
        out.push_str(rep);
        start = i + 1;
    }
    out.push_str(&input[start..]);
    out
}

fn register_filters(tera: &mut Tera, s: &Settings) {
    let loc = Locale::new(s.language);
    let code = s.currency.code.clone();
    let minor = s.currency.minor_units;
    tera.register_filter(
        "money",
        move |v: &Value, _: &std::collections::HashMap<String, Value>| {
            Ok(Value::String(
                money_of(v).map_or_else(String::new, |m| loc.money(m, &code, minor)),
            ))
        },
    );
    tera.register_filter(
        "amount",
        move |v: &Value, _: &std::collections::HashMap<String, Value>| {
            Ok(Value::String(
                money_of(v).map_or_else(String::new, |m| loc.amount(m, minor)),
            ))
        },
    );
    tera.register_filter(
        "date",
        move |v: &Value, _: &std::collections::HashMap<String, Value>| {
            let d = v.as_str().and_then(|s| s.parse::<Date>().ok());
            Ok(Value::String(d.map_or_else(String::new, |d| loc.date(d))))
        },
    );
    tera.register_filter(
        "num",
        move |v: &Value, args: &std::collections::HashMap<String, Value>| {
            let dp = args.get("dp").and_then(Value::as_u64).unwrap_or(0) as u32;
            Ok(Value::String(
                v.as_f64().map_or_else(|| "–".into(), |x| loc.number(x, dp)),
            ))
        },
    );
    tera.register_filter(
        "value",
        move |v: &Value, _: &std::collections::HashMap<String, Value>| {
            Ok(Value::String(
                v.as_f64().map_or_else(|| "–".into(), |x| loc.value(x)),
            ))
        },
    );
    tera.register_filter(
        "pct",
        move |v: &Value, args: &std::collections::HashMap<String, Value>| {
            let dp = args.get("dp").and_then(Value::as_u64).unwrap_or(0) as u32;
            Ok(Value::String(
                v.as_f64()
                    .map_or_else(|| "–".into(), |x| loc.percent(x, dp)),
            ))
        },
    );
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
