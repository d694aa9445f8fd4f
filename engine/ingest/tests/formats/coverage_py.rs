//! Tests of the `coverage-py` format: totals checked against each file's
//! summary and the report's `totals`, and refusal of inconsistent reports.

use crate::support::{corpus, fixture, ingest_as, totals};

fn error_of(path: &str) -> String {
    crate::support::error_of(fixture(path), "coverage-py")
}

#[test]
fn format_2_report_without_format_key_matches_its_totals() {
    // totals: num_statements 763, covered_lines 440. `executed_lines` holds
    // 2 to 3 more lines than `covered_lines` in 9 of 11 files (docstrings),
    // which is why counts come from the summaries.
    let evidence = ingest_as(
        corpus("coverage/coveragepy-7.3-format2.json"),
        "coverage-py",
    );
    assert_eq!(evidence.coverage_totals(), totals(11, (763, 440), (0, 0)));
    let core = evidence
        .coverage
        .iter()
        .find(|file| file.path == "src/envwizard/core.py")
        .unwrap();
    assert_eq!((core.lines_total, core.lines_covered), (60, 57));
    assert_eq!(core.uncovered_lines, [62, 63, 74]);
    assert_eq!(evidence.coverage[0].path, "src/envwizard/__init__.py");
    assert_eq!(
        evidence.sources[0].tool.as_deref(),
        Some("coverage.py 7.3.2")
    );
}

#[test]
fn format_3_report_matches_its_totals() {
    // totals: num_statements 3027, covered_lines 2962 over 32 files.
    let evidence = ingest_as(
        corpus("coverage/coveragepy-7.12-format3.json"),
        "coverage-py",
    );
    assert_eq!(evidence.coverage_totals(), totals(32, (3027, 2962), (0, 0)));
    let ocr = evidence
        .coverage
        .iter()
        .find(|file| file.path == "src/pdf_toolbox/actions/ocr.py")
        .unwrap();
    assert_eq!((ocr.lines_total, ocr.lines_covered), (118, 115));
    assert_eq!(ocr.uncovered_lines, [160, 199, 203]);
}

#[test]
fn branch_counts_come_from_the_summary_and_order_is_kept() {
    let evidence = ingest_as(
        fixture("coverage-py/synthetic-branches.json"),
        "coverage-py",
    );
    assert_eq!(evidence.coverage_totals(), totals(2, (5, 4), (2, 1)));
    assert_eq!(evidence.coverage[0].path, "pkg/b.py");
    assert_eq!(evidence.coverage[0].uncovered_lines, [5]);
    assert_eq!(evidence.coverage[1].path, "pkg/a.py");
}

#[test]
fn broken_reports_are_errors() {
    let wrong_type = error_of("bad/coverage-py-wrong-type.json");
    assert!(
        wrong_type.contains("invalid type: string, expected a sequence"),
        "{wrong_type}"
    );
    let truncated = error_of("bad/coverage-py-truncated.json");
    assert!(truncated.contains("EOF while parsing"), "{truncated}");
    let inconsistent = error_of("bad/coverage-py-inconsistent-summary.json");
    assert!(
        inconsistent.contains(
            "summary of `pkg/b.py` (3 of 4 statements covered) disagrees with its 2 missing lines"
        ),
        "{inconsistent}"
    );
}
