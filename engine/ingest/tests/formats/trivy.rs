//! Tests of the `trivy` format, with counts checked against the raw files with python3.

use crate::support::{by_severity, corpus, counts, fixture, ingest_as, try_ingest_forced};
use verdict_evidence::{Kind, NoticeKind, Severity};

fn ingest(relative: &str) -> verdict_evidence::Evidence {
    ingest_as(corpus(&format!("trivy/{relative}")), "trivy")
}

#[test]
fn reads_an_image_scan_with_schema_2() {
    let evidence = ingest("trivy-image-alpine-3.9.json");
    assert_eq!(evidence.sources[0].tool.as_deref(), Some("trivy dev"));
    assert_eq!(evidence.vulnerabilities.len(), 6);
    assert_eq!(
        by_severity(evidence.vulnerabilities.iter().map(|v| v.severity)),
        counts(&[("critical", 2), ("medium", 4)])
    );
    let first = &evidence.vulnerabilities[0];
    assert_eq!(first.id, "CVE-2019-1549");
    assert_eq!(first.package, "libcrypto1.1");
    assert_eq!(first.version.as_deref(), Some("1.1.1b-r1"));
    assert_eq!(first.fixed_versions, ["1.1.1d-r0"]);
    assert_eq!(first.ecosystem.as_deref(), Some("alpine"));
    // nvd V3 5.3 beats redhat V3 4.8; the V2 score 5 is not used.
    assert_eq!(first.cvss_score, Some(5.3));
    assert_eq!(
        first.title.as_deref(),
        Some("openssl: information disclosure in fork()")
    );
    assert_eq!(
        first.target.as_deref(),
        Some("testdata/fixtures/images/alpine-39.tar.gz (alpine 3.9.4)")
    );
    assert_eq!(first.fingerprint.len(), 64);
    // musl has no Title: the first line of the description stands in.
    let musl = &evidence.vulnerabilities[4];
    assert_eq!(
        (musl.id.as_str(), musl.package.as_str()),
        ("CVE-2019-14697", "musl")
    );
    assert!(
        musl.title
            .as_deref()
            .is_some_and(|t| t.starts_with("musl libc through 1.1.23"))
    );
    assert_eq!(musl.cvss_score, Some(9.8));
    assert!(evidence.notices.is_empty());
}

#[test]
fn reads_cvss_v4_scores_vendor_ids_and_several_fixed_versions() {
    let evidence = ingest("trivy-0.69.1-fs-cvssv4.json");
    assert_eq!(evidence.sources[0].tool.as_deref(), Some("trivy 0.69.1"));
    assert_eq!(evidence.vulnerabilities.len(), 3);
    assert_eq!(
        by_severity(evidence.vulnerabilities.iter().map(|v| v.severity)),
        counts(&[("medium", 1), ("low", 2)])
    );
    let first = &evidence.vulnerabilities[0];
    assert_eq!(first.id, "CVE-2025-66614");
    assert_eq!(first.aliases, ["GHSA-fpj8-gq4v-p354"]);
    assert_eq!(first.package, "org.apache.tomcat:tomcat-catalina");
    assert_eq!(first.ecosystem.as_deref(), Some("Maven"));
    assert_eq!(first.fixed_versions, ["11.0.14", "10.1.49", "9.0.112"]);
    // ghsa V40 6.3 beats redhat V3 5.3.
    assert_eq!(first.cvss_score, Some(6.3));
    assert_eq!(first.target.as_deref(), Some("Java"));
    // The third: ghsa V40 2.7, redhat V3 5.3.
    assert_eq!(evidence.vulnerabilities[2].cvss_score, Some(5.3));
    // `Packages` become components.
    assert_eq!(evidence.components.len(), 1);
    let component = &evidence.components[0];
    assert_eq!(component.name, "org.apache.tomcat:tomcat-catalina");
    assert_eq!(component.version.as_deref(), Some("9.0.109"));
    assert_eq!(
        component.purl.as_deref(),
        Some("pkg:maven/org.apache.tomcat/tomcat-catalina@9.0.109")
    );
}

#[test]
fn reads_vulnerabilities_misconfigurations_and_secrets_of_one_report() {
    let evidence = ingest("trivy-fs-vulns-misconfig-secrets.json");
    assert_eq!(evidence.sources[0].tool.as_deref(), Some("trivy"));
    assert_eq!(evidence.vulnerabilities.len(), 2);
    assert_eq!(
        by_severity(evidence.vulnerabilities.iter().map(|v| v.severity)),
        counts(&[("high", 1), ("medium", 1)])
    );
    assert_eq!(
        evidence.vulnerabilities[0].ecosystem.as_deref(),
        Some("PyPI")
    );
    assert_eq!(evidence.vulnerabilities[0].cvss_score, Some(7.5));
    assert_eq!(evidence.findings.len(), 1);
    let finding = &evidence.findings[0];
    assert_eq!(&*finding.tool, "trivy");
    assert_eq!(&*finding.rule_id, "DS002");
    assert_eq!(finding.severity, Severity::High);
    assert_eq!(finding.level.as_deref(), Some("HIGH"));
    assert_eq!(
        finding.message,
        "Specify at least 1 USER command in Dockerfile with non-root user as argument"
    );
    assert_eq!(*finding.tags, ["Dockerfile Security Check"]);
    let location = finding.location.as_ref().unwrap();
    assert_eq!((&*location.path, location.start_line), ("Dockerfile", None));
    assert!(!finding.suppressed);
    assert_eq!(evidence.secrets.len(), 2);
    let secret = &evidence.secrets[1];
    assert_eq!(secret.rule_id, "github-pat");
    let location = secret.location.as_ref().unwrap();
    assert_eq!(
        (&*location.path, location.start_line, location.end_line),
        ("secret.txt", Some(1), Some(1))
    );
    assert_eq!(secret.redacted.as_str(), "****");
    assert_ne!(evidence.secrets[0].fingerprint, secret.fingerprint);
}

#[test]
fn never_keeps_secret_values_or_code_lines() {
    let evidence = ingest("trivy-repo-secrets.json");
    assert_eq!(evidence.secrets.len(), 2);
    assert_eq!(evidence.secrets[0].rule_id, "aws-access-key-id");
    assert_eq!(evidence.secrets[1].rule_id, "mysecret");
    let location = evidence.secrets[1].location.as_ref().unwrap();
    assert_eq!(
        (&*location.path, location.start_line),
        ("deploy.sh", Some(7))
    );
    // The `Code` context of the second secret holds a raw token on line 5.
    let json = serde_json::to_string(&evidence).unwrap();
    assert!(!json.contains("ghp_0123456789"), "{json}");
    assert!(!json.contains("AWS_ACCESS_KEY_ID"), "{json}");
}

#[test]
fn reads_helm_misconfigurations_with_cause_lines() {
    let evidence = ingest("trivy-repo-helm-misconfig.json");
    assert_eq!(evidence.findings.len(), 6);
    assert_eq!(
        by_severity(evidence.findings.iter().map(|f| f.severity)),
        counts(&[("high", 1), ("medium", 3), ("low", 2)])
    );
    let first = &evidence.findings[0];
    assert_eq!(&*first.rule_id, "KSV-0001");
    let location = first.location.as_ref().unwrap();
    assert_eq!(
        (&*location.path, location.start_line, location.end_line),
        ("templates/deployment.yaml", Some(28), Some(57))
    );
    assert_eq!(*first.tags, ["Helm Security Check"]);
    // KSV-0117 has no lines.
    assert_eq!(
        evidence.findings[4].location.as_ref().unwrap().start_line,
        None
    );
    assert!(evidence.vulnerabilities.is_empty());
}

#[test]
fn groups_licenses_per_package_and_category_keeping_trivys_rating() {
    // 17 package licenses over 14 packages and 2 loose files; two packages
    // have licenses in two categories (checked with a script over the file).
    let evidence = ingest("trivy-image-licenses.json");
    assert_eq!(evidence.components.len(), 18);
    let musl_utils: Vec<_> = evidence
        .components
        .iter()
        .filter(|c| c.name == "musl-utils")
        .map(|c| {
            (
                c.licenses.as_slice(),
                c.license_category.as_deref(),
                c.license_severity,
            )
        })
        .collect();
    assert_eq!(
        musl_utils,
        [
            (
                &["MIT".to_owned(), "BSD-3-Clause".to_owned()][..],
                Some("notice"),
                Some(Severity::Low)
            ),
            (
                &["GPL-2.0".to_owned()][..],
                Some("restricted"),
                Some(Severity::High)
            ),
        ]
    );
    let restricted = evidence
        .components
        .iter()
        .filter(|c| c.license_category.as_deref() == Some("restricted"))
        .count();
    assert_eq!(restricted, 7);
    let loose = &evidence.components[17];
    assert_eq!(
        (
            loose.name.as_str(),
            loose.licenses.as_slice(),
            loose.license_category.as_deref()
        ),
        (
            "/etc/ssl/misc/tsget.pl",
            &["OpenSSL".to_owned()][..],
            Some("notice")
        )
    );
}

#[test]
fn reads_the_pre_schema_list_format() {
    let evidence = ingest("trivy-legacy-list-format.json");
    assert_eq!(evidence.vulnerabilities.len(), 93);
    assert_eq!(
        by_severity(evidence.vulnerabilities.iter().map(|v| v.severity)),
        // The one `UNKNOWN` is `unknown` since issue 7 (it was info).
        counts(&[("high", 18), ("medium", 9), ("low", 65), ("unknown", 1)])
    );
    assert!(
        evidence
            .vulnerabilities
            .iter()
            .all(|v| v.fixed_versions.is_empty())
    );
    let first = &evidence.vulnerabilities[0];
    assert_eq!(
        (first.id.as_str(), first.package.as_str()),
        ("CVE-2011-3374", "apt")
    );
    assert_eq!(first.ecosystem.as_deref(), Some("debian"));
    assert_eq!(first.cvss_score, Some(3.7));
    assert_eq!(first.target.as_deref(), Some("debian (debian 10.8)"));
}

#[test]
fn reads_an_early_schema_2_report_without_results() {
    let evidence = ingest("trivy-schema2-no-vulns.json");
    assert_eq!(evidence.record_count(), 0);
    assert!(evidence.notices.is_empty());
}

#[test]
fn skips_passed_checks_and_marks_exceptions_suppressed() {
    let evidence = ingest_as(fixture("trivy/trivy-misconfig-statuses.json"), "trivy");
    let rules: Vec<_> = evidence.findings.iter().map(|f| &*f.rule_id).collect();
    assert_eq!(rules, ["AVD-AWS-0086", "AVD-AWS-0088", "AVD-AWS-0089"]);
    assert!(evidence.findings[1].suppressed);
    // An empty message falls back to the title.
    assert_eq!(evidence.findings[1].message, "S3 encryption");
    // Unknown severity and status: `unknown` (high before issue 7), kept,
    // and both said.
    assert_eq!(evidence.findings[2].severity, Severity::Unknown);
    assert!(!evidence.findings[2].suppressed);
    let messages: Vec<_> = evidence
        .notices
        .iter()
        .map(|n| (n.kind, n.message.as_str()))
        .collect();
    assert_eq!(
        messages,
        [
            (
                NoticeKind::Warning,
                "unknown trivy severity `SEVERE-ISH`: treated as unknown"
            ),
            (
                NoticeKind::Warning,
                "unknown trivy misconfiguration status `MAYBE`: treated as a failure"
            ),
        ]
    );
    // `UNKNOWN` (info before issue 7) with a V2 score of 9.3: its band.
    let vulnerability = &evidence.vulnerabilities[0];
    assert_eq!(vulnerability.severity, Severity::Critical);
    assert_eq!(vulnerability.fixed_versions, ["0.7.0", "0.8.1"]);
    assert_eq!(vulnerability.cvss_score, Some(9.3));
    assert_eq!(
        vulnerability.title.as_deref(),
        Some("First line of description")
    );
    assert_eq!(vulnerability.ecosystem.as_deref(), Some("Go"));
}

#[test]
fn bad_inputs_are_errors_that_say_what_is_wrong() {
    let cases = [
        ("trivy-truncated.json", "EOF while parsing"),
        ("trivy-wrong-type.json", "invalid type: integer, expected"),
        (
            "trivy-wrong-shape.json",
            "invalid type: map, expected a sequence",
        ),
        ("trivy-not-utf8.json", "invalid UTF-8 at line 1 column 39"),
        (
            "trivy-misconfig-without-id.json",
            "misconfiguration in `main.tf` has neither `ID` nor `AVDID`",
        ),
    ];
    for (file, expected) in cases {
        let error = try_ingest_forced(fixture(&format!("bad/{file}")), "trivy").unwrap_err();
        let message = error.to_string();
        assert!(message.contains(expected), "{file}: {message}");
    }
}

/// Kinds each file speaks for, from the `Class` of its results and the
/// records they hold (read from the raw JSON with python3: os-pkgs and
/// lang-pkgs → vulnerabilities, config → findings, secret → secrets,
/// license classes and `Packages` → components; issue 7).
#[test]
fn reports_speak_for_what_their_result_classes_show_was_scanned() {
    let cases: [(&str, &[Kind]); 8] = [
        (
            "trivy-0.69.1-fs-cvssv4.json",
            &[Kind::Vulnerabilities, Kind::Components],
        ),
        (
            "trivy-fs-vulns-misconfig-secrets.json",
            &[Kind::Findings, Kind::Vulnerabilities, Kind::Secrets],
        ),
        ("trivy-image-alpine-3.9.json", &[Kind::Vulnerabilities]),
        ("trivy-image-licenses.json", &[Kind::Components]),
        ("trivy-legacy-list-format.json", &[Kind::Vulnerabilities]),
        ("trivy-repo-helm-misconfig.json", &[Kind::Findings]),
        ("trivy-repo-secrets.json", &[Kind::Secrets]),
        // An os-pkgs result without vulnerabilities: the scan ran, clean.
        ("trivy-schema2-no-vulns.json", &[Kind::Vulnerabilities]),
    ];
    for (file, kinds) in cases {
        assert_eq!(ingest(file).sources[0].kinds, kinds, "{file}");
    }
    let statuses = ingest_as(fixture("trivy/trivy-misconfig-statuses.json"), "trivy");
    assert_eq!(
        statuses.sources[0].kinds,
        [Kind::Findings, Kind::Vulnerabilities]
    );
}

#[test]
fn an_unknown_result_class_claims_no_kind() {
    let evidence = ingest_as(fixture("trivy/trivy-unknown-class.json"), "trivy");
    assert!(evidence.sources[0].kinds.is_empty());
    let messages: Vec<_> = evidence
        .notices
        .iter()
        .map(|n| n.message.as_str())
        .collect();
    assert_eq!(
        messages,
        ["unknown trivy result class `custom`: it speaks for no evidence kind"]
    );
}

/// Rule metadata of misconfigurations and CWE ids of vulnerabilities, checked
/// against the raw files: DS002's `Title`, `PrimaryURL` and
/// `CauseMetadata.Provider`/`Service`; the 6 helm checks all `Kubernetes` /
/// `general`; every one of alpine 3.9's 6 vulnerabilities has `CweIDs`
/// (`CVE-2019-14697` in `musl`: `CWE-787`).
#[test]
fn keeps_misconfiguration_rule_metadata_and_vulnerability_cwes() {
    let evidence = ingest("trivy-fs-vulns-misconfig-secrets.json");
    let ds002 = evidence
        .findings
        .iter()
        .find(|f| &*f.rule_id == "DS002")
        .expect("DS002");
    let info = ds002.rule.as_deref().expect("rule metadata");
    assert_eq!(
        info.name.as_deref(),
        Some("Image user should not be 'root'")
    );
    assert_eq!(
        info.help_uri.as_deref(),
        Some("https://avd.aquasec.com/misconfig/ds002")
    );
    assert_eq!(info.provider.as_deref(), Some("Dockerfile"));
    assert_eq!(info.service.as_deref(), Some("general"));
    assert!(
        info.description
            .as_deref()
            .is_some_and(|d| d.starts_with("Running containers with 'root' user"))
    );
    let urllib3 = evidence
        .vulnerabilities
        .iter()
        .find(|v| v.id == "CVE-2021-33503")
        .expect("CVE-2021-33503");
    assert_eq!(urllib3.cwes, ["CWE-400"]);

    let helm = ingest("trivy-repo-helm-misconfig.json");
    assert_eq!(helm.findings.len(), 6);
    assert!(helm.findings.iter().all(|f| {
        f.rule.as_deref().is_some_and(|r| {
            r.provider.as_deref() == Some("Kubernetes") && r.service.as_deref() == Some("general")
        })
    }));

    let alpine = ingest("trivy-image-alpine-3.9.json");
    assert_eq!(alpine.vulnerabilities.len(), 6);
    assert!(alpine.vulnerabilities.iter().all(|v| !v.cwes.is_empty()));
    let musl = alpine
        .vulnerabilities
        .iter()
        .find(|v| v.id == "CVE-2019-14697" && v.package == "musl")
        .expect("musl");
    assert_eq!(musl.cwes, ["CWE-787"]);
}
