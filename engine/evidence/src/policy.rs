//! What policies say: descriptors, the run context, outcomes.
//!
//! These mirror the WIT contract (`plugins/wit/verdict.wit`) as plain Rust
//! types, so that the gate and the reports never see generated bindings or
//! wasmtime. Only `verdict-host` converts between the two.

use crate::{Kind, Location, Severity};
use serde::{Deserialize, Serialize};

/// A compliance control a policy can report on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Control {
    /// Stable id, e.g. `hipaa-164.312(b)`.
    pub id: String,
    /// Short title.
    pub title: String,
}

/// What a policy says about itself.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Descriptor {
    /// Policy name, kebab-case.
    pub name: String,
    /// Semantic version.
    pub version: String,
    /// What it checks and why.
    pub description: String,
    /// The evidence kinds it reads.
    pub consumes: Vec<Kind>,
    /// The kinds it cannot decide without: when no input speaks for one of
    /// them, the gate does not evaluate it (see `missing` in `verdict.toml`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requires: Vec<Kind>,
    /// JSON Schema of its configuration.
    pub config_schema: serde_json::Value,
    /// Controls it can report on.
    pub controls: Vec<Control>,
}

/// What started a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Event {
    /// A push to a branch or tag.
    Push,
    /// A pull request (GitHub) or merge request (GitLab).
    PullRequest,
    /// A scheduled run.
    Schedule,
    /// A deployment.
    Deploy,
    /// Started by hand.
    Manual,
    /// Anything else the CI reported.
    Other,
}

impl Event {
    /// Every event, in documentation order.
    pub const ALL: [Event; 6] = [
        Event::Push,
        Event::PullRequest,
        Event::Schedule,
        Event::Deploy,
        Event::Manual,
        Event::Other,
    ];

    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Event::Push => "push",
            Event::PullRequest => "pull-request",
            Event::Schedule => "schedule",
            Event::Deploy => "deploy",
            Event::Manual => "manual",
            Event::Other => "other",
        }
    }
}

impl std::str::FromStr for Event {
    type Err = String;

    fn from_str(name: &str) -> Result<Event, String> {
        Event::ALL
            .into_iter()
            .find(|event| event.as_str() == name)
            .ok_or_else(|| {
                let names: Vec<&str> = Event::ALL.iter().map(|event| event.as_str()).collect();
                format!("unknown event: expected one of {}", names.join(", "))
            })
    }
}

/// The run a policy is evaluated in.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Context {
    /// Target environment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// The branch that was built; for a pull request, its head branch (chosen
    /// by its author, so never what scopes follow for pull requests).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    /// For a pull or merge request, the branch it merges into.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_branch: Option<String>,
    /// What started the run, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<Event>,
    /// Version being deployed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The run's time, RFC 3339.
    pub now: String,
    /// The run's time, seconds since the Unix epoch.
    pub now_unix: i64,
    /// Repository tags pointing at the head commit.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Who triggered the run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// Repository name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
}

/// One thing a policy objects to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    /// Rule within the policy.
    pub rule: String,
    /// What is wrong.
    pub message: String,
    /// How bad.
    pub severity: Severity,
    /// Where.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// Stable identity.
    pub fingerprint: String,
    /// The control it violates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control: Option<String>,
    /// The scanner's rule id, when it is about a finding or a secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scanner_rule: Option<String>,
    /// Advisory ids (with aliases), when it is about a vulnerability.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub advisories: Vec<String>,
}

/// State of a control.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ControlStatus {
    /// Satisfied.
    Satisfied,
    /// Violated.
    Violated,
    /// Not assessed (no evidence).
    NotAssessed,
    /// Not checkable by a machine, and attested by a person (set by the gate
    /// from an attestation in force, never by a policy).
    Attested,
}

/// One control's result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ControlResult {
    /// Control id.
    pub control: String,
    /// Status.
    pub status: ControlStatus,
    /// What the status rests on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
}

/// What a policy returns.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// Violations; empty means pass.
    pub violations: Vec<Violation>,
    /// Control results.
    pub controls: Vec<ControlResult>,
    /// Notes that do not fail the policy.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}
