//! Markdown bodies into HTML: tables, footnotes, strikethrough, task lists, heading anchors,
//! links to other plan files rewritten to their pages, raw HTML sanitized unless allowed.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::OnceLock;

use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};
use pulldown_cmark_escape::{escape_href, escape_html};

use crate::diag::{codes, Diagnostic, Loc, Span};
use crate::model::Body;

/// What rendering one body needs to know about the site.
pub struct Links<'a> {
    /// Plan file path (relative, `/`-separated) → page path in the site.
    pub pages: &'a HashMap<String, String>,
    /// Every plan-relative path that exists, so a link to, say, a static file is not an error.
    pub files: &'a HashSet<String>,
    /// The plan-relative path of the file the body comes from.
    pub source: &'a str,
    /// Prefix from the page being rendered to the site root ("" or "../").
    pub root: &'a str,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Render a body. Broken links to plan files come back as diagnostics.
pub fn render(body: &Body, links: &Links, allow_raw_html: bool) -> (String, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut events: Vec<Event> = Vec::new();
    for (ev, range) in Parser::new_ext(&body.text, options()).into_offset_iter() {
        let loc = Loc::new(
            body.file,
            Span::new(range.start, range.end).shifted(body.offset),
        );
        events.push(rewrite(ev, links, loc, &mut diags));
    }
    add_heading_ids(&mut events);
    let mut html = String::with_capacity(body.text.len() * 3 / 2);
    if allow_raw_html {
        pulldown_cmark::html::push_html(&mut html, events.into_iter());
    } else if safe_as_rendered(&events) {
        // Inside an image, a link is only alt text: pulldown-cmark writes its words and drops
        // its tags, which it can do only for a link it still sees as one.
        let mut in_image = 0usize;
        let events = events.into_iter().map(|ev| {
            match &ev {
                Event::Start(Tag::Image { .. }) => in_image += 1,
                Event::End(TagEnd::Image) => in_image = in_image.saturating_sub(1),
                _ => {}
            }
            if in_image > 0 {
                ev
            } else {
                link_with_rel(ev)
            }
        });
        pulldown_cmark::html::push_html(&mut html, events);
    } else {
        pulldown_cmark::html::push_html(&mut html, events.into_iter());
        html = sanitizer().clean(&html).to_string();
    }
    (html, diags)
}

/// Whether pulldown-cmark's HTML is already what the sanitizer would let through: no raw HTML,
/// no heading attributes beyond id and class, no URL with a scheme a browser could run. Most
/// bodies are like that, and sanitizing costs more than the rest of rendering them together.
fn safe_as_rendered(events: &[Event]) -> bool {
    events.iter().all(|ev| match ev {
        Event::Html(_) | Event::InlineHtml(_) => false,
        Event::Start(Tag::Heading { attrs, .. }) => attrs.is_empty(),
        Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
            harmless_url(dest_url)
        }
        _ => true,
    })
}

/// A relative URL, or one whose scheme is http, https, mailto or tel. Anything with whitespace
/// or control characters is left to the sanitizer, since browsers skip those inside a scheme.
fn harmless_url(url: &str) -> bool {
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Some((head, _)) = url.split_once(':') else {
        return true;
    };
    head.contains(['/', '?', '#'])
        || ["http", "https", "mailto", "tel"]
            .iter()
            .any(|s| head.eq_ignore_ascii_case(s))
}

/// A link as the sanitizer writes it, with `rel="noopener noreferrer"`, so that a page's
/// address never leaves the intranet in a Referer header, whichever path a body took.
fn link_with_rel(ev: Event) -> Event {
    let Event::Start(Tag::Link {
        link_type,
        dest_url,
        title,
        ..
    }) = ev
    else {
        return ev;
    };
    let mut a = String::from("<a href=\"");
    if link_type == LinkType::Email {
        a.push_str("mailto:");
    }
    // Writing into a String cannot fail.
    let _ = escape_href(&mut a, &dest_url);
    if !title.is_empty() {
        a.push_str("\" title=\"");
        let _ = escape_html(&mut a, &title);
    }
    a.push_str("\" rel=\"noopener noreferrer\">");
    Event::InlineHtml(a.into())
}

/// Only the link diagnostics, for `check` (no HTML is produced).
pub fn check_links(body: &Body, links: &Links) -> Vec<Diagnostic> {
    if !may_link(&body.text) {
        return Vec::new();
    }
    let mut diags = Vec::new();
    for (ev, range) in Parser::new_ext(&body.text, options()).into_offset_iter() {
        let loc = Loc::new(
            body.file,
            Span::new(range.start, range.end).shifted(body.offset),
        );
        rewrite(ev, links, loc, &mut diags);
    }
    diags
}

/// Whether `text` can hold a link or an image at all: every kind (inline, reference, shortcut,
/// footnote, autolink) needs a `[` or a `<`. A body without either is not parsed by `check`,
/// which spares parsing about half of a typical plan's bodies twice.
fn may_link(text: &str) -> bool {
    text.bytes().any(|b| b == b'[' || b == b'<')
}

fn rewrite<'e>(ev: Event<'e>, links: &Links, loc: Loc, diags: &mut Vec<Diagnostic>) -> Event<'e> {
    let mut fix = |url: CowStr<'e>| rewrite_url(&url, links, loc, diags).map_or(url, CowStr::from);
    match ev {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: fix(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: fix(dest_url),
            title,
            id,
        }),
        other => other,
    }
}

/// A relative link to a plan file becomes a link to its page; `None` leaves the URL as written.
fn rewrite_url(url: &str, links: &Links, loc: Loc, diags: &mut Vec<Diagnostic>) -> Option<String> {
    if url.is_empty()
        || url.starts_with('#')
        || url.contains("://")
        || url.starts_with("mailto:")
        || url.starts_with('/')
    {
        return None;
    }
    let (path, fragment) = match url.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (url, None),
    };
    let target = join(links.source, path)?;
    let anchor = fragment.map(|f| format!("#{f}")).unwrap_or_default();
    if let Some(page) = links.pages.get(&target) {
        return Some(format!("{}{}{}", links.root, page, anchor));
    }
    if let Some(rest) = target.strip_prefix("static/") {
        if links.files.contains(&target) {
            return Some(format!("{}{}{}", links.root, rest, anchor));
        }
    }
    let looks_like_plan_file = path.ends_with(".md") || path.ends_with(".toml");
    if looks_like_plan_file || target.starts_with("static/") {
        let known: Vec<&str> = links.pages.keys().map(String::as_str).collect();
        let mut d = Diagnostic::new(
            codes::BROKEN_LINK,
            loc,
            format!("link to `{path}`, which is not a file of this plan"),
        );
        d.help = Some(
            match crate::suggest::nearest(&target, known.iter().copied()) {
                Some(s) => format!(
                    "links are relative to this file; did you mean `{}`?",
                    relative_to(links.source, s)
                ),
                None => "links are relative to the file they are written in".to_string(),
            },
        );
        diags.push(d);
    }
    None
}

/// Resolve `rel` against the folder of `source`; `None` when it climbs out of the plan.
fn join(source: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = source.split('/').collect();
    parts.pop();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// The path of `target` written relative to the folder of `source`.
fn relative_to(source: &str, target: &str) -> String {
    let from: Vec<&str> = source.split('/').collect();
    let from = &from[..from.len().saturating_sub(1)];
    let to: Vec<&str> = target.split('/').collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out: Vec<&str> = vec![".."; from.len() - common];
    out.extend(&to[common..]);
    out.join("/")
}

/// Give every heading an id (its slug, made unique) so it can be linked to.
fn add_heading_ids(events: &mut [Event]) {
    let mut used: HashMap<String, usize> = HashMap::default();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { id: None, .. }) = &events[i] {
            let mut text = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j] {
                    text.push_str(t);
                }
                j += 1;
            }
            let base = slug(&text);
            let n = used.entry(base.clone()).or_insert(0);
            let id = if *n == 0 {
                base.clone()
            } else {
                format!("{base}-{n}")
            };
            *n += 1;
            if let Event::Start(Tag::Heading {
                level,
                classes,
                attrs,
                ..
            }) = &events[i]
            {
                let level: HeadingLevel = *level;
                events[i] = Event::Start(Tag::Heading {
                    level,
                    id: Some(id.into()),
                    classes: classes.clone(),
                    attrs: attrs.clone(),
                });
            }
        }
        i += 1;
    }
}

/// Lowercase words joined by dashes, for anchors.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let s = out.trim_end_matches('-').to_string();
    if s.is_empty() {
        "section".into()
    } else {
        s
    }
}

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static B: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    B.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.add_generic_attributes(["id", "class"])
            .add_tags(["input"])
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .add_tag_attributes("th", ["style"])
            .add_tag_attributes("td", ["style"]);
        b
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::FileId;

    fn body(text: &str) -> Body {
        Body {
            file: FileId(0),
            offset: 0,
            text: text.into(),
        }
    }

    /// The premise of `may_link`: Markdown without `[` or `<` (here with bare addresses, code,
    /// tables, emphasis and headings with attributes) parses to no link and no image.
    #[test]
    fn text_without_brackets_or_angles_has_no_links() {
        let text = "# Plan {#plan .wide}\n\nSee https://example.com and www.example.com, \
                    mail a@b.example.\n\n| a | b |\n|---|---|\n| `x](y)` | **z** |\n\n\
                    - [ ] todo\n\n```\n(not) a link\n```\n";
        let text = text.replace("[ ]", "( )");
        assert!(!may_link(&text));
        let linky = Parser::new_ext(&text, options()).any(|ev| {
            matches!(
                ev,
                Event::Start(Tag::Link { .. } | Tag::Image { .. } | Tag::FootnoteDefinition(_))
                    | Event::FootnoteReference(_)
            )
        });
        assert!(!linky);
        assert!(may_link("see [the budget](budget.toml)"));
        assert!(may_link("<https://example.com>"));
    }

    fn render_with(text: &str, raw: bool) -> (String, Vec<Diagnostic>) {
        let mut pages = HashMap::default();
        pages.insert(
            "departments/sales/initiatives/crm-rollout.md".to_string(),
            "initiatives/crm-rollout.html".to_string(),
        );
        let files = HashSet::default();
        let links = Links {
            pages: &pages,
            files: &files,
            source: "departments/eng/initiatives/x.md",
            root: "../",
        };
        render(&body(text), &links, raw)
    }

    #[test]
    fn links_to_plan_files_become_page_links() {
        let (html, d) = render_with("[CRM](../../sales/initiatives/crm-rollout.md#risks)", false);
        assert!(
            html.contains("href=\"../initiatives/crm-rollout.html#risks\""),
            "{html}"
        );
        assert!(d.is_empty());
    }

    #[test]
    fn broken_plan_links_are_errors_with_a_suggestion() {
        let (_, d) = render_with("see [x](../../sales/initiatives/crm-rolout.md)", false);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, codes::BROKEN_LINK);
        assert_eq!(d[0].loc.unwrap().span.start, 4);
        assert!(d[0]
            .help
            .as_deref()
            .unwrap_or("")
            .contains("crm-rollout.md"));
    }

    #[test]
    fn raw_html_is_sanitized_unless_allowed() {
        let (html, _) = render_with(
            "<script>alert(1)</script><b onclick=\"x()\">bold</b>",
            false,
        );
        assert!(!html.contains("<script"));
        assert!(!html.contains("onclick"));
        assert!(html.contains("<b>bold</b>"));
        let (html, _) = render_with("<span class=\"x\">raw</span>", true);
        assert!(html.contains("<span class=\"x\">raw</span>"));
    }

    const PLAIN_BODIES: &[&str] = &[
        "# Risks {#r .warn}\n\nSee [CRM](../../sales/initiatives/crm-rollout.md \"the \\\"CRM\\\"\") and [site](https://example.com/a?b=1&c=\"2\").",
        "Mail <someone@example.com>, call [us](tel:+4930123), see <https://example.com>.",
        "![chart](../img/a.png \"A & B\") and [![x](y.png)](#top)",
        "![foo [bar](/u) baz [qux](x.md)](e.png) after",
        "- [x] done\n- [ ] not yet\n\n|a|b|\n|:-|-:|\n|1 < 2|\"q\"|\n\nNote[^1].\n\n[^1]: Footnote with [a link](x.md).",
        "```rust\nfn main() { println!(\"<b>\"); }\n```\n\n> quote with `code <i>` and ~~old~~\n\n---\nline  \nbreak",
    ];

    #[test]
    fn plain_bodies_skip_the_sanitizer_and_come_out_as_it_would_leave_them() {
        for text in PLAIN_BODIES {
            let (fast, _) = render_with(text, false);
            let (raw, _) = render_with(text, true);
            assert_eq!(
                sanitizer().clean(&fast).to_string(),
                sanitizer().clean(&raw).to_string(),
                "{text}"
            );
            assert!(!fast.contains("<a href") || fast.contains("rel=\"noopener noreferrer\""));
        }
    }

    #[test]
    fn dangerous_urls_and_heading_attributes_still_go_through_the_sanitizer() {
        for text in [
            "[x](javascript:alert(1))",
            "[x](JavaScript:alert(1))",
            "![x](data:image/svg+xml;base64,PHN2Zz4=)",
            "[x](<java\tscript:alert(1)>)",
            "# Title {onclick=alert(1)}",
        ] {
            let (html, _) = render_with(text, false);
            let lower = html.to_ascii_lowercase();
            for bad in ["=\"javascript:", "=\"java\tscript:", "=\"data:", "onclick"] {
                assert!(!lower.contains(bad), "{text} -> {html}");
            }
        }
    }

    #[test]
    fn harmless_urls() {
        for url in [
            "x.md",
            "../a/b.html#c",
            "#top",
            "https://e.com",
            "MAILTO:a@b",
            "a/b:c",
            "?q=a:b",
        ] {
            assert!(harmless_url(url), "{url}");
        }
        for url in [
            "javascript:x",
            "vbscript:x",
            "data:text/html,x",
            "java\tscript:x",
            " javascript:x",
            "file:///etc",
        ] {
            assert!(!harmless_url(url), "{url}");
        }
    }

    #[test]
    fn headings_get_unique_anchors_and_extensions_work() {
        let (html, _) = render_with("# Risks\n\n## Risks\n\n- [x] done\n\n~~old~~\n\n|a|b|\n|-|-|\n|1|2|\n\nNote[^1].\n\n[^1]: Footnote.\n", false);
        assert!(html.contains("<h1 id=\"risks\">"), "{html}");
        assert!(html.contains("<h2 id=\"risks-1\">"));
        assert!(html.contains("type=\"checkbox\""));
        assert!(html.contains("<del>old</del>"));
        assert!(html.contains("<table>"));
        assert!(html.contains("footnote"));
    }

    #[test]
    fn join_and_relative() {
        assert_eq!(join("a/b/c.md", "../d.md").as_deref(), Some("a/d.md"));
        assert_eq!(join("a.md", "../x.md"), None);
        assert_eq!(
            relative_to(
                "departments/eng/initiatives/x.md",
                "departments/sales/initiatives/y.md"
            ),
            "../../sales/initiatives/y.md"
        );
    }
}
