//! Write verdict policy plugins in Rust.
//!
//! A policy is a type implementing [`Policy`], exported with
//! [`export_policy!`], built as a `cdylib` for `wasm32-wasip2`:
//!
//! ```
//! use verdict_policy_sdk::{Context, Descriptor, Error, Evidence, Filter, Kind, Outcome, Policy, Severity, Violation};
//!
//! #[derive(serde::Deserialize)]
//! #[serde(deny_unknown_fields, rename_all = "kebab-case")]
//! struct Config {
//!     #[serde(default = "high")]
//!     fail_on: Severity,
//! }
//!
//! fn high() -> Severity {
//!     Severity::High
//! }
//!
//! struct NoBadFindings;
//!
//! impl Policy for NoBadFindings {
//!     type Config = Config;
//!
//!     fn describe() -> Descriptor {
//!         Descriptor {
//!             name: "no-bad-findings".into(),
//!             version: "0.1.0".into(),
//!             description: "Fails on findings at or above a severity.".into(),
//!             consumes: vec![Kind::Findings],
//!             requires: vec![Kind::Findings],
//!             config_schema: r#"{"type":"object"}"#.into(),
//!             controls: vec![],
//!         }
//!     }
//!
//!     fn evaluate(config: Config, _context: &Context, evidence: &Evidence) -> Result<Outcome, Error> {
//!         let mut outcome = Outcome::pass();
//!         // Pushed violations leave for the host in batches as they are found.
//!         outcome.extend(
//!             evidence
//!                 .findings(Filter::default().min_severity(config.fail_on))
//!                 .map(|finding| {
//!                     Violation::new("finding", finding.message)
//!                         .severity(finding.severity)
//!                         .location(finding.location)
//!                         .fingerprint(finding.fingerprint)
//!                         .build()
//!                 }),
//!         );
//!         Ok(outcome)
//!     }
//! }
//!
//! verdict_policy_sdk::export_policy!(NoBadFindings);
//! # fn main() {}
//! ```
//!
//! Evidence arrives in batches ([`Batches`]) and violations leave in batches
//! ([`Outcome::push`]), so a policy over a million findings holds neither all
//! the findings nor all its violations.
//!
//! Configuration that does not deserialize into `Config` makes `evaluate`
//! return an error naming the field, so the gate's decision is `error`, never
//! a pass. Use `#[serde(deny_unknown_fields)]` so a misspelt key is an error
//! too. Test the logic natively with [`testing::evaluate`] and a
//! [`MemoryEvidence`].

mod evidence;
mod glob;
mod host;
mod outcome;
mod report;
#[cfg(not(target_family = "wasm"))]
pub mod testing;
mod types;

pub use evidence::{BATCH_SIZE, Batches, Evidence, MemoryEvidence};
pub use glob::PathMatcher;
#[doc(hidden)]
pub use host::bindings as __bindings;
#[doc(hidden)]
pub use host::{
    Guest as __Guest, WitContext as __WitContext, WitDescriptor as __WitDescriptor,
    WitOutcome as __WitOutcome, describe as __describe, evaluate as __evaluate,
};
pub use outcome::{
    Context, Control, ControlResult, ControlStatus, Descriptor, Error, Outcome, Violation,
    ViolationBuilder, fingerprint,
};
pub use report::{REPORT_BATCH, REPORT_BYTES};
pub use types::{
    AdvisoryKind, AdvisoryKinds, ChangeStatus, ChangedFile, Commit, Component, CoverageTotals,
    Document, FileCoverage, Filter, Finding, Kind, Levels, LineRange, Location, Notice, NoticeKind,
    OwnerRule, PastDecision, PastPolicy, PastVerdict, PullRequest, Review, ReviewState, RuleInfo,
    Secret, Severity, SignatureCheck, SignatureFormat, SignatureStatus, Source, Tag, TestCase,
    TestStatus, TestSuite, Vulnerability, percent,
};

/// Re-exported so policies derive `JsonSchema` on their configuration: the
/// schema the host validates against comes from the same type the policy
/// deserializes (see [`config_schema`]).
pub use schemars;
/// Re-exported so policies derive `Deserialize` on their configuration
/// without naming another dependency version.
pub use serde;
/// Re-exported for policies that read documents or build schemas.
pub use serde_json;

/// A verdict policy.
pub trait Policy {
    /// The policy's configuration, deserialized from the JSON the user wrote
    /// in `verdict.toml`. Use `#[serde(deny_unknown_fields)]`.
    type Config: serde::de::DeserializeOwned;

    /// Describes the policy: its name, the evidence kinds it reads, the JSON
    /// Schema of its configuration. Must not read evidence.
    fn describe() -> Descriptor;

    /// Decides. An `Err` means the policy could not decide, and the gate's
    /// decision becomes `error`.
    fn evaluate(
        config: Self::Config,
        context: &Context,
        evidence: &Evidence,
    ) -> Result<Outcome, Error>;
}

/// The JSON Schema (draft 2020-12) of a configuration type, as JSON text, for
/// [`Descriptor::config_schema`]. Derive it with the type's `Deserialize`:
///
/// ```
/// use verdict_policy_sdk::{schemars, serde};
///
/// /// Configuration of a coverage gate.
/// #[derive(serde::Deserialize, schemars::JsonSchema)]
/// #[serde(crate = "verdict_policy_sdk::serde", deny_unknown_fields, rename_all = "kebab-case")]
/// #[schemars(crate = "verdict_policy_sdk::schemars")]
/// struct Config {
///     /// Minimum line coverage, in percent.
///     #[serde(default)]
///     min_lines: Option<f64>,
/// }
///
/// let schema: serde_json::Value =
///     serde_json::from_str(&verdict_policy_sdk::config_schema::<Config>()).unwrap();
/// assert_eq!(schema["additionalProperties"], false);
/// assert_eq!(schema["properties"]["min-lines"]["description"], "Minimum line coverage, in percent.");
/// ```
///
/// One definition: `#[serde(rename_all)]`, `deny_unknown_fields`, defaults
/// and doc comments become the schema's names, `additionalProperties: false`,
/// defaults and descriptions. Add constraints serde cannot express with
/// `#[schemars(range(min = 0, max = 100))]` and friends.
pub fn config_schema<C: schemars::JsonSchema>() -> String {
    schemars::schema_for!(C).as_value().to_string()
}

/// Parses the configuration, failing closed with a message that names the field.
pub fn parse_config<C: serde::de::DeserializeOwned>(config: &str) -> Result<C, Error> {
    let mut deserializer = serde_json::Deserializer::from_str(config);
    let parsed: C = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        if path == "." {
            Error::new(format!("invalid configuration: {}", error.inner()))
        } else {
            Error::new(format!(
                "invalid configuration at `{path}`: {}",
                error.inner()
            ))
        }
    })?;
    deserializer
        .end()
        .map_err(|error| Error::new(format!("invalid configuration: {error}")))?;
    Ok(parsed)
}

/// Parses the configuration and evaluates `P`: what the host's call runs.
pub(crate) fn run<P: Policy>(
    config: &str,
    context: &Context,
    evidence: &Evidence,
) -> Result<Outcome, Error> {
    let config = parse_config::<P::Config>(config)?;
    P::evaluate(config, context, evidence)
}

/// Exports a [`Policy`] as the component's `policy` interface.
///
/// Use it once, at the root of the policy crate: `export_policy!(MyPolicy);`.
#[macro_export]
macro_rules! export_policy {
    ($policy:ty) => {
        #[doc(hidden)]
        #[allow(unsafe_code, missing_docs, reason = "wit-bindgen's ABI glue")]
        mod __verdict_policy_export {
            use super::*;

            struct Exported;

            impl $crate::__Guest for Exported {
                fn describe() -> $crate::__WitDescriptor {
                    $crate::__describe::<$policy>()
                }

                fn evaluate(
                    config: ::std::string::String,
                    context: $crate::__WitContext,
                ) -> ::std::result::Result<$crate::__WitOutcome, ::std::string::String> {
                    $crate::__evaluate::<$policy>(config, context)
                }
            }

            $crate::__bindings::__export_plugin!(Exported with_types_in $crate::__bindings);
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "kebab-case")]
    struct Config {
        #[expect(dead_code, reason = "only deserialized")]
        min_lines: f64,
        #[serde(default)]
        #[expect(dead_code, reason = "only deserialized")]
        exclude: Vec<String>,
    }

    #[test]
    fn configuration_errors_name_the_key() {
        let error = parse_config::<Config>(r#"{"min-lines": "80"}"#).unwrap_err();
        assert!(
            error
                .message()
                .starts_with("invalid configuration at `min-lines`: invalid type"),
            "{error}"
        );
        let error = parse_config::<Config>(r#"{"min-lines": 80, "exclude": [1]}"#).unwrap_err();
        assert!(error.message().contains("`exclude[0]`"), "{error}");
        let error = parse_config::<Config>(r#"{"min-lines": 80, "min-line": 1}"#).unwrap_err();
        assert!(
            error.message().contains("unknown field `min-line`"),
            "{error}"
        );
        let error = parse_config::<Config>("{}").unwrap_err();
        assert!(
            error.message().contains("missing field `min-lines`"),
            "{error}"
        );
        assert!(parse_config::<Config>("").is_err());
        assert!(parse_config::<Config>(r#"{"min-lines": 80} {}"#).is_err());
        assert!(parse_config::<Config>(r#"{"min-lines": 80}"#).is_ok());
    }

    #[test]
    fn severities_parse_from_lowercase_names_and_order() {
        assert_eq!("high".parse::<Severity>(), Ok(Severity::High));
        assert!(
            "High"
                .parse::<Severity>()
                .unwrap_err()
                .message()
                .contains("`High`")
        );
        assert!(Severity::Critical > Severity::High && Severity::Low > Severity::Info);
    }

    #[test]
    fn default_fingerprints_use_the_subject_then_the_location() {
        let a = Violation::new("r", "72% covered").subject("total").build();
        let b = Violation::new("r", "73% covered").subject("total").build();
        assert_eq!(a.fingerprint, b.fingerprint);
        assert_eq!(a.fingerprint, fingerprint("r", "total"));
        let c = Violation::new("r", "m")
            .location(Some(Location {
                path: "a.rs".into(),
                start_line: Some(3),
                end_line: None,
            }))
            .build();
        assert_eq!(c.fingerprint, fingerprint("r", "a.rs:3"));
        assert_eq!(c.severity, Severity::High);
    }
}
