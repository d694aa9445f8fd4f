//! Tests of the `junit` format, on fixtures modeled on what pytest, Maven
//! surefire, jest-junit, go-junit-report and PHPUnit write; counts checked
//! with python3's ElementTree.

use crate::support::{fixture, ingest_as, try_ingest_forced};
use verdict_evidence::{Evidence, TestStatus};

/// `(suite name, tests, failures, errors, skipped)` of every suite.
fn summary(evidence: &Evidence) -> Vec<(&str, u64, u64, u64, u64)> {
    evidence
        .tests
        .iter()
        .map(|s| (s.name.as_str(), s.tests, s.failures, s.errors, s.skipped))
        .collect()
}

#[test]
fn reads_pytest_junitxml() {
    let evidence = ingest_as(fixture("junit/pytest-basic.xml"), "junit");
    assert_eq!(summary(&evidence), [("pytest", 6, 1, 1, 2)]);
    let cases = &evidence.tests[0].cases;
    let failed = &cases[1];
    assert_eq!(
        (failed.name.as_str(), failed.classname.as_deref()),
        ("test_div", Some("tests.test_math"))
    );
    assert_eq!(failed.status, TestStatus::Failed);
    // `&#10;` in the attribute is a newline, kept.
    assert_eq!(
        failed.message.as_deref(),
        Some("assert 4 == 3\n +  where 4 = div(8, 2)")
    );
    assert_eq!(failed.time, Some(0.002));
    assert_eq!(
        cases[4].message.as_deref(),
        Some("failed on setup with \"ConnectionRefusedError: [Errno 111] Connection refused\"")
    );
    assert_eq!(cases[4].status, TestStatus::Error);
    assert_eq!(
        cases[5].message.as_deref(),
        Some("expected failure: bug 1234")
    );
    assert_eq!(cases[3].name, "test_param[1-2]");
}

#[test]
fn reads_a_surefire_report_with_properties_and_flaky_tests() {
    let evidence = ingest_as(fixture("junit/maven-surefire.xml"), "junit");
    assert_eq!(
        summary(&evidence),
        [("com.example.calc.CalculatorTest", 6, 1, 1, 1)]
    );
    let cases = &evidence.tests[0].cases;
    assert_eq!(
        cases[1].message.as_deref(),
        Some("expected: <3> but was: <4>")
    );
    assert_eq!(cases[2].status, TestStatus::Error);
    assert_eq!(cases[3].message.as_deref(), Some("not implemented yet"));
    // Passed on a rerun; surefire writes thousands separators in times.
    let flaky = &cases[4];
    assert_eq!(
        (flaky.status, flaky.time),
        (TestStatus::Passed, Some(1203.5))
    );
    assert_eq!(flaky.message, None);
}

#[test]
fn reads_jest_junit_with_messages_from_the_element_text() {
    let evidence = ingest_as(fixture("junit/jest-junit.xml"), "junit");
    assert_eq!(
        summary(&evidence),
        [("Calculator", 4, 1, 0, 1), ("utils/strings", 2, 0, 0, 0)]
    );
    let cases = &evidence.tests[0].cases;
    assert_eq!(
        cases[1].message.as_deref(),
        Some("Error: expect(received).toThrow()")
    );
    assert_eq!(
        (cases[2].status, cases[2].message.as_deref()),
        (TestStatus::Skipped, None)
    );
    assert_eq!(cases[3].name, "Calculator formats <em> output");
    assert_eq!(
        evidence.tests[1].cases[1].name,
        "utils/strings trims 😀 emoji"
    );
}

#[test]
fn reads_go_junit_report_with_a_build_failure() {
    let evidence = ingest_as(fixture("junit/go-junit-report.xml"), "junit");
    assert_eq!(
        summary(&evidence),
        [
            ("example.com/calc", 4, 1, 0, 1),
            ("example.com/calc/internal/parse", 1, 0, 1, 0),
            ("example.com/calc/cmd", 1, 0, 1, 0),
        ]
    );
    let build = &evidence.tests[2].cases[0];
    assert_eq!(
        (build.name.as_str(), build.message.as_deref()),
        ("[build failed]", Some("Build error"))
    );
    assert_eq!(
        evidence.tests[0].cases[3].message.as_deref(),
        Some("Skipped")
    );
}

#[test]
fn flattens_nested_suites_and_drops_suites_that_only_group_others() {
    let evidence = ingest_as(fixture("junit/phpunit-nested.xml"), "junit");
    assert_eq!(
        summary(&evidence),
        [
            ("Tests\\Unit\\MoneyTest", 2, 0, 0, 1),
            ("Tests\\Unit\\MoneyTest::testAdd", 3, 1, 0, 0)
        ]
    );
    let failed = &evidence.tests[1].cases[1];
    assert_eq!(
        failed.message.as_deref(),
        Some("Tests\\Unit\\MoneyTest::testAdd with data set #1 (1, 2, 4)")
    );
    assert_eq!(failed.classname.as_deref(), Some("Tests.Unit.MoneyTest"));
}

#[test]
fn bad_inputs_are_errors_that_say_what_is_wrong() {
    let cases = [
        (
            "junit-truncated.xml",
            "tag not closed: `>` not found before end of input at line 11 column 5",
        ),
        (
            "junit-unclosed.xml",
            "unexpected end of file: `<testsuite>` is not closed at line 18 column 3",
        ),
        (
            "junit-entity-bomb.xml",
            "XML entity declarations are not allowed at line 2 column 1",
        ),
        (
            "junit-external-entity.xml",
            "XML entity declarations are not allowed at line 2",
        ),
        (
            "junit-unknown-entity.xml",
            "unrecognized entity `nbsp` at line 3 column 3",
        ),
        (
            "junit-unknown-entity-in-text.xml",
            "unknown entity reference `&nbsp;` at line 4 column 22",
        ),
        ("junit-not-utf8.xml", "invalid UTF-8 at line 2 column 21"),
        (
            "junit-deep-nesting.xml",
            "elements nest deeper than 64 levels at line 1",
        ),
        (
            "junit-testcase-without-name.xml",
            "`<testcase>` has no `name` attribute at line 2 column 3",
        ),
        (
            "junit-bad-time.xml",
            "invalid `time` of a testcase: expected seconds at line 2 column 3",
        ),
        (
            "junit-mismatched-tags.xml",
            "expected `</testcase>`, but `</testsuite>` was found",
        ),
    ];
    let mut wrong = Vec::new();
    for (file, expected) in cases {
        let error = try_ingest_forced(fixture(&format!("bad/{file}")), "junit").unwrap_err();
        let message = error.to_string();
        if !message.contains(expected) {
            wrong.push(format!("{file}: {message}"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn a_bad_file_is_detected_as_junit_before_it_fails() {
    let error = verdict_ingest::ingest_file(
        &fixture("bad/junit-entity-bomb.xml"),
        None,
        &verdict_ingest::Options::default(),
    )
    .unwrap_err();
    assert!(
        error
            .to_string()
            .contains(": junit: XML entity declarations are not allowed"),
        "{error}"
    );
}
