//! "Did you mean …?" for unknown keys and values.

/// Edit distance between two strings (by chars), counting a swap of two neighbours as one
/// edit (optimal string alignment, strsim's), so `emial` is one edit from `email`.
pub fn distance(a: &str, b: &str) -> usize {
    strsim::osa_distance(a, b)
}

/// The candidate closest to `word`, when it is close enough to be a likely typo.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = word.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| (distance(&lower, &c.to_ascii_lowercase()), c))
        .filter(|(d, c)| *d <= (c.chars().count().max(lower.chars().count()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// `; did you mean `x`?` or `; expected one of a, b, c`.
pub fn hint(word: &str, candidates: &[&str]) -> String {
    match nearest(word, candidates.iter().copied()) {
        Some(n) => format!("; did you mean `{n}`?"),
        None => format!("; expected one of: {}", candidates.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_typos() {
        assert_eq!(
            nearest("databse", ["project", "database"]),
            Some("database")
        );
        assert_eq!(nearest("zzz", ["project", "database"]), None);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("emial", "email"), 1);
    }

    #[test]
    fn hint_lists_when_nothing_is_close() {
        assert_eq!(hint("q", &["a1", "b2"]), "; expected one of: a1, b2");
    }
}
