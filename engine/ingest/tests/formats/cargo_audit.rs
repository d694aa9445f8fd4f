//! Tests of the `cargo-audit` format: counts checked by hand against the corpus files.

use crate::support::{
    by_severity, corpus, counts, fixture, ingest_as, try_ingest_forced, vulnerability_of as find,
};
use verdict_evidence::AdvisoryKind;

#[test]
fn reads_2021_report_with_vulnerabilities_and_warnings() {
    let evidence = ingest_as(
        corpus("cargo-audit/cargo-audit-2021-with-warnings.json"),
        "cargo-audit",
    );
    let records = &evidence.vulnerabilities;
    // 4 vulnerabilities + 3 unmaintained + 6 yanked warnings, none with a
    // CVSS vector (checked with python3 over the raw JSON): all `unknown`
    // since issue 7 (they were medium and low), told apart by `kind`.
    assert_eq!(records.len(), 13);
    assert_eq!(
        by_severity(records.iter().map(|v| v.severity)),
        counts(&[("unknown", 13)])
    );
    let kinds = |kind: AdvisoryKind| records.iter().filter(|v| v.kind == kind).count();
    assert_eq!(kinds(AdvisoryKind::Vulnerability), 4);
    assert_eq!(kinds(AdvisoryKind::Unmaintained), 3);
    assert_eq!(kinds(AdvisoryKind::Yanked), 6);
    assert!(evidence.notices.is_empty());
    assert_eq!(evidence.sources[0].tool.as_deref(), Some("cargo-audit"));

    let arc_swap = find(records, "RUSTSEC-2020-0091", "arc-swap");
    assert_eq!(arc_swap.aliases, ["CVE-2020-35711"]);
    assert_eq!(arc_swap.version.as_deref(), Some("0.4.7"));
    assert_eq!(arc_swap.fixed_versions, [">=1.1.0", ">=0.4.8"]);
    assert_eq!(arc_swap.ecosystem.as_deref(), Some("crates.io"));
    assert_eq!(arc_swap.cvss_score, None);
    assert_eq!(
        arc_swap.title.as_deref(),
        Some("Dangling reference in `access::Map` with Constant")
    );

    let smallvec: Vec<_> = records
        .iter()
        .filter(|v| v.id == "RUSTSEC-2021-0003")
        .collect();
    assert_eq!(smallvec.len(), 2);
    assert_eq!(smallvec[0].version.as_deref(), Some("0.6.13"));
    assert_eq!(smallvec[1].version.as_deref(), Some("1.5.0"));
    assert_ne!(smallvec[0].fingerprint, smallvec[1].fingerprint);

    let unmaintained = find(records, "RUSTSEC-2021-0064", "cpuid-bool");
    assert_eq!(unmaintained.kind, AdvisoryKind::Unmaintained);
    assert_eq!(
        unmaintained.title.as_deref(),
        Some("`cpuid-bool` has been renamed to `cpufeatures`")
    );
    assert!(unmaintained.fixed_versions.is_empty());

    let yanked: Vec<_> = records
        .iter()
        .filter(|v| v.id.starts_with("yanked:"))
        .collect();
    assert_eq!(yanked.len(), 6);
    let pin_project = find(records, "yanked:pin-project-lite", "pin-project-lite");
    assert_eq!(pin_project.version.as_deref(), Some("0.1.11"));
    assert_eq!(pin_project.kind, AdvisoryKind::Yanked);
    assert_eq!(
        pin_project.title.as_deref(),
        Some("crate `pin-project-lite` 0.1.11 is yanked")
    );
}

#[test]
fn scores_cvss_v3_and_v4_vectors_of_2026_report() {
    let evidence = ingest_as(
        corpus("cargo-audit/cargo-audit-2026-cvss.json"),
        "cargo-audit",
    );
    let records = &evidence.vulnerabilities;
    // Scores checked with an independent CVSS calculator (Python `cvss` 3.6):
    // 7.5, 7.5, 5.9, 7.4 (v3.1) and 9.1 (v4.0); five advisories have no
    // vector and are `unknown` since issue 7 (they were medium).
    assert_eq!(records.len(), 10);
    assert_eq!(
        by_severity(records.iter().map(|v| v.severity)),
        counts(&[("critical", 1), ("high", 3), ("medium", 1), ("unknown", 5)])
    );
    assert_eq!(records.iter().filter(|v| v.cvss_score.is_some()).count(), 5);

    let lettre = find(records, "RUSTSEC-2026-0141", "lettre");
    assert_eq!(lettre.cvss_score, Some(9.1));
    assert_eq!(lettre.fixed_versions, [">=0.11.22"]);

    let pkcs7 = find(records, "RUSTSEC-2026-0047", "aws-lc-sys");
    assert_eq!(pkcs7.cvss_score, Some(7.5));
    assert_eq!(
        pkcs7.aliases,
        [
            "CVE-2026-3338",
            "GHSA-hfpc-8r3f-gw53",
            "GHSA-jchq-39cv-q4wj"
        ]
    );
    assert_eq!(
        find(records, "RUSTSEC-2026-0045", "aws-lc-sys").cvss_score,
        Some(5.9)
    );
    assert_eq!(
        find(records, "RUSTSEC-2026-0048", "aws-lc-sys").cvss_score,
        Some(7.4)
    );

    let webpki = find(records, "RUSTSEC-2026-0104", "rustls-webpki");
    assert_eq!(webpki.version.as_deref(), Some("0.103.9"));
    assert_eq!(
        webpki.fixed_versions,
        [">=0.103.13, <0.104.0-alpha.1", ">=0.104.0-alpha.7"]
    );
    assert_eq!(webpki.cvss_score, None);
}

#[test]
fn reads_a_report_without_findings() {
    let evidence = ingest_as(
        corpus("cargo-audit/cargo-audit-no-findings.json"),
        "cargo-audit",
    );
    assert!(evidence.vulnerabilities.is_empty());
    assert!(evidence.notices.is_empty());
}

#[test]
fn rejects_bad_reports_with_a_message_naming_the_problem() {
    let cases = [
        ("bad/cargo-audit-truncated.json", "EOF while parsing"),
        (
            "bad/cargo-audit-list-not-array.json",
            "invalid type: string, expected a sequence",
        ),
        (
            "bad/cargo-audit-count-mismatch.json",
            "`vulnerabilities.count` is 5 but `vulnerabilities.list` has 4 entries",
        ),
        (
            "bad/cargo-audit-bad-cvss.json",
            "advisory `RUSTSEC-2026-0047`: invalid CVSS vector `CVSS:3.1/AV:X/AC:L`",
        ),
        (
            "bad/cargo-audit-version-number.json",
            "invalid type: integer, expected",
        ),
    ];
    for (file, expected) in cases {
        let error = try_ingest_forced(fixture(file), "cargo-audit")
            .expect_err(file)
            .to_string();
        assert!(error.contains(expected), "{file}: {error}");
    }
}
