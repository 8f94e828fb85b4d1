//! HTML escaping: one way for every page, chart and error overlay plansite writes.

use std::convert::Infallible;
use std::io;

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

/// Append `input` escaped, copying the runs between special characters whole (most text has
/// none, so this is usually one copy).
pub fn escape_into(out: &mut String, input: &str) {
    let Ok(()) = escape_pieces(input, |piece| {
        out.push_str(piece);
        Ok::<(), Infallible>(())
    });
}

/// Write `input` escaped, as [`escape`] would return it, without making a string of it: how
/// templates write every escaped `{{ x }}`.
pub fn write_escaped(out: &mut dyn io::Write, input: &str) -> io::Result<()> {
    escape_pieces(input, |piece| out.write_all(piece.as_bytes()))
}

/// Hand `input` escaped to `put`, piece by piece: the runs between special characters, and
/// each one's entity.
fn escape_pieces<E>(input: &str, mut put: impl FnMut(&str) -> Result<(), E>) -> Result<(), E> {
    let bytes = input.as_bytes();
    let mut start = 0;
    while let Some(i) = next_special(bytes, start) {
        put(&input[start..i])?;
        put(entity(bytes[i]))?;
        start = i + 1;
    }
    put(&input[start..])
}

/// Where the next byte that needs escaping is, from `at` on. Words of eight bytes that hold none
/// are skipped with three arithmetic tests instead of eight table loads.
fn next_special(bytes: &[u8], mut at: usize) -> Option<usize> {
    while let Some(word) = bytes.get(at..at + 8) {
        if holds_special(word) {
            break;
        }
        at += 8;
    }
    bytes
        .get(at..)?
        .iter()
        .position(|&b| SPECIAL[b as usize])
        .map(|i| at + i)
}

/// Whether any of eight bytes is one of the five: a zero-byte test of the word for `"`, one for
/// `&` and `'` together (they differ only in bit 0, so the test sets it first) and one for `<`
/// and `>` (bit 1).
fn holds_special(word: &[u8]) -> bool {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);
    let Ok(word) = <[u8; 8]>::try_from(word).map(u64::from_le_bytes) else {
        // Not a whole word: leave it to the byte-by-byte scan.
        return true;
    };
    let has_zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS != 0;
    has_zero(word ^ (ONES * u64::from(b'"')))
        || has_zero((word | ONES) ^ (ONES * u64::from(b'\'')))
        || has_zero((word | (ONES * 2)) ^ (ONES * u64::from(b'>')))
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
    next_special(s.as_bytes(), 0).is_some()
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

    /// The word test must flag exactly the words with a special byte: every byte value at every
    /// place in a word of plain letters.
    #[test]
    fn the_word_test_agrees_with_the_table() {
        for b in 0..=255u8 {
            for place in 0..8 {
                let mut word = *b"abcdefgh";
                word[place] = b;
                assert_eq!(
                    holds_special(&word),
                    SPECIAL[b as usize],
                    "{b:#x} at {place}"
                );
            }
        }
    }

    /// Every mix of specials, next to each other, at either end, across word boundaries and
    /// between multi-byte characters, against a byte-by-byte escape written the obvious way;
    /// written out or returned as a string.
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
                let mut written = Vec::new();
                write_escaped(&mut written, &s).unwrap();
                assert_eq!(String::from_utf8(written).unwrap(), obvious(&s), "{s:?}");
                assert_eq!(needs_escape(&s), escape(&s) != s, "{s:?}");
            }
        }
    }
}
