//! Test guest `forged-text`: every text it gives the host tries to forge
//! verdict's output. Its descriptor (name, version, description, control ids
//! and titles, a schema description) and its violations (rule, message,
//! path) hold terminal escapes, carriage returns and newlines followed by a
//! fake `verdict: PASS` line and GitHub workflow commands, NUL, bidi
//! overrides and separators; `evaluate` writes the same to stderr, then
//! returns three violations, or with `{"mode": "trap"}` panics with it.
//! The host and every report must show all of it inert, on verdict's lines.

use serde::Deserialize;
use verdict_policy_sdk::{
    Context, Control, Descriptor, Error, Evidence, Location, Outcome, Policy, Severity, Violation,
};

/// The guest.
pub struct ForgedText;

/// What to do after writing to stderr.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `report` (default) or `trap`.
    #[serde(default)]
    mode: Option<String>,
}

/// Text that would forge a line: clear it, write a passing summary, run
/// workflow commands, hide in escapes.
const FORGED: &str = "\u{1b}[2K\r\u{1b}[32mverdict: PASS  (4 policies: 4 passed, 0 failed)\u{1b}[0m\n::error file=x.py,line=1::forged by a plugin\n::stop-commands::forged-token\n##[warning]legacy command\u{7}\u{0}\u{9b}\u{202e}\u{2066}\u{2028}\u{200b}";

/// A control id: one token, as the host requires of rule ids; it can still
/// carry a workflow command and a bidi override.
const CONTROL: &str = "::error::control\u{202e}";

impl Policy for ForgedText {
    type Config = Config;

    fn describe() -> Descriptor {
        Descriptor {
            name: format!("forged-text{FORGED}"),
            version: format!("0.1.0{FORGED}"),
            description: format!("Forges output.{FORGED}"),
            consumes: vec![],
            requires: vec![],
            config_schema: config_schema(),
            controls: vec![Control::new(CONTROL, format!("title{FORGED}"))],
        }
    }

    fn evaluate(config: Config, _: &Context, _: &Evidence) -> Result<Outcome, Error> {
        write_stderr(FORGED);
        if config.mode.as_deref() == Some("trap") {
            panic!("trapping{FORGED}");
        }
        let violations = (1..=3)
            .map(|n| {
                Violation::new(format!("forged::error::rule{n}\u{202e}"), FORGED)
                    .severity(Severity::High)
                    .location(Some(Location::file(format!("src/{n}.py{FORGED}"))))
                    .control(CONTROL)
                    .build()
            })
            .collect();
        Ok(Outcome::violations(violations))
    }
}

/// A schema whose description and enum values forge too.
fn config_schema() -> String {
    verdict_policy_sdk::serde_json::json!({
        "type": "object",
        "description": FORGED,
        "properties": { "mode": { "enum": ["report", "trap", FORGED] } },
    })
    .to_string()
}

#[expect(clippy::print_stderr, reason = "writing to stderr is the point")]
fn write_stderr(text: &str) {
    eprintln!("{text}");
}

verdict_policy_sdk::export_policy!(ForgedText);
