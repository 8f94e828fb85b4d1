//! HTML escaping: one way for every page, chart and error overlay plansite writes.

/// Escape text for element content and quoted attribute values. Unlike tera's default it leaves
/// `/` alone: escaping it buys no safety inside quoted attributes and makes every link
/// unreadable.
pub fn escape(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + input.len() / 8);
    escape_into(&mut out, input);
    out
}

/// Which bytes [`escape_into`] replaces: one table load per byte instead of five compares.
const SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    t[b'&' as usize] = true;
    t[b'<' as usize] = true;
    t[b'>' as usize] = true;
    t[b'"' as usize] = true;
    t[b'\'' as usize] = true;
    t
};

/// Append `input` escaped: scan the bytes and copy the runs between special characters (most
/// text has none, so this is usually one copy).
pub fn escape_into(out: &mut String, input: &str) {
    let bytes = input.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if !SPECIAL[b as usize] {
            continue;
        }
        out.push_str(&input[start..i]);
        out.push_str(entity(b));
        start = i + 1;
    }
    out.push_str(&input[start..]);
}

fn entity(special: u8) -> &'static str {
    match special {
        b'&' => "&amp;",
        b'<' => "&lt;",
        b'>' => "&gt;",
        b'"' => "&quot;",
        _ => "&#x27;",
    }
}

/// Whether [`escape`] would change `s`.
pub fn needs_escape(s: &str) -> bool {
    s.bytes().any(|b| SPECIAL[b as usize])
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

    /// The two cursors must interleave right: every mix of specials from both sets, next to
    /// each other, at either end and between multi-byte characters, against a byte-by-byte
    /// escape written the obvious way.
    #[test]
    fn matches_a_byte_by_byte_escape_on_every_mix() {
        fn obvious(s: &str) -> String {
            s.chars()
                .map(|c| match c {
                    '&' => "&amp;".to_string(),
                    '<' => "&lt;".to_string(),
                    '>' => "&gt;".to_string(),
                    '"' => "&quot;".to_string(),
                    '\'' => "&#x27;".to_string(),
                    c => c.to_string(),
                })
                .collect()
        }
        let parts = [
            "&",
            "<",
            ">",
            "\"",
            "'",
            "a",
            "é",
            "/",
            "long plain run of text ",
        ];
        let mut seed = 7u64;
        for len in 0..40 {
            for _ in 0..50 {
                let s: String = (0..len)
                    .map(|_| {
                        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                        parts[(seed >> 33) as usize % parts.len()]
                    })
                    .collect();
                assert_eq!(escape(&s), obvious(&s), "{s:?}");
                assert_eq!(needs_escape(&s), escape(&s) != s, "{s:?}");
            }
        }
    }
}
