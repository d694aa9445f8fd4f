//! Test guest `clock`: reports the wall clock it sees next to the run's
//! `now-unix`, so the host test can assert that the clock is the run's `--now`.

use std::time::{SystemTime, UNIX_EPOCH};
use verdict_policy_sdk::{
    Context, Descriptor, Error, Evidence, Outcome, Policy, Violation, serde::de::IgnoredAny,
};

/// The guest.
pub struct Clock;

impl Policy for Clock {
    type Config = IgnoredAny;

    fn describe() -> Descriptor {
        Descriptor {
            name: "clock".into(),
            version: "0.1.0".into(),
            description: "Reports the time.".into(),
            consumes: vec![],
            requires: vec![],
            config_schema: "{}".into(),
            controls: vec![],
        }
    }

    fn evaluate(_: IgnoredAny, context: &Context, _: &Evidence) -> Result<Outcome, Error> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_err(|_| Error::new("the wall clock is before 1970"))?;
        let message = format!(
            "system-time-unix={} context-now-unix={}",
            now.as_secs(),
            context.now_unix
        );
        Ok(Outcome::violations(vec![
            Violation::new("clock", message).subject("clock").build(),
        ]))
    }
}

verdict_policy_sdk::export_policy!(Clock);
