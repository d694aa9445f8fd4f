//! Test guest `memory-bomb`: allocates and touches 16 MiB blocks until memory
//! runs out, so the host's memory limit must end it.

use verdict_policy_sdk::{
    Context, Descriptor, Error, Evidence, Outcome, Policy, serde::de::IgnoredAny,
};

/// The guest.
pub struct MemoryBomb;

impl Policy for MemoryBomb {
    type Config = IgnoredAny;

    fn describe() -> Descriptor {
        Descriptor {
            name: "memory-bomb".into(),
            version: "0.1.0".into(),
            description: "Allocates until it dies.".into(),
            consumes: vec![],
            requires: vec![],
            config_schema: "{}".into(),
            controls: vec![],
        }
    }

    fn evaluate(_: IgnoredAny, _: &Context, _: &Evidence) -> Result<Outcome, Error> {
        let mut blocks = Vec::new();
        loop {
            blocks.push(std::hint::black_box(vec![1u8; 16 << 20]));
        }
    }
}

verdict_policy_sdk::export_policy!(MemoryBomb);
