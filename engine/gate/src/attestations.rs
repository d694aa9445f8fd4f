//! Attestations: controls no machine can check (a risk analysis, workforce
//! training, a penetration test), attested by a person with an expiry.
//!
//! A control a policy reports as not assessed shows as `attested` while an
//! attestation of it is in force, and as not assessed with a note once it
//! expired. An attestation never turns a violated control into anything else.

use crate::dates::{Day, day_of};
use crate::diagnostic::Diagnostic;
use crate::document::{AttestationRecord, AttestationStatus};
use serde::Deserialize;
use std::ops::Range;
use verdict_evidence::policy::{ControlResult, ControlStatus};

/// One `[[attestation]]` table, as written.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AttestationConfig {
    /// The control attested, as the policies report it
    /// (`hipaa-164.308(a)(5)`).
    #[serde(default)]
    pub control: Option<String>,
    /// What is attested.
    #[serde(default)]
    pub statement: Option<String>,
    /// Who attests it.
    #[serde(default)]
    pub by: Option<String>,
    /// When, `YYYY-MM-DD`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub date: Option<toml::Value>,
    /// Where the evidence is: a link or a document reference.
    #[serde(default)]
    pub evidence: Option<String>,
    /// Last day it holds, `YYYY-MM-DD`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub expires: Option<toml::Value>,
}

/// A checked attestation.
#[derive(Debug, Clone)]
pub struct Attestation {
    /// The control.
    pub control: String,
    statement: String,
    by: String,
    date: Day,
    evidence: Option<String>,
    expires: Day,
}

impl Attestation {
    /// Checks one table, reporting every problem.
    pub(crate) fn check(
        config: &AttestationConfig,
        index: usize,
        span: &dyn Fn(&str) -> Option<Range<usize>>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Attestation> {
        let before = diagnostics.len();
        let name = format!("attestation {}", index + 1);
        let mut text = |value: &Option<String>, key: &str, what: &str| match value {
            Some(text) if !text.trim().is_empty() => Some(text.clone()),
            _ => {
                diagnostics.push(Diagnostic::new(
                    format!("{name}: `{key}` is required ({what})"),
                    span(""),
                ));
                None
            }
        };
        let control = text(&config.control, "control", "the control attested");
        let statement = text(&config.statement, "statement", "what is attested");
        let by = text(&config.by, "by", "who attests it");
        let mut day = |value: &Option<toml::Value>, key: &str| match value.as_ref().map(day_of) {
            Some(Some(day)) => Some(day),
            Some(None) => {
                diagnostics.push(Diagnostic::new(
                    format!("{name}: `{key}` must be a date, `YYYY-MM-DD`"),
                    span(key),
                ));
                None
            }
            None => {
                diagnostics.push(Diagnostic::new(
                    format!("{name}: `{key}` is required (`YYYY-MM-DD`)"),
                    span(""),
                ));
                None
            }
        };
        let date = day(&config.date, "date");
        let expires = day(&config.expires, "expires");
        if let (Some(date), Some(expires)) = (date, expires)
            && expires < date
        {
            diagnostics.push(Diagnostic::new(
                format!("{name}: `expires` ({expires}) is before `date` ({date})"),
                span("expires"),
            ));
        }
        if diagnostics.len() > before {
            return None;
        }
        Some(Attestation {
            control: control?,
            statement: statement?,
            by: by?,
            date: date?,
            evidence: config.evidence.clone(),
            expires: expires?,
        })
    }

    /// In force on `today`: made on or before it, not past its expiry.
    pub fn in_force(&self, today: Day) -> bool {
        self.date <= today && today <= self.expires
    }

    /// Its record for the verdict document.
    pub fn record(&self, today: Day) -> AttestationRecord {
        AttestationRecord {
            control: self.control.clone(),
            statement: self.statement.clone(),
            by: self.by.clone(),
            date: self.date.to_string(),
            evidence: self.evidence.clone(),
            expires: self.expires.to_string(),
            status: if today > self.expires {
                AttestationStatus::Expired
            } else {
                AttestationStatus::Valid
            },
        }
    }
}

/// Marks not-assessed controls that an attestation in force covers as
/// attested; returns notes for controls whose attestation expired.
pub fn apply(
    attestations: &[Attestation],
    today: Day,
    controls: &mut [ControlResult],
) -> Vec<String> {
    let mut notes = Vec::new();
    for result in controls.iter_mut() {
        if result.status != ControlStatus::NotAssessed {
            continue;
        }
        let of_control = attestations
            .iter()
            .filter(|attestation| attestation.control == result.control);
        let mut expired = None;
        for attestation in of_control {
            if attestation.in_force(today) {
                result.status = ControlStatus::Attested;
                result.evidence.push(format!(
                    "attested by {} on {} (until {}){}",
                    attestation.by,
                    attestation.date,
                    attestation.expires,
                    attestation
                        .evidence
                        .as_deref()
                        .map(|link| format!(": {link}"))
                        .unwrap_or_default()
                ));
                expired = None;
                break;
            }
            if today > attestation.expires {
                expired = Some(attestation.expires);
            }
        }
        if let Some(expires) = expired {
            notes.push(format!(
                "control `{}`: its attestation expired on {expires}; not assessed",
                result.control
            ));
        }
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attestation(text: &str) -> Result<Attestation, Vec<Diagnostic>> {
        let config: AttestationConfig = toml::from_str(text).expect("toml");
        let mut diagnostics = Vec::new();
        Attestation::check(&config, 0, &|_| None, &mut diagnostics).ok_or(diagnostics)
    }

    const TRAINING: &str = "control = \"hipaa-164.308(a)(5)\"\nstatement = \"all staff trained\"\nby = \"ciso@example.com\"\ndate = 2026-06-01\nexpires = 2027-05-31\nevidence = \"https://lms.example.com/report/7\"\n";

    #[test]
    fn not_assessed_becomes_attested_until_expiry_then_not_assessed_with_a_note() {
        let attestation = attestation(TRAINING).expect("valid");
        let control = || ControlResult {
            control: "hipaa-164.308(a)(5)".into(),
            status: ControlStatus::NotAssessed,
            evidence: vec![],
        };
        let mut controls = vec![control()];
        let notes = apply(
            std::slice::from_ref(&attestation),
            Day::parse("2027-05-31").expect("day"),
            &mut controls,
        );
        assert_eq!(controls[0].status, ControlStatus::Attested);
        assert!(controls[0].evidence[0].contains("ciso@example.com"));
        assert!(notes.is_empty());
        let mut controls = vec![control()];
        let notes = apply(
            std::slice::from_ref(&attestation),
            Day::parse("2027-06-01").expect("day"),
            &mut controls,
        );
        assert_eq!(controls[0].status, ControlStatus::NotAssessed);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].contains("expired on 2027-05-31"));
        // A violated control stays violated.
        let mut controls = vec![ControlResult {
            status: ControlStatus::Violated,
            ..control()
        }];
        apply(
            &[attestation],
            Day::parse("2027-01-01").expect("day"),
            &mut controls,
        );
        assert_eq!(controls[0].status, ControlStatus::Violated);
    }

    #[test]
    fn every_missing_field_is_reported() {
        let problems = attestation("control = \"c\"\nexpires = 2020-01-01\n").expect_err("refused");
        assert_eq!(problems.len(), 3, "{problems:?}");
        let problems =
            attestation("control = \"c\"\nstatement = \"s\"\nby = \"b\"\ndate = 2026-01-02\nexpires = 2026-01-01\n")
                .expect_err("refused");
        assert!(problems[0].message.contains("is before"));
    }
}
