//! End-to-end checks of the built site: the `plansite` binary is run on a copy of the example
//! plan and its output is inspected as files. Generic over whatever pages the plan produces:
//! nothing here names a page, a department or a person.
//!
//! Only std: a small HTML attribute scanner (enough for the markup plansite writes: quoted or bare
//! attribute values, comments, raw `<script>`/`<style>` text) and a CSS `url(…)` scanner.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

const BIN: &str = env!("CARGO_BIN_EXE_plansite");
const REPO: &str = env!("CARGO_MANIFEST_DIR");

// ---------------------------------------------------------------------------------------------
// helpers: processes, temporary folders, file trees

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {BIN}: {e}"))
}

fn describe(out: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A fresh folder under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::SeqCst);
        let p =
            std::env::temp_dir().join(format!("plansite-site-{}-{tag}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&p);
        fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    let mut entries: Vec<_> = fs::read_dir(from).unwrap().map(|e| e.unwrap()).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name();
        // A site built into the plan's default output folder is not part of the plan.
        if name == "public" {
            continue;
        }
        let ty = e.file_type().unwrap();
        if ty.is_dir() {
            copy_dir(&e.path(), &to.join(&name));
        } else if ty.is_file() {
            fs::copy(e.path(), to.join(&name)).unwrap();
        }
    }
}

/// A copy of the example plan inside `dir`, so that tests never write into the repository.
fn example_plan_in(dir: &Path) -> PathBuf {
    let plan = dir.join("plan");
    copy_dir(&Path::new(REPO).join("example-plan"), &plan);
    plan
}

fn build(plan: &Path, out: &Path) -> Output {
    run(&["build", path_str(plan), "-o", path_str(out)])
}

fn build_ok(plan: &Path, out: &Path) {
    let o = build(plan, out);
    assert!(
        o.status.success(),
        "build of {} failed: {}",
        plan.display(),
        describe(&o)
    );
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("temp paths are UTF-8")
}

/// Every file under `root`, by its `/`-separated relative path.
fn read_tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, files: &mut BTreeMap<String, Vec<u8>>) {
        for e in fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            let p = e.path();
            if e.file_type().unwrap().is_dir() {
                walk(root, &p, files);
            } else {
                let rel = p.strip_prefix(root).unwrap();
                let key = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                files.insert(key, fs::read(&p).unwrap());
            }
        }
    }
    let mut files = BTreeMap::new();
    walk(root, root, &mut files);
    files
}

/// The differences between two trees, one line each; empty when they are byte-identical.
fn tree_diff(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let mut diffs = Vec::new();
    for (path, bytes) in a {
        match b.get(path) {
            None => diffs.push(format!("{path}: only in the first tree")),
            Some(other) if other != bytes => {
                let at = bytes
                    .iter()
                    .zip(other.iter())
                    .take_while(|(x, y)| x == y)
                    .count();
                let around = |v: &[u8]| {
                    let s = at.saturating_sub(40);
                    String::from_utf8_lossy(&v[s..(at + 40).min(v.len())]).into_owned()
                };
                diffs.push(format!(
                    "{path}: differs at byte {at}: {:?} vs {:?}",
                    around(bytes),
                    around(other)
                ));
            }
            Some(_) => {}
        }
    }
    for path in b.keys().filter(|p| !a.contains_key(*p)) {
        diffs.push(format!("{path}: only in the second tree"));
    }
    diffs
}

fn names_in(dir: &Path) -> BTreeSet<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// a small HTML scanner

struct Tag {
    name: String,
    attrs: Vec<(String, String)>,
    /// Byte offset of the `<` in the file, for messages.
    at: usize,
}

impl Tag {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The start tags of a document with their attributes (values entity-decoded, names lowercased).
fn scan_tags(html: &str) -> Vec<Tag> {
    let b = html.as_bytes();
    let mut tags = Vec::new();
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        let start = i + off;
        i = start + 1;
        if html[start..].starts_with("<!--") {
            i = html[start..].find("-->").map_or(b.len(), |e| start + e + 3);
            continue;
        }
        if i >= b.len() || !b[i].is_ascii_alphabetic() {
            continue; // end tag, doctype, or a stray `<`
        }
        let name_end = html[i..]
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .map_or(b.len(), |e| i + e);
        let name = html[i..name_end].to_ascii_lowercase();
        i = name_end;
        let mut attrs = Vec::new();
        loop {
            while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' {
                i += 1;
                break;
            }
            let an_start = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/')
            {
                i += 1;
            }
            let an = html[an_start..i].to_ascii_lowercase();
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            let mut value = String::new();
            if i < b.len() && b[i] == b'=' {
                i += 1;
                while i < b.len() && b[i].is_ascii_whitespace() {
                    i += 1;
                }
                if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                    let q = b[i] as char;
                    let vs = i + 1;
                    let ve = html[vs..].find(q).map_or(b.len(), |e| vs + e);
                    value = decode_entities(&html[vs..ve]);
                    i = (ve + 1).min(b.len());
                } else {
                    let vs = i;
                    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                        i += 1;
                    }
                    value = decode_entities(&html[vs..i]);
                }
            }
            if !an.is_empty() {
                attrs.push((an, value));
            }
        }
        let raw = name == "script" || name == "style";
        tags.push(Tag {
            name: name.clone(),
            attrs,
            at: start,
        });
        if raw {
            let close = format!("</{name}");
            i = find_ascii_ci(html, i.min(b.len()), &close).unwrap_or(b.len());
        }
    }
    tags
}

fn find_ascii_ci(hay: &str, from: usize, needle: &str) -> Option<usize> {
    let h = hay.as_bytes();
    let n = needle.as_bytes();
    (from..h.len().saturating_sub(n.len() - 1)).find(|&k| h[k..k + n.len()].eq_ignore_ascii_case(n))
}

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        let end = rest.find(';').filter(|&e| e <= 12);
        let decoded = end.and_then(|e| {
            let ent = &rest[1..e];
            let c = match ent {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ if ent.starts_with("#x") || ent.starts_with("#X") => {
                    u32::from_str_radix(&ent[2..], 16)
                        .ok()
                        .and_then(char::from_u32)
                }
                _ if ent.starts_with('#') => ent[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("");
            if let Ok(v) = u8::from_str_radix(hex, 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The `url(…)` references of a style sheet or style attribute.
fn css_urls(css: &str) -> Vec<String> {
    let mut urls = Vec::new();
    let mut rest = css;
    while let Some(p) = find_ascii_ci(rest, 0, "url(") {
        let after = &rest[p + 4..];
        let end = after.find(')').unwrap_or(after.len());
        let u = after[..end].trim().trim_matches(|c| c == '"' || c == '\'');
        urls.push(u.to_string());
        rest = &after[end..];
    }
    // `@import "x.css";` without url()
    let mut rest = css;
    while let Some(p) = find_ascii_ci(rest, 0, "@import") {
        let after = rest[p + 7..].trim_start();
        if let Some(q @ ('"' | '\'')) = after.chars().next() {
            let inner = &after[1..];
            if let Some(e) = inner.find(q) {
                urls.push(inner[..e].to_string());
            }
        }
        rest = &rest[p + 7..];
    }
    urls
}

fn is_external(url: &str) -> bool {
    let l = url.trim().to_ascii_lowercase();
    l.starts_with("//") || (scheme(&l).is_some() && !l.starts_with("data:"))
}

/// The URL's scheme (`http`, `mailto`, …), if it has one.
fn scheme(url: &str) -> Option<&str> {
    let colon = url.find(':')?;
    let s = &url[..colon];
    let ok = !s.is_empty()
        && s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    ok.then_some(s)
}

/// Resolve a relative URL found in site file `from` to a site path and its fragment.
/// Err when it climbs out of the site.
fn resolve(from: &str, url: &str) -> Result<(String, Option<String>), String> {
    let (rest, fragment) = match url.split_once('#') {
        Some((r, f)) => (r, Some(percent_decode(f))),
        None => (url, None),
    };
    let path = rest.split('?').next().unwrap_or("");
    if path.is_empty() {
        return Ok((from.to_string(), fragment));
    }
    let mut parts: Vec<String> = from.split('/').map(String::from).collect();
    parts.pop(); // the file name of `from`
    let decoded = percent_decode(path);
    for c in Path::new(&decoded).components() {
        match c {
            Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            Component::CurDir => {}
            Component::ParentDir => {
                if parts.pop().is_none() {
                    return Err("climbs above the site root".into());
                }
            }
            Component::RootDir | Component::Prefix(_) => return Err("is absolute".into()),
        }
    }
    let mut joined = parts.join("/");
    if decoded.ends_with('/') {
        joined.push('/');
    }
    Ok((joined, fragment))
}

// ---------------------------------------------------------------------------------------------
// the tests

/// One built example site shared by the read-only checks of this file.
fn built_example() -> &'static (TempDir, BTreeMap<String, Vec<u8>>) {
    static SITE: std::sync::OnceLock<(TempDir, BTreeMap<String, Vec<u8>>)> =
        std::sync::OnceLock::new();
    SITE.get_or_init(|| {
        let dir = TempDir::new("shared");
        let plan = example_plan_in(dir.path());
        let out = dir.path().join("out");
        build_ok(&plan, &out);
        let tree = read_tree(&out);
        assert!(
            tree.contains_key("index.html"),
            "the site has no index.html"
        );
        (dir, tree)
    })
}

#[test]
fn two_builds_are_byte_identical() {
    // Two copies of the plan at different paths, built into differently named folders: the
    // output must not depend on where the plan or the output lives, nor on when it was built.
    let a = TempDir::new("det-a");
    let b = TempDir::new("det-b-longer-name");
    let plan_a = example_plan_in(a.path());
    let plan_b = example_plan_in(b.path());
    let out_a = a.path().join("site");
    let out_b = b.path().join("another-output");
    build_ok(&plan_a, &out_a);
    build_ok(&plan_b, &out_b);
    let (ta, tb) = (read_tree(&out_a), read_tree(&out_b));
    assert!(!ta.is_empty());
    let diffs = tree_diff(&ta, &tb);
    assert!(diffs.is_empty(), "two builds differ:\n{}", diffs.join("\n"));

    // A rebuild over an existing output gives the same tree again.
    build_ok(&plan_a, &out_a);
    let diffs = tree_diff(&ta, &read_tree(&out_a));
    assert!(
        diffs.is_empty(),
        "a rebuild differs from the first build:\n{}",
        diffs.join("\n")
    );
}

#[test]
fn every_link_is_relative_and_resolves() {
    let (_, tree) = built_example();
    let html: BTreeMap<&String, String> = tree
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, b)| (p, String::from_utf8_lossy(b).into_owned()))
        .collect();
    assert!(!html.is_empty());
    let tags: BTreeMap<&String, Vec<Tag>> = html.iter().map(|(p, s)| (*p, scan_tags(s))).collect();
    let ids: BTreeMap<&str, BTreeSet<&str>> = tags
        .iter()
        .map(|(p, ts)| {
            let set = ts
                .iter()
                .flat_map(|t| {
                    let name = (t.name == "a").then(|| t.attr("name")).flatten();
                    t.attr("id").into_iter().chain(name)
                })
                .collect();
            (p.as_str(), set)
        })
        .collect();
    let line_of = |page: &str, at: usize| html[&page.to_string()][..at].matches('\n').count() + 1;

    let mut problems = Vec::new();
    let mut checked = 0usize;
    let mut check_url = |page: &str, line: usize, what: &str, url: &str, resource: bool| {
        let url = url.trim();
        let l = url.to_ascii_lowercase();
        if l.starts_with("mailto:") || l.starts_with("tel:") {
            return;
        }
        if l.starts_with("data:") {
            return;
        }
        if l.starts_with("javascript:") {
            problems.push(format!("{page}:{line}: {what}=\"{url}\" uses javascript:"));
            return;
        }
        if url.starts_with('/') {
            problems.push(format!("{page}:{line}: {what}=\"{url}\" is root-relative or protocol-relative; links must be relative"));
            return;
        }
        if is_external(url) {
            if resource {
                problems.push(format!(
                    "{page}:{line}: {what}=\"{url}\" loads an external resource"
                ));
            }
            return; // a link in authored prose may point to the web
        }
        checked += 1;
        match resolve(page, url) {
            Err(e) => problems.push(format!("{page}:{line}: {what}=\"{url}\" {e}")),
            Ok((target, fragment)) => {
                if target.ends_with('/')
                    || (!tree.contains_key(&target)
                        && tree.keys().any(|k| k.starts_with(&format!("{target}/"))))
                {
                    problems.push(format!(
                        "{page}:{line}: {what}=\"{url}\" points to a folder ({target}); from file:// that is a directory listing, link the file"
                    ));
                } else if !tree.contains_key(&target) {
                    problems.push(format!("{page}:{line}: {what}=\"{url}\" resolves to {target}, which is not in the site"));
                } else if let Some(f) = fragment.filter(|f| !f.is_empty()) {
                    if let Some(set) = ids.get(target.as_str()) {
                        if !set.contains(f.as_str()) {
                            problems.push(format!("{page}:{line}: {what}=\"{url}\": {target} has no element with id \"{f}\""));
                        }
                    }
                }
            }
        }
    };

    for (page, ts) in &tags {
        for t in ts {
            let line = line_of(page, t.at);
            for (name, value) in &t.attrs {
                match name.as_str() {
                    // Loaded by the browser without a click: must be local.
                    "src" | "poster" => check_url(page, line, name, value, true),
                    "srcset" => {
                        for cand in value.split(',') {
                            if let Some(u) = cand.split_whitespace().next() {
                                check_url(page, line, name, u, true);
                            }
                        }
                    }
                    "href" | "xlink:href" => {
                        let resource = !matches!(t.name.as_str(), "a" | "area");
                        check_url(page, line, name, value, resource);
                    }
                    "action" | "formaction" | "data" => check_url(page, line, name, value, true),
                    "style" => {
                        for u in css_urls(value) {
                            check_url(page, line, "style url", &u, true);
                        }
                    }
                    _ => {}
                }
            }
        }
        // <style> blocks
        let s = &html[*page];
        let mut from = 0;
        while let Some(p) = find_ascii_ci(s, from, "<style") {
            let body_start = s[p..].find('>').map_or(s.len(), |e| p + e + 1);
            let end = find_ascii_ci(s, body_start, "</style").unwrap_or(s.len());
            for u in css_urls(&s[body_start..end]) {
                check_url(page, line_of(page, p), "<style> url", &u, true);
            }
            from = end;
        }
    }
    // Style sheets and SVG files: their references are resources too.
    for (path, bytes) in tree.iter().filter(|(p, _)| p.ends_with(".css")) {
        for u in css_urls(&String::from_utf8_lossy(bytes)) {
            check_url(path, 0, "url", &u, true);
        }
    }
    for (path, bytes) in tree.iter().filter(|(p, _)| p.ends_with(".svg")) {
        let text = String::from_utf8_lossy(bytes);
        for t in scan_tags(&text) {
            for (name, value) in &t.attrs {
                if name == "href" || name == "xlink:href" || name == "src" {
                    check_url(path, 0, name, value, t.name != "a");
                }
            }
        }
    }

    assert!(
        checked > 0,
        "no relative link was found; is the scanner broken?"
    );
    assert!(
        problems.is_empty(),
        "{} bad links:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn no_build_machine_path_in_output() {
    let dir = TempDir::new("paths");
    let plan = example_plan_in(dir.path());
    let out = dir.path().join("out");
    build_ok(&plan, &out);
    let tree = read_tree(&out);

    // Paths this build knows about: anywhere in any file, binary or not.
    let mut exact: Vec<String> = vec![
        path_str(dir.path()).to_string(),
        path_str(&plan).to_string(),
        REPO.to_string(),
    ];
    if let Ok(canon) = fs::canonicalize(dir.path()) {
        exact.push(canon.to_string_lossy().into_owned());
    }
    // Typical home, temp and build folders: in text files only (a font's binary tables may
    // hold any bytes).
    let mut generic: Vec<String> = [
        "/home/",
        "/root/",
        "/Users/",
        "C:\\",
        "/tmp/",
        "/var/folders/",
    ]
    .map(String::from)
    .to_vec();
    generic.push(
        std::env::temp_dir()
            .to_string_lossy()
            .trim_end_matches('/')
            .to_string()
            + "/",
    );
    if let Some(home) = std::env::var_os("HOME").map(|h| h.to_string_lossy().into_owned()) {
        if home.len() > 1 {
            generic.push(home.trim_end_matches('/').to_string() + "/");
        }
    }
    let text_ext = [
        ".html", ".css", ".js", ".svg", ".json", ".txt", ".xml", ".csv", ".md",
    ];

    let mut problems = Vec::new();
    for (path, bytes) in &tree {
        let is_text = text_ext.iter().any(|e| path.ends_with(e)) || !path.contains('.');
        let needles = exact
            .iter()
            .map(String::as_str)
            .chain(generic.iter().map(String::as_str).filter(|_| is_text));
        for needle in needles {
            if let Some(at) = find_bytes(bytes, needle.as_bytes()) {
                let s = at.saturating_sub(40);
                let e = (at + needle.len() + 40).min(bytes.len());
                problems.push(format!(
                    "{path}: contains {needle:?} at byte {at}: …{}…",
                    String::from_utf8_lossy(&bytes[s..e])
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "build-machine paths in the output:\n{}",
        problems.join("\n")
    );
}

fn find_bytes(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || needle.len() > hay.len() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Break one reference of the plan: point the first `owner = "…"` (or similar) at nobody.
fn break_a_reference(plan: &Path) -> PathBuf {
    fn files(dir: &Path, acc: &mut Vec<PathBuf>) {
        let mut entries: Vec<_> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                files(&p, acc);
            } else if p.extension().is_some_and(|e| e == "md" || e == "toml") {
                acc.push(p);
            }
        }
    }
    let mut all = Vec::new();
    files(plan, &mut all);
    for key in ["owner", "department", "goal", "kpi", "lead"] {
        for f in &all {
            let text = fs::read_to_string(f).unwrap();
            let prefix = format!("{key} = \"");
            let hit = text
                .lines()
                .scan(0usize, |pos, l| {
                    let start = *pos;
                    *pos += l.len() + 1;
                    Some((start, l))
                })
                .find(|(_, l)| l.trim_start().starts_with(&prefix));
            if let Some((start, line)) = hit {
                let indent = line.len() - line.trim_start().len();
                let replaced = format!("{}{key} = \"no-such-id-anywhere\"", &line[..indent]);
                let new = format!(
                    "{}{}{}",
                    &text[..start],
                    replaced,
                    &text[start + line.len()..]
                );
                fs::write(f, new).unwrap();
                return f.clone();
            }
        }
    }
    panic!("found no reference to break in {}", plan.display());
}

#[test]
fn a_failed_build_leaves_the_previous_site_untouched() {
    let dir = TempDir::new("broken");
    let plan = example_plan_in(dir.path());
    let out = dir.path().join("out");
    build_ok(&plan, &out);
    let before = read_tree(&out);
    let siblings_before = names_in(dir.path());

    let broken = break_a_reference(&plan);
    let o = build(&plan, &out);
    assert_eq!(
        o.status.code(),
        Some(1),
        "a plan with a broken reference (in {}) must fail with exit 1: {}",
        broken.display(),
        describe(&o)
    );
    let diffs = tree_diff(&before, &read_tree(&out));
    assert!(
        diffs.is_empty(),
        "the failed build changed the output:\n{}",
        diffs.join("\n")
    );
    assert_eq!(
        names_in(dir.path()),
        siblings_before,
        "the failed build left something beside the output folder"
    );
}

#[test]
fn a_second_build_of_the_same_output_stops_at_once() {
    let dir = TempDir::new("busy");
    let plan = example_plan_in(dir.path());
    let out = dir.path().join("out");
    build_ok(&plan, &out);
    let before = read_tree(&out);
    // A build in progress holds this lock for as long as it runs.
    let lock = fs::File::create(dir.path().join(".out.plansite-lock")).unwrap();
    lock.lock().unwrap();
    let o = build(&plan, &out);
    assert_eq!(o.status.code(), Some(2), "{}", describe(&o));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("another plansite build is writing") && stderr.contains("out"),
        "{stderr}"
    );
    assert!(tree_diff(&before, &read_tree(&out)).is_empty());
    drop(lock);
    build_ok(&plan, &out);
}

#[test]
fn a_rebuild_keeps_the_times_of_unchanged_pages_and_the_site_before_beside_it() {
    let dir = TempDir::new("times");
    let plan = example_plan_in(dir.path());
    let out = dir.path().join("out");
    build_ok(&plan, &out);
    build_ok(&plan, &out);
    let spare = dir.path().join(".out.plansite-prev");
    assert!(tree_diff(&read_tree(&out), &read_tree(&spare)).is_empty());
    let mtime = |rel: &str| fs::metadata(out.join(rel)).unwrap().modified().unwrap();
    let (strategy, page) = (
        mtime("strategy.html"),
        mtime("initiatives/digital-onboarding.html"),
    );
    let md = plan.join("departments/customer-service/initiatives/digital-onboarding.md");
    let text = fs::read_to_string(&md).unwrap();
    fs::write(&md, format!("{text}\nOne more line of prose.\n")).unwrap();
    build_ok(&plan, &out);
    build_ok(&plan, &out);
    assert_eq!(
        mtime("strategy.html"),
        strategy,
        "an unchanged page got a new time"
    );
    assert!(mtime("initiatives/digital-onboarding.html") > page);
    let html = fs::read_to_string(out.join("initiatives/digital-onboarding.html")).unwrap();
    assert!(html.contains("One more line of prose."));
}

#[test]
fn usage_and_io_errors_exit_2() {
    let dir = TempDir::new("exit2");
    let missing = dir.path().join("no-such-folder");
    let empty = dir.path().join("not-a-plan");
    fs::create_dir_all(&empty).unwrap();
    fs::write(empty.join("README.md"), "not a plan\n").unwrap();
    let out = dir.path().join("out");
    for plan in [&missing, &empty] {
        let o = build(plan, &out);
        assert_eq!(
            o.status.code(),
            Some(2),
            "build {}: {}",
            plan.display(),
            describe(&o)
        );
        assert!(
            !out.exists(),
            "build {} wrote an output folder",
            plan.display()
        );
        if subcommands().iter().any(|s| s == "check") {
            let o = run(&["check", path_str(plan)]);
            assert_eq!(
                o.status.code(),
                Some(2),
                "check {}: {}",
                plan.display(),
                describe(&o)
            );
        }
    }
}

/// The subcommands the binary lists in its `--help` (without `help` itself).
fn subcommands() -> Vec<String> {
    let o = run(&["--help"]);
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    let mut in_commands = false;
    let mut subs = Vec::new();
    for line in text.lines() {
        if line.trim_end() == "Commands:" {
            in_commands = true;
            continue;
        }
        if in_commands {
            if !line.starts_with(' ') {
                break;
            }
            if let Some(name) = line.split_whitespace().next() {
                if name != "help" {
                    subs.push(name.to_string());
                }
            }
        }
    }
    subs
}

#[test]
fn help_and_version_work_everywhere() {
    let subs = subcommands();
    assert!(
        subs.iter().any(|s| s == "build"),
        "`plansite --help` lists no build command: {subs:?}"
    );
    let version = env!("CARGO_PKG_VERSION");
    let mut problems = Vec::new();
    let mut invocations: Vec<Vec<String>> = vec![vec![]];
    invocations.extend(subs.iter().map(|s| vec![s.clone()]));
    for prefix in invocations {
        let shown = if prefix.is_empty() {
            "plansite".to_string()
        } else {
            format!("plansite {}", prefix.join(" "))
        };
        for flag in ["--help", "-h"] {
            let mut args: Vec<&str> = prefix.iter().map(String::as_str).collect();
            args.push(flag);
            let o = run(&args);
            let out = String::from_utf8_lossy(&o.stdout);
            if !o.status.success() || !out.contains("Usage:") {
                problems.push(format!(
                    "`{shown} {flag}` does not print help: {}",
                    describe(&o)
                ));
            }
        }
        for flag in ["--version", "-V"] {
            let mut args: Vec<&str> = prefix.iter().map(String::as_str).collect();
            args.push(flag);
            let o = run(&args);
            let out = String::from_utf8_lossy(&o.stdout);
            if !o.status.success() || !out.contains(version) {
                problems.push(format!(
                    "`{shown} {flag}` does not print the version {version}: {}",
                    describe(&o)
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn scanner_self_test() {
    let tags = scan_tags(
        "<!-- <a href=\"/no\"> --><p id=x class='a b'>t</p><script>if (a<b) x='<a href=\"/no\">'</script>\
         <a href=\"..&#x2F;x.html#y\" data-k=v>k</a><img src=i.png alt=\"\">",
    );
    let names: Vec<&str> = tags.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["p", "script", "a", "img"]);
    assert_eq!(tags[0].attr("id"), Some("x"));
    assert_eq!(tags[0].attr("class"), Some("a b"));
    assert_eq!(tags[2].attr("href"), Some("../x.html#y"));
    assert_eq!(tags[2].attr("data-k"), Some("v"));
    assert_eq!(tags[3].attr("src"), Some("i.png"));
    assert_eq!(
        resolve("a/b.html", "../c.html#d"),
        Ok(("c.html".into(), Some("d".into())))
    );
    assert_eq!(
        resolve("a/b.html", "#top"),
        Ok(("a/b.html".into(), Some("top".into())))
    );
    assert_eq!(
        resolve("a/b.html", "x%20y.svg?v=1"),
        Ok(("a/x y.svg".into(), None))
    );
    assert!(resolve("b.html", "../c.html").is_err());
    assert_eq!(
        css_urls("a{src:url(\"f.ttf\")} b{background:url( x.png )} @import 'y.css';"),
        ["f.ttf", "x.png", "y.css"]
    );
    assert!(
        is_external("https://x")
            && is_external("//x")
            && !is_external("x.html")
            && !is_external("data:image/png,")
    );
    assert_eq!(decode_entities("a&amp;b&#47;&#x2F;&bogus;"), "a&b//&bogus;");
}
