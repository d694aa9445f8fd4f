//! The evidence model: one normalized vocabulary for what scanners report.
//!
//! Every stage of verdict speaks this model. Ingest produces it from scanner
//! outputs, the plugin host converts it into the WIT types a policy sees, and
//! reports render it. It knows no file formats, no wasmtime and does no I/O.
//!
//! ```
//! use verdict_evidence::{Evidence, Finding, Severity};
//!
//! let mut evidence = Evidence::default();
//! evidence.findings.push(Finding {
//!     severity: Severity::High,
//!     ..Finding::new(0, "semgrep", "python.lang.security.audit.eval")
//! });
//! assert_eq!(evidence.findings.len(), 1);
//! assert!(Severity::High > Severity::Medium);
//! ```

mod change;
mod commit;
mod component;
mod coverage;
mod evidence;
mod finding;
pub mod fingerprint;
mod history;
mod notice;
pub mod policy;
mod review;
mod secret;
mod severity;
mod source;
mod tag;
mod test_result;
mod vulnerability;

pub use change::{ChangeStatus, ChangedFile, LineRange, OwnerRule};
pub use commit::{Commit, SignatureCheck, SignatureFormat, SignatureStatus};
pub use component::Component;
pub use coverage::{CoverageTotals, FileCoverage};
pub use evidence::{Document, Evidence, Kind};
pub use finding::{Finding, Location, RuleInfo};
pub use history::{PastDecision, PastPolicy, PastVerdict};
pub use notice::{Notice, NoticeKind};
pub use review::{PullRequest, Review, ReviewState};
pub use secret::{Redacted, Secret};
pub use severity::{Severity, cvss_band};
pub use source::{SkippedFile, Source, SourceIndex};
pub use tag::Tag;
pub use test_result::{TestCase, TestStatus, TestSuite};
pub use vulnerability::{AdvisoryKind, Vulnerability};
