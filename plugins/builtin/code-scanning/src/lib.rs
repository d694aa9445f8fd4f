//! The `code-scanning` built-in: no static-analysis finding at or above a severity.

use serde::Deserialize;
use verdict_policy_sdk::{
    Context, Descriptor, Error, Evidence, Filter, Kind, Outcome, PathMatcher, Policy, Severity,
    Violation,
};

/// The `code-scanning` policy.
pub struct CodeScanning;

/// Configuration; see docs/policies/code-scanning.md.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Fail on findings at or above this severity.
    #[serde(default = "high")]
    pub fail_on: Severity,
    /// Tool rule ids whose findings are ignored.
    #[serde(default)]
    pub exclude_rules: Vec<String>,
    /// Paths whose findings are ignored.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Count findings the tool itself marked suppressed.
    #[serde(default)]
    pub include_suppressed: bool,
    /// How to treat findings whose tool gave no severity; unset, they fail
    /// every threshold.
    #[serde(default)]
    pub unknown_severity: Option<Severity>,
}

fn high() -> Severity {
    Severity::High
}

const SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "fail-on": { "enum": ["info", "low", "medium", "high", "critical"], "default": "high", "description": "Fail on findings at or above this severity" },
    "exclude-rules": { "type": "array", "items": { "type": "string" }, "description": "Tool rule ids whose findings are ignored" },
    "exclude": { "type": "array", "items": { "type": "string" }, "description": "Globs of paths whose findings are ignored" },
    "include-suppressed": { "type": "boolean", "default": false, "description": "Count findings the tool itself marked suppressed" },
    "unknown-severity": { "enum": ["info", "low", "medium", "high", "critical"], "description": "Treat findings whose tool gave no severity as this severity (default: they fail every threshold)" }
  }
}"#;

impl Policy for CodeScanning {
    type Config = Config;

    fn describe() -> Descriptor {
        Descriptor {
            name: "code-scanning".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Fails on code scanning, lint and IaC findings at or above a severity (high by default), \
                          except excluded rules and paths and findings the tool suppressed."
                .into(),
            consumes: vec![Kind::Findings],
            requires: vec![Kind::Findings],
            config_schema: SCHEMA.into(),
            controls: vec![],
        }
    }

    fn evaluate(config: Config, _context: &Context, evidence: &Evidence) -> Result<Outcome, Error> {
        let exclude =
            PathMatcher::new(&config.exclude).map_err(|e| Error::new(format!("`exclude`: {e}")))?;
        let filter = Filter::default()
            .min_severity(config.fail_on)
            .include_suppressed(config.include_suppressed);
        let violations = evidence
            .findings(filter)
            .filter(|finding| finding.severity.or_assume(config.unknown_severity) >= config.fail_on)
            .filter(|finding| !config.exclude_rules.contains(&finding.rule_id))
            .filter(|finding| {
                !finding
                    .location
                    .as_ref()
                    .is_some_and(|location| exclude.is_match(&location.path))
            })
            .map(|finding| {
                let mut message = format!(
                    "{} `{}`: {}",
                    finding.tool,
                    finding.rule_id,
                    finding.message.trim()
                );
                if let Some(location) = &finding.location {
                    message.push_str(&format!(" (`{}`", location.path));
                    if let Some(line) = location.start_line {
                        message.push_str(&format!(" line {line}"));
                    }
                    message.push(')');
                }
                Violation::new("finding", message)
                    .severity(finding.severity)
                    .location(finding.location)
                    .fingerprint(finding.fingerprint)
                    .build()
            })
            .collect();
        Ok(Outcome::violations(violations))
    }
}

verdict_policy_sdk::export_policy!(CodeScanning);

#[cfg(test)]
mod tests {
    use super::*;
    use verdict_policy_sdk::{Finding, Location, MemoryEvidence, testing};

    fn finding(rule: &str, path: &str, severity: Severity, suppressed: bool) -> Finding {
        Finding {
            source: 0,
            tool: "semgrep".into(),
            rule_id: rule.into(),
            severity,
            level: None,
            message: "tainted input reaches a sink\n".into(),
            location: Some(Location {
                path: path.into(),
                start_line: Some(7),
                end_line: Some(7),
            }),
            fingerprint: format!("fp-{rule}-{path}"),
            cwes: vec![],
            tags: vec![],
            suppressed,
            baseline_state: None,
            score: None,
            rule: None,
        }
    }

    fn evidence() -> MemoryEvidence {
        MemoryEvidence {
            findings: vec![
                finding("sqli", "src/db.py", Severity::Critical, false),
                finding("xss", "src/web.py", Severity::High, false),
                finding("style", "src/web.py", Severity::Low, false),
                finding("sqli", "tests/t.py", Severity::High, false),
                finding("eval", "src/x.py", Severity::High, true),
            ],
            ..MemoryEvidence::default()
        }
    }

    #[test]
    fn fails_on_high_and_above_by_default_without_suppressed() {
        let outcome = testing::evaluate::<CodeScanning>("{}", evidence()).unwrap();
        assert_eq!(
            testing::fingerprints(&outcome),
            [
                "fp-sqli-src/db.py",
                "fp-xss-src/web.py",
                "fp-sqli-tests/t.py"
            ]
        );
        assert_eq!(
            outcome.violations[0].message,
            "semgrep `sqli`: tainted input reaches a sink (`src/db.py` line 7)"
        );
    }

    #[test]
    fn excludes_rules_and_paths_and_can_include_suppressed() {
        let config =
            r#"{"exclude-rules": ["xss"], "exclude": ["tests/**"], "include-suppressed": true}"#;
        let outcome = testing::evaluate::<CodeScanning>(config, evidence()).unwrap();
        assert_eq!(
            testing::fingerprints(&outcome),
            ["fp-sqli-src/db.py", "fp-eval-src/x.py"]
        );
    }

    #[test]
    fn fail_on_lowers_the_threshold() {
        let outcome =
            testing::evaluate::<CodeScanning>(r#"{"fail-on": "low"}"#, evidence()).unwrap();
        assert_eq!(outcome.violations.len(), 4);
    }

    #[test]
    fn rejects_bad_configuration_by_field() {
        let error =
            testing::evaluate::<CodeScanning>(r#"{"fail-on": "HIGH"}"#, evidence()).unwrap_err();
        assert!(error.message().contains("`fail-on`"), "{error}");
    }
}
