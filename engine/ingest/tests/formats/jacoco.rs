//! Tests of the `jacoco` format: per-source-file counts checked against the
//! raw files' `<line>` elements and their own LINE/BRANCH counters.

use crate::support::{corpus, fixture, ingest_as, totals};

fn error_of(path: &str) -> String {
    crate::support::error_of(fixture(path), "jacoco")
}

#[test]
fn one_line_report_matches_its_counters() {
    // The report's LINE counter is missed 1 / covered 5 and its BRANCH
    // counter missed 2 / covered 2, all from line 9 (mb 2, cb 2).
    // `Info.java` is listed with no lines and kept with zero counts.
    let evidence = ingest_as(corpus("coverage/jacoco-oneline.xml"), "jacoco");
    assert_eq!(evidence.coverage_totals(), totals(2, (6, 5), (4, 2)));
    let builder = &evidence.coverage[0];
    assert_eq!(builder.path, "com/jacocodemo/examples/MessageBuilder.java");
    assert_eq!(builder.uncovered_lines, [11]);
    assert_eq!(
        evidence.coverage[1].path,
        "com/jacocodemo/examples/Info.java"
    );
    assert_eq!(evidence.coverage[1].lines_total, 0);
    assert_eq!(evidence.sources[0].tool.as_deref(), Some("JaCoCo"));
}

#[test]
fn aggregate_report_reads_every_group() {
    // Three groups whose LINE counters are 3/3, 7/5 and 18/2 (total/covered):
    // 28 lines, 10 covered, over 7 source files. The report-level counters
    // (9823 lines) do not match its groups: the publisher trimmed the file.
    let evidence = ingest_as(corpus("coverage/jacoco-aggregate-groups.xml"), "jacoco");
    assert_eq!(evidence.coverage_totals(), totals(7, (28, 10), (0, 0)));
    let paths: Vec<&str> = evidence
        .coverage
        .iter()
        .map(|file| file.path.as_str())
        .collect();
    assert_eq!(
        paths[..3],
        [
            "com/madrapps/text/StringOp.java",
            "com/madrapps/text/StringOperation.java",
            "com/madrapps/math/Math.kt"
        ]
    );
    let activity = &evidence.coverage[5];
    assert_eq!(activity.path, "com/madrapps/playground/MainActivity.kt");
    assert_eq!(
        activity.uncovered_lines,
        [10, 13, 14, 17, 18, 19, 20, 23, 24, 25, 28, 29, 30]
    );
}

#[test]
fn empty_report_has_no_files() {
    let evidence = ingest_as(corpus("coverage/jacoco-empty.xml"), "jacoco");
    assert!(evidence.coverage.is_empty());
}

#[test]
fn hostile_and_broken_reports_are_errors() {
    let bomb = error_of("bad/jacoco-entity-bomb.xml");
    assert!(
        bomb.contains("XML entity declarations are not allowed at line 1 column 56"),
        "{bomb}"
    );
    let truncated = error_of("bad/jacoco-truncated.xml");
    assert!(truncated.contains("at line 1 column 1183"), "{truncated}");
    let outside = error_of("bad/jacoco-line-outside-sourcefile.xml");
    assert!(
        outside.contains("`<line>` outside a `<sourcefile>`"),
        "{outside}"
    );
    let negative = error_of("bad/jacoco-bad-number.xml");
    assert!(
        negative.contains("attribute `ci` of `<line>` is not a valid number at line 1"),
        "{negative}"
    );
}
