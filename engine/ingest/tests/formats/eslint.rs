//! Tests of the `eslint` format, with counts checked against the raw files with python3.

use crate::support::{by_severity, counts, fixture, ingest_as};
use std::io::Write;
use verdict_evidence::NoticeKind;
use verdict_ingest::{Options, find_format, ingest_file};

#[test]
fn reads_errors_warnings_fatal_and_suppressed_messages() {
    let evidence = ingest_as(fixture("lint/eslint-10.15.0-findings.json"), "eslint");
    // 9 messages (5 errors, 4 warnings) and 1 suppressed error.
    assert_eq!(evidence.findings.len(), 10);
    assert_eq!(
        by_severity(evidence.findings.iter().map(|f| f.severity)),
        counts(&[("high", 6), ("medium", 4)])
    );
    let suppressed: Vec<_> = evidence.findings.iter().filter(|f| f.suppressed).collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(&*suppressed[0].rule_id, "no-undef");
    let fatal = evidence
        .findings
        .iter()
        .find(|f| &*f.rule_id == "parse-error")
        .unwrap();
    assert_eq!(fatal.level.as_deref(), Some("error"));
    assert_eq!(
        fatal.location.as_ref().map(|l| &*l.path),
        Some("/tmp/lintproj/js/src/broken.js")
    );
    assert_eq!(evidence.notices.len(), 1);
    assert_eq!(evidence.notices[0].kind, NoticeKind::IncompleteScan);
}

#[test]
fn reads_a_warnings_only_run() {
    let evidence = ingest_as(fixture("lint/eslint-10.15.0-warnings.json"), "eslint");
    assert_eq!(
        by_severity(evidence.findings.iter().map(|f| f.severity)),
        counts(&[("medium", 2)])
    );
}

#[test]
fn counts_that_disagree_with_messages_are_an_error() {
    let report = r#"[{"filePath": "/a.js", "messages": [], "errorCount": 1, "warningCount": 0}]"#;
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(report.as_bytes()).unwrap();
    let error = ingest_file(file.path(), find_format("eslint"), &Options::default())
        .unwrap_err()
        .to_string();
    assert!(error.contains("does not match its messages"), "{error}");
}
