//! Test results, as JUnit XML reports them.

use crate::SourceIndex;
use serde::{Deserialize, Serialize};

/// The outcome of one test case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TestStatus {
    /// Ran and passed.
    Passed,
    /// An assertion failed.
    Failed,
    /// The test errored (an unexpected exception, a crash).
    Error,
    /// Not run.
    Skipped,
}

/// One test case.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TestCase {
    /// Test name.
    pub name: String,
    /// Class or module, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classname: Option<String>,
    /// Outcome.
    pub status: TestStatus,
    /// Failure, error or skip message, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Duration in seconds, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<f64>,
}

/// One test suite with its cases. Counts are computed from the cases, not
/// copied from the report's attributes, which tools get wrong.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TestSuite {
    /// Index of the input file this came from.
    pub source: SourceIndex,
    /// Suite name.
    pub name: String,
    /// Number of cases.
    pub tests: u64,
    /// Cases that failed.
    pub failures: u64,
    /// Cases that errored.
    pub errors: u64,
    /// Cases skipped.
    pub skipped: u64,
    /// The cases.
    pub cases: Vec<TestCase>,
}

impl TestSuite {
    /// A suite from its cases, with counts computed from them.
    pub fn from_cases(
        source: SourceIndex,
        name: impl Into<String>,
        cases: Vec<TestCase>,
    ) -> TestSuite {
        let count = |status| cases.iter().filter(|case| case.status == status).count() as u64;
        TestSuite {
            source,
            name: name.into(),
            tests: cases.len() as u64,
            failures: count(TestStatus::Failed),
            errors: count(TestStatus::Error),
            skipped: count(TestStatus::Skipped),
            cases,
        }
    }
}
