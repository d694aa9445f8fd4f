//! The host's error: what went wrong, and with which policy or plugin.
//!
//! wasmtime's own error type never leaves this crate. [`classify`] turns it
//! into a [`HostErrorKind`] using what the store observed (memory limit hit,
//! epoch deadline, a trap code, an evidence access the policy may not make).

use crate::evidence::AccessError;
use crate::limits::{MemoryLimiter, human_bytes, human_duration};
use crate::violations::ReportError;
use std::fmt;
use std::time::Duration;
use verdict_evidence::Kind;

/// An error of the plugin host, naming the policy (or, before a policy id is
/// known, the plugin's digest) and the cause.
#[derive(Debug, thiserror::Error)]
#[error("{subject}: {kind}")]
pub struct HostError {
    subject: Subject,
    kind: HostErrorKind,
}

/// What an error is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subject {
    /// A policy, by its id from verdict.toml.
    Policy(String),
    /// A plugin, by the sha256 of its bytes.
    Plugin(String),
    /// The host itself (engine set-up).
    Host,
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Policy(id) => write!(f, "policy `{id}`"),
            // Twelve hex digits name a plugin unambiguously in practice and
            // keep the message on one line.
            Subject::Plugin(sha256) => {
                write!(f, "plugin `sha256:{}`", sha256.get(..12).unwrap_or(sha256))
            }
            Subject::Host => f.write_str("plugin host"),
        }
    }
}

/// The cause of a [`HostError`].
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum HostErrorKind {
    /// The policy ran past its time limit (epoch deadline).
    #[error("exceeded its time limit of {}", human_duration(*limit))]
    Timeout {
        /// The limit.
        limit: Duration,
    },
    /// The policy tried to grow its memory past the limit.
    #[error("exceeded its memory limit of {}", human_bytes(*limit))]
    MemoryLimit {
        /// The limit in bytes.
        limit: u64,
    },
    /// The policy trapped (a panic, `unreachable`, a bad memory access…).
    #[error("trapped: {message}")]
    Trap {
        /// The trap and, when the guest printed one, its last stderr line.
        message: String,
    },
    /// The policy read a kind of evidence it does not declare in `consumes`.
    #[error("read evidence kind `{}` that it does not declare in `consumes`", kind.as_str())]
    UndeclaredKind {
        /// The kind.
        kind: Kind,
    },
    /// The policy read evidence from `describe`.
    #[error("read evidence during `describe`")]
    EvidenceInDescribe,
    /// A filter the policy sent holds a glob that does not compile.
    #[error("asked for evidence with an invalid glob `{pattern}`: {reason}")]
    InvalidFilter {
        /// The glob as sent.
        pattern: String,
        /// Why it does not compile.
        reason: String,
    },
    /// The outcome is larger than the limit.
    #[error("outcome too large: over the limit of {}", human_bytes(*limit))]
    OutcomeTooLarge {
        /// The limit in bytes.
        limit: u64,
    },
    /// The policy reported violations from `describe`.
    #[error("reported violations during `describe`")]
    ViolationsInDescribe,
    /// The outcome breaks the contract (empty rule, unknown control…).
    #[error("malformed outcome: {reason}")]
    MalformedOutcome {
        /// What is wrong with it.
        reason: String,
    },
    /// `evaluate` returned an error: the policy could not decide.
    #[error("plugin returned error: {message}")]
    PluginError {
        /// The policy's message.
        message: String,
    },
    /// `describe` failed or returned something unusable.
    #[error("describe failed: {reason}")]
    DescribeFailed {
        /// Why.
        reason: String,
    },
    /// The bytes are WebAssembly but not a component of the `plugin` world.
    #[error("not a verdict policy component: {reason}")]
    NotAPolicy {
        /// Why.
        reason: String,
    },
    /// The bytes could not be compiled.
    #[error("failed to compile: {reason}")]
    Compile {
        /// The compiler's message.
        reason: String,
    },
    /// The plugin's digest is not the one pinned.
    #[error("sha256 mismatch: expected `{expected}`, got `{actual}`")]
    Sha256Mismatch {
        /// The pinned digest.
        expected: String,
        /// The digest of the bytes given.
        actual: String,
    },
    /// The wasmtime engine could not be set up.
    #[error("failed to set up the engine: {reason}")]
    Engine {
        /// The engine's message.
        reason: String,
    },
}

impl HostError {
    pub(crate) fn new(subject: Subject, kind: HostErrorKind) -> HostError {
        HostError { subject, kind }
    }

    /// What the error is about.
    pub fn subject(&self) -> &Subject {
        &self.subject
    }

    /// The cause.
    pub fn kind(&self) -> &HostErrorKind {
        &self.kind
    }
}

/// What the store saw during a failed call, used to name the cause.
pub(crate) struct Observed<'a> {
    pub limiter: &'a MemoryLimiter,
    pub time_limit: Duration,
    pub outcome_limit: u64,
    /// What the guest wrote to stderr, line by line.
    pub stderr: &'a [String],
}

/// Turns a wasmtime error from instantiating or calling a guest into a cause.
pub(crate) fn classify(error: &wasmtime::Error, observed: &Observed<'_>) -> HostErrorKind {
    if observed.limiter.exceeded() {
        return HostErrorKind::MemoryLimit {
            limit: observed.limiter.limit(),
        };
    }
    if let Some(access) = error.downcast_ref::<AccessError>() {
        return match access {
            AccessError::Undeclared(kind) => HostErrorKind::UndeclaredKind { kind: *kind },
            AccessError::InDescribe => HostErrorKind::EvidenceInDescribe,
            AccessError::InvalidGlob(pattern, reason) => HostErrorKind::InvalidFilter {
                pattern: pattern.clone(),
                reason: (*reason).to_owned(),
            },
        };
    }
    if let Some(report) = error.downcast_ref::<ReportError>() {
        return match report {
            ReportError::InDescribe => HostErrorKind::ViolationsInDescribe,
            ReportError::Malformed(reason) => HostErrorKind::MalformedOutcome {
                reason: reason.clone(),
            },
            ReportError::SinkGone => HostErrorKind::Trap {
                message: report.to_string(),
            },
        };
    }
    if let Some(trap) = error.downcast_ref::<wasmtime::Trap>() {
        if *trap == wasmtime::Trap::Interrupt {
            return HostErrorKind::Timeout {
                limit: observed.time_limit,
            };
        }
        let mut message = one_line(&trap.to_string());
        if let Some(said) = last_words(observed.stderr) {
            message.push_str(&format!(": guest said `{said}`"));
        }
        return HostErrorKind::Trap { message };
    }
    let root_cause = error.root_cause().to_string();
    // wasmtime's hostcall fuel bounds what the host lifts out of the guest
    // in one call (set to the outcome limit): a batch of violations or the
    // returned outcome; its error type is private, so
    // it is recognized by its message, which a test pins.
    if root_cause.contains("fuel allocated for hostcalls has been exhausted") {
        return HostErrorKind::OutcomeTooLarge {
            limit: observed.outcome_limit,
        };
    }
    HostErrorKind::Trap {
        message: one_line(&root_cause),
    }
}

/// What a trapping guest last said on stderr: a Rust panic's location and
/// message, without the `note: run with RUST_BACKTRACE` hint; otherwise its
/// last line.
fn last_words(stderr: &[String]) -> Option<String> {
    let end = stderr
        .iter()
        .rposition(|line| !line.starts_with("note: "))?;
    let start = stderr[..=end]
        .iter()
        .rposition(|line| line.contains("panicked at"))
        .unwrap_or(end);
    Some(one_line(&stderr[start..=end].join(" ")))
}

/// One line of wasmtime's message, for errors outside guest calls.
pub(crate) fn message(error: &wasmtime::Error) -> String {
    one_line(&format!("{error:#}"))
}

pub(crate) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_words_are_the_panic_without_the_backtrace_hint() {
        let lines = |text: &str| text.lines().map(str::to_owned).collect::<Vec<_>>();
        let panic = lines(
            "starting\nthread '<unnamed>' panicked at src/lib.rs:3:5:\nboom\nnote: run with `RUST_BACKTRACE=1`",
        );
        assert_eq!(
            last_words(&panic).unwrap(),
            "thread '<unnamed>' panicked at src/lib.rs:3:5: boom"
        );
        assert_eq!(last_words(&lines("a\nb")).unwrap(), "b");
        assert_eq!(last_words(&[]), None);
    }
}
