//! Test guest `spin`: loops forever in `evaluate`, so the host's time limit must end it.

use verdict_policy_sdk::{
    Context, Descriptor, Error, Evidence, Outcome, Policy, serde::de::IgnoredAny,
};

/// The guest.
pub struct Spin;

impl Policy for Spin {
    type Config = IgnoredAny;

    fn describe() -> Descriptor {
        Descriptor {
            name: "spin".into(),
            version: "0.1.0".into(),
            description: "Loops forever.".into(),
            consumes: vec![],
            requires: vec![],
            config_schema: "{}".into(),
            controls: vec![],
        }
    }

    fn evaluate(_: IgnoredAny, _: &Context, _: &Evidence) -> Result<Outcome, Error> {
        let mut counter = 0u64;
        loop {
            counter = std::hint::black_box(counter.wrapping_add(1));
        }
    }
}

verdict_policy_sdk::export_policy!(Spin);
