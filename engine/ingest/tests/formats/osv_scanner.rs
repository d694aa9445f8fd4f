//! Tests of the `osv-scanner` format: counts checked by hand against the corpus files.
//!
//! Expected values were computed from the raw files with a short Python script
//! applying the documented rules (one record per group; severity from the
//! `database_specific.severity` word, else the highest CVSS vector score by the
//! Python `cvss` 3.6 calculator; fixed events of non-GIT ranges of the package).

use crate::support::{
    by_severity, corpus, counts, fixture, ingest_as, try_ingest_forced, vulnerability_of as find,
};
use verdict_evidence::{AdvisoryKind, Severity};

#[test]
fn marks_a_malicious_package_by_kind_with_unknown_severity() {
    let evidence = ingest_as(
        corpus("osv-scanner/osv-scanner-yarn-small.json"),
        "osv-scanner",
    );
    let records = &evidence.vulnerabilities;
    assert_eq!(records.len(), 1);
    let malicious = &records[0];
    assert_eq!(malicious.id, "MAL-2023-1035");
    assert_eq!(malicious.aliases, ["GHSA-8348-2q94-ffjx"]);
    assert_eq!(malicious.package, "flot-axis");
    assert_eq!(malicious.version.as_deref(), Some("0.0.0"));
    assert_eq!(malicious.ecosystem.as_deref(), Some("npm"));
    // No score and no word: `unknown` (it was critical before issue 7),
    // which still fails every threshold; the `MAL-` id makes its kind.
    assert_eq!(malicious.severity, Severity::Unknown);
    assert_eq!(malicious.kind, AdvisoryKind::Malicious);
    assert_eq!(malicious.cvss_score, None);
    assert!(malicious.fixed_versions.is_empty());
    assert_eq!(
        malicious.target.as_deref(),
        Some("/tmp/components/yarn.lock")
    );
    assert!(evidence.notices.is_empty());
    assert_eq!(evidence.sources[0].tool.as_deref(), Some("osv-scanner"));
}

#[test]
fn merges_each_group_into_one_record() {
    let evidence = ingest_as(
        corpus("osv-scanner/osv-scanner-go-cargo.json"),
        "osv-scanner",
    );
    let records = &evidence.vulnerabilities;
    // 4 OSV entries in 2 groups.
    assert_eq!(records.len(), 2);
    assert_eq!(
        by_severity(records.iter().map(|v| v.severity)),
        counts(&[("high", 2)])
    );

    let gogo = find(records, "GHSA-c3h9-896r-86jm", "github.com/gogo/protobuf");
    assert_eq!(gogo.aliases, ["CVE-2021-3121", "GO-2021-0053"]);
    assert_eq!(gogo.ecosystem.as_deref(), Some("Go"));
    assert_eq!(gogo.version.as_deref(), Some("1.3.1"));
    assert_eq!(gogo.fixed_versions, ["1.3.2"]);
    assert_eq!(gogo.cvss_score, Some(8.6));
    assert_eq!(
        gogo.target.as_deref(),
        Some("/path/to/scorecard-check-osv-e2e/go.mod")
    );

    // The corpus replaced the `crates.io` ecosystem name with `registry.invalid`.
    let regex = find(records, "GHSA-m5pq-gvj9-9vr8", "regex");
    assert_eq!(regex.aliases, ["CVE-2022-24713", "RUSTSEC-2022-0013"]);
    assert_eq!(regex.ecosystem.as_deref(), Some("registry.invalid"));
    assert_eq!(regex.fixed_versions, ["1.5.5"]);
    assert_eq!(regex.cvss_score, Some(7.5));
    assert_eq!(
        regex.title.as_deref(),
        Some("Rust's regex crate vulnerable to regular expression denial of service")
    );
}

#[test]
fn reads_many_sources_including_a_git_source() {
    let evidence = ingest_as(
        corpus("osv-scanner/osv-scanner-many-sources.json"),
        "osv-scanner",
    );
    let records = &evidence.vulnerabilities;
    // 66 OSV entries in 37 groups over 6 sources.
    assert_eq!(records.len(), 37);
    assert_eq!(
        by_severity(records.iter().map(|v| v.severity)),
        counts(&[("critical", 5), ("high", 18), ("medium", 14)])
    );
    assert!(evidence.notices.is_empty());
    assert_eq!(records.iter().filter(|v| v.package == "django").count(), 20);

    let django = find(records, "GHSA-2gwj-7jmv-h26r", "django");
    assert_eq!(django.severity, Severity::Critical);
    assert_eq!(django.cvss_score, Some(9.8));
    assert_eq!(django.fixed_versions, ["2.2.28", "3.2.13", "4.0.4"]);
    assert_eq!(
        django.aliases,
        ["BIT-django-2022-28346", "CVE-2022-28346", "PYSEC-2022-190"]
    );
    assert_eq!(
        django.target.as_deref(),
        Some("/tmprengine/web/requirements.txt")
    );

    // Two GHSA ids grouped: the first is the id, the second an alias; fixes
    // of both entries are kept in file order.
    let psr7 = find(records, "GHSA-q7rv-6hp3-vh96", "guzzlehttp/psr7");
    assert_eq!(
        psr7.aliases,
        [
            "BIT-drupal-2022-24775",
            "CVE-2022-24775",
            "CVE-2023-29197",
            "CVE-2023-29530",
            "GHSA-wxmh-65f7-jcvw",
            "GHSA-xv3h-4844-9h36"
        ]
    );
    assert_eq!(psr7.fixed_versions, ["1.8.4", "2.1.1", "1.9.1", "2.4.5"]);
    assert_eq!(psr7.ecosystem.as_deref(), Some("Packagist"));

    // The severity word wins over the CVSS vector; GIT fixes (commits) are left out.
    let aiohttp = find(records, "GHSA-5h86-8mv2-jq9f", "aiohttp");
    assert_eq!(aiohttp.severity, Severity::Medium);
    assert_eq!(aiohttp.cvss_score, Some(7.5));
    assert_eq!(aiohttp.fixed_versions, ["3.9.2"]);
    assert_eq!(
        find(records, "PYSEC-2023-206", "selenium").fixed_versions,
        ["4.14.0"]
    );
    assert_eq!(
        find(records, "GHSA-xxj9-f6rv-m3x4", "django").cvss_score,
        None
    );

    let git = find(
        records,
        "CVE-2023-50094",
        "https://github.com/yogeshojha/rengine",
    );
    assert_eq!(
        git.version.as_deref(),
        Some("f5f3c22f3ed5a6804a2a8d9ee9fa43044cfa24a6")
    );
    assert_eq!(git.ecosystem, None);
    assert_eq!(git.severity, Severity::High);
    assert_eq!(git.cvss_score, Some(8.8));
    assert!(git.aliases.is_empty());
    assert!(git.fixed_versions.is_empty());
    assert_eq!(git.target.as_deref(), Some("/tmprengine/"));
}

#[test]
fn rejects_bad_reports_with_a_message_naming_the_problem() {
    let cases = [
        ("bad/osv-scanner-truncated.json", "EOF while parsing"),
        (
            "bad/osv-scanner-group-ids-string.json",
            "invalid type: string, expected a sequence",
        ),
        (
            "bad/osv-scanner-missing-source.json",
            "missing field `source`",
        ),
    ];
    for (file, expected) in cases {
        let error = try_ingest_forced(fixture(file), "osv-scanner")
            .expect_err(file)
            .to_string();
        assert!(error.contains(expected), "{file}: {error}");
    }
}

#[test]
fn withdrawn_and_malicious_advisories_carry_their_kind() {
    let evidence = ingest_as(
        fixture("osv-scanner/osv-scanner-withdrawn-and-malicious.json"),
        "osv-scanner",
    );
    let kinds: Vec<_> = evidence
        .vulnerabilities
        .iter()
        .map(|v| (v.id.as_str(), v.kind, v.severity))
        .collect();
    assert_eq!(
        kinds,
        [
            // A withdrawn entry keeps its word, and says it was withdrawn.
            (
                "GHSA-aaaa-bbbb-cccc",
                AdvisoryKind::Withdrawn,
                Severity::High
            ),
            // A `MAL-` alias makes a malicious-package report.
            (
                "GHSA-dddd-eeee-ffff",
                AdvisoryKind::Malicious,
                Severity::Unknown
            ),
            // No word, no vector: unknown, not medium.
            (
                "GHSA-gggg-hhhh-iiii",
                AdvisoryKind::Vulnerability,
                Severity::Unknown
            ),
        ]
    );
}

/// CWE ids from `database_specific.cwe_ids`, united over a group, checked
/// against the raw file: `GHSA-c3h9-896r-86jm` (`CWE-129`, `CWE-20`) and
/// `GO-2021-0053` (none) are one group for `github.com/gogo/protobuf`.
#[test]
fn reads_cwe_ids_of_every_advisory_in_a_group() {
    let evidence = ingest_as(
        corpus("osv-scanner/osv-scanner-go-cargo.json"),
        "osv-scanner",
    );
    let protobuf = evidence
        .vulnerabilities
        .iter()
        .find(|v| v.package == "github.com/gogo/protobuf")
        .expect("protobuf");
    assert_eq!(protobuf.cwes, ["CWE-129", "CWE-20"]);
    let regex = evidence
        .vulnerabilities
        .iter()
        .find(|v| v.package == "regex")
        .expect("regex");
    assert_eq!(regex.cwes, ["CWE-400"]);
}
