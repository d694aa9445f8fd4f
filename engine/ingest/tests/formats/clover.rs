//! Tests of the `clover` format: PHPUnit and istanbul corpus files checked
//! against their raw `<line>` elements, and Clover's own condition counts.

use crate::support::{corpus, fixture, ingest_as, totals};

fn error_of(path: &str) -> String {
    crate::support::error_of(fixture(path), "clover")
}

#[test]
fn phpunit_report_leaves_method_lines_out() {
    // 79 `stmt` lines all hit (the class metrics say statements 79, covered
    // 79); the 4 `method` lines are not statements. `BCFile.php` is listed
    // with no lines.
    let evidence = ingest_as(corpus("coverage/clover-phpunit.xml"), "clover");
    assert_eq!(evidence.coverage_totals(), totals(2, (79, 79), (0, 0)));
    assert_eq!(
        evidence.coverage[0].path,
        "/home/yu/projects/PHPCSUtils/PHPCSUtils/AbstractSniffs/AbstractArrayDeclarationSniff.php"
    );
    assert!(evidence.coverage[0].uncovered_lines.is_empty());
    assert_eq!(evidence.sources[0].tool, None);
}

#[test]
fn istanbul_report_reads_covered_and_uncovered_branch_counts() {
    // create-config.ts: 97 `stmt` + 35 `cond` lines = 132 (its metrics say
    // statements 132, covered 107). istanbul writes covered branches in
    // `truecount` and uncovered ones in `falsecount`: 60 branches, 41 covered.
    // Its metrics say conditionals 99 / covered 66: istanbul counts there the
    // branches of lines that have no statement, which no `<line>` lists.
    let evidence = ingest_as(corpus("coverage/clover-istanbul.xml"), "clover");
    assert_eq!(evidence.coverage_totals(), totals(2, (138, 109), (60, 41)));
    let config = &evidence.coverage[0];
    assert_eq!(
        config.path,
        "/home/jaanus/Git/unleash/src/lib/create-config.ts"
    );
    assert_eq!((config.lines_total, config.lines_covered), (132, 107));
    assert_eq!(
        config.uncovered_lines,
        [
            50, 82, 88, 114, 115, 219, 231, 238, 256, 257, 258, 259, 260, 268, 269, 271, 294, 306,
            338, 344, 348, 350, 354, 361, 418
        ]
    );
    let deny = &evidence.coverage[1];
    assert_eq!((deny.lines_total, deny.lines_covered), (6, 2));
    assert_eq!(deny.uncovered_lines, [11, 12, 13, 14]);
    assert_eq!(evidence.sources[0].tool.as_deref(), Some("istanbul"));
}

#[test]
fn clover_conditions_count_true_and_false_outcomes() {
    // Line 4: true 2, false 0 → 1 of 2; line 7: true 1, false 3 → 2 of 2.
    // The method line 3 is left out; line 8 is the one uncovered statement.
    let evidence = ingest_as(
        fixture("clover/synthetic-openclover-conditions.xml"),
        "clover",
    );
    assert_eq!(evidence.coverage_totals(), totals(1, (4, 3), (4, 3)));
    assert_eq!(
        evidence.coverage[0].path,
        "/work/demo/src/main/java/com/example/Foo.java"
    );
    assert_eq!(evidence.coverage[0].uncovered_lines, [8]);
}

#[test]
fn broken_reports_are_errors() {
    let truncated = error_of("bad/clover-truncated.xml");
    assert!(
        truncated.contains("XML ends before `<file>` is closed at line 15 column 7"),
        "{truncated}"
    );
    let kind = error_of("bad/clover-unknown-line-type.xml");
    assert!(kind.contains("unknown `<line>` type: expected"), "{kind}");
    assert!(!kind.contains("branch"), "the value is not echoed: {kind}");
}
