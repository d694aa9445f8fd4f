//! The `secrets` built-in: no secret in the code or its history.

use serde::Deserialize;
use verdict_policy_sdk::schemars::JsonSchema;
use verdict_policy_sdk::{
    Context, Descriptor, Error, Evidence, Kind, Outcome, PathMatcher, Policy, Secret, Severity,
    Violation,
};

/// The `secrets` policy.
pub struct Secrets;

/// Configuration of the `secrets` policy (docs/policies/secrets.md). Any
/// secret fails unless an `allow` entry or `exclude` covers it.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(crate = "verdict_policy_sdk::schemars")]
pub struct Config {
    /// Fail only on secrets the tool verified as live (trufflehog's
    /// `Verified`); secrets nobody verified pass.
    #[serde(default)]
    pub verified_only: bool,
    /// Deprecated spelling of `verified-only`.
    #[serde(default)]
    #[schemars(extend("deprecated" = true))]
    pub allow_unverified: bool,
    /// Secrets accepted on purpose, by fingerprint or path glob, each with a
    /// reason. An entry that matched nothing is reported as stale.
    #[serde(default)]
    pub allow: Vec<Allow>,
    /// Globs of paths whose secrets are never counted (test fixtures, docs).
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Also fail on secrets a person marked as false positives in the tool
    /// (detect-secrets `is_secret: false` in an audited baseline).
    #[serde(default)]
    pub include_suppressed: bool,
}

/// A secret accepted on purpose. Give `fingerprint`, `path` or both (then
/// both must match).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(crate = "verdict_policy_sdk::schemars")]
pub struct Allow {
    /// The secret's fingerprint, as `verdict check` reports it.
    #[serde(default)]
    pub fingerprint: Option<String>,
    /// A glob of the paths it may be in (`tests/fixtures/**`).
    #[serde(default)]
    pub path: Option<String>,
    /// Why it is accepted.
    #[schemars(length(min = 1))]
    pub reason: String,
}

/// An `allow` entry, checked.
struct Allowed<'c> {
    entry: &'c Allow,
    path: Option<PathMatcher>,
    matched: bool,
}

impl Allowed<'_> {
    fn covers(&self, secret: &Secret) -> bool {
        self.entry
            .fingerprint
            .as_deref()
            .is_none_or(|fingerprint| fingerprint.trim() == secret.fingerprint)
            && self.path.as_ref().is_none_or(|path| {
                secret
                    .location
                    .as_ref()
                    .is_some_and(|location| path.is_match(&location.path))
            })
    }

    fn describe(&self) -> String {
        match (&self.entry.fingerprint, &self.entry.path) {
            (Some(fingerprint), Some(path)) => format!("fingerprint `{fingerprint}` in `{path}`"),
            (Some(fingerprint), None) => format!("fingerprint `{fingerprint}`"),
            (None, Some(path)) => format!("path `{path}`"),
            (None, None) => String::new(),
        }
    }
}

fn allowed(config: &Config) -> Result<Vec<Allowed<'_>>, Error> {
    config
        .allow
        .iter()
        .enumerate()
        .map(|(index, entry)| {
            let at = format!("invalid configuration at `allow[{index}]`");
            if entry.reason.trim().is_empty() {
                return Err(Error::new(format!("{at}: `reason` must not be empty")));
            }
            let fingerprint = entry.fingerprint.as_deref().map(str::trim);
            let path = entry.path.as_deref().map(str::trim);
            if fingerprint.is_none_or(str::is_empty) && path.is_none_or(str::is_empty) {
                return Err(Error::new(format!(
                    "{at}: give a `fingerprint` or a `path`"
                )));
            }
            let path = path
                .map(|path| PathMatcher::new(&[path]))
                .transpose()
                .map_err(|e| Error::new(format!("{at}: {e}")))?;
            Ok(Allowed {
                entry,
                path,
                matched: false,
            })
        })
        .collect()
}

impl Policy for Secrets {
    type Config = Config;

    fn describe() -> Descriptor {
        Descriptor {
            name: "secrets".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Fails on any secret a scanner found in the code or its history (or only on verified \
                          ones), except secrets allowed by fingerprint or path with a reason. Messages show the \
                          redacted form only."
                .into(),
            consumes: vec![Kind::Secrets],
            requires: vec![Kind::Secrets],
            config_schema: verdict_policy_sdk::config_schema::<Config>(),
            controls: vec![],
        }
    }

    fn evaluate(config: Config, _context: &Context, evidence: &Evidence) -> Result<Outcome, Error> {
        let exclude = PathMatcher::new(&config.exclude)
            .map_err(|e| Error::new(format!("invalid configuration at `exclude`: {e}")))?;
        let mut allow = allowed(&config)?;
        let verified_only = config.verified_only || config.allow_unverified;
        let mut outcome = Outcome::pass();
        for secret in evidence.secrets() {
            let verified = secret.verified == Some(true);
            if (verified_only && !verified)
                || (secret.suppressed && !config.include_suppressed)
                || secret
                    .location
                    .as_ref()
                    .is_some_and(|location| exclude.is_match(&location.path))
            {
                continue;
            }
            let mut covered = false;
            for entry in &mut allow {
                if entry.covers(&secret) {
                    entry.matched = true;
                    covered = true;
                }
            }
            if !covered {
                outcome.push(violation(secret, verified));
            }
        }
        for entry in allow.iter().filter(|entry| !entry.matched) {
            outcome.notes.push(format!(
                "allow entry for {} is stale: it matched no secret",
                entry.describe()
            ));
        }
        if config.allow_unverified {
            outcome
                .notes
                .push("`allow-unverified` is deprecated: use `verified-only`".into());
        }
        Ok(outcome)
    }
}

fn violation(secret: Secret, verified: bool) -> Violation {
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
    Violation::new("secret", message)
        .severity(if verified {
            Severity::Critical
        } else {
            Severity::High
        })
        .location(secret.location)
        .fingerprint(secret.fingerprint)
        .scanner_rule(secret.rule_id)
        .build()
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
    fn verified_only_fails_only_on_verified_secrets() {
        let outcome =
            testing::evaluate::<Secrets>(r#"{"verified-only": true}"#, evidence()).unwrap();
        assert_eq!(paths(&outcome), ["deploy.sh"]);
        assert!(outcome.notes.is_empty());
        let outcome =
            testing::evaluate::<Secrets>(r#"{"allow-unverified": true}"#, evidence()).unwrap();
        assert_eq!(paths(&outcome), ["deploy.sh"]);
        assert_eq!(
            outcome.notes,
            ["`allow-unverified` is deprecated: use `verified-only`"]
        );
    }

    fn paths(outcome: &Outcome) -> Vec<&str> {
        outcome
            .violations
            .iter()
            .map(|v| v.location.as_ref().unwrap().path.as_str())
            .collect()
    }

    #[test]
    fn allow_by_fingerprint_or_path_with_stale_entries_noted() {
        let config = r#"{"allow": [
            {"fingerprint": "fp-src/a.py", "reason": "revoked key kept in history"},
            {"path": "tests/**", "reason": "test fixtures"},
            {"path": "docs/**", "reason": "examples"},
            {"fingerprint": "fp-deploy.sh", "path": "other/**", "reason": "both must match"}
        ]}"#;
        let outcome = testing::evaluate::<Secrets>(config, evidence()).unwrap();
        assert_eq!(paths(&outcome), ["deploy.sh"]);
        assert_eq!(
            outcome.notes,
            [
                "allow entry for path `docs/**` is stale: it matched no secret",
                "allow entry for fingerprint `fp-deploy.sh` in `other/**` is stale: it matched no secret"
            ]
        );
    }

    #[test]
    fn suppressed_secrets_count_only_with_include_suppressed() {
        let mut evidence = evidence();
        evidence.secrets[0].suppressed = true;
        let outcome = testing::evaluate::<Secrets>("{}", evidence.clone()).unwrap();
        assert_eq!(paths(&outcome), ["tests/fixtures/k.txt", "deploy.sh"]);
        let outcome =
            testing::evaluate::<Secrets>(r#"{"include-suppressed": true}"#, evidence).unwrap();
        assert_eq!(outcome.violations.len(), 3);
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
        let cases = [
            (r#"{"allow": [{"path": "x/**"}]}"#, "reason"),
            (
                r#"{"allow": [{"path": "x/**", "reason": " "}]}"#,
                "`allow[0]`",
            ),
            (
                r#"{"allow": [{"reason": "why"}]}"#,
                "give a `fingerprint` or a `path`",
            ),
            (
                r#"{"allow": [{"path": "[x", "reason": "why"}]}"#,
                "`allow[0]`",
            ),
            (r#"{"allow": [{"paths": "x", "reason": "why"}]}"#, "paths"),
        ];
        for (config, expected) in cases {
            let error = testing::evaluate::<Secrets>(config, evidence()).unwrap_err();
            assert!(error.message().contains(expected), "{config}: {error}");
        }
    }
}
