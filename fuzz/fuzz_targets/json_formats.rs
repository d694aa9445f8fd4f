//! Feeds arbitrary bytes to the JSON formats' parsers and to detection: any
//! input must give records or an error, never a panic, hang or overflow.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;
use verdict_ingest::formats::detect;
use verdict_ingest::{Options, Sniff, find_format, parse_bytes};

/// The format ids this target drives (every id must exist in `FORMATS`).
const IDS: &[&str] = &[
    "sarif",
    "trivy",
    "gitleaks",
    "detect-secrets",
    "cargo-audit",
    "pip-audit",
    "npm-audit",
    "osv-scanner",
    "safety",
    "dependency-check",
    "bandit",
    "cyclonedx",
    "spdx",
    "coverage-py",
    "json",
];

fuzz_target!(|data: &[u8]| {
    let path = Path::new("input.json");
    let _ = detect(&Sniff::new(path, data));
    for id in IDS {
        let format = find_format(id).expect("format ids in IDS exist");
        let _ = parse_bytes(format, path, data, &Options::default());
    }
});
