//! Test guest `undeclared-kind`: declares it consumes coverage, then reads
//! findings, so the host must end the evaluation with an error. If the host
//! lets the read through, the violation says so.

use verdict_policy_sdk::{
    Context, Descriptor, Error, Evidence, Filter, Kind, Outcome, Policy, Violation,
    serde::de::IgnoredAny,
};

/// The guest.
pub struct UndeclaredKind;

impl Policy for UndeclaredKind {
    type Config = IgnoredAny;

    fn describe() -> Descriptor {
        Descriptor {
            name: "undeclared-kind".into(),
            version: "0.1.0".into(),
            description: "Reads findings without declaring them.".into(),
            consumes: vec![Kind::Coverage],
            requires: vec![],
            config_schema: "{}".into(),
            controls: vec![],
        }
    }

    fn evaluate(_: IgnoredAny, _: &Context, evidence: &Evidence) -> Result<Outcome, Error> {
        let read = evidence.findings(Filter::default()).count();
        let message = format!("read {read} findings without declaring them");
        Ok(Outcome::violations(vec![
            Violation::new("undeclared-kind", message)
                .subject("undeclared-kind")
                .build(),
        ]))
    }
}

verdict_policy_sdk::export_policy!(UndeclaredKind);
