//! Test guest `trap`: panics (default), or with `{"mode": "unreachable"}`
//! executes `unreachable`, so the host must turn the trap into an error.

use serde::Deserialize;
use verdict_policy_sdk::{Context, Descriptor, Error, Evidence, Outcome, Policy};

/// The guest.
pub struct Trap;

/// How to die.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `panic` or `unreachable`.
    #[serde(default)]
    mode: Option<String>,
}

impl Policy for Trap {
    type Config = Config;

    fn describe() -> Descriptor {
        Descriptor {
            name: "trap".into(),
            version: "0.1.0".into(),
            description: "Traps.".into(),
            consumes: vec![],
            requires: vec![],
            config_schema: "{}".into(),
            controls: vec![],
        }
    }

    fn evaluate(config: Config, _: &Context, _: &Evidence) -> Result<Outcome, Error> {
        if config.mode.as_deref() == Some("unreachable") {
            #[cfg(target_arch = "wasm32")]
            core::arch::wasm32::unreachable();
        }
        panic!("the trap guest panics on purpose")
    }
}

verdict_policy_sdk::export_policy!(Trap);
