//! Test guest `schema-bomb`: its configuration schema is a chain of 50,000
//! `$ref`s (`d0` names `d1`, which names `d2`, …), which overflowed the
//! host's stack when the validator compiled it (issue 7). The host must
//! refuse the schema by its bounds, naming the policy, before compiling it.

use serde::Deserialize;
use verdict_policy_sdk::{Context, Descriptor, Error, Evidence, Outcome, Policy};

/// The guest.
pub struct SchemaBomb;

/// Length of the `$ref` chain.
const CHAIN: usize = 50_000;

/// Accepts anything; never reached.
#[derive(Deserialize)]
pub struct Config {}

impl Policy for SchemaBomb {
    type Config = Config;

    fn describe() -> Descriptor {
        let mut defs = String::new();
        for index in 0..CHAIN {
            defs.push_str(&format!(
                "\"d{index}\":{{\"$ref\":\"#/$defs/d{}\"}},",
                index + 1
            ));
        }
        defs.push_str(&format!("\"d{CHAIN}\":{{\"type\":\"object\"}}"));
        Descriptor {
            name: "schema-bomb".into(),
            version: "0.1.0".into(),
            description: "Declares a 50,000-long `$ref` chain as its schema.".into(),
            consumes: vec![],
            requires: vec![],
            config_schema: format!("{{\"$ref\":\"#/$defs/d0\",\"$defs\":{{{defs}}}}}"),
            controls: vec![],
        }
    }

    fn evaluate(_: Config, _: &Context, _: &Evidence) -> Result<Outcome, Error> {
        Ok(Outcome::default())
    }
}

verdict_policy_sdk::export_policy!(SchemaBomb);
