//! Printing diagnostics: human (codespan-reporting), JSON and GitHub Actions annotations.
//!
//! File names are the plan path as given on the command line joined with the file's path in the
//! plan, so that they can be clicked in a terminal and resolved by CI from the current directory.
//!
//! # JSON schema (version 1, stable: fields are only ever added)
//! ```text
//! { "version": 1,
//!   "diagnostics": [ { "severity": "error" | "warning", "code": "E006", "message": "…",
//!                      "file": "plan/x.md" | null, "line": 3 | null, "column": 7 | null,
//!                      "end_line": 3 | null, "end_column": 12 | null, "help": "…" | null,
//!                      "related": [ { "message": "…", "file": …, "line": …, "column": …,
//!                                     "end_line": …, "end_column": … } ] } ],
//!   "summary": { "errors": 1, "warnings": 0 } }
//! ```
//! Lines and columns are 1-based; columns count characters; the end is exclusive.

use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label, Severity as CsSeverity};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term;
pub use codespan_reporting::term::termcolor;
use serde_json::{json, Value};

use crate::diag::{Diagnostic, Loc, Severity};
use crate::load::{FileId, Sources};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Github,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Colour only when asked, or when writing to a terminal and `NO_COLOR` is not set
/// (https://no-color.org: any non-empty value).
pub fn use_color(choice: ColorChoice, is_terminal: bool, no_color: Option<&str>) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => is_terminal && no_color.is_none_or(str::is_empty),
    }
}

/// Colour decision for stderr from the environment.
pub fn stderr_color(choice: ColorChoice) -> bool {
    use std::io::IsTerminal;
    let no_color = std::env::var("NO_COLOR").ok();
    use_color(choice, io::stderr().is_terminal(), no_color.as_deref())
}

/// How to print: which format, only errors or everything, colour, and the plan path as given.
pub struct Options<'a> {
    pub format: Format,
    pub quiet: bool,
    pub color: bool,
    pub plan: &'a Path,
}

pub fn counts(diags: &[Diagnostic]) -> (usize, usize) {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    (errors, diags.len() - errors)
}

/// "2 errors, 5 warnings".
pub fn summary(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

/// Print diagnostics in the chosen format: human to stderr, JSON and GitHub lines to stdout
/// (where CI tools read them).
pub fn print(diags: &[Diagnostic], sources: &Sources, opts: &Options) -> io::Result<()> {
    let shown: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| !opts.quiet || d.is_error())
        .collect();
    let (errors, warnings) = counts(diags);
    match opts.format {
        Format::Human => {
            let choice = if opts.color {
                termcolor::ColorChoice::Always
            } else {
                termcolor::ColorChoice::Never
            };
            let mut err = termcolor::StandardStream::stderr(choice);
            human(&mut err, &shown, sources, opts.plan)?;
            if !opts.quiet || errors > 0 {
                let warnings = if opts.quiet { 0 } else { warnings };
                writeln!(err, "{}", summary(errors, warnings))?;
            }
            Ok(())
        }
        Format::Json => {
            let v = json(&shown, sources, opts.plan);
            let mut out = io::stdout().lock();
            serde_json::to_writer_pretty(&mut out, &v)?;
            writeln!(out)
        }
        Format::Github => {
            let mut out = io::stdout().lock();
            for d in shown {
                writeln!(out, "{}", github(d, sources, opts.plan))?;
            }
            Ok(())
        }
    }
}

/// Human output to stderr with automatic colour: what `build` prints before it renders.
pub fn print_human(sources: &Sources, diags: &[Diagnostic], plan: &Path, quiet: bool) {
    let opts = Options {
        format: Format::Human,
        quiet,
        color: stderr_color(ColorChoice::Auto),
        plan,
    };
    // Failing to write to stderr leaves nothing better to report to.
    let _ = print(diags, sources, &opts);
}

/// The plan path as given joined with a file's path in the plan, without `.` parts.
pub fn display_path(plan: &Path, rel: &str) -> String {
    let joined: PathBuf = plan.join(rel);
    let mut parts: Vec<String> = Vec::new();
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if parts.last().is_some_and(|p| p != ".." && !p.is_empty()) => {
                parts.pop();
            }
            Component::RootDir => parts.push(String::new()),
            other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
        }
    }
    let s = parts.join("/");
    if s.is_empty() {
        ".".into()
    } else {
        s
    }
}

/// A span clamped to the text and to character boundaries (the text of a non-UTF-8 file is
/// its lossy decoding, where a reported byte may sit inside a replacement character).
fn clamp(text: &str, loc: Loc) -> std::ops::Range<usize> {
    let mut s = (loc.span.start as usize).min(text.len());
    while !text.is_char_boundary(s) {
        s -= 1;
    }
    let mut e = (loc.span.end as usize).clamp(s, text.len());
    while !text.is_char_boundary(e) {
        e += 1;
    }
    s..e
}

/// Human output, as rustc does it: severity[code]: message, the place, the excerpt, help.
pub fn human(
    w: &mut dyn termcolor::WriteColor,
    diags: &[&Diagnostic],
    sources: &Sources,
    plan: &Path,
) -> io::Result<()> {
    // The files' table below costs a path per file of the plan (~13 M instructions for 2,200
    // files), for nothing when there is nothing to show: the usual case of a clean plan.
    if diags.is_empty() {
        return Ok(());
    }
    // codespan indexes every line of every file it is given, so only files a diagnostic points
    // into get their text; the others are placeholders that keep ids aligned with `FileId`s.
    let shown: std::collections::HashSet<FileId> = diags
        .iter()
        .flat_map(|d| d.loc.iter().chain(d.related.iter().map(|(l, _)| l)))
        .map(|l| l.file)
        .collect();
    let mut files = SimpleFiles::new();
    for (id, f) in sources.iter() {
        let text = if shown.contains(&id) {
            f.text.as_str()
        } else {
            ""
        };
        files.add(display_path(plan, &f.path), text);
    }
    let config = term::Config::default();
    for d in diags {
        let cs = to_codespan(d, sources);
        term::emit(w, &config, &files, &cs).map_err(io::Error::other)?;
    }
    Ok(())
}

fn to_codespan(d: &Diagnostic, sources: &Sources) -> CsDiagnostic<usize> {
    let severity = match d.severity() {
        Severity::Error => CsSeverity::Error,
        Severity::Warning => CsSeverity::Warning,
    };
    let label = |loc: Loc, primary: bool, msg: &str| {
        let range = clamp(sources.text(loc.file), loc);
        let l = if primary {
            Label::primary(loc.file.0 as usize, range)
        } else {
            Label::secondary(loc.file.0 as usize, range)
        };
        l.with_message(msg)
    };
    let mut labels: Vec<Label<usize>> = d.loc.iter().map(|&l| label(l, true, "")).collect();
    labels.extend(d.related.iter().map(|(l, m)| label(*l, false, m)));
    let notes = d.help.iter().map(|h| format!("help: {h}")).collect();
    CsDiagnostic::new(severity)
        .with_code(d.code.0)
        .with_message(&d.message)
        .with_labels(labels)
        .with_notes(notes)
}

/// Start and end (line, column) of a place, 1-based, columns in characters.
fn position(sources: &Sources, loc: Loc) -> ((usize, usize), (usize, usize)) {
    let f = sources.get(loc.file);
    let r = clamp(&f.text, loc);
    (f.line_col(r.start), f.line_col(r.end))
}

fn place_json(sources: &Sources, plan: &Path, loc: Option<Loc>) -> serde_json::Map<String, Value> {
    let mut m = serde_json::Map::new();
    let (file, l, c, el, ec) = match loc {
        Some(loc) => {
            let ((l, c), (el, ec)) = position(sources, loc);
            let file = display_path(plan, sources.path(loc.file));
            (json!(file), json!(l), json!(c), json!(el), json!(ec))
        }
        None => (
            Value::Null,
            Value::Null,
            Value::Null,
            Value::Null,
            Value::Null,
        ),
    };
    m.insert("file".into(), file);
    m.insert("line".into(), l);
    m.insert("column".into(), c);
    m.insert("end_line".into(), el);
    m.insert("end_column".into(), ec);
    m
}

pub fn json(diags: &[&Diagnostic], sources: &Sources, plan: &Path) -> Value {
    let list: Vec<Value> = diags
        .iter()
        .map(|d| {
            let mut m = serde_json::Map::new();
            m.insert("severity".into(), json!(d.severity()));
            m.insert("code".into(), json!(d.code.0));
            m.insert("message".into(), json!(d.message));
            m.extend(place_json(sources, plan, d.loc));
            m.insert("help".into(), json!(d.help));
            let related: Vec<Value> = d
                .related
                .iter()
                .map(|(l, msg)| {
                    let mut r = serde_json::Map::new();
                    r.insert("message".into(), json!(msg));
                    r.extend(place_json(sources, plan, Some(*l)));
                    Value::Object(r)
                })
                .collect();
            m.insert("related".into(), Value::Array(related));
            Value::Object(m)
        })
        .collect();
    let owned: Vec<Diagnostic> = diags.iter().map(|d| (*d).clone()).collect();
    let (errors, warnings) = counts(&owned);
    json!({
        "version": 1,
        "diagnostics": list,
        "summary": { "errors": errors, "warnings": warnings },
    })
}

/// Escape the message of a workflow command.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a property value of a workflow command (also `:` and `,`, which delimit properties).
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// One GitHub Actions workflow command: `::error file=…,line=…,col=…::message`.
pub fn github(d: &Diagnostic, sources: &Sources, plan: &Path) -> String {
    let kind = match d.severity() {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut props = Vec::new();
    if let Some(loc) = d.loc {
        let ((l, c), (el, ec)) = position(sources, loc);
        let file = display_path(plan, sources.path(loc.file));
        props.push(format!("file={}", escape_property(&file)));
        props.push(format!("line={l},col={c},endLine={el},endColumn={ec}"));
    }
    props.push(format!("title={}", escape_property(d.code.0)));
    let mut msg = d.message.clone();
    if let Some(h) = &d.help {
        msg.push_str("\nhelp: ");
        msg.push_str(h);
    }
    format!("::{kind} {}::{}", props.join(","), escape_data(&msg))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_joined_and_normalized() {
        assert_eq!(display_path(Path::new("."), "plan.toml"), "plan.toml");
        assert_eq!(display_path(Path::new("./a/"), "b/c.md"), "a/b/c.md");
        assert_eq!(display_path(Path::new("a/../b"), "c.md"), "b/c.md");
        assert_eq!(display_path(Path::new("../p"), "c.md"), "../p/c.md");
        assert_eq!(display_path(Path::new("/abs/p"), "c.md"), "/abs/p/c.md");
    }

    #[test]
    fn github_escapes() {
        assert_eq!(escape_data("50% a\r\nb"), "50%25 a%0D%0Ab");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }

    #[test]
    fn colour_rules() {
        assert!(use_color(ColorChoice::Auto, true, None));
        assert!(use_color(ColorChoice::Auto, true, Some("")));
        assert!(!use_color(ColorChoice::Auto, true, Some("1")));
        assert!(!use_color(ColorChoice::Auto, false, None));
        assert!(use_color(ColorChoice::Always, false, Some("1")));
        assert!(!use_color(ColorChoice::Never, true, None));
    }

    #[test]
    fn a_diagnostic_with_no_place_is_still_printed() {
        let d = Diagnostic {
            code: crate::diag::codes::TEMPLATE,
            message: "template `goal.html` failed".into(),
            loc: None,
            help: Some("fix the template".into()),
            related: Vec::new(),
        };
        let mut out = termcolor::NoColor::new(Vec::new());
        human(&mut out, &[&d], &Sources::default(), Path::new(".")).unwrap();
        let text = String::from_utf8(out.into_inner()).unwrap();
        assert!(text.contains("template `goal.html` failed"), "{text}");
        assert!(text.contains("fix the template"), "{text}");
    }

    #[test]
    fn summary_counts() {
        assert_eq!(summary(1, 0), "1 error, 0 warnings");
        assert_eq!(summary(2, 5), "2 errors, 5 warnings");
    }
}
