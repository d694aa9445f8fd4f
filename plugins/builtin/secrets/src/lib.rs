//! The `secrets` built-in: no secret in the code or its history.

use serde::Deserialize;
use verdict_policy_sdk::{
    Context, Descriptor, Error, Evidence, Kind, Outcome, PathMatcher, Policy, Severity, Violation,
};

/// The `secrets` policy.
pub struct Secrets;

/// Configuration; see docs/policies/secrets.md.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Fail only on secrets the tool verified as live.
    #[serde(default)]
    pub allow_unverified: bool,
    /// Paths whose secrets are ignored (test fixtures, docs).
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Also fail on secrets a person marked as false positives in the tool
    /// (detect-secrets `is_secret: false` in an audited baseline).
    #[serde(default)]
    pub include_suppressed: bool,
}

const SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "allow-unverified": { "type": "boolean", "description": "Fail only on secrets the tool verified as live" },
    "include-suppressed": { "type": "boolean", "description": "Also fail on secrets marked false positives in the tool" },
    "exclude": { "type": "array", "items": { "type": "string" }, "description": "Globs of paths whose secrets are ignored" }
  }
}"#;

impl Policy for Secrets {
    type Config = Config;

    fn describe() -> Descriptor {
        Descriptor {
            name: "secrets".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Fails on any secret a scanner found in the code or its history (or only on verified \
                          ones). Messages show the redacted form only."
                .into(),
            consumes: vec![Kind::Secrets],
            requires: vec![Kind::Secrets],
            config_schema: SCHEMA.into(),
            controls: vec![],
        }
    }

    fn evaluate(config: Config, _context: &Context, evidence: &Evidence) -> Result<Outcome, Error> {
        let exclude =
            PathMatcher::new(&config.exclude).map_err(|e| Error::new(format!("`exclude`: {e}")))?;
        let mut violations = Vec::new();
        for secret in evidence.secrets() {
            let verified = secret.verified == Some(true);
            if config.allow_unverified && !verified {
                continue;
            }
            if secret.suppressed && !config.include_suppressed {
                continue;
            }
            if secret
                .location
                .as_ref()
                .is_some_and(|location| exclude.is_match(&location.path))
            {
                continue;
            }
            let mut message = format!(
                "{}{} secret `{}`",
                if verified { "verified " } else { "" },
                secret.rule_id,
                secret.redacted
            );
            if let Some(location) = &secret.location {
                message.push_str(&format!(" in `{}`", location.path));
                if let Some(line) = location.start_line {
                    message.push_str(&format!(" line {line}"));
                }
            }
            if let Some(commit) = &secret.commit {
                message.push_str(&format!(" (commit {})", commit.get(..12).unwrap_or(commit)));
            }
            violations.push(
                Violation::new("secret", message)
                    .severity(if verified {
                        Severity::Critical
                    } else {
                        Severity::High
                    })
                    .location(secret.location)
                    .fingerprint(secret.fingerprint)
                    .build(),
            );
        }
        Ok(Outcome::violations(violations))
    }
}

verdict_policy_sdk::export_policy!(Secrets);

#[cfg(test)]
mod tests {
    use super::*;
    use verdict_policy_sdk::{Location, MemoryEvidence, Secret, testing};

    fn secret(path: &str, verified: Option<bool>) -> Secret {
        Secret {
            source: 0,
            tool: "gitleaks".into(),
            rule_id: "aws-access-key".into(),
            location: Some(Location {
                path: path.into(),
                start_line: Some(3),
                end_line: None,
            }),
            commit: Some("0123456789abcdef0123".into()),
            fingerprint: format!("fp-{path}"),
            redacted: "AKIA****(20 chars)".into(),
            verified,
            suppressed: false,
        }
    }

    fn evidence() -> MemoryEvidence {
        MemoryEvidence {
            secrets: vec![
                secret("src/a.py", None),
                secret("tests/fixtures/k.txt", Some(false)),
                secret("deploy.sh", Some(true)),
            ],
            ..MemoryEvidence::default()
        }
    }

    #[test]
    fn any_secret_fails_with_the_redacted_form_only() {
        let outcome = testing::evaluate::<Secrets>("{}", evidence()).unwrap();
        assert_eq!(outcome.violations.len(), 3);
        assert_eq!(
            outcome.violations[0].message,
            "aws-access-key secret `AKIA****(20 chars)` in `src/a.py` line 3 (commit 0123456789ab)"
        );
        assert_eq!(outcome.violations[2].severity, Severity::Critical);
        assert_eq!(outcome.violations[0].fingerprint, "fp-src/a.py");
    }

    #[test]
    fn allow_unverified_fails_only_on_verified_secrets() {
        let outcome =
            testing::evaluate::<Secrets>(r#"{"allow-unverified": true}"#, evidence()).unwrap();
        let paths: Vec<_> = outcome
            .violations
            .iter()
            .map(|v| v.location.as_ref().unwrap().path.as_str())
            .collect();
        assert_eq!(paths, ["deploy.sh"]);
    }

    #[test]
    fn exclude_skips_paths() {
        let outcome =
            testing::evaluate::<Secrets>(r#"{"exclude": ["tests/**", "*.sh"]}"#, evidence())
                .unwrap();
        assert_eq!(outcome.violations.len(), 1);
    }

    #[test]
    fn rejects_bad_configuration_by_field() {
        let error =
            testing::evaluate::<Secrets>(r#"{"allow-unverified": "yes"}"#, evidence()).unwrap_err();
        assert!(error.message().contains("`allow-unverified`"), "{error}");
        let error = testing::evaluate::<Secrets>(r#"{"exclude": ["[x"]}"#, evidence()).unwrap_err();
        assert!(error.message().contains("`[x`"), "{error}");
    }
}
