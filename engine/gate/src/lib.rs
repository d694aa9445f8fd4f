//! The gate: `verdict.toml`, policy scopes, configuration validation, the
//! decision, and the verdict document every report is rendered from.
//!
//! ```
//! use verdict_gate::{Decision, Enforcement, decide_policy};
//!
//! // A hard policy with a violation fails; an advisory one only warns.
//! assert_eq!(decide_policy(Enforcement::Hard, 1, false), Decision::Fail);
//! assert_eq!(decide_policy(Enforcement::Advisory, 1, false), Decision::Warn);
//! assert_eq!(decide_policy(Enforcement::Hard, 0, true), Decision::Error);
//! ```

mod attestations;
mod baseline;
mod config;
mod dates;
mod decision;
mod diagnostic;
pub mod document;
mod schema;
mod schema_file;
mod scope;
mod tally;
mod waivers;

pub use attestations::{Attestation, AttestationConfig, apply as apply_attestations};
pub use baseline::{BASELINE_FORMAT, Baseline, BaselineFile};
pub use config::{
    BranchScope, Config, DEFAULT_MAX_INPUT_MIB, IncompleteScans, LimitsConfig, Missing,
    NothingInScope, PluginRef, PolicyConfig, RequireConfig, ValidConfig, ValidPolicy, load, parse,
};
pub use dates::Day;
pub use decision::{Decision, Enforcement, decide, decide_policy};
pub use diagnostic::{ConfigError, Diagnostic};
pub use schema::validate_policy_config;
pub use schema_file::config_schema_json;
pub use scope::Scope;
pub use tally::{DEFAULT_LISTED_VIOLATIONS, Exceptions, Tallied, Tally};
pub use waivers::{Waiver, WaiverConfig};
