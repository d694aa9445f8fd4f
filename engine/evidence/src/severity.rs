//! The one severity vocabulary, and the CVSS bands that map scores onto it.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// How bad a record is, in one vocabulary for every tool.
///
/// Ordered from least to most severe, so `severity >= Severity::High` reads
/// as it should. [`Severity::Unknown`] (the tool gave no severity, or a word
/// verdict does not know) orders above `Critical`: a threshold comparison
/// never treats an unknown as harmless, so it fails every `fail-on` unless a
/// policy says otherwise (fail closed).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational; no action expected.
    Info,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
    /// The tool gave no severity, or one verdict cannot place.
    Unknown,
}

impl Severity {
    /// Every severity, from most to least severe (the order reports use).
    pub const ALL_DESCENDING: [Severity; 6] = [
        Severity::Unknown,
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    /// The lowercase name used in JSON, configuration and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
            Severity::Unknown => "unknown",
        }
    }

    /// Maps a tool's own severity word onto the vocabulary, case-insensitively.
    ///
    /// Knows the words scanners use (`CRITICAL`, `moderate`, `negligible`,
    /// `error`, `warning`, `note`…); `unknown`, `unspecified` and `untriaged`
    /// map to [`Severity::Unknown`]. Returns `None` for words it does not
    /// know; parsers turn those into `Unknown` too, with a notice, never into
    /// a lower severity.
    pub fn from_tool_word(word: &str) -> Option<Severity> {
        let word = word.trim();
        let eq = |candidate: &str| word.eq_ignore_ascii_case(candidate);
        if eq("critical") || eq("blocker") {
            Some(Severity::Critical)
        } else if eq("high") || eq("error") || eq("major") || eq("important") || eq("severe") {
            Some(Severity::High)
        } else if eq("medium") || eq("moderate") || eq("warning") || eq("warn") {
            Some(Severity::Medium)
        } else if eq("low") || eq("note") || eq("minor") {
            Some(Severity::Low)
        } else if eq("info")
            || eq("informational")
            || eq("information")
            || eq("none")
            || eq("negligible")
        {
            Some(Severity::Info)
        } else if eq("unknown") || eq("unspecified") || eq("untriaged") {
            Some(Severity::Unknown)
        } else {
            None
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error for a severity name that is not one of the five.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownSeverity(pub String);

impl fmt::Display for UnknownSeverity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown severity `{}`: expected one of critical, high, medium, low, info, unknown",
            self.0
        )
    }
}

impl std::error::Error for UnknownSeverity {}

impl FromStr for Severity {
    type Err = UnknownSeverity;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "critical" => Ok(Severity::Critical),
            "high" => Ok(Severity::High),
            "medium" => Ok(Severity::Medium),
            "low" => Ok(Severity::Low),
            "info" => Ok(Severity::Info),
            "unknown" => Ok(Severity::Unknown),
            other => Err(UnknownSeverity(other.to_owned())),
        }
    }
}

/// Maps a CVSS base score (or SARIF `security-severity`) onto a severity.
///
/// The bands are CVSS v3's qualitative ratings: >= 9.0 critical, >= 7.0 high,
/// >= 4.0 medium, > 0 low, and 0 (or anything not a number in 0..=10) info.
pub fn cvss_band(score: f64) -> Severity {
    if !(0.0..=10.0).contains(&score) || score == 0.0 {
        Severity::Info
    } else if score >= 9.0 {
        Severity::Critical
    } else if score >= 7.0 {
        Severity::High
    } else if score >= 4.0 {
        Severity::Medium
    } else {
        Severity::Low
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cvss_bands_follow_cvss_v3_ratings() {
        assert_eq!(cvss_band(10.0), Severity::Critical);
        assert_eq!(cvss_band(9.0), Severity::Critical);
        assert_eq!(cvss_band(8.99), Severity::High);
        assert_eq!(cvss_band(7.0), Severity::High);
        assert_eq!(cvss_band(6.9), Severity::Medium);
        assert_eq!(cvss_band(4.0), Severity::Medium);
        assert_eq!(cvss_band(3.9), Severity::Low);
        assert_eq!(cvss_band(0.1), Severity::Low);
        assert_eq!(cvss_band(0.0), Severity::Info);
        assert_eq!(cvss_band(-1.0), Severity::Info);
        assert_eq!(cvss_band(11.0), Severity::Info);
        assert_eq!(cvss_band(f64::NAN), Severity::Info);
    }

    #[test]
    fn tool_words_map_case_insensitively() {
        assert_eq!(
            Severity::from_tool_word("CRITICAL"),
            Some(Severity::Critical)
        );
        assert_eq!(Severity::from_tool_word("moderate"), Some(Severity::Medium));
        assert_eq!(Severity::from_tool_word("Negligible"), Some(Severity::Info));
        assert_eq!(Severity::from_tool_word("error"), Some(Severity::High));
        assert_eq!(Severity::from_tool_word("bogus"), None);
    }

    #[test]
    fn severities_order_from_info_to_critical() {
        assert!(Severity::Info < Severity::Low);
        assert!(Severity::Low < Severity::Medium);
        assert!(Severity::Medium < Severity::High);
        assert!(Severity::High < Severity::Critical);
        assert!(Severity::Critical < Severity::Unknown);
        assert_eq!(Severity::from_tool_word("UNKNOWN"), Some(Severity::Unknown));
        assert_eq!("high".parse::<Severity>(), Ok(Severity::High));
        assert!("HIGH".parse::<Severity>().is_err());
    }
}
