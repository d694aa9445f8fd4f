//! Tools' severity words, read one way everywhere: an unknown or missing
//! word is [`Severity::Unknown`], so an unfamiliar rating never lowers risk
//! (unknown orders above critical and fails every threshold), and it is
//! reported once per word as a warning notice.
//!
//! A tool's own word for "no rating" (`UNKNOWN`, `unspecified`…) is
//! `Unknown` too, but silently: the tool said it, nothing is misread.

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

    /// The severity of a word; unknown and missing words are `unknown`.
    pub(crate) fn map(&mut self, word: Option<&str>) -> Severity {
        word.and_then(Severity::from_tool_word).unwrap_or_else(|| {
            // A hostile report may put anything here: keep a short prefix.
            let word: String = word.unwrap_or("(missing)").chars().take(64).collect();
            self.unknown.insert(word);
            Severity::Unknown
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
                message: format!("unknown {tool} severity `{word}`: treated as unknown"),
            }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_words_are_unknown_and_reported_once() {
        let mut words = SeverityWords::new("demo");
        assert_eq!(words.map(Some("moderate")), Severity::Medium);
        assert_eq!(words.map(Some("SEVERE-ISH")), Severity::Unknown);
        assert_eq!(words.map(Some("SEVERE-ISH")), Severity::Unknown);
        assert_eq!(words.map(None), Severity::Unknown);
        // The tool's own word for "no rating" is not a misreading.
        assert_eq!(words.map(Some("UNKNOWN")), Severity::Unknown);
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
                "unknown demo severity `(missing)`: treated as unknown",
                "unknown demo severity `SEVERE-ISH`: treated as unknown"
            ]
        );
    }
}
