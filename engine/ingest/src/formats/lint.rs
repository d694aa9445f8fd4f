//! What the linter formats share: fingerprints that survive lines moving.
//!
//! Linters give no fingerprint and no code snippet, so a finding's identity
//! is its tool, rule, file and message (which names the identifier or
//! value at fault: `'os' imported but unused`) and, for repeats of that
//! same tuple in one report, its rank among them in report order. Adding a
//! line above a finding keeps its fingerprint; adding a second identical
//! finding before it shifts the rank, as it should.

use std::collections::HashMap;
use verdict_evidence::fingerprint;

/// Hands out fingerprints, counting repeats.
#[derive(Default)]
pub(crate) struct Fingerprints {
    seen: HashMap<String, u32>,
}

impl Fingerprints {
    /// The fingerprint of the next finding with this identity.
    pub(crate) fn next(&mut self, tool: &str, rule: &str, path: &str, message: &str) -> String {
        let message = fingerprint::normalize_snippet(message);
        let base = fingerprint::of(&[tool, rule, path, &message]);
        let rank = self.seen.entry(base.clone()).or_insert(0);
        *rank += 1;
        if *rank == 1 {
            base
        } else {
            fingerprint::of(&[&base, &rank.to_string()])
        }
    }
}

/// A count such as the `3` of `3 files would be reformatted`: the digits
/// before the first space of `text`.
pub(crate) fn leading_count(text: &str) -> Option<u64> {
    text.split(' ').next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_get_distinct_stable_fingerprints() {
        let mut first = Fingerprints::default();
        let a = first.next("flake8", "E231", "a.py", "missing whitespace");
        let b = first.next("flake8", "E231", "a.py", "missing  whitespace ");
        assert_ne!(a, b);
        let mut second = Fingerprints::default();
        assert_eq!(
            second.next("flake8", "E231", "a.py", "missing whitespace"),
            a
        );
        assert_ne!(
            second.next("flake8", "E231", "b.py", "missing whitespace"),
            b
        );
    }

    #[test]
    fn counts_lead_the_text() {
        assert_eq!(leading_count("3 files would be reformatted"), Some(3));
        assert_eq!(leading_count("files"), None);
    }
}
