//! Test guest `echo`: one violation per finding (suppressed ones included),
//! for the host benchmark and end-to-end tests of the evidence path.

use verdict_policy_sdk::{
    Context, Descriptor, Error, Evidence, Filter, Kind, Outcome, Policy, Violation,
    serde::de::IgnoredAny,
};

/// The guest.
pub struct Echo;

impl Policy for Echo {
    type Config = IgnoredAny;

    fn describe() -> Descriptor {
        Descriptor {
            name: "echo".into(),
            version: "0.1.0".into(),
            description: "One violation per finding.".into(),
            consumes: vec![Kind::Findings],
            requires: vec![],
            config_schema: "{}".into(),
            controls: vec![],
        }
    }

    fn evaluate(_: IgnoredAny, _: &Context, evidence: &Evidence) -> Result<Outcome, Error> {
        let mut outcome = Outcome::pass();
        outcome.extend(
            evidence
                .findings(Filter::default().include_suppressed(true))
                .map(|finding| {
                    Violation::new("echo", finding.message)
                        .severity(finding.severity)
                        .location(finding.location)
                        .fingerprint(finding.fingerprint)
                        .build()
                }),
        );
        Ok(outcome)
    }
}

verdict_policy_sdk::export_policy!(Echo);
