//! Test guest `huge-outcome`: returns 2 million violations (default) or, with
//! `{"mode": "big-message"}`, one violation with a 300 MB message, so the
//! host's outcome limits must reject it.

use serde::Deserialize;
use verdict_policy_sdk::{
    Context, Descriptor, Error, Evidence, Outcome, Policy, Severity, Violation,
};

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
            description: "Returns too much.".into(),
            consumes: vec![],
            requires: vec![],
            config_schema: "{}".into(),
            controls: vec![],
        }
    }

    fn evaluate(config: Config, _: &Context, _: &Evidence) -> Result<Outcome, Error> {
        let violation = |message: String, fingerprint: String| Violation {
            rule: "huge".into(),
            message,
            severity: Severity::Low,
            location: None,
            fingerprint,
            control: None,
        };
        let violations = if config.mode.as_deref() == Some("big-message") {
            vec![violation("x".repeat(300 << 20), "big".into())]
        } else {
            (0..2_000_000u32)
                .map(|i| violation("v".into(), i.to_string()))
                .collect()
        };
        Ok(Outcome::violations(violations))
    }
}

verdict_policy_sdk::export_policy!(HugeOutcome);
