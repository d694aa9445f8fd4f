//! Notices: what an input says about the scan itself, such as "it did not run".

use crate::SourceIndex;
use serde::{Deserialize, Serialize};

/// What kind of notice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NoticeKind {
    /// The scan did not run or did not finish, so "no results" does not mean
    /// "no problems" (dependency-check analysis exceptions, tools that
    /// skipped every file, SARIF `toolExecutionNotifications` of level error).
    IncompleteScan,
    /// Something a user should know but that does not undermine the results
    /// (an unknown severity word mapped to a default, a withdrawn advisory).
    Warning,
}

/// A note carried into the evidence so that a gate can act on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// Index of the input file this came from.
    pub source: SourceIndex,
    /// What kind.
    pub kind: NoticeKind,
    /// One line saying what happened.
    pub message: String,
}
