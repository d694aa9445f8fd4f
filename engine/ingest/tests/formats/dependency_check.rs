//! Tests of the `dependency-check` format, with counts checked against the raw files with python3.

use crate::support::{by_severity, corpus, counts, fixture, ingest_as, try_ingest_forced};
use verdict_evidence::{NoticeKind, Severity};

#[test]
fn reads_a_large_pretty_printed_report() {
    let evidence = ingest_as(
        corpus("dependency-check/dependency-check-12.2.2-maven-site.json"),
        "dependency-check",
    );
    assert_eq!(
        evidence.sources[0].tool.as_deref(),
        Some("dependency-check 12.2.2")
    );
    assert_eq!(evidence.vulnerabilities.len(), 44);
    // The highest of each record's ratings.
    assert_eq!(
        by_severity(evidence.vulnerabilities.iter().map(|v| v.severity)),
        counts(&[("high", 2), ("medium", 38), ("low", 4)])
    );
    let first = &evidence.vulnerabilities[0];
    assert_eq!(first.tool, "dependency-check");
    assert_eq!(first.id, "CVE-2025-67721");
    assert_eq!(first.package, "io.airlift:aircompressor");
    assert_eq!(first.ecosystem.as_deref(), Some("Maven"));
    assert_eq!(first.version.as_deref(), Some("0.27"));
    // cvssv3 HIGH 7.5 beats cvssv4 MEDIUM 6.3 and the record's own MEDIUM.
    assert_eq!(first.severity, Severity::High);
    assert_eq!(first.cvss_score, Some(7.5));
    assert_eq!(
        first.target.as_deref(),
        Some("/home/runner/.m2/repository/io/airlift/aircompressor/0.27/aircompressor-0.27.jar")
    );
    let title = first.title.as_deref().unwrap();
    assert!(
        title.starts_with("Aircompressor is a library with ports of the Snappy"),
        "{title}"
    );
    assert_eq!(title.chars().count(), 201);
    // cvssv3 LOW 3.7, but cvssv4 and the record say MEDIUM; cvssv4 5.7 is the top score.
    let jruby = &evidence.vulnerabilities[1];
    assert_eq!(
        (jruby.id.as_str(), jruby.severity, jruby.cvss_score),
        ("CVE-2025-46551", Severity::Medium, Some(5.7))
    );
    // No package URL: the file name stands in.
    let bouncy = &evidence.vulnerabilities[2];
    assert_eq!(
        bouncy.package,
        "jruby-stdlib-9.4.2.0.jar: bcprov-jdk18on-1.71.jar"
    );
    assert_eq!(
        (bouncy.version.as_deref(), bouncy.ecosystem.as_deref()),
        (None, None)
    );
    // RetireJS records are unscored and named by their summary.
    let retire = &evidence.vulnerabilities[12];
    assert_eq!(
        retire.id,
        "Bootstrap before 4.0.0 is end-of-life and no longer maintained."
    );
    assert_eq!((retire.severity, retire.cvss_score), (Severity::Low, None));
    assert_eq!(retire.package, "bootstrap");
    assert_eq!(retire.ecosystem.as_deref(), Some("javascript"));
    assert!(evidence.notices.is_empty());
}

#[test]
fn analysis_exceptions_are_incomplete_scan_notices() {
    let evidence = ingest_as(
        corpus("dependency-check/dependency-check-8.2.1-analysis-exception.json"),
        "dependency-check",
    );
    assert_eq!(
        evidence.sources[0].tool.as_deref(),
        Some("dependency-check 8.2.1")
    );
    assert_eq!(evidence.record_count(), 0);
    let notices: Vec<_> = evidence
        .notices
        .iter()
        .map(|n| (n.kind, n.message.as_str()))
        .collect();
    assert_eq!(
        notices,
        [(
            NoticeKind::IncompleteScan,
            "dependency-check analysis failed: org.owasp.dependencycheck.analyzer.exception.SearchException: \
             Could not perform Node Audit analysis. Invalid payload submitted to Node Audit API."
        )]
    );
}

#[test]
fn suppressed_vulnerabilities_are_not_reported_and_odd_ratings_fail_closed() {
    let evidence = ingest_as(
        fixture("dependency-check/dependency-check-suppressed-and-odd-ratings.json"),
        "dependency-check",
    );
    let ids: Vec<_> = evidence
        .vulnerabilities
        .iter()
        .map(|v| v.id.as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "CVE-2017-5638",
            "CVE-2099-0001",
            "CVE-2099-0002",
            "CVE-2099-0003"
        ]
    );
    let severities: Vec<_> = evidence
        .vulnerabilities
        .iter()
        .map(|v| v.severity)
        .collect();
    // Unknown word: `unknown` (high before issue 7); no word but a v2 score
    // of 5.0: its CVSS band.
    assert_eq!(
        severities,
        [
            Severity::Critical,
            Severity::Unknown,
            Severity::Medium,
            Severity::Low
        ]
    );
    let struts = &evidence.vulnerabilities[0];
    assert_eq!(struts.package, "org.apache.struts:struts2-core");
    assert_eq!(struts.cvss_score, Some(10.0));
    assert_eq!(
        struts.title.as_deref(),
        Some("The Jakarta Multipart parser in Apache Struts 2 2.3.x before 2.3.32")
    );
    assert_eq!(evidence.vulnerabilities[1].title, None);
    let vendor = &evidence.vulnerabilities[3];
    assert_eq!(
        (vendor.package.as_str(), vendor.target.as_deref()),
        ("vendor.bin", Some("/app/vendor.bin"))
    );
    let notices: Vec<_> = evidence
        .notices
        .iter()
        .map(|n| (n.kind, n.message.as_str()))
        .collect();
    assert_eq!(
        notices,
        [
            (
                NoticeKind::IncompleteScan,
                "dependency-check analysis failed: Unable to download meta file: https://repo.invalid/x.meta"
            ),
            (
                NoticeKind::IncompleteScan,
                "dependency-check analysis failed: Failed to read results from the NVD API"
            ),
            (
                NoticeKind::Warning,
                "unknown dependency-check severity `PERILOUS`: treated as unknown"
            ),
        ]
    );
}

#[test]
fn bad_inputs_are_errors_that_say_what_is_wrong() {
    let cases = [
        ("dependency-check-truncated.json", "EOF while parsing"),
        (
            "dependency-check-wrong-type.json",
            "invalid type: string, expected f64",
        ),
        (
            "dependency-check-no-dependencies.json",
            "missing field `dependencies`",
        ),
        (
            "dependency-check-wrong-shape.json",
            "invalid type: map, expected a sequence",
        ),
        (
            "dependency-check-not-utf8.json",
            "invalid UTF-8 at line 1 column 86",
        ),
    ];
    for (file, expected) in cases {
        let error =
            try_ingest_forced(fixture(&format!("bad/{file}")), "dependency-check").unwrap_err();
        let message = error.to_string();
        assert!(message.contains(expected), "{file}: {message}");
    }
}

/// CWE ids, checked against the raw file: 37 CWE entries over its
/// vulnerabilities (`CWE-79` 28 times); `CVE-2025-67721` in
/// `aircompressor` lists `CWE-125` and `CWE-201`.
#[test]
fn reads_cwes() {
    let evidence = ingest_as(
        corpus("dependency-check/dependency-check-12.2.2-maven-site.json"),
        "dependency-check",
    );
    let all: Vec<&str> = evidence
        .vulnerabilities
        .iter()
        .flat_map(|v| v.cwes.iter().map(String::as_str))
        .collect();
    assert_eq!(all.len(), 37);
    assert_eq!(all.iter().filter(|c| **c == "CWE-79").count(), 28);
    let aircompressor = evidence
        .vulnerabilities
        .iter()
        .find(|v| v.id == "CVE-2025-67721")
        .expect("CVE-2025-67721");
    assert_eq!(aircompressor.cwes, ["CWE-125", "CWE-201"]);
}
