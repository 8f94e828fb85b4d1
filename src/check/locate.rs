//! Find the value of a field in the source text.
//!
//! The model keeps a place for each entity (its table, or its file) but not for every field;
//! rather than carry a span per field through the model, a rule that reports on a field looks
//! the field up in the text of the entity's table. When the text does not have it (the value
//! was defaulted), the entity's own place is used.

use crate::diag::{Loc, Span};
use crate::load::Sources;

/// The span of the value of `key = …` inside the table (or top-level fields) at `at`.
pub fn value_of(sources: &Sources, at: Loc, key: &str) -> Loc {
    let text = sources.text(at.file);
    let (start, end) = region(text, at.span);
    find_key(text, start, end, key)
        .map(|span| Loc::new(at.file, span))
        .unwrap_or(at)
}

/// Whether the line at the start of `text` is a table header or a front-matter fence.
fn is_header(text: &str) -> bool {
    let line = text.split('\n').next().unwrap_or_default();
    let t = line.trim_start();
    t.starts_with('[') || t.trim_end() == "+++"
}

/// Byte offset of the start of the line holding `pos`.
fn line_start(text: &str, pos: usize) -> usize {
    text[..pos].rfind('\n').map_or(0, |i| i + 1)
}

/// The text a table spans: an inline table's braces, or from its header line (or from `span`
/// for top-level fields) to the next header.
fn region(text: &str, span: Span) -> (usize, usize) {
    let start = floor(text, span.start as usize);
    let end = floor(text, span.end as usize);
    if text[start..].starts_with('{') {
        return (start, end.max(start));
    }
    let mut from = line_start(text, start);
    if span.start < span.end {
        // A place inside a table (an id): back up to the table's header line.
        while from > 0 && !is_header(&text[from..]) {
            from = line_start(text, from - 1);
        }
    }
    let mut pos = from;
    let mut first = true;
    for line in text[from..].split_inclusive('\n') {
        if !first && is_header(line) {
            break;
        }
        first = false;
        pos += line.len();
    }
    (from, pos)
}

fn floor(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn find_key(text: &str, start: usize, end: usize, key: &str) -> Option<Span> {
    let hay = &text[start..end];
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    for (i, _) in hay.match_indices(key) {
        let before_ok = hay[..i].chars().next_back().is_none_or(|c| !ident(c));
        let rest = &hay[i + key.len()..];
        let after = rest.trim_start_matches([' ', '\t']);
        if !before_ok || !after.starts_with('=') {
            continue;
        }
        let value_at = i + key.len() + (rest.len() - after.len()) + 1;
        let value = &hay[value_at..];
        let lead = value.len() - value.trim_start_matches([' ', '\t']).len();
        let len = value_len(&value[lead..]);
        let s = start + value_at + lead;
        return Some(Span::new(s, s + len));
    }
    None
}

/// Length of a TOML value up to the end of its line, a comma or a closing brace.
fn value_len(v: &str) -> usize {
    let mut in_str = false;
    let mut depth = 0i32;
    let mut end = 0;
    for (i, c) in v.char_indices() {
        match c {
            '"' => in_str = !in_str,
            '\n' | '\r' => break,
            '#' if !in_str => break,
            '[' | '{' if !in_str => depth += 1,
            ']' | '}' if !in_str && depth > 0 => depth -= 1,
            ',' | '}' | ']' if !in_str && depth == 0 => break,
            _ => {}
        }
        if !c.is_whitespace() {
            end = i + c.len_utf8();
        }
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::SourceFile;

    fn find(text: &str, span: Span, key: &str) -> String {
        let mut s = Sources::default();
        let id = s.add(SourceFile::new("f".into(), text.into()));
        let l = value_of(&s, Loc::new(id, span), key);
        text[l.span.range()].to_string()
    }

    #[test]
    fn finds_values_in_tables_and_front_matter() {
        let t = "+++\ntitle = \"x\"\nstart = 2026-01-01 # c\n[[milestone]]\ntitle = \"b\"\ndate = 2026-02-01\n+++\n";
        assert_eq!(find(t, Span::new(4, 4), "start"), "2026-01-01");
        let m = t.find("[[milestone]]").unwrap();
        assert_eq!(find(t, Span::new(m, m + 5), "date"), "2026-02-01");
        // Top-level search stops at the first table.
        assert_eq!(find(t, Span::new(4, 4), "date"), "");
    }

    #[test]
    fn finds_values_in_inline_tables_and_after_an_id() {
        let t = "targets = [ { period = \"2026\", value = 3 } ]\n";
        let s = t.find('{').unwrap();
        assert_eq!(find(t, Span::new(s, t.len() - 3), "period"), "\"2026\"");
        let t = "[[objective]]\nid = \"a\"\nperiod = \"2031\"\n";
        let s = t.find("\"a\"").unwrap();
        assert_eq!(find(t, Span::new(s, s + 3), "period"), "\"2031\"");
    }
}
