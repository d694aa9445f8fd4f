//! Tests of the `cobertura` format: corpus totals checked against the raw
//! files, line de-duplication, and the XML guard shared by the XML formats.

use crate::support::{corpus, fixture, ingest_as, totals};
use verdict_evidence::{FileCoverage, NoticeKind};

fn file<'a>(coverage: &'a [FileCoverage], path: &str) -> &'a FileCoverage {
    coverage
        .iter()
        .find(|file| file.path == path)
        .unwrap_or_else(|| panic!("no coverage for `{path}`"))
}

/// The error message of a bad input, forced to `format`.
fn error_of(path: &str, format: &str) -> String {
    crate::support::error_of(fixture(path), format)
}

#[test]
fn coveragepy_branch_report_matches_its_own_totals() {
    // The root says lines-valid 5, lines-covered 4, branches-valid 2,
    // branches-covered 1; line 2 is `condition-coverage="50% (1/2)"`.
    let evidence = ingest_as(
        corpus("coverage/cobertura-coveragepy-5.0a2-branch.xml"),
        "cobertura",
    );
    assert_eq!(evidence.coverage_totals(), totals(1, (5, 4), (2, 1)));
    let y = &evidence.coverage[0];
    assert_eq!(y.path, "y.py");
    assert_eq!(y.uncovered_lines, [5]);
    assert!(evidence.notices.is_empty());
}

#[test]
fn dotnet_report_with_bom_counts_method_and_class_lines_once() {
    // Every line is listed under its `<method>` and again under the
    // `<class>`: 24 `<line>` elements, 12 lines (the root's lines-valid).
    let evidence = ingest_as(corpus("coverage/cobertura-dotnet-bom.xml"), "cobertura");
    assert_eq!(evidence.coverage_totals(), totals(1, (12, 9), (0, 0)));
    let sample = &evidence.coverage[0];
    assert_eq!(sample.path, "Sample.cs");
    assert_eq!(sample.uncovered_lines, [23, 24, 25]);
}

#[test]
fn scoverage_one_line_report_counts_distinct_lines() {
    // sbt-scoverage writes one `<line>` per statement, so the root's
    // lines-valid 246 / lines-covered 176 count statements (and
    // branches-valid 41 counts `branch="true"` statements, which carry no
    // `condition-coverage`). Distinct lines per file: 106, 77 hit. 17 classes
    // name 16 files (`domain.scala` twice).
    let evidence = ingest_as(
        corpus("coverage/cobertura-scoverage-oneline.xml"),
        "cobertura",
    );
    assert_eq!(evidence.coverage_totals(), totals(16, (106, 77), (0, 0)));
    let actor = file(
        &evidence.coverage,
        "org/scoverage/samples/ClientActor.scala",
    );
    assert_eq!((actor.lines_total, actor.lines_covered), (17, 14));
    assert_eq!(actor.uncovered_lines, [18, 33, 35]);
    assert_eq!(
        evidence.coverage[0].path,
        "org/scoverage/samples/Futures.scala"
    );
    // The published file closes its last class with `</methods></lines>`
    // that were never opened; they are skipped and reported.
    assert_eq!(evidence.notices.len(), 1);
    assert_eq!(evidence.notices[0].kind, NoticeKind::Warning);
    assert!(
        evidence.notices[0]
            .message
            .contains("skipped 2 end tags that close no open element, the first `</methods>` at line 1 column 29870"),
        "{}",
        evidence.notices[0].message
    );
}

#[test]
fn a_line_listed_many_times_counts_once_and_is_covered_if_any_hit() {
    // widget.py: line 3 has hits 0 (method), 0 (class), 5 (second class);
    // line 4's 1/2 branches are listed twice but count once; line 9 adds 4/4.
    let evidence = ingest_as(
        fixture("cobertura/synthetic-duplicate-lines.xml"),
        "cobertura",
    );
    assert_eq!(evidence.coverage_totals(), totals(2, (4, 3), (6, 5)));
    let widget = &evidence.coverage[0];
    assert_eq!(widget.path, "app/widget.py");
    assert_eq!(widget.uncovered_lines, [7]);
    let empty = &evidence.coverage[1];
    assert_eq!(
        (empty.path.as_str(), empty.lines_total),
        ("app/empty.py", 0)
    );
}

#[test]
fn entity_declarations_are_refused() {
    let bomb = error_of("bad/cobertura-entity-bomb.xml", "cobertura");
    assert!(
        bomb.contains("XML entity declarations are not allowed at line 2 column 1"),
        "{bomb}"
    );
    let external = error_of("bad/cobertura-external-entity.xml", "cobertura");
    assert!(
        external.contains("XML entity declarations are not allowed"),
        "{external}"
    );
}

#[test]
fn unknown_entity_references_are_refused() {
    let error = error_of("bad/cobertura-unknown-entity.xml", "cobertura");
    assert!(
        error.contains("unknown XML entity `&nbsp;` at line 4 column 25"),
        "{error}"
    );
}

#[test]
fn truncated_xml_reports_line_and_column() {
    let error = error_of("bad/cobertura-truncated.xml", "cobertura");
    assert!(error.contains("at line 20 column 7"), "{error}");
}

#[test]
fn bad_numbers_mismatched_tags_deep_nesting_and_bad_utf8_are_errors() {
    let hits = error_of("bad/cobertura-bad-hits.xml", "cobertura");
    assert!(
        hits.contains("attribute `hits` of `<line>` is not a valid number at line 4"),
        "{hits}"
    );
    let mismatched = error_of("bad/cobertura-mismatched-end.xml", "cobertura");
    assert!(
        mismatched.contains("expected `</class>`, found `</classes>` at line 5 column 3"),
        "{mismatched}"
    );
    let twice = error_of("bad/cobertura-duplicate-attribute.xml", "cobertura");
    assert!(
        twice.contains("`<line>` has the attribute `hits` twice at line 4 column 12"),
        "{twice}"
    );
    let entity = error_of("bad/cobertura-entity-in-attribute.xml", "cobertura");
    assert!(
        entity.contains("attribute `filename`") && entity.contains("xxe"),
        "{entity}"
    );
    let deep = error_of("bad/cobertura-deep-nesting.xml", "cobertura");
    assert!(
        deep.contains("XML nested deeper than 256 elements"),
        "{deep}"
    );
    let utf8 = error_of("bad/cobertura-not-utf8.xml", "cobertura");
    assert!(
        utf8.contains("`cobertura`") || utf8.contains("cobertura:"),
        "{utf8}"
    );
    assert!(utf8.to_lowercase().contains("utf-8"), "{utf8}");
}

#[test]
fn clover_reports_are_not_taken_for_cobertura() {
    ingest_as(corpus("coverage/clover-phpunit.xml"), "clover");
    ingest_as(corpus("coverage/clover-istanbul.xml"), "clover");
}
