//! Test guest `file-open`: tries to read `/etc/passwd` and reports in a
//! violation whether it could, so the host test can assert it could not.

use verdict_policy_sdk::{
    Context, Descriptor, Error, Evidence, Outcome, Policy, Violation, serde::de::IgnoredAny,
};

/// The guest.
pub struct FileOpen;

impl Policy for FileOpen {
    type Config = IgnoredAny;

    fn describe() -> Descriptor {
        Descriptor {
            name: "file-open".into(),
            version: "0.1.0".into(),
            description: "Tries to read a host file.".into(),
            consumes: vec![],
            requires: vec![],
            config_schema: "{}".into(),
            controls: vec![],
        }
    }

    #[expect(
        clippy::disallowed_methods,
        reason = "the point is to call std::fs directly"
    )]
    fn evaluate(_: IgnoredAny, _: &Context, _: &Evidence) -> Result<Outcome, Error> {
        let message = match std::fs::read("/etc/passwd") {
            Ok(bytes) => format!("opened `/etc/passwd`: read {} bytes", bytes.len()),
            Err(error) => format!("could not open `/etc/passwd`: {error}"),
        };
        Ok(Outcome::violations(vec![
            Violation::new("file-open", message)
                .subject("file-open")
                .build(),
        ]))
    }
}

verdict_policy_sdk::export_policy!(FileOpen);
