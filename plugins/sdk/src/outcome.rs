//! What a policy says: its descriptor, the run context it is given, and the
//! outcome it returns.

use crate::{Kind, Location, Severity};
use sha2::{Digest, Sha256};
use std::fmt;

/// A compliance control a policy can report on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Control {
    /// Stable id, e.g. `hipaa-164.312(b)`.
    pub id: String,
    /// Short title.
    pub title: String,
}

impl Control {
    /// A control with its id and title.
    pub fn new(id: impl Into<String>, title: impl Into<String>) -> Self {
        Control {
            id: id.into(),
            title: title.into(),
        }
    }
}

/// What `describe` returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Descriptor {
    /// Policy name, kebab-case.
    pub name: String,
    /// Semantic version of the policy.
    pub version: String,
    /// One paragraph: what it checks and why.
    pub description: String,
    /// The evidence kinds it reads; the host sends only these.
    pub consumes: Vec<Kind>,
    /// The kinds it cannot decide without (a subset of `consumes`): when no
    /// input speaks for one, the gate does not evaluate the policy and its
    /// result is `error` (unless the gate file says `missing = …`).
    pub requires: Vec<Kind>,
    /// JSON Schema (draft 2020-12) of its configuration, as JSON text.
    pub config_schema: String,
    /// Controls it can report on.
    pub controls: Vec<Control>,
}

/// The run this evaluation is part of.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Context {
    /// The policy id from verdict.toml.
    pub policy_id: String,
    /// Target environment (`production`, `staging`…).
    pub environment: Option<String>,
    /// Branch that was built (for a pull request, its head branch).
    pub branch: Option<String>,
    /// For a pull or merge request, the branch it merges into.
    pub target_branch: Option<String>,
    /// What started the run (`push`, `pull-request`, `schedule`, `deploy`,
    /// `manual`, `other`), when known.
    pub event: Option<String>,
    /// Version being deployed.
    pub version: Option<String>,
    /// The run's time, RFC 3339 with offset.
    pub now: String,
    /// The run's time, seconds since the Unix epoch.
    pub now_unix: i64,
    /// Tags of the repository that point at the head commit.
    pub tags: Vec<String>,
    /// Who triggered the run.
    pub actor: Option<String>,
    /// Repository name (`owner/name`).
    pub repository: Option<String>,
}

/// One thing the policy objects to. Build one with [`Violation::new`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// Rule within the policy, kebab-case.
    pub rule: String,
    /// What is wrong, for people.
    pub message: String,
    /// How bad.
    pub severity: Severity,
    /// Where, when it is about a place.
    pub location: Option<Location>,
    /// Stable identity, for waivers and baselines.
    pub fingerprint: String,
    /// The control it violates, when any.
    pub control: Option<String>,
    /// The scanner's rule id when it is about a finding or a secret; a
    /// waiver's `rule` matches it as well as `rule`.
    pub scanner_rule: Option<String>,
    /// The advisory ids it is about, with aliases; a waiver's `advisory`
    /// matches any of them.
    pub advisories: Vec<String>,
}

impl Violation {
    /// Starts a violation of `rule` with a message for people.
    ///
    /// Severity defaults to high. The fingerprint defaults to
    /// [`fingerprint`]`(rule, subject)`, where the subject is what you set
    /// with [`ViolationBuilder::subject`], else the location (`path:line`),
    /// else the message. Set a subject whenever the message holds measured
    /// values, or the fingerprint changes from run to run.
    #[expect(
        clippy::new_ret_no_self,
        reason = "`Violation::new(..).build()` reads best for authors"
    )]
    pub fn new(rule: impl Into<String>, message: impl Into<String>) -> ViolationBuilder {
        ViolationBuilder {
            rule: rule.into(),
            message: message.into(),
            severity: Severity::High,
            location: None,
            subject: None,
            fingerprint: None,
            control: None,
            scanner_rule: None,
            advisories: Vec::new(),
        }
    }
}

/// Builds a [`Violation`].
#[derive(Clone, Debug)]
#[must_use = "call `build` to get the violation"]
pub struct ViolationBuilder {
    rule: String,
    message: String,
    severity: Severity,
    location: Option<Location>,
    subject: Option<String>,
    fingerprint: Option<String>,
    control: Option<String>,
    scanner_rule: Option<String>,
    advisories: Vec<String>,
}

impl ViolationBuilder {
    /// How bad it is.
    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// Where it is.
    pub fn location(mut self, location: Option<Location>) -> Self {
        self.location = location;
        self
    }

    /// What it is about (a package and version, a file), for the default fingerprint.
    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    /// Uses this fingerprint instead of the default one, e.g. the record's own.
    pub fn fingerprint(mut self, fingerprint: impl Into<String>) -> Self {
        self.fingerprint = Some(fingerprint.into());
        self
    }

    /// The control it violates.
    pub fn control(mut self, control: impl Into<String>) -> Self {
        self.control = Some(control.into());
        self
    }

    /// The scanner's rule id it is about, so that waivers can name it.
    pub fn scanner_rule(mut self, rule: impl Into<String>) -> Self {
        self.scanner_rule = Some(rule.into());
        self
    }

    /// The advisory ids it is about (with aliases), so that waivers can name them.
    pub fn advisories<I: IntoIterator<Item = S>, S: Into<String>>(mut self, ids: I) -> Self {
        self.advisories = ids.into_iter().map(Into::into).collect();
        self
    }

    /// The violation.
    pub fn build(self) -> Violation {
        let fingerprint = match self.fingerprint {
            Some(fingerprint) => fingerprint,
            None => {
                let subject = match (&self.subject, &self.location) {
                    (Some(subject), _) => subject.clone(),
                    (None, Some(location)) => match location.start_line {
                        Some(line) => format!("{}:{line}", location.path),
                        None => location.path.clone(),
                    },
                    (None, None) => self.message.clone(),
                };
                fingerprint(&self.rule, &subject)
            }
        };
        Violation {
            rule: self.rule,
            message: self.message,
            severity: self.severity,
            location: self.location,
            fingerprint,
            control: self.control,
            scanner_rule: self.scanner_rule,
            advisories: self.advisories,
        }
    }
}

/// The default fingerprint: lowercase hex sha256 of `rule`, a NUL byte and `subject`.
pub fn fingerprint(rule: &str, subject: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(rule.as_bytes());
    hasher.update([0]);
    hasher.update(subject.as_bytes());
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// State of a control after evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ControlStatus {
    /// Satisfied.
    Satisfied,
    /// Violated.
    Violated,
    /// Not assessed (no evidence).
    NotAssessed,
}

/// One control's result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ControlResult {
    /// Control id (one of the descriptor's controls).
    pub control: String,
    /// Status.
    pub status: ControlStatus,
    /// What the status rests on: source paths, fingerprints, notes.
    pub evidence: Vec<String>,
}

impl ControlResult {
    /// A control's status with what it rests on.
    pub fn new(control: impl Into<String>, status: ControlStatus, evidence: Vec<String>) -> Self {
        ControlResult {
            control: control.into(),
            status,
            evidence,
        }
    }
}

/// What `evaluate` returns. Empty means the policy passes.
///
/// Add violations with [`push`](Outcome::push) (or `extend`) as you find
/// them: in the sandbox, every [`REPORT_BATCH`](crate::REPORT_BATCH) of them
/// goes to the host at once and leaves `violations`, so a policy objecting
/// to a million findings never holds a million violations. Violations go in
/// the order pushed and, once sent, cannot be taken back: sort or dedup
/// before pushing. In native tests ([`testing`](crate::testing)) they are
/// collected back, so the outcome you get holds all of them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Violations not sent yet; what is left when `evaluate` returns is
    /// sent in batches too.
    pub violations: Vec<Violation>,
    /// Control results, for compliance policies.
    pub controls: Vec<ControlResult>,
    /// Notes that do not fail the policy (an ignore entry that matched
    /// nothing, one that expired).
    pub notes: Vec<String>,
}

impl Outcome {
    /// No violations.
    pub fn pass() -> Self {
        Outcome::default()
    }

    /// These violations and no control results. Fine for a few; when there
    /// may be many, [`push`](Outcome::push) them as you go instead.
    pub fn violations(violations: Vec<Violation>) -> Self {
        Outcome {
            violations,
            ..Outcome::default()
        }
    }

    /// Adds a violation; a full batch goes to the host now (see [`Outcome`]).
    pub fn push(&mut self, violation: Violation) {
        let bytes = crate::report::size(&violation);
        self.violations.push(violation);
        crate::report::pushed(&mut self.violations, bytes);
    }

    /// Whether the policy passes: no violation here, and none sent from any
    /// outcome of this evaluation.
    pub fn passed(&self) -> bool {
        self.violations.is_empty() && crate::report::sent() == 0
    }
}

/// [`push`](Outcome::push)es each violation.
impl Extend<Violation> for Outcome {
    fn extend<I: IntoIterator<Item = Violation>>(&mut self, violations: I) {
        for violation in violations {
            self.push(violation);
        }
    }
}

/// Why a policy could not decide. The gate's decision becomes `error`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    message: String,
}

impl Error {
    /// An error with this message (lowercase, no final period, values in backticks).
    pub fn new(message: impl Into<String>) -> Self {
        Error {
            message: message.into(),
        }
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl From<String> for Error {
    fn from(message: String) -> Self {
        Error::new(message)
    }
}

impl From<&str> for Error {
    fn from(message: &str) -> Self {
        Error::new(message)
    }
}
