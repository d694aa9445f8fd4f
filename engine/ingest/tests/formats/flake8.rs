//! Tests of the `flake8` format, with counts checked against the raw files with python3.

use crate::support::{by_severity, counts, error_of, fixture, ingest_as, try_ingest_forced};

#[test]
fn reads_messages_with_and_without_the_count() {
    let counted = ingest_as(fixture("lint/flake8-7.5.0-findings.txt"), "flake8");
    let plain = ingest_as(fixture("lint/flake8-7.5.0-nocount.txt"), "flake8");
    for evidence in [&counted, &plain] {
        assert_eq!(evidence.findings.len(), 16);
        assert_eq!(
            by_severity(evidence.findings.iter().map(|f| f.severity)),
            counts(&[("high", 16)])
        );
        let pyflakes = evidence
            .findings
            .iter()
            .filter(|f| f.rule_id.starts_with('F'))
            .count();
        assert_eq!(pyflakes, 4);
        let first = &evidence.findings[0];
        assert_eq!((&*first.rule_id, first.level.as_deref()), ("E201", None));
        assert_eq!(first.message, "whitespace after '{'");
        assert_eq!(
            first.location.as_ref().map(|l| (&*l.path, l.start_line)),
            Some(("app/fmt.py", Some(3)))
        );
    }
    // Two `F401` lines in one file, told apart by their messages.
    let f401: Vec<_> = counted
        .findings
        .iter()
        .filter(|f| &*f.rule_id == "F401")
        .collect();
    assert_ne!(f401[0].fingerprint, f401[1].fingerprint);
}

#[test]
fn a_clean_counted_run_is_read_when_forced() {
    let evidence = try_ingest_forced(fixture("lint/flake8-7.5.0-clean.txt"), "flake8").unwrap();
    assert!(evidence.findings.is_empty());
}

#[test]
fn other_text_is_refused() {
    let error = error_of(fixture("lint/black-26.10.1-findings.txt"), "flake8");
    assert!(error.contains("not a flake8 message"), "{error}");
}
