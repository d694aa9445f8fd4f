//! Waivers: owned, time-boxed exceptions for violations.
//!
//! A waiver names its policy, what it matches (a fingerprint, a rule or the
//! scanner rule a violation is about, an advisory id, a path glob: every one
//! given must match), why, who answers for it and when it expires. A waiver
//! past its expiry no longer applies; one that matched nothing is reported
//! as stale. Both are visible in every report.

use crate::dates::{Day, day_of};
use crate::diagnostic::Diagnostic;
use crate::document::{WaiverRecord, WaiverStatus};
use globset::{GlobBuilder, GlobMatcher};
use serde::Deserialize;
use std::ops::Range;
use verdict_evidence::policy::Violation;

/// One `[[waiver]]` table, as written (every field optional here, so that
/// every missing one is reported at once).
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct WaiverConfig {
    /// An id for reports (default `<policy>#<n>`).
    #[serde(default)]
    pub id: Option<String>,
    /// The policy whose violations it waives.
    #[serde(default)]
    pub policy: Option<String>,
    /// A violation's fingerprint, exactly.
    #[serde(default)]
    pub fingerprint: Option<String>,
    /// A violation's rule, or the scanner rule it is about (`B602`).
    #[serde(default)]
    pub rule: Option<String>,
    /// An advisory id or alias the violation is about (`GHSA-…`, `CVE-…`).
    #[serde(default)]
    pub advisory: Option<String>,
    /// A glob over the violation's path (`*` stays within a directory,
    /// `**` crosses them).
    #[serde(default)]
    pub path: Option<String>,
    /// Why the exception is acceptable (required).
    #[serde(default)]
    pub reason: Option<String>,
    /// Who answers for it (required).
    #[serde(default)]
    pub owner: Option<String>,
    /// Last day it applies, `YYYY-MM-DD` (required).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub expires: Option<toml::Value>,
}

/// A checked waiver, ready to match.
#[derive(Debug, Clone)]
pub struct Waiver {
    /// Its id.
    pub id: String,
    /// Its policy.
    pub policy: String,
    fingerprint: Option<String>,
    rule: Option<String>,
    advisory: Option<String>,
    path: Option<(String, GlobMatcher)>,
    reason: String,
    owner: String,
    /// Last day it applies.
    pub expires: Day,
}

impl Waiver {
    /// Checks one table; `span(key)` locates a key for diagnostics.
    /// `policies` are the gate's policy ids.
    pub(crate) fn check(
        config: &WaiverConfig,
        index: usize,
        policies: &[&str],
        span: &dyn Fn(&str) -> Option<Range<usize>>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Waiver> {
        let before = diagnostics.len();
        let name = config
            .id
            .clone()
            .unwrap_or_else(|| format!("waiver {}", index + 1));
        let mut required = |value: &Option<String>, key: &str, what: &str| match value {
            Some(text) if !text.trim().is_empty() => Some(text.clone()),
            _ => {
                diagnostics.push(
                    Diagnostic::new(format!("{name}: `{key}` is required ({what})"), span(""))
                        .with_hint(
                            "every waiver names its policy, a reason, an owner and an expiry date",
                        ),
                );
                None
            }
        };
        let policy = required(&config.policy, "policy", "the policy it applies to");
        let reason = required(&config.reason, "reason", "why the exception is acceptable");
        let owner = required(&config.owner, "owner", "who answers for it");
        if let Some(policy) = &policy
            && !policies.contains(&policy.as_str())
        {
            diagnostics.push(
                Diagnostic::new(
                    format!("{name}: policy `{policy}` is not a policy of this gate"),
                    span("policy"),
                )
                .with_hint(format!("the gate's policies: {}", policies.join(", "))),
            );
        }
        let expires = match &config.expires {
            None => {
                diagnostics.push(
                    Diagnostic::new(
                        format!("{name}: `expires` is required (the last day it applies)"),
                        span(""),
                    )
                    .with_hint(
                        "e.g. `expires = 2027-03-31`; a waiver without an end is not an exception",
                    ),
                );
                None
            }
            Some(value) => match day_of(value) {
                Some(day) => Some(day),
                None => {
                    diagnostics.push(Diagnostic::new(
                        format!("{name}: `expires` must be a date, `YYYY-MM-DD`"),
                        span("expires"),
                    ));
                    None
                }
            },
        };
        if config.fingerprint.is_none()
            && config.rule.is_none()
            && config.advisory.is_none()
            && config.path.is_none()
        {
            diagnostics.push(
                Diagnostic::new(
                    format!(
                        "{name}: matches nothing: give `fingerprint`, `rule`, `advisory` or `path`"
                    ),
                    span(""),
                )
                .with_hint(
                    "a waiver of a whole policy is not a waiver: use `enforcement = \"advisory\"`",
                ),
            );
        }
        let path = match &config.path {
            None => None,
            Some(pattern) => match GlobBuilder::new(pattern).literal_separator(true).build() {
                Ok(glob) => Some((pattern.clone(), glob.compile_matcher())),
                Err(error) => {
                    diagnostics.push(Diagnostic::new(
                        format!("{name}: `path` is not a valid glob: {}", error.kind()),
                        span("path"),
                    ));
                    None
                }
            },
        };
        if diagnostics.len() > before {
            return None;
        }
        let policy = policy?;
        Some(Waiver {
            id: config
                .id
                .clone()
                .unwrap_or_else(|| format!("{policy}#{}", index + 1)),
            policy,
            fingerprint: config.fingerprint.clone(),
            rule: config.rule.clone(),
            advisory: config.advisory.clone(),
            path,
            reason: reason?,
            owner: owner?,
            expires: expires?,
        })
    }

    /// Whether it is past its expiry on `today`.
    pub fn expired(&self, today: Day) -> bool {
        today > self.expires
    }

    /// Whether it matches `violation` (of its policy): every matcher given
    /// must match.
    pub fn matches(&self, violation: &Violation) -> bool {
        self.fingerprint
            .as_ref()
            .is_none_or(|fingerprint| *fingerprint == violation.fingerprint)
            && self.rule.as_ref().is_none_or(|rule| {
                *rule == violation.rule || violation.scanner_rule.as_ref() == Some(rule)
            })
            && self.advisory.as_ref().is_none_or(|advisory| {
                violation
                    .advisories
                    .iter()
                    .any(|id| id.eq_ignore_ascii_case(advisory))
            })
            && self.path.as_ref().is_none_or(|(_, glob)| {
                violation
                    .location
                    .as_ref()
                    .is_some_and(|location| glob.is_match(&*location.path))
            })
    }

    /// Its record for the verdict document.
    pub fn record(&self, today: Day, matched: u64) -> WaiverRecord {
        WaiverRecord {
            id: self.id.clone(),
            policy: self.policy.clone(),
            fingerprint: self.fingerprint.clone(),
            rule: self.rule.clone(),
            advisory: self.advisory.clone(),
            path: self.path.as_ref().map(|(pattern, _)| pattern.clone()),
            reason: self.reason.clone(),
            owner: self.owner.clone(),
            expires: self.expires.to_string(),
            status: if self.expired(today) {
                WaiverStatus::Expired
            } else if matched > 0 {
                WaiverStatus::Applied
            } else {
                WaiverStatus::Stale
            },
            matched,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use verdict_evidence::{Location, Severity};

    fn violation(rule: &str, scanner: Option<&str>, path: &str, advisories: &[&str]) -> Violation {
        Violation {
            rule: rule.into(),
            message: "m".into(),
            severity: Severity::High,
            location: Some(Location::new(path, Some(3), None)),
            fingerprint: "fp1".into(),
            control: None,
            scanner_rule: scanner.map(Into::into),
            advisories: advisories.iter().map(|id| (*id).to_owned()).collect(),
        }
    }

    fn waiver(toml_text: &str) -> Result<Waiver, Vec<Diagnostic>> {
        let config: WaiverConfig = toml::from_str(toml_text).expect("valid toml");
        let mut diagnostics = Vec::new();
        Waiver::check(&config, 0, &["sast", "deps"], &|_| None, &mut diagnostics).ok_or(diagnostics)
    }

    const OWNED: &str = "reason = \"r\"\nowner = \"o\"\nexpires = 2027-01-31\n";

    #[test]
    fn every_given_matcher_must_match() {
        let w = waiver(&format!(
            "policy = \"sast\"\nrule = \"B602\"\npath = \"src/*.py\"\n{OWNED}"
        ))
        .expect("valid");
        assert!(w.matches(&violation("finding", Some("B602"), "src/app.py", &[])));
        assert!(!w.matches(&violation("finding", Some("B101"), "src/app.py", &[])));
        // `*` does not cross directories.
        assert!(!w.matches(&violation("finding", Some("B602"), "src/sub/app.py", &[])));
        let w = waiver(&format!(
            "policy = \"deps\"\nadvisory = \"ghsa-abcd\"\n{OWNED}"
        ))
        .expect("valid");
        assert!(w.matches(&violation(
            "vulnerability",
            None,
            "x",
            &["CVE-1", "GHSA-ABCD"]
        )));
        assert!(!w.matches(&violation("vulnerability", None, "x", &["CVE-1"])));
    }

    #[test]
    fn a_waiver_without_reason_owner_or_expiry_is_refused_with_every_problem() {
        let problems = waiver("policy = \"nope\"\nrule = \"x\"\n").expect_err("refused");
        let text: Vec<&str> = problems.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(problems.len(), 4, "{text:?}");
        assert!(text.iter().any(|m| m.contains("`reason` is required")));
        assert!(text.iter().any(|m| m.contains("`owner` is required")));
        assert!(text.iter().any(|m| m.contains("`expires` is required")));
        assert!(text.iter().any(|m| m.contains("`nope` is not a policy")));
        let problems = waiver(&format!("policy = \"sast\"\n{OWNED}")).expect_err("matches nothing");
        assert!(problems[0].message.contains("matches nothing"));
        let problems = waiver(
            "policy = \"sast\"\nrule = \"x\"\nreason = \"r\"\nowner = \"o\"\nexpires = \"soon\"\n",
        )
        .expect_err("bad date");
        assert!(problems[0].message.contains("must be a date"));
    }

    #[test]
    fn expiry_is_inclusive_and_reported() {
        let w = waiver(&format!("policy = \"sast\"\nrule = \"x\"\n{OWNED}")).expect("valid");
        let last = Day::parse("2027-01-31").expect("date");
        let after = Day::parse("2027-02-01").expect("date");
        assert!(!w.expired(last));
        assert!(w.expired(after));
        assert_eq!(w.record(after, 0).status, WaiverStatus::Expired);
        assert_eq!(w.record(last, 0).status, WaiverStatus::Stale);
        assert_eq!(w.record(last, 2).status, WaiverStatus::Applied);
    }
}
