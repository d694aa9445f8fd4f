//! Secrets found by secret scanners, kept only in redacted form.

use crate::{Location, SourceIndex};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The redacted form of a secret. The raw value never enters the model.
///
/// The only way to build one from a raw secret is [`Redacted::from_secret`],
/// which keeps at most a four-character prefix of secrets long enough that the
/// prefix gives nothing away (key-type prefixes such as `AKIA`, `ghp_`), plus
/// the length. `Display`, `Debug` and `Serialize` all show only that form.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Redacted(String);

impl Redacted {
    /// Shortest secret for which a prefix is shown at all.
    const MIN_LEN_FOR_PREFIX: usize = 16;
    /// How many leading characters are kept.
    const PREFIX_CHARS: usize = 4;

    /// Redacts a raw secret. The raw value is not retained.
    pub fn from_secret(raw: &str) -> Redacted {
        let raw = raw.trim();
        let chars = raw.chars().count();
        if chars == 0 {
            return Redacted(String::from("(empty)"));
        }
        if chars < Self::MIN_LEN_FOR_PREFIX {
            return Redacted(format!("****({chars} chars)"));
        }
        let prefix: String = raw.chars().take(Self::PREFIX_CHARS).collect();
        Redacted(format!("{prefix}****({chars} chars)"))
    }

    /// A redacted form for a secret whose value the tool did not report.
    pub fn unknown() -> Redacted {
        Redacted(String::from("****"))
    }

    /// The redacted text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Redacted({:?})", self.0)
    }
}

impl Serialize for Redacted {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Redacted {
    /// Reads an already-redacted form back (from a stored verdict document).
    /// Input that does not look redacted is redacted again, so a hand-edited
    /// document cannot smuggle a raw secret through.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        if text.contains("****") || text == "(empty)" {
            Ok(Redacted(text))
        } else {
            Ok(Redacted::from_secret(&text))
        }
    }
}

/// One secret a scanner found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Secret {
    /// Index of the input file this came from.
    pub source: SourceIndex,
    /// The scanner (`gitleaks`, `trufflehog`, `detect-secrets`, `trivy`).
    pub tool: String,
    /// The scanner's rule or detector (`aws-access-token`, `AWS`, `Secret Keyword`).
    pub rule_id: String,
    /// Where it was found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// The commit it was found in, for history scans.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// Stable identity: the tool's own fingerprint or hash, otherwise a hash
    /// of tool, rule, path and line. Never a hash of the secret alone.
    pub fingerprint: String,
    /// The redacted form.
    pub redacted: Redacted,
    /// Whether the tool verified the secret is live; `None` when it does not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified: Option<bool>,
    /// True when a person marked it a false positive in the tool itself
    /// (detect-secrets `is_secret: false` in an audited baseline).
    #[serde(default)]
    pub suppressed: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_never_shows_more_than_a_short_prefix() {
        let raw = "AKIAYVP4CIPPERUVIFXG";
        let redacted = Redacted::from_secret(raw);
        assert_eq!(redacted.as_str(), "AKIA****(20 chars)");
        assert!(!format!("{redacted} {redacted:?}").contains("YVP4CIPPERUVIFXG"));
    }

    #[test]
    fn short_secrets_show_no_prefix() {
        assert_eq!(Redacted::from_secret("hunter2").as_str(), "****(7 chars)");
        assert_eq!(Redacted::from_secret("").as_str(), "(empty)");
    }

    #[test]
    fn deserializing_a_raw_value_redacts_it() {
        let redacted: Redacted =
            serde_json::from_str("\"ghp_abcdefghijklmnopqrstuvwxyz\"").unwrap();
        assert_eq!(redacted.as_str(), "ghp_****(30 chars)");
        let kept: Redacted = serde_json::from_str("\"AKIA****(20 chars)\"").unwrap();
        assert_eq!(kept.as_str(), "AKIA****(20 chars)");
    }
}
