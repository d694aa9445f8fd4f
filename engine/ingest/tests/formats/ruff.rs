//! Tests of the `ruff` format, with counts checked against the raw files with python3.

use crate::support::{by_severity, counts, fixture, ingest_as, try_ingest_forced};
use std::collections::HashSet;

#[test]
fn reads_diagnostics_with_codes_rows_and_severity() {
    let evidence = ingest_as(fixture("lint/ruff-0.17.6-findings.json"), "ruff");
    assert_eq!(evidence.findings.len(), 8);
    assert_eq!(
        by_severity(evidence.findings.iter().map(|f| f.severity)),
        counts(&[("high", 8)])
    );
    let f401: Vec<_> = evidence
        .findings
        .iter()
        .filter(|f| &*f.rule_id == "F401")
        .collect();
    assert_eq!(f401.len(), 2);
    let first = f401[0];
    assert_eq!(&*first.tool, "ruff");
    assert_eq!(first.level.as_deref(), Some("error"));
    assert_eq!(first.message, "`os` imported but unused");
    let location = first.location.as_ref().unwrap();
    assert_eq!(
        (&*location.path, location.start_line, location.end_line),
        ("/tmp/lintproj/py/app/models.py", Some(1), Some(1))
    );
    let rule = first.rule.as_ref().unwrap();
    assert_eq!(rule.name.as_deref(), Some("unused-import"));
    let fingerprints: HashSet<_> = evidence.findings.iter().map(|f| &f.fingerprint).collect();
    assert_eq!(fingerprints.len(), 8);
}

#[test]
fn a_clean_run_is_read_when_forced() {
    // `[]` says nothing about its tool: detected as a plain JSON document.
    let detected = ingest_as(fixture("lint/ruff-0.17.6-clean.json"), "json");
    assert_eq!(detected.documents.len(), 1);
    let forced = try_ingest_forced(fixture("lint/ruff-0.17.6-clean.json"), "ruff").unwrap();
    assert_eq!(forced.sources[0].format, "ruff");
    assert!(forced.findings.is_empty());
}
