//! The ledger against real stores: an SQLite file and a PostgreSQL server
//! (`VERDICT_TEST_POSTGRES_URL`, started by `.ci/postgres`). Each test gets
//! its own file or database, so tests run in parallel.

#![allow(
    clippy::unwrap_used,
    reason = "tests fail loudly on any unexpected error"
)]

mod concurrency;
mod failure;
mod queries;
mod support;
mod tamper;

/// Runs a test body once per backend: `both!(name, |kind| body)` makes
/// `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! both {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports, reason = "not every body uses every helper")]
            use super::*;

            #[test]
            fn sqlite() {
                ($body)($crate::support::Kind::Sqlite)
            }

            #[test]
            fn postgres() {
                ($body)($crate::support::Kind::Postgres)
            }
        }
    };
}
