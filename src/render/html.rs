//! HTML escaping: one way for every page, chart and error overlay plansite writes.

/// Escape text for element content and quoted attribute values. Unlike tera's default it leaves
/// `/` alone: escaping it buys no safety inside quoted attributes and makes every link
/// unreadable.
pub fn escape(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + input.len() / 8);
    escape_into(&mut out, input);
    out
}

/// Append `input` escaped: scan the bytes and copy the runs between special characters (most
/// text has none, so this is usually one copy).
pub fn escape_into(out: &mut String, input: &str) {
    let mut start = 0;
    for (i, b) in input.bytes().enumerate() {
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
}

/// Whether [`escape`] would change `s`.
pub fn needs_escape(s: &str) -> bool {
    s.bytes()
        .any(|b| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\''))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_the_five_and_copies_runs() {
        assert_eq!(escape("a/b"), "a/b");
        assert_eq!(
            escape("<a href='x'>&\"</a>"),
            "&lt;a href=&#x27;x&#x27;&gt;&amp;&quot;&lt;/a&gt;"
        );
        assert!(needs_escape("O'Brien") && !needs_escape("plain / text"));
    }
}
