//! "Did you mean …?": the nearest known name to a misspelt one.

/// The candidate closest to `word`, if it is close enough to be a plausible typo.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(word, c);
        let better = match best {
            None => true,
            Some((s, b)) => score > s || (score == s && c < b),
        };
        if better {
            best = Some((score, c));
        }
    }
    best.filter(|(s, _)| *s >= 0.8).map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_typos_but_not_strangers() {
        assert_eq!(
            super::nearest("budjet", ["budget", "owner"]),
            Some("budget")
        );
        assert_eq!(
            super::nearest("crm-rolout", ["crm-rollout", "erp"]),
            Some("crm-rollout")
        );
        assert_eq!(super::nearest("zzz", ["budget", "owner"]), None);
    }
}
