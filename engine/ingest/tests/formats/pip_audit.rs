//! Tests of the `pip-audit` format: counts checked by hand against the corpus files.

use crate::support::{
    by_severity, corpus, counts, fixture, ingest_as, try_ingest_forced, vulnerability as find,
};
use verdict_evidence::NoticeKind;

#[test]
fn reads_current_object_format_with_vulnerabilities() {
    let evidence = ingest_as(corpus("pip-audit/pip-audit-2.6-vulns.json"), "pip-audit");
    let records = &evidence.vulnerabilities;
    // 144 dependencies, 10 vulns over 7 of them; pip-audit gives no
    // severity: `unknown` since issue 7 (it was medium).
    assert_eq!(records.len(), 10);
    assert_eq!(
        by_severity(records.iter().map(|v| v.severity)),
        counts(&[("unknown", 10)])
    );
    assert!(
        records
            .iter()
            .all(|v| v.cvss_score.is_none() && v.ecosystem.as_deref() == Some("PyPI"))
    );
    assert!(evidence.notices.is_empty());
    assert_eq!(records.iter().filter(|v| v.package == "urllib3").count(), 3);

    let smuggling = find(records, "GHSA-9548-qrrj-x5pj");
    assert_eq!(smuggling.package, "aiohttp");
    assert_eq!(smuggling.version.as_deref(), Some("3.11.14"));
    assert_eq!(smuggling.fixed_versions, ["3.12.14"]);
    assert!(smuggling.aliases.is_empty());

    assert_eq!(
        find(records, "GHSA-34jh-p97f-mpxf").fixed_versions,
        ["1.26.19", "2.2.2"]
    );
    // A 534-character description is cut to 200 characters plus an ellipsis.
    assert_eq!(
        find(records, "PYSEC-2024-60").title.as_deref(),
        Some(
            "A vulnerability was identified in the kjd/idna library, specifically within the `idna.encode()` \
             function, affecting version 3.6. The issue arises from the function's handling of crafted input strings,…"
        )
    );
}

#[test]
fn reads_a_clean_report() {
    let evidence = ingest_as(corpus("pip-audit/pip-audit-2.9-clean.json"), "pip-audit");
    assert!(evidence.vulnerabilities.is_empty());
    assert!(evidence.notices.is_empty());
}

#[test]
fn reads_legacy_list_and_warns_about_skipped_dependencies() {
    let evidence = ingest_as(corpus("pip-audit/pip-audit-legacy-list.json"), "pip-audit");
    let records = &evidence.vulnerabilities;
    // aiohttp 1, django 1, lxml 1, twisted 4; azure-devops was skipped.
    assert_eq!(records.len(), 7);
    assert_eq!(records.iter().filter(|v| v.package == "twisted").count(), 4);
    assert_eq!(
        find(records, "PYSEC-2021-439").fixed_versions,
        ["2.2.25", "3.1.14", "3.2.10"]
    );
    assert_eq!(
        find(records, "PYSEC-2021-439").version.as_deref(),
        Some("3.2.9")
    );
    assert!(find(records, "PYSEC-2021-852").fixed_versions.is_empty());
    assert_eq!(
        find(records, "PYSEC-2020-260").fixed_versions,
        ["20.3.0rc1"]
    );
    assert_eq!(
        find(records, "PYSEC-2021-439").title.as_deref(),
        Some(
            "In Django 2.2 before 2.2.25, 3.1 before 3.1.14, and 3.2 before 3.2.10, HTTP requests for URLs with \
             trailing newlines could bypass upstream access control based on URL paths."
        )
    );

    assert_eq!(evidence.notices.len(), 1);
    assert_eq!(evidence.notices[0].kind, NoticeKind::Warning);
    assert_eq!(
        evidence.notices[0].message,
        "dependency `azure-devops` was not audited: Dependency not found on PyPI and could not be audited: azure-devops (0.17.0)"
    );
}

#[test]
fn rejects_bad_reports_with_a_message_naming_the_problem() {
    let cases = [
        ("bad/pip-audit-truncated.json", "EOF while parsing"),
        (
            "bad/pip-audit-fix-versions-string.json",
            "invalid type: string, expected a sequence",
        ),
        (
            "bad/pip-audit-no-vulns-no-skip.json",
            "dependency 2 (`aiohttp`) has neither `vulns` nor `skip_reason`",
        ),
    ];
    for (file, expected) in cases {
        let error = try_ingest_forced(fixture(file), "pip-audit")
            .expect_err(file)
            .to_string();
        assert!(error.contains(expected), "{file}: {error}");
    }
}
