//! `{{name}}`: a verdict policy. Fails when there are more findings at or
//! above a severity than allowed.
//!
//! Replace the logic with your own; the SDK's docs (`cargo doc --open`) list
//! what evidence you can read.

use serde::Deserialize;
use verdict_policy_sdk::schemars::{self, JsonSchema};
use verdict_policy_sdk::{
    Context, Descriptor, Error, Evidence, Filter, Kind, Outcome, Policy, Severity, Violation,
};

/// The policy.
pub struct MaxFindings;

/// Configuration, from the policy's table in `verdict.toml`. Unknown keys
/// and wrong types are errors, so a typo cannot turn the gate green. The
/// same type is the JSON Schema the host checks the configuration against.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(crate = "verdict_policy_sdk::schemars")]
pub struct Config {
    /// How many findings are allowed.
    #[serde(default)]
    pub max: u64,
    /// Only findings at or above this severity count.
    #[serde(default = "default_severity")]
    pub min_severity: Severity,
}

fn default_severity() -> Severity {
    Severity::High
}

impl Policy for MaxFindings {
    type Config = Config;

    fn describe() -> Descriptor {
        Descriptor {
            name: "{{name}}".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Fails when there are more findings at or above a severity than allowed."
                .into(),
            consumes: vec![Kind::Findings],
            requires: vec![Kind::Findings],
            config_schema: verdict_policy_sdk::config_schema::<Config>(),
            controls: vec![],
        }
    }

    fn evaluate(config: Config, _context: &Context, evidence: &Evidence) -> Result<Outcome, Error> {
        // The host filters, so only the count crosses into the sandbox.
        let count = evidence.count(
            Kind::Findings,
            Filter::default().min_severity(config.min_severity),
        );
        if count <= config.max {
            return Ok(Outcome::pass());
        }
        let message = format!(
            "{count} findings at or above `{}`, more than the {} allowed",
            config.min_severity, config.max
        );
        // The subject keeps the fingerprint stable while the count changes.
        // One violation; a policy that may raise many `outcome.push`es each
        // as it finds it, and the SDK sends them to the host in batches.
        Ok(Outcome::violations(vec![
            Violation::new("too-many-findings", message)
                .subject("total")
                .build(),
        ]))
    }
}

verdict_policy_sdk::export_policy!(MaxFindings);

#[cfg(test)]
mod tests {
    use super::*;
    use verdict_policy_sdk::{Finding, MemoryEvidence, testing};

    fn finding(severity: Severity) -> Finding {
        Finding {
            source: 0,
            tool: "scanner".into(),
            rule_id: "rule".into(),
            severity,
            level: None,
            message: "bad".into(),
            location: None,
            fingerprint: "fp".into(),
            cwes: vec![],
            tags: vec![],
            suppressed: false,
            baseline_state: None,
            score: None,
            rule: None,
        }
    }

    fn evidence() -> MemoryEvidence {
        MemoryEvidence {
            findings: vec![
                finding(Severity::Critical),
                finding(Severity::High),
                finding(Severity::Low),
            ],
            ..MemoryEvidence::default()
        }
    }

    #[test]
    fn fails_above_the_maximum() {
        let outcome = testing::evaluate::<MaxFindings>(r#"{"max": 1}"#, evidence()).unwrap();
        assert_eq!(
            outcome.violations[0].message,
            "2 findings at or above `high`, more than the 1 allowed"
        );
    }

    #[test]
    fn passes_at_the_maximum() {
        assert!(
            testing::evaluate::<MaxFindings>(r#"{"max": 2}"#, evidence())
                .unwrap()
                .passed()
        );
    }

    #[test]
    fn rejects_a_misspelt_key() {
        let error = testing::evaluate::<MaxFindings>(r#"{"maximum": 2}"#, evidence()).unwrap_err();
        assert!(error.message().contains("maximum"), "{error}");
    }
}
