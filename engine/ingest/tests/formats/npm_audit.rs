//! Tests of the `npm-audit` format, with counts checked against the raw files with python3.

use crate::support::{by_severity, corpus, counts, fixture, ingest_as, try_ingest_forced};
use verdict_evidence::{NoticeKind, Severity};

#[test]
fn reads_npm7_advisories_per_package_and_skips_name_only_via_entries() {
    let evidence = ingest_as(corpus("npm-audit/npm7-audit-vulns.json"), "npm-audit");
    assert_eq!(evidence.sources[0].tool.as_deref(), Some("npm-audit"));
    // axios has 3 advisory objects, follow-redirects 2, github-build only names.
    assert_eq!(evidence.vulnerabilities.len(), 5);
    assert_eq!(
        by_severity(evidence.vulnerabilities.iter().map(|v| v.severity)),
        counts(&[("high", 4), ("medium", 1)])
    );
    let first = &evidence.vulnerabilities[0];
    assert_eq!(first.tool, "npm-audit");
    assert_eq!(first.id, "GHSA-cph5-m8f7-6c5x");
    assert_eq!(first.aliases, ["npm:1038749"]);
    assert_eq!(first.package, "axios");
    assert_eq!(first.ecosystem.as_deref(), Some("npm"));
    assert_eq!(first.version, None);
    assert_eq!(first.fixed_versions, ["0.26.0"]);
    assert_eq!(
        first.title.as_deref(),
        Some("Incorrect Comparison in axios")
    );
    assert_eq!(first.cvss_score, None);
    // follow-redirects is fixed by upgrading axios.
    let moderate = &evidence.vulnerabilities[3];
    assert_eq!(
        (moderate.id.as_str(), moderate.package.as_str()),
        ("GHSA-pw2r-vq6v-hr8c", "follow-redirects")
    );
    assert_eq!(moderate.severity, Severity::Medium);
    assert_eq!(moderate.fixed_versions, ["axios@0.26.0"]);
    assert!(evidence.notices.is_empty());
}

#[test]
fn reads_npm7_cvss_scores() {
    let evidence = ingest_as(corpus("npm-audit/npm-audit-cwe-cvss.json"), "npm-audit");
    assert_eq!(evidence.vulnerabilities.len(), 3);
    assert_eq!(
        by_severity(evidence.vulnerabilities.iter().map(|v| v.severity)),
        counts(&[("medium", 2), ("low", 1)])
    );
    let packages: Vec<_> = evidence
        .vulnerabilities
        .iter()
        .map(|v| v.package.as_str())
        .collect();
    assert_eq!(packages, ["debug", "semver", "undici"]);
    let undici = &evidence.vulnerabilities[2];
    assert_eq!(undici.id, "GHSA-3787-6prv-h9w3");
    assert_eq!(undici.cvss_score, Some(3.9));
    assert_eq!(undici.fixed_versions, ["vercel@32.3.0"]);
}

#[test]
fn reads_an_npm7_report_without_vulnerabilities() {
    let evidence = ingest_as(corpus("npm-audit/npm7-audit-none.json"), "npm-audit");
    assert_eq!(evidence.record_count(), 0);
    assert!(evidence.notices.is_empty());
}

#[test]
fn reads_npm6_advisories() {
    let evidence = ingest_as(corpus("npm-audit/npm6-audit-vulns.json"), "npm-audit");
    assert_eq!(evidence.vulnerabilities.len(), 5);
    assert_eq!(
        by_severity(evidence.vulnerabilities.iter().map(|v| v.severity)),
        counts(&[("high", 4), ("medium", 1)])
    );
    let first = &evidence.vulnerabilities[0];
    assert_eq!(first.id, "GHSA-pw2r-vq6v-hr8c");
    assert_eq!(first.aliases, ["CVE-2022-0536", "npm:1038442"]);
    assert_eq!(first.package, "follow-redirects");
    assert_eq!(first.version.as_deref(), Some("1.0.0"));
    assert_eq!(first.fixed_versions, [">=1.14.8"]);
    assert_eq!(first.cvss_score, Some(5.9));
    // Score 0 means no CVSS data.
    let ssrf = &evidence.vulnerabilities[3];
    assert_eq!(
        (ssrf.id.as_str(), ssrf.cvss_score),
        ("GHSA-4w2v-q235-vp99", None)
    );
    assert_eq!(ssrf.version.as_deref(), Some("0.15.3"));
}

#[test]
fn npm6_advisories_yield_one_record_per_installed_version() {
    let evidence = ingest_as(
        fixture("npm-audit/npm6-two-versions-no-patch.json"),
        "npm-audit",
    );
    let versions: Vec<_> = evidence
        .vulnerabilities
        .iter()
        .map(|v| v.version.as_deref())
        .collect();
    assert_eq!(versions, [Some("4.17.10"), Some("4.17.4")]);
    let first = &evidence.vulnerabilities[0];
    assert_eq!(
        (first.id.as_str(), first.severity),
        ("npm:1500", Severity::Unknown)
    );
    assert!(first.aliases.is_empty());
    assert!(first.fixed_versions.is_empty());
    let notices: Vec<_> = evidence
        .notices
        .iter()
        .map(|n| (n.kind, n.message.as_str()))
        .collect();
    assert_eq!(
        notices,
        [(
            NoticeKind::Warning,
            "unknown npm audit severity `catastrophic`: treated as unknown"
        )]
    );
}

#[test]
fn npm7_advisories_without_url_use_the_npm_number() {
    let evidence = ingest_as(
        fixture("npm-audit/npm7-fix-flag-and-source-only.json"),
        "npm-audit",
    );
    assert_eq!(evidence.vulnerabilities.len(), 1);
    let only = &evidence.vulnerabilities[0];
    assert_eq!(
        (only.id.as_str(), only.severity),
        ("npm:1179", Severity::Critical)
    );
    assert!(only.aliases.is_empty());
    // `fixAvailable: true` says a fix exists but not which version.
    assert!(only.fixed_versions.is_empty());
}

#[test]
fn an_audit_that_did_not_run_is_an_incomplete_scan_not_a_clean_report() {
    // Detected as npm-audit, so a directory scan carries it rather than skipping it.
    let evidence = ingest_as(
        corpus("npm-audit/npm6-audit-enoaudit-error.json"),
        "npm-audit",
    );
    assert!(evidence.vulnerabilities.is_empty());
    assert_eq!(evidence.notices.len(), 1);
    let notice = &evidence.notices[0];
    assert_eq!(notice.kind, NoticeKind::IncompleteScan);
    assert_eq!(
        notice.message,
        "npm audit did not run: ENOAUDIT: Your configured registry (https://registry.invalid/) \
         may not support audit requests, or the audit endpoint may be temporarily unavailable."
    );
}

#[test]
fn cyclonedx_advisories_are_not_mistaken_for_npm_6() {
    for file in [
        "sbom/cyclonedx-1.7-trivy-npm.json",
        "sbom/cyclonedx-1.4-jake-python.json",
    ] {
        let path = corpus(file);
        let bytes = fs_err::read(&path).unwrap();
        let sniff = verdict_ingest::Sniff::new(&path, &bytes);
        let detected = verdict_ingest::formats::detect(&sniff).map(|format| format.id);
        assert_ne!(detected, Some("npm-audit"), "{file}");
    }
}

#[test]
fn bad_inputs_are_errors_that_say_what_is_wrong() {
    let cases = [
        ("npm-audit-truncated.json", "EOF while parsing"),
        (
            "npm-audit-unsupported-version.json",
            "unsupported npm `auditReportVersion` 3: expected 2",
        ),
        (
            "npm-audit-via-wrong-type.json",
            "expected an advisory object or a package name",
        ),
        (
            "npm-audit-advisory-without-id.json",
            "advisory in `via` of `a` has neither `url` nor `source`",
        ),
        (
            "npm-audit-npm6-missing-module.json",
            "missing field `module_name`",
        ),
        (
            "npm-audit-not-utf8.json",
            "invalid UTF-8 at line 1 column 69",
        ),
    ];
    for (file, expected) in cases {
        let error = try_ingest_forced(fixture(&format!("bad/{file}")), "npm-audit").unwrap_err();
        let message = error.to_string();
        assert!(message.contains(expected), "{file}: {message}");
    }
}

/// CWE ids, checked against the raw files: npm 7+ writes a list
/// (`debug`: `["CWE-400"]`), npm 6 a string holding a JSON list (advisory
/// 1040655 in `axios`: `"[\"CWE-20\",\"CWE-755\"]"`).
#[test]
fn reads_cwe_lists_and_npm6_cwe_strings() {
    let npm7 = ingest_as(corpus("npm-audit/npm-audit-cwe-cvss.json"), "npm-audit");
    let debug = npm7
        .vulnerabilities
        .iter()
        .find(|v| v.package == "debug")
        .expect("debug");
    assert_eq!(debug.cwes, ["CWE-400"]);
    let semver = npm7
        .vulnerabilities
        .iter()
        .find(|v| v.package == "semver")
        .expect("semver");
    assert_eq!(semver.cwes, ["CWE-1333"]);

    let npm6 = ingest_as(corpus("npm-audit/npm6-audit-vulns.json"), "npm-audit");
    let axios = npm6
        .vulnerabilities
        .iter()
        .find(|v| v.id == "GHSA-42xw-2xvc-qx8m")
        .expect("GHSA-42xw-2xvc-qx8m");
    assert_eq!(axios.package, "axios");
    assert_eq!(axios.cwes, ["CWE-20", "CWE-755"]);
}
