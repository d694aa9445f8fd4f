//! Tests of the `mypy` format, with counts checked against the raw files with python3.

use crate::support::{by_severity, counts, fixture, ingest_as};
use std::io::Write;
use verdict_ingest::{Options, find_format, ingest_file};

#[test]
fn json_lines_and_text_give_the_same_findings() {
    let json = ingest_as(fixture("lint/mypy-2.4.1-findings.jsonl"), "mypy");
    let text = ingest_as(fixture("lint/mypy-2.4.1-findings.txt"), "mypy");
    for evidence in [&json, &text] {
        assert_eq!(evidence.findings.len(), 5);
        assert_eq!(
            by_severity(evidence.findings.iter().map(|f| f.severity)),
            counts(&[("high", 4), ("low", 1)])
        );
        let note = evidence.findings.last().unwrap();
        assert_eq!(
            (&*note.rule_id, note.level.as_deref()),
            ("misc", Some("note"))
        );
        assert_eq!(note.message, "Revealed type is \"int\"");
        let first = &evidence.findings[0];
        assert_eq!(&*first.rule_id, "operator");
        assert_eq!(
            first.location.as_ref().map(|l| (&*l.path, l.start_line)),
            Some(("app/models.py", Some(11)))
        );
    }
    // The text output has no end lines: only the region differs.
    let fingerprints = |e: &verdict_evidence::Evidence| -> Vec<String> {
        e.findings.iter().map(|f| f.fingerprint.clone()).collect()
    };
    assert_eq!(fingerprints(&json), fingerprints(&text));
}

#[test]
fn a_clean_text_run_is_recognized() {
    let evidence = ingest_as(fixture("lint/mypy-2.4.1-clean.txt"), "mypy");
    assert!(evidence.findings.is_empty());
}

#[test]
fn a_summary_that_disagrees_with_the_lines_is_an_error() {
    let original = fs_err::read_to_string(fixture("lint/mypy-2.4.1-findings.txt")).unwrap();
    // Drop the first error line: the summary still counts 4.
    let truncated: String = original.lines().skip(1).map(|l| format!("{l}\n")).collect();
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(truncated.as_bytes()).unwrap();
    let error = ingest_file(file.path(), find_format("mypy"), &Options::default())
        .unwrap_err()
        .to_string();
    assert!(error.contains("summary counts 4 errors but 3"), "{error}");
}
