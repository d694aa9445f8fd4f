//! Tools' severity words, read one way everywhere: an unknown or missing
//! word counts as `high`, so an unfamiliar rating never lowers risk, and is
//! reported once per word as a warning notice.

use std::collections::BTreeSet;
use verdict_evidence::{Evidence, Notice, NoticeKind, Severity};

/// Maps a tool's severity words and remembers the ones it did not know.
pub(crate) struct SeverityWords {
    /// The tool's name, for the notice (`npm audit`, `trivy`…).
    tool: &'static str,
    unknown: BTreeSet<String>,
}

impl SeverityWords {
    pub(crate) fn new(tool: &'static str) -> SeverityWords {
        SeverityWords {
            tool,
            unknown: BTreeSet::new(),
        }
    }

    /// The severity of a word; unknown and missing words are `high`.
    pub(crate) fn map(&mut self, word: Option<&str>) -> Severity {
        word.and_then(Severity::from_tool_word).unwrap_or_else(|| {
            self.unknown.insert(word.unwrap_or("(missing)").to_owned());
            Severity::High
        })
    }

    /// Adds one warning per unknown word, in sorted order.
    pub(crate) fn finish(self, evidence: &mut Evidence) {
        let tool = self.tool;
        evidence
            .notices
            .extend(self.unknown.into_iter().map(|word| Notice {
                source: 0,
                kind: NoticeKind::Warning,
                message: format!("unknown {tool} severity `{word}`: treated as high"),
            }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_words_are_high_and_reported_once() {
        let mut words = SeverityWords::new("demo");
        assert_eq!(words.map(Some("moderate")), Severity::Medium);
        assert_eq!(words.map(Some("SEVERE-ISH")), Severity::High);
        assert_eq!(words.map(Some("SEVERE-ISH")), Severity::High);
        assert_eq!(words.map(None), Severity::High);
        let mut evidence = Evidence::default();
        words.finish(&mut evidence);
        let messages: Vec<_> = evidence
            .notices
            .iter()
            .map(|n| n.message.as_str())
            .collect();
        assert_eq!(
            messages,
            [
                "unknown demo severity `(missing)`: treated as high",
                "unknown demo severity `SEVERE-ISH`: treated as high"
            ]
        );
    }
}
