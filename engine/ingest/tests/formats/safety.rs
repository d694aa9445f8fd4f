//! Tests of the `safety` format: counts checked by hand against the corpus files.

use crate::support::{
    by_severity, corpus, counts, fixture, ingest_as, try_ingest_forced, vulnerability as find,
};
use verdict_evidence::{NoticeKind, Severity};

#[test]
fn reads_the_1x_list_of_lists() {
    let evidence = ingest_as(corpus("safety/safety-1.x-list-format.json"), "safety");
    let records = &evidence.vulnerabilities;
    // Three 5-element rows, no CVSS objects: `unknown` since issue 7 (was medium).
    assert_eq!(records.len(), 3);
    assert_eq!(
        by_severity(records.iter().map(|v| v.severity)),
        counts(&[("unknown", 3)])
    );
    assert_eq!(
        records.iter().map(|v| v.id.as_str()).collect::<Vec<_>>(),
        ["33063", "33064", "33065"]
    );
    let first = &records[0];
    assert_eq!(first.package, "django");
    assert_eq!(first.version.as_deref(), Some("1.2.2"));
    assert_eq!(first.ecosystem.as_deref(), Some("PyPI"));
    assert!(first.fixed_versions.is_empty() && first.aliases.is_empty());
    // The 313-character advisory is cut to 200 characters plus an ellipsis.
    assert_eq!(
        first.title.as_deref(),
        Some(
            "django.contrib.sessions in Django before 1.2.7 and 1.3.x before 1.3.1, when session data is stored in \
             the cache, uses the root namespace for both session identifiers and application-data keys, which a…"
        )
    );
    assert_eq!(evidence.sources[0].tool.as_deref(), Some("safety"));
}

#[test]
fn reads_a_clean_2x_report() {
    let evidence = ingest_as(corpus("safety/safety-2.3.5-check-clean.json"), "safety");
    assert!(evidence.vulnerabilities.is_empty());
    assert!(evidence.notices.is_empty());
    assert_eq!(evidence.sources[0].tool.as_deref(), Some("safety 2.3.5"));
}

#[test]
fn reads_a_3x_report_without_severities() {
    let evidence = ingest_as(corpus("safety/safety-3.6.2-check-vulns.json"), "safety");
    let records = &evidence.vulnerabilities;
    // Five vulnerabilities, each `"severity": null`: `unknown` since issue 7
    // (was medium).
    assert_eq!(records.len(), 5);
    assert_eq!(
        by_severity(records.iter().map(|v| v.severity)),
        counts(&[("unknown", 5)])
    );
    assert!(evidence.notices.is_empty());
    assert_eq!(evidence.sources[0].tool.as_deref(), Some("safety 3.6.2"));

    let urllib3 = find(records, "82332");
    assert_eq!(urllib3.package, "urllib3");
    assert_eq!(urllib3.version.as_deref(), Some("2.5.0"));
    assert_eq!(urllib3.aliases, ["CVE-2025-66471"]);
    assert!(urllib3.fixed_versions.is_empty());
    assert_eq!(urllib3.cvss_score, None);
    let pip = find(records, "75180");
    assert_eq!(pip.package, "pip");
    assert!(pip.aliases.is_empty());
    assert_eq!(records.iter().filter(|v| v.package == "pip").count(), 2);
}

#[test]
fn scores_cvss_objects_and_reports_ignored_count() {
    let evidence = ingest_as(fixture("safety/safety-2.3-scored-ignored.json"), "safety");
    let records = &evidence.vulnerabilities;
    assert_eq!(records.len(), 2);
    let pyyaml = find(records, "38100");
    assert_eq!(
        (pyyaml.severity, pyyaml.cvss_score),
        (Severity::Critical, Some(9.8))
    );
    assert_eq!(pyyaml.fixed_versions, ["5.3.1"]);
    assert_eq!(pyyaml.aliases, ["CVE-2020-1747"]);
    // No CVSS v3: the v2 base score is used.
    let jinja = find(records, "37160");
    assert_eq!(
        (jinja.severity, jinja.cvss_score),
        (Severity::Medium, Some(6.8))
    );
    assert_eq!(evidence.notices.len(), 1);
    assert_eq!(evidence.notices[0].kind, NoticeKind::Warning);
    assert_eq!(
        evidence.notices[0].message,
        "2 vulnerabilities ignored by safety's policy are not reported"
    );
}

#[test]
fn reads_1x_rows_with_cvss_objects() {
    let evidence = ingest_as(fixture("safety/safety-1.10-cvss-rows.json"), "safety");
    let scores: Vec<_> = evidence
        .vulnerabilities
        .iter()
        .map(|v| (v.id.as_str(), v.severity, v.cvss_score))
        .collect();
    assert_eq!(
        scores,
        [
            ("38100", Severity::Critical, Some(9.8)),
            ("37160", Severity::Medium, Some(6.8)),
            ("36546", Severity::Unknown, None)
        ]
    );
}

#[test]
fn rejects_bad_reports_with_a_message_naming_the_problem() {
    let cases = [
        ("bad/safety-truncated.json", "EOF while parsing"),
        (
            "bad/safety-short-row.json",
            "invalid length 4, expected a row of 5 to 7 elements",
        ),
        (
            "bad/safety-fixed-versions-numbers.json",
            "invalid type: integer, expected",
        ),
    ];
    for (file, expected) in cases {
        let error = try_ingest_forced(fixture(file), "safety")
            .expect_err(file)
            .to_string();
        assert!(error.contains(expected), "{file}: {error}");
    }
}
