//! Test guest `env-read`: reports the environment variables, arguments and
//! working directory it sees, so the host test can assert it sees none.

use verdict_policy_sdk::{
    Context, Descriptor, Error, Evidence, Outcome, Policy, Violation, serde::de::IgnoredAny,
};

/// The guest.
pub struct EnvRead;

impl Policy for EnvRead {
    type Config = IgnoredAny;

    fn describe() -> Descriptor {
        Descriptor {
            name: "env-read".into(),
            version: "0.1.0".into(),
            description: "Reports its environment.".into(),
            consumes: vec![],
            requires: vec![],
            config_schema: "{}".into(),
            controls: vec![],
        }
    }

    fn evaluate(_: IgnoredAny, _: &Context, _: &Evidence) -> Result<Outcome, Error> {
        let vars: Vec<String> = std::env::vars_os()
            .map(|(k, v)| format!("{}={}", k.to_string_lossy(), v.to_string_lossy()))
            .collect();
        let args = std::env::args_os().count();
        let cwd = std::env::current_dir()
            .map(|d| d.display().to_string())
            .unwrap_or_default();
        let message = format!(
            "saw {} environment variables [{}], {args} arguments, cwd `{cwd}`",
            vars.len(),
            vars.join(", ")
        );
        Ok(Outcome::violations(vec![
            Violation::new("env-read", message)
                .subject("env-read")
                .build(),
        ]))
    }
}

verdict_policy_sdk::export_policy!(EnvRead);
