//! Parser tests, one module per format, with hand-checked counts on real files.
//!
//! Inputs are the scanner corpus (`fixtures/corpus`, a byte-exact copy of
//! `../shared/corpus`; never edited)
//! and the project's own `fixtures/<format-id>/`.

mod support;

mod bandit;
mod black;
mod cargo_audit;
mod cargo_lock;
mod clover;
mod cobertura;
mod coverage_py;
mod cyclonedx;
mod dependency_check;
mod detect_secrets;
mod detection;
mod eslint;
mod flake8;
mod generic;
mod gitleaks;
mod go_cover;
mod inputs;
mod jacoco;
mod junit;
mod lcov;
mod mypy;
mod npm_audit;
mod osv_scanner;
mod pip_audit;
mod pull_request;
mod pylint;
mod ruff;
mod safety;
mod sarif;
mod spdx;
mod trivy;
mod trufflehog;
