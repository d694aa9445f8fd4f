//! Tests of the `black` format, with counts checked against the raw files with python3.

use crate::support::{by_severity, counts, error_of, fixture, ingest_as};
use std::io::Write;
use verdict_ingest::{Options, find_format, ingest_file};

#[test]
fn one_finding_per_file_black_would_reformat() {
    let evidence = ingest_as(fixture("lint/black-26.10.1-findings.txt"), "black");
    assert_eq!(
        by_severity(evidence.findings.iter().map(|f| f.severity)),
        counts(&[("high", 2)])
    );
    let paths: Vec<_> = evidence
        .findings
        .iter()
        .map(|f| (&*f.rule_id, f.location.as_ref().map(|l| &*l.path)))
        .collect();
    assert_eq!(
        paths,
        [
            ("would-reformat", Some("/tmp/lintproj/py/app/service.py")),
            ("would-reformat", Some("/tmp/lintproj/py/app/fmt.py"))
        ]
    );
}

#[test]
fn a_clean_run_is_recognized() {
    let evidence = ingest_as(fixture("lint/black-26.10.1-clean.txt"), "black");
    assert!(evidence.findings.is_empty());
}

fn ingest_text(text: &str) -> Result<verdict_evidence::Evidence, String> {
    let mut file = tempfile::NamedTempFile::new().map_err(|e| e.to_string())?;
    file.write_all(text.as_bytes()).map_err(|e| e.to_string())?;
    ingest_file(file.path(), find_format("black"), &Options::default()).map_err(|e| e.to_string())
}

#[test]
fn cannot_format_is_a_finding_and_a_notice() {
    let evidence = ingest_text(
        "error: cannot format x.py: Cannot parse for target version Python 3.11: 1:4: def (\n\
         Oh no! 💥 💔 💥\n1 file would fail to reformat.\n",
    )
    .unwrap();
    assert_eq!(&*evidence.findings[0].rule_id, "cannot-format");
    assert_eq!(evidence.notices.len(), 1);
}

#[test]
fn a_truncated_or_rewriting_run_is_an_error() {
    let error = ingest_text("would reformat a.py\n2 files would be reformatted.\n").unwrap_err();
    assert!(error.contains("the report is incomplete"), "{error}");
    let error = ingest_text("reformatted a.py\nAll done! ✨ 🍰 ✨\n").unwrap_err();
    assert!(error.contains("without `--check`"), "{error}");
    let error = error_of(fixture("lint/flake8-7.5.0-findings.txt"), "black");
    assert!(error.contains("not a line of `black --check`"), "{error}");
}
