//! The `vulnerabilities` built-in: no known vulnerable dependency above a severity.

use serde::Deserialize;
use std::collections::BTreeSet;
use verdict_policy_sdk::{
    AdvisoryKind, Context, Descriptor, Error, Evidence, Filter, Kind, Location, Outcome, Policy,
    Severity, Violation, Vulnerability,
};

/// The `vulnerabilities` policy.
pub struct Vulnerabilities;

/// Configuration; see docs/policies/vulnerabilities.md.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Fail on vulnerabilities at or above this severity.
    #[serde(default)]
    pub fail_on: Option<Severity>,
    /// The highest severity allowed; anything above fails.
    #[serde(default)]
    pub max_severity: Option<Severity>,
    /// Advisories accepted, each with a reason.
    #[serde(default)]
    pub ignore: Vec<Ignore>,
    /// Fail only on vulnerabilities that have a fixed version.
    #[serde(default)]
    pub only_fixable: bool,
    /// How to treat advisories whose tool gave no severity; unset, they fail
    /// every threshold.
    #[serde(default)]
    pub unknown_severity: Option<Severity>,
    /// Advisory kinds that count (default: `vulnerability` and `malicious`);
    /// informational kinds (unmaintained, unsound, yanked, withdrawn) are
    /// skipped unless listed.
    #[serde(default = "default_kinds")]
    pub kinds: Vec<AdvisoryKind>,
}

fn default_kinds() -> Vec<AdvisoryKind> {
    vec![AdvisoryKind::Vulnerability, AdvisoryKind::Malicious]
}

/// An advisory accepted on purpose.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ignore {
    /// Advisory id or alias (`RUSTSEC-2020-0071`, `CVE-2020-26235`, `GHSA-…`).
    pub id: String,
    /// Why it is accepted.
    pub reason: String,
}

const SCHEMA: &str = r##"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "fail-on": { "$ref": "#/$defs/severity", "description": "Fail on vulnerabilities at or above this severity (default: info, i.e. any)" },
    "max-severity": { "$ref": "#/$defs/severity", "description": "The highest severity allowed; anything above fails" },
    "ignore": {
      "type": "array",
      "items": {
        "type": "object",
        "additionalProperties": false,
        "required": ["id", "reason"],
        "properties": {
          "id": { "type": "string", "minLength": 1, "description": "Advisory id or alias" },
          "reason": { "type": "string", "minLength": 1, "description": "Why it is accepted" }
        }
      }
    },
    "only-fixable": { "type": "boolean", "description": "Fail only on vulnerabilities that have a fixed version" },
    "unknown-severity": { "$ref": "#/$defs/severity", "description": "Treat advisories whose tool gave no severity as this severity (default: they fail every threshold)" },
    "kinds": {
      "type": "array",
      "items": { "enum": ["vulnerability", "malicious", "unmaintained", "unsound", "yanked", "withdrawn", "informational"] },
      "description": "Advisory kinds that count (default: vulnerability, malicious)"
    }
  },
  "not": { "required": ["fail-on", "max-severity"] },
  "$defs": { "severity": { "enum": ["info", "low", "medium", "high", "critical"] } }
}"##;

impl Policy for Vulnerabilities {
    type Config = Config;

    fn describe() -> Descriptor {
        Descriptor {
            name: "vulnerabilities".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Fails on known vulnerabilities in dependencies at or above a severity, except advisories \
                          ignored with a reason. By default any vulnerability fails."
                .into(),
            consumes: vec![Kind::Vulnerabilities],
            requires: vec![Kind::Vulnerabilities],
            config_schema: SCHEMA.into(),
            controls: vec![],
        }
    }

    fn evaluate(config: Config, _context: &Context, evidence: &Evidence) -> Result<Outcome, Error> {
        let threshold = threshold(&config)?;
        for (index, ignore) in config.ignore.iter().enumerate() {
            if ignore.id.trim().is_empty() || ignore.reason.trim().is_empty() {
                return Err(Error::new(format!(
                    "invalid configuration at `ignore[{index}]`: `id` and `reason` must not be empty"
                )));
            }
        }

        let mut seen = BTreeSet::new();
        let mut violations = Vec::new();
        let filter = Filter::default().min_severity(threshold);
        for vulnerability in evidence.vulnerabilities(filter) {
            if vulnerability.severity.or_assume(config.unknown_severity) < threshold
                || !config.kinds.contains(&vulnerability.kind)
                || is_ignored(&config.ignore, &vulnerability)
                || (config.only_fixable && vulnerability.fixed_versions.is_empty())
                || !seen.insert(vulnerability.fingerprint.clone())
            {
                continue;
            }
            violations.push(violation(vulnerability));
        }
        Ok(Outcome::violations(violations))
    }
}

/// The lowest failing severity.
fn threshold(config: &Config) -> Result<Severity, Error> {
    match (config.fail_on, config.max_severity) {
        (Some(_), Some(_)) => Err(Error::new(
            "invalid configuration: set `fail-on` or `max-severity`, not both",
        )),
        (Some(fail_on), None) => Ok(fail_on),
        // Above `critical` there is only `unknown`: `max-severity = "critical"`
        // fails only on advisories whose severity no tool gave.
        (None, Some(max)) => Severity::ALL
            .into_iter()
            .find(|severity| *severity > max)
            .ok_or_else(|| {
                Error::new("invalid configuration at `max-severity`: nothing is above it")
            }),
        (None, None) => Ok(Severity::Info),
    }
}

fn is_ignored(ignore: &[Ignore], vulnerability: &Vulnerability) -> bool {
    ignore.iter().any(|ignore| {
        let id = ignore.id.trim();
        vulnerability.id.eq_ignore_ascii_case(id)
            || vulnerability
                .aliases
                .iter()
                .any(|alias| alias.eq_ignore_ascii_case(id))
    })
}

fn violation(v: Vulnerability) -> Violation {
    let version = v.version.as_deref().unwrap_or("(unknown version)");
    let kind = match v.kind {
        AdvisoryKind::Vulnerability => String::new(),
        other => format!(", {other}"),
    };
    let mut message = format!(
        "`{}` {version} is affected by {} ({}{kind})",
        v.package, v.id, v.severity
    );
    if let Some(title) = &v.title {
        message.push_str(": ");
        message.push_str(title);
    }
    if !v.fixed_versions.is_empty() {
        message.push_str(&format!("; fixed in {}", v.fixed_versions.join(", ")));
    }
    Violation::new("vulnerability", message)
        .severity(v.severity)
        .location(v.target.map(Location::file))
        .fingerprint(v.fingerprint)
        .build()
}

verdict_policy_sdk::export_policy!(Vulnerabilities);

#[cfg(test)]
mod tests {
    use super::*;
    use verdict_policy_sdk::{MemoryEvidence, testing};

    fn vulnerability(id: &str, alias: &str, severity: Severity, fixed: &[&str]) -> Vulnerability {
        Vulnerability {
            source: 0,
            tool: "cargo-audit".into(),
            id: id.into(),
            aliases: vec![alias.into()],
            ecosystem: Some("crates.io".into()),
            package: format!("pkg-{id}"),
            version: Some("1.0.0".into()),
            fixed_versions: fixed.iter().map(|s| s.to_string()).collect(),
            kind: AdvisoryKind::Vulnerability,
            severity,
            cvss_score: None,
            title: Some("bad thing".into()),
            target: Some("Cargo.lock".into()),
            fingerprint: format!("fp-{id}"),
            cwes: vec![],
        }
    }

    fn evidence() -> MemoryEvidence {
        MemoryEvidence {
            vulnerabilities: vec![
                vulnerability("A-1", "CVE-1", Severity::Critical, &["1.0.1"]),
                vulnerability("A-2", "CVE-2", Severity::Medium, &[]),
                vulnerability("A-3", "CVE-3", Severity::Low, &["2.0.0"]),
                vulnerability("A-1", "CVE-1", Severity::Critical, &["1.0.1"]),
            ],
            ..MemoryEvidence::default()
        }
    }

    #[test]
    fn any_vulnerability_fails_by_default_once_per_fingerprint() {
        let outcome = testing::evaluate::<Vulnerabilities>("{}", evidence()).unwrap();
        assert_eq!(
            testing::fingerprints(&outcome),
            ["fp-A-1", "fp-A-2", "fp-A-3"]
        );
        assert_eq!(
            outcome.violations[0].message,
            "`pkg-A-1` 1.0.0 is affected by A-1 (critical): bad thing; fixed in 1.0.1"
        );
    }

    #[test]
    fn max_severity_allows_up_to_and_including_it() {
        let outcome =
            testing::evaluate::<Vulnerabilities>(r#"{"max-severity": "medium"}"#, evidence())
                .unwrap();
        assert_eq!(testing::fingerprints(&outcome), ["fp-A-1"]);
    }

    #[test]
    fn unknown_severity_fails_every_threshold_unless_mapped() {
        let mut evidence = evidence();
        evidence.vulnerabilities.push(Vulnerability {
            fingerprint: "fp-U".into(),
            ..vulnerability("U-1", "CVE-9", Severity::Unknown, &[])
        });
        let outcome =
            testing::evaluate::<Vulnerabilities>(r#"{"fail-on": "critical"}"#, evidence.clone())
                .unwrap();
        assert_eq!(testing::fingerprints(&outcome), ["fp-A-1", "fp-U"]);
        let outcome = testing::evaluate::<Vulnerabilities>(
            r#"{"fail-on": "critical", "unknown-severity": "medium"}"#,
            evidence.clone(),
        )
        .unwrap();
        assert_eq!(testing::fingerprints(&outcome), ["fp-A-1"]);
        let outcome =
            testing::evaluate::<Vulnerabilities>(r#"{"max-severity": "critical"}"#, evidence)
                .unwrap();
        assert_eq!(testing::fingerprints(&outcome), ["fp-U"]);
    }

    #[test]
    fn informational_kinds_are_skipped_unless_listed() {
        let evidence = MemoryEvidence {
            vulnerabilities: vec![
                Vulnerability {
                    kind: AdvisoryKind::Unmaintained,
                    ..vulnerability("I-1", "", Severity::Unknown, &[])
                },
                Vulnerability {
                    kind: AdvisoryKind::Malicious,
                    ..vulnerability("MAL-1", "", Severity::Critical, &[])
                },
            ],
            ..MemoryEvidence::default()
        };
        let outcome = testing::evaluate::<Vulnerabilities>("{}", evidence.clone()).unwrap();
        assert_eq!(testing::fingerprints(&outcome), ["fp-MAL-1"]);
        let outcome =
            testing::evaluate::<Vulnerabilities>(r#"{"kinds": ["unmaintained"]}"#, evidence)
                .unwrap();
        assert_eq!(testing::fingerprints(&outcome), ["fp-I-1"]);
        assert!(
            outcome.violations[0]
                .message
                .contains("unknown, unmaintained")
        );
    }

    #[test]
    fn ignore_matches_ids_and_aliases() {
        let config = r#"{"fail-on": "low", "ignore": [{"id": "cve-1", "reason": "not reachable"}, {"id": "A-3", "reason": "dev only"}]}"#;
        let outcome = testing::evaluate::<Vulnerabilities>(config, evidence()).unwrap();
        assert_eq!(testing::fingerprints(&outcome), ["fp-A-2"]);
    }

    #[test]
    fn only_fixable_skips_vulnerabilities_without_a_fix() {
        let outcome =
            testing::evaluate::<Vulnerabilities>(r#"{"only-fixable": true}"#, evidence()).unwrap();
        assert_eq!(testing::fingerprints(&outcome), ["fp-A-1", "fp-A-3"]);
    }

    #[test]
    fn rejects_bad_configuration_by_field() {
        let cases = [
            (r#"{"fail-on": "severe"}"#, "`fail-on`"),
            (r#"{"fail-on": "high", "max-severity": "low"}"#, "max-severity"),
            (r#"{"ignore": [{"id": "A-1"}]}"#, "reason"),
            (
                r#"{"ignore": [{"id": "A-1", "reason": " "}]}"#,
                "`ignore[0]`",
            ),
            (r#"{"only_fixable": true}"#, "only_fixable"),
        ];
        for (config, expected) in cases {
            let error = testing::evaluate::<Vulnerabilities>(config, evidence()).unwrap_err();
            assert!(error.message().contains(expected), "{config}: {error}");
        }
    }
}
