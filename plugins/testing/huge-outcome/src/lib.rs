//! Test guest `huge-outcome`: sends 2 million violations to the host in one
//! call (default) or, with `{"mode": "big-message"}`, one violation with a
//! 300 MB message, so the host's per-call limit must refuse it. The SDK
//! would split the first into batches; this guest calls the raw import.

use serde::Deserialize;
use verdict_policy_sdk::__bindings::verdict::policy::{types as wit, violations};
use verdict_policy_sdk::{Context, Descriptor, Error, Evidence, Outcome, Policy};

/// The guest.
pub struct HugeOutcome;

/// Which kind of huge.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `many` (default) or `big-message`.
    #[serde(default)]
    mode: Option<String>,
}

impl Policy for HugeOutcome {
    type Config = Config;

    fn describe() -> Descriptor {
        Descriptor {
            name: "huge-outcome".into(),
            version: "0.1.0".into(),
            description: "Sends too much in one call.".into(),
            consumes: vec![],
            requires: vec![],
            config_schema: "{}".into(),
            controls: vec![],
        }
    }

    fn evaluate(config: Config, _: &Context, _: &Evidence) -> Result<Outcome, Error> {
        let violation = |message: String, fingerprint: String| wit::Violation {
            rule: "huge".into(),
            message,
            severity: wit::Severity::Low,
            location: None,
            fingerprint,
            control: None,
            scanner_rule: None,
            advisories: Vec::new(),
        };
        let batch = if config.mode.as_deref() == Some("big-message") {
            vec![violation("x".repeat(300 << 20), "big".into())]
        } else {
            (0..2_000_000u32)
                .map(|i| violation("v".into(), i.to_string()))
                .collect()
        };
        violations::report(&batch);
        Ok(Outcome::pass())
    }
}

verdict_policy_sdk::export_policy!(HugeOutcome);
