//! Test guest `flood`: objects `count` times (default 1,000,000), pushing
//! each violation as it is made, so the SDK sends them in batches. The first
//! violation names control `flood-1` and the outcome reports that control
//! `violated`: the host must find the name in an early batch. With
//! `bad-at: N`, violation N has an empty fingerprint.

use serde::Deserialize;
use verdict_policy_sdk::{
    Context, Control, ControlResult, ControlStatus, Descriptor, Error, Evidence, Outcome, Policy,
    Severity, Violation,
};

/// The guest.
pub struct Flood;

/// How many, and which one is malformed.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Violations to report.
    #[serde(default = "million")]
    count: u32,
    /// The index of a violation sent with an empty fingerprint.
    #[serde(default)]
    bad_at: Option<u32>,
}

fn million() -> u32 {
    1_000_000
}

impl Policy for Flood {
    type Config = Config;

    fn describe() -> Descriptor {
        Descriptor {
            name: "flood".into(),
            version: "0.1.0".into(),
            description: "Objects to everything, a million times.".into(),
            consumes: vec![],
            requires: vec![],
            config_schema: "{}".into(),
            controls: vec![Control::new("flood-1", "Nothing floods")],
        }
    }

    fn evaluate(config: Config, _: &Context, _: &Evidence) -> Result<Outcome, Error> {
        let mut outcome = Outcome::pass();
        for i in 0..config.count {
            let mut violation = Violation::new("flood", format!("violation {i} of a flood"))
                .severity(Severity::Low)
                .fingerprint(format!("flood-{i}"));
            if i == 0 {
                violation = violation.control("flood-1");
            }
            let mut violation = violation.build();
            if config.bad_at == Some(i) {
                violation.fingerprint.clear();
            }
            outcome.push(violation);
        }
        outcome.controls.push(ControlResult::new(
            "flood-1",
            ControlStatus::Violated,
            vec![format!("{} violations", config.count)],
        ));
        Ok(outcome)
    }
}

verdict_policy_sdk::export_policy!(Flood);
