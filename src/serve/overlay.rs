//! What a served HTML page carries beyond the built one: the live-reload script and, after a
//! failed build, an overlay listing the problems. All plan text is escaped.

use super::build::Problem;
use super::reload;
use crate::render::html::escape;

/// Add the live-reload script (and the overlay, when there are problems) before `</body>`.
pub fn inject(html: &[u8], generation: u64, problems: &[Problem]) -> Vec<u8> {
    let mut extra = reload::script(generation);
    if !problems.is_empty() {
        extra.push_str(&overlay(problems));
    }
    let at = find_last(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + extra.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(extra.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn find_last(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .rposition(|w| w.eq_ignore_ascii_case(needle))
}

/// The page served for every HTML request while there has never been a good build.
pub fn error_page(generation: u64, problems: &[Problem]) -> Vec<u8> {
    let page = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>plansite: the plan has errors</title></head>\
<body style=\"font-family:system-ui,sans-serif;margin:2rem\">\
<h1>The plan has errors</h1><p>plansite shows the site as soon as they are fixed.</p>\n\
</body></html>\n";
    inject(page.as_bytes(), generation, problems)
}

/// The overlay markup: a fixed panel over the page, one entry per problem.
pub fn overlay(problems: &[Problem]) -> String {
    let errors = problems.iter().filter(|p| p.is_error()).count();
    let mut html = format!(
        "<div id=\"plansite-overlay\" role=\"alert\" style=\"{PANEL}\">\
<button type=\"button\" onclick=\"this.parentNode.remove()\" style=\"{CLOSE}\" aria-label=\"Hide\">×</button>\
<h2 style=\"margin:0 0 .5rem;font-size:1.2rem;color:#ff8080\">plansite: the last build failed \
({errors} error{s})</h2><p style=\"margin:0 0 1rem\">The site below is the last good build. \
Fix the plan and save; this page reloads by itself.</p><ol style=\"padding-left:1.5rem\">",
        s = if errors == 1 { "" } else { "s" }
    );
    for p in errors_first(problems) {
        html.push_str(&entry(p));
    }
    html.push_str("</ol></div>");
    html
}

const PANEL: &str = "position:fixed;inset:0;z-index:2147483647;overflow:auto;\
background:rgba(20,20,28,.96);color:#eee;padding:2rem;margin:0;\
font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;text-align:left";
const CLOSE: &str = "position:absolute;top:1rem;right:1rem;background:none;border:0;\
color:#eee;font-size:1.5rem;cursor:pointer";

fn errors_first(problems: &[Problem]) -> Vec<&Problem> {
    let mut list: Vec<&Problem> = problems.iter().collect();
    list.sort_by_key(|p| !p.is_error());
    list
}

fn entry(p: &Problem) -> String {
    let colour = if p.is_error() { "#ff8080" } else { "#ffd479" };
    let mut html = format!(
        "<li style=\"margin-bottom:1rem\"><div><span style=\"color:{colour}\">{}{}</span>: {}</div>",
        p.severity,
        code(&p.code),
        escape(&p.message)
    );
    if !p.at.is_empty() {
        html.push_str(&format!(
            "<div style=\"color:#9cf\">at {}</div>",
            escape(&p.at)
        ));
    }
    if let Some(line) = &p.source_line {
        html.push_str(&format!(
            "<pre style=\"margin:.25rem 0;padding:.25rem .5rem;background:#000;white-space:pre-wrap\">{}</pre>",
            escape(line)
        ));
    }
    for note in &p.notes {
        html.push_str(&format!("<div>note: {}</div>", escape(note)));
    }
    if let Some(help) = &p.help {
        html.push_str(&format!(
            "<div style=\"color:#8f8\">help: {}</div>",
            escape(help)
        ));
    }
    html.push_str("</li>");
    html
}

fn code(code: &str) -> String {
    if code.is_empty() {
        String::new()
    } else {
        format!("[{}]", escape(code))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injects_before_the_last_body_close() {
        let out = inject(b"<html><body>x</body></html>", 7, &[]);
        let text = String::from_utf8(out).unwrap_or_default();
        assert!(text.starts_with("<html><body>x<script data-plansite-live-reload>"));
        assert!(text.ends_with("</script></body></html>"));
        assert!(text.contains("\"7\""));
    }

    #[test]
    fn overlay_escapes_plan_text() {
        let mut p = Problem::general("bad <script>alert(1)</script> & more");
        p.source_line = Some("title = \"<b>\"".into());
        let html = overlay(&[p]);
        assert!(!html.contains("<script>alert"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"));
        assert!(html.contains("title = &quot;&lt;b&gt;&quot;"));
    }
}
