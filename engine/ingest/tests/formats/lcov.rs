//! Tests of the `lcov` format: corpus totals checked against the raw `DA`
//! and `BRDA` lines (and each record's own `LF`/`LH`/`BRF`/`BRH`), merging of
//! repeated lines and records, and errors that name the line.

use crate::support::{corpus, fixture, ingest_as, totals};

fn error_of(path: &str) -> String {
    crate::support::error_of(fixture(path), "lcov")
}

#[test]
fn istanbul_tracefile_matches_its_record_totals() {
    // Records say LF/LH 1/1, 2/2, 14/13 and BRF/BRH 0/0, 0/0, 8/7. Line 13 of
    // run.js has the hit count 18446744073709551615 (u64::MAX), which is hit.
    let evidence = ingest_as(corpus("coverage/lcov-istanbul.info"), "lcov");
    assert_eq!(evidence.coverage_totals(), totals(3, (17, 16), (8, 7)));
    let run = &evidence.coverage[2];
    assert_eq!(run.path, "spec/fixtures/lcov/lib/run.js");
    assert_eq!(run.uncovered_lines, [35]);
    assert_eq!(evidence.coverage[0].path, "dist/<define:DATA>");
}

#[test]
fn lcov_2x_tracefile_with_function_lines_and_trailing_space() {
    // LF 28, LH 27; FNL/FNA records are skipped; `end_of_record ` ends the record.
    let evidence = ingest_as(corpus("coverage/lcov-2x-cpp-fnl.info"), "lcov");
    assert_eq!(evidence.coverage_totals(), totals(1, (28, 27), (0, 0)));
    assert_eq!(evidence.coverage[0].path, "calculator.cpp");
    assert_eq!(evidence.coverage[0].uncovered_lines, [12]);
}

#[test]
fn foundry_tracefile_counts_repeated_lines_once() {
    // 439 `DA` lines name 174 distinct lines, which is the sum of the records'
    // LF (7 + 121 + 32 + 14); LH sums to 121. 76 `BRDA` lines, 39 taken,
    // matching BRF/BRH (4/0, 46/39, 18/0, 8/0); `-` counts as not taken.
    let evidence = ingest_as(corpus("coverage/lcov-foundry.info"), "lcov");
    assert_eq!(evidence.coverage_totals(), totals(4, (174, 121), (76, 39)));
    let p256 = &evidence.coverage[0];
    assert_eq!(p256.path, "src/P256.sol");
    assert_eq!(
        (p256.lines_total, p256.branches_total, p256.branches_covered),
        (7, 4, 0)
    );
    assert_eq!(p256.uncovered_lines, [17, 18, 19, 21, 36, 37, 40]);
    let verifier = &evidence.coverage[1];
    assert_eq!(
        (
            verifier.lines_total,
            verifier.lines_covered,
            verifier.branches_total,
            verifier.branches_covered
        ),
        (121, 121, 46, 39)
    );
}

#[test]
fn repeated_records_merge_and_dash_is_not_taken() {
    // src/a.js: line 2 is 0, 0 in the first record and 3 in the second, so
    // covered; branch (2,0,0) is `-` twice (not covered), (2,0,1) is 0 then 4.
    // summary-only.js has no DA/BRDA lines, so its LF/LH/BRF/BRH count.
    let evidence = ingest_as(fixture("lcov/synthetic-repeated-records.info"), "lcov");
    assert_eq!(evidence.coverage_totals(), totals(2, (13, 9), (6, 2)));
    let a = &evidence.coverage[0];
    assert_eq!(
        (
            a.path.as_str(),
            a.lines_total,
            a.lines_covered,
            a.branches_total,
            a.branches_covered
        ),
        ("src/a.js", 3, 2, 2, 1)
    );
    assert_eq!(a.uncovered_lines, [3]);
    let summary = &evidence.coverage[1];
    assert_eq!(
        (
            summary.lines_total,
            summary.lines_covered,
            summary.branches_total,
            summary.branches_covered
        ),
        (10, 7, 4, 1)
    );
    assert!(summary.uncovered_lines.is_empty());
}

#[test]
fn garbage_numbers_name_the_line_and_field() {
    let hits = error_of("bad/lcov-garbage-number.info");
    assert!(
        hits.contains("hit count of `DA` is not a valid number at line 4"),
        "{hits}"
    );
    let taken = error_of("bad/lcov-garbage-brda.info");
    assert!(
        taken.contains("taken count of `BRDA` is not a valid number at line 3"),
        "{taken}"
    );
}

#[test]
fn truncated_non_utf8_and_non_lcov_lines_are_errors() {
    let truncated = error_of("bad/lcov-truncated.info");
    assert!(
        truncated.contains("the record of `src/P256.sol` has no `end_of_record`"),
        "{truncated}"
    );
    let utf8 = error_of("bad/lcov-not-utf8.info");
    assert!(
        utf8.contains("line is not valid UTF-8 at line 2 column 11"),
        "{utf8}"
    );
    let garbage = error_of("bad/lcov-not-a-record.info");
    assert!(
        garbage.contains("expected `KEY:VALUE` or `end_of_record` at line 4"),
        "{garbage}"
    );
}
