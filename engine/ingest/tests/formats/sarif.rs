//! Tests of the `sarif` format: every corpus file with counts checked against
//! the raw JSON, the reference and severity rules on a fixture, hostile input.
//!
//! Counts of secrets and vulnerabilities (issue 7: kinds follow meaning, not
//! container) were derived from the raw files with a short python3 script
//! reading the JSON (Trivy's message lines and rule tags, Grype's messages
//! and `security-severity`, dependency-check's artifact purls and
//! properties, govulncheck's `stacks`), not from the parser's output.

use crate::support::{by_severity, corpus, counts, fixture, ingest_as};
use verdict_evidence::{Evidence, Finding, Kind, NoticeKind, Severity};

/// What one corpus file must yield.
struct Expected {
    file: &'static str,
    tool: Option<&'static str>,
    findings: usize,
    severities: &'static [(&'static str, usize)],
    suppressed: usize,
    incomplete_notices: usize,
    secrets: usize,
    vulnerabilities: &'static [(&'static str, usize)],
    kinds: &'static [Kind],
}

fn check(expected: &Expected) -> Evidence {
    let evidence = ingest_as(corpus(&format!("sarif/{}", expected.file)), "sarif");
    let file = expected.file;
    assert_eq!(
        evidence.findings.len(),
        expected.findings,
        "{file}: findings"
    );
    assert_eq!(
        by_severity(evidence.findings.iter().map(|f| f.severity)),
        counts(expected.severities),
        "{file}: severities"
    );
    assert_eq!(
        evidence.findings.iter().filter(|f| f.suppressed).count(),
        expected.suppressed,
        "{file}: suppressed"
    );
    let incomplete = evidence
        .notices
        .iter()
        .filter(|n| n.kind == NoticeKind::IncompleteScan)
        .count();
    assert_eq!(
        incomplete, expected.incomplete_notices,
        "{file}: incomplete-scan notices"
    );
    assert_eq!(
        evidence.sources[0].tool.as_deref(),
        expected.tool,
        "{file}: tool"
    );
    assert_eq!(evidence.secrets.len(), expected.secrets, "{file}: secrets");
    assert_eq!(
        by_severity(evidence.vulnerabilities.iter().map(|v| v.severity)),
        counts(expected.vulnerabilities),
        "{file}: vulnerabilities by severity"
    );
    let records = expected.findings
        + expected.secrets
        + expected
            .vulnerabilities
            .iter()
            .map(|(_, n)| n)
            .sum::<usize>();
    assert_eq!(
        evidence.sources[0].records, records as u64,
        "{file}: records"
    );
    assert_eq!(evidence.sources[0].kinds, expected.kinds, "{file}: kinds");
    evidence
}

fn plain(
    file: &'static str,
    tool: &'static str,
    findings: usize,
    severities: &'static [(&'static str, usize)],
) -> Expected {
    Expected {
        file,
        tool: Some(tool),
        findings,
        severities,
        suppressed: 0,
        incomplete_notices: 0,
        secrets: 0,
        vulnerabilities: &[],
        kinds: &[Kind::Findings],
    }
}

/// A dependency scanner's file: vulnerabilities by severity, no findings.
fn dependencies(
    file: &'static str,
    tool: &'static str,
    vulnerabilities: &'static [(&'static str, usize)],
) -> Expected {
    Expected {
        vulnerabilities,
        kinds: &[Kind::Vulnerabilities],
        ..plain(file, tool, 0, &[])
    }
}

/// A secret scanner's file: secrets only.
fn secrets(file: &'static str, tool: &'static str, secrets: usize) -> Expected {
    Expected {
        secrets,
        kinds: &[Kind::Secrets],
        ..plain(file, tool, 0, &[])
    }
}

fn line(finding: &Finding) -> (Option<&str>, Option<u32>, Option<u32>) {
    let location = finding.location.as_ref();
    (
        location.map(|l| &*l.path),
        location.and_then(|l| l.start_line),
        location.and_then(|l| l.end_line),
    )
}

fn is_sha256(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

#[test]
fn bandit_uses_rule_tags_for_cwes_and_snippets_for_fingerprints() {
    let evidence = check(&plain(
        "bandit-1.8.6.sarif",
        "Bandit 1.8.6",
        172,
        &[("low", 171), ("medium", 1)],
    ));
    let first = &evidence.findings[0];
    assert_eq!(&*first.rule_id, "B404");
    assert_eq!(
        line(first),
        (
            Some("src/rapid7/tools/install_insight_agent.py"),
            Some(19),
            Some(19)
        )
    );
    assert_eq!(*first.cwes, ["CWE-78"]);
    assert_eq!(*first.tags, ["security", "external/cwe/cwe-78"]);
    assert!(is_sha256(&first.fingerprint));
    assert_eq!(*evidence.findings[171].cwes, ["CWE-703"]);
}

#[test]
fn binskim_fills_message_strings_and_reads_passes_as_info() {
    let evidence = check(&plain(
        "binskim-gcc-execstack-crlf.sarif",
        "BinSkim",
        7,
        &[("high", 5), ("info", 2)],
    ));
    let first = &evidence.findings[0];
    assert_eq!(&*first.rule_id, "BA3001");
    assert!(
        first
            .message
            .starts_with("PIE disabled on executable 'gcc.execstack'."),
        "{}",
        first.message
    );
    assert_eq!(
        line(first),
        (
            Some("src/Test.FunctionalTests.BinSkim.Driver/BaselineTestData/gcc.execstack"),
            None,
            None
        )
    );
    let pass = &evidence.findings[2];
    assert_eq!(
        (&*pass.rule_id, pass.severity, pass.level.as_deref()),
        ("BA3003", Severity::Info, Some("none"))
    );
}

#[test]
fn codeql_csharp_maps_security_severity_and_hashes_partial_fingerprints() {
    let evidence = check(&plain(
        "codeql-2.24.1-csharp-metrics.sarif",
        "CodeQL 2.24.1",
        35,
        &[("low", 22), ("medium", 13)],
    ));
    let first = &evidence.findings[0];
    assert_eq!(&*first.rule_id, "cs/constant-condition");
    assert_eq!(
        line(first),
        (
            Some("src/Octoshift/Services/AdoPipelineTriggerService.cs"),
            Some(282),
            Some(282)
        )
    );
    assert_eq!(*first.cwes, ["CWE-835"]);
    assert!(is_sha256(&first.fingerprint));
    // 727 notifications, all of level `none`: the scan is complete.
    assert!(evidence.notices.is_empty());
}

#[test]
fn codeql_python() {
    let evidence = check(&plain(
        "codeql-2.5.4.sarif",
        "CodeQL 2.5.4",
        72,
        &[("high", 11), ("low", 57), ("medium", 4)],
    ));
    let first = &evidence.findings[0];
    assert_eq!(&*first.rule_id, "py/empty-except");
    assert_eq!(line(first), (Some("good/db_init.py"), Some(39), Some(39)));
    assert_eq!(*first.cwes, ["CWE-390"]);
    assert_eq!(*evidence.findings[71].cwes, ["CWE-563"]);
}

#[test]
fn dependency_check_names_packages_by_artifact_purls() {
    // 13 results, each on an artifact whose properties hold a versioned
    // purl; severities from `severity`/`cvssv*_severity` and CVSS scores:
    // one RetireJS `low`, the rest medium.
    let evidence = check(&dependencies(
        "dependency-check-6.1.2.sarif",
        "dependency-check 6.1.2",
        &[("low", 1), ("medium", 12)],
    ));
    let first = &evidence.vulnerabilities[0];
    assert_eq!(
        first.id,
        "Disallow calling helperMissing and blockHelperMissing directly"
    );
    assert_eq!(
        (
            first.package.as_str(),
            first.version.as_deref(),
            first.ecosystem.as_deref()
        ),
        ("handlebars", Some("1.0.0"), Some("javascript"))
    );
    let last = &evidence.vulnerabilities[12];
    assert_eq!(last.id, "CVE-2020-11023");
    assert_eq!(
        (last.package.as_str(), last.version.as_deref()),
        ("jquery", Some("1.11.1"))
    );
    assert_eq!(last.cvss_score, Some(6.1));
    assert_eq!(
        last.target.as_deref(),
        Some("/src/.venv/lib/python3.9/site-packages/coverage/htmlfiles/jquery.min.js")
    );
}

#[test]
fn eslint_suppressions_without_status_suppress() {
    let evidence = check(&Expected {
        suppressed: 12,
        ..plain(
            "eslint-8.56.0.sarif",
            "ESLint 8.56.0",
            12,
            &[("high", 9), ("medium", 3)],
        )
    });
    let last = &evidence.findings[11];
    assert_eq!(&*last.rule_id, "no-restricted-syntax");
    assert_eq!(
        line(last),
        (
            Some("/Users/davidbradshaw/dev/iframe-resizer/src/iframeResizer.js"),
            Some(1073),
            Some(1082)
        )
    );
}

#[test]
fn flawfinder_reads_cwe_relationships_and_tool_fingerprints() {
    let evidence = check(&plain(
        "flawfinder-2.0.19.sarif",
        "Flawfinder 2.0.19",
        54,
        &[("high", 2), ("low", 51), ("medium", 1)],
    ));
    let first = &evidence.findings[0];
    assert_eq!(&*first.rule_id, "FF1048");
    assert_eq!(line(first), (Some("src/tree/param.cc"), Some(29), Some(29)));
    assert_eq!(*first.cwes, ["CWE-327"]);
    assert_eq!(
        first.fingerprint,
        "e6c1ad2b1d96ffc4035ed8df070600566ad240b8ded025dac30620f3fd4aa9fd"
    );
    assert_eq!(*evidence.findings[53].cwes, ["CWE-120", "CWE-20"]);
}

#[test]
fn fortify_conversion_resolves_rule_and_artifact_indexes() {
    let evidence = check(&plain(
        "fortify-via-sarif-multitool-codeflows.sarif",
        "Micro Focus Fortify Static Code Analyzer",
        1,
        &[("medium", 1)],
    ));
    let only = &evidence.findings[0];
    assert_eq!(&*only.rule_id, "97A5F38F-524B-4A83-94FA-9387B5265825");
    assert_eq!(
        line(only),
        (Some("Helpers/DBHelper.cs"), Some(146), Some(146))
    );
}

#[test]
fn gitleaks_7_results_become_redacted_secrets() {
    let evidence = check(&secrets("gitleaks-7.4.0.sarif", "Gitleaks v7.4.0", 8));
    let first = &evidence.secrets[0];
    assert_eq!(first.rule_id, "unknown");
    assert_eq!(first.tool, "Gitleaks");
    assert_eq!(first.redacted.as_str(), "****");
    assert_eq!(
        first.commit.as_deref(),
        Some("6d127980966808f7413935678e079dcd7fedf9c2")
    );
    let location = first.location.as_ref().unwrap();
    assert_eq!(location.start_line, Some(13));
    assert!(is_sha256(&first.fingerprint));
    // The same secret seen in two commits is two records.
    assert_ne!(first.fingerprint, evidence.secrets[1].fingerprint);
    // The raw secret (in properties and the snippet) is kept nowhere.
    let json = serde_json::to_string(&evidence).unwrap();
    assert!(!json.contains("AKIAIOSFODNN7EXAMPLE"));
    assert!(!json.contains("raw_source_code_extract"));
}

#[test]
fn gitleaks_8_results_become_secrets_without_snippet_hashes() {
    let evidence = check(&secrets("gitleaks-8-simple.sarif", "gitleaks v8.0.0", 1));
    let only = &evidence.secrets[0];
    assert_eq!(only.rule_id, "test-rule");
    let location = only.location.as_ref().unwrap();
    assert_eq!(
        (&*location.path, location.start_line, location.end_line),
        ("auth.py", Some(1), Some(2))
    );
    // The all-zero commit gitleaks writes outside git is no commit.
    assert_eq!(only.commit, None);
    // The fingerprint hashes tool, rule, path, line and commit, never the
    // snippet (`a secret`, the secret itself in gitleaks 8).
    assert_eq!(
        only.fingerprint,
        verdict_evidence::fingerprint::of(&["gitleaks", "test-rule", "auth.py", "1", ""])
    );
}

#[test]
fn govulncheck_names_the_module_of_a_call_stack() {
    // Of 3 results, only GO-2026-4865 has `stacks`, whose frames end in
    // `stdlib@v1.25.8`; the other two name a package without a version.
    let evidence = check(&Expected {
        // The two findings keep their levels: `warning` and `note`.
        findings: 2,
        severities: &[("low", 1), ("medium", 1)],
        vulnerabilities: &[("unknown", 1)],
        kinds: &[Kind::Findings, Kind::Vulnerabilities],
        ..dependencies("govulncheck-1.3.0.sarif", "govulncheck v1.3.0", &[])
    });
    let only = &evidence.vulnerabilities[0];
    assert_eq!(only.id, "GO-2026-4865");
    assert_eq!(only.aliases, ["CVE-2026-32289"]);
    assert_eq!(
        (only.package.as_str(), only.version.as_deref()),
        ("stdlib", Some("v1.25.8"))
    );
    // govulncheck gives no severity: its level is reachability, not risk.
    assert_eq!(only.severity, Severity::Unknown);
    assert_eq!(&*evidence.findings[0].rule_id, "GO-2026-4864");
    let warnings: Vec<_> = evidence
        .notices
        .iter()
        .filter(|n| n.kind == NoticeKind::Warning)
        .map(|n| n.message.as_str())
        .collect();
    assert_eq!(
        warnings,
        [
            "`govulncheck`: 2 results name no package and version (first: rule `GO-2026-4864`): they are kept as findings, not vulnerabilities"
        ]
    );
}

#[test]
fn grype_results_become_vulnerabilities_banded_by_security_severity() {
    let evidence = check(&dependencies(
        "grype-0.34.7.sarif",
        "Grype 0.34.7",
        &[("critical", 1), ("high", 11), ("low", 6), ("medium", 4)],
    ));
    let first = &evidence.vulnerabilities[0];
    assert_eq!(first.id, "CVE-2008-0732");
    assert_eq!(
        (first.package.as_str(), first.version.as_deref()),
        ("geronimo-j2ee-management_1.1_spec", Some("1.0.1"))
    );
    assert_eq!(first.cvss_score, Some(2.1));
    // One rule's help gives a `Fix Version`.
    let fixed = evidence
        .vulnerabilities
        .iter()
        .filter(|v| !v.fixed_versions.is_empty())
        .count();
    assert_eq!(fixed, 1);
}

#[test]
fn nessus_conversion_with_two_runs() {
    let evidence = check(&plain(
        "nessus-via-sarif-multitool-two-runs.sarif",
        "Nessus 10.4.2",
        2,
        &[("critical", 1), ("low", 1)],
    ));
    let first = &evidence.findings[0];
    assert_eq!(line(first), (Some("host://10.0.0.1"), None, None));
    assert_eq!(
        first.fingerprint,
        "1e6bb36ff29ed6c40f06c82791515391820f7b546e700886adbd88b2c897279c"
    );
}

#[test]
fn semgrep_0_17_large() {
    let evidence = check(&plain(
        "semgrep-0.17.0-owasp-benchmark-large.sarif",
        "semgrep 0.17.0",
        1768,
        &[("medium", 1768)],
    ));
    let first = &evidence.findings[0];
    assert_eq!(
        &*first.rule_id,
        "java.lang.security.audit.cbc-padding-oracle.cbc-padding-oracle"
    );
    assert_eq!(
        line(first),
        (
            Some("src/main/java/org/owasp/benchmark/testcode/BenchmarkTest02660.java"),
            Some(59),
            Some(59)
        )
    );
    // One shared path per distinct file, one rule id per rule.
    let last = &evidence.findings[1767];
    assert_eq!(
        line(last).0,
        Some("src/main/java/org/owasp/benchmark/testcode/BenchmarkTest01061.java")
    );
}

#[test]
fn semgrep_oss_reads_severity_words() {
    let evidence = check(&plain(
        "semgrep-oss-1.69.0.sarif",
        "Semgrep OSS 1.69.0",
        77,
        &[("critical", 34), ("high", 1), ("medium", 42)],
    ));
    let first = &evidence.findings[0];
    assert_eq!(line(first), (Some("Gruntfile.js"), Some(75), Some(75)));
    assert_eq!(*first.cwes, ["CWE-22"]);
    assert!(first.fingerprint.starts_with("e5aea7d033ad2f52"));
    // Its 31 notifications are warnings: the scan is complete.
    assert!(evidence.notices.is_empty());
}

#[test]
fn snyk_code() {
    let evidence = check(&plain(
        "snyk-code.sarif",
        "SnykCode 1.0.0",
        39,
        &[("high", 12), ("low", 3), ("medium", 24)],
    ));
    let first = &evidence.findings[0];
    assert_eq!(&*first.rule_id, "javascript/XSS");
    assert_eq!(
        line(first),
        (
            Some("frontend/src/app/score-board/score-board.component.ts"),
            Some(216),
            Some(216)
        )
    );
    assert!(
        first
            .message
            .starts_with("Unsanitized input from data from a remote resource flows into")
    );
    assert!(first.fingerprint.starts_with("041274fc0869f892"));
}

#[test]
fn spotbugs_failed_execution_is_an_incomplete_scan() {
    let evidence = check(&Expected {
        incomplete_notices: 1,
        ..plain("spotbugs-4.4.0.sarif", "SpotBugs 4.4.0", 56, &[("low", 56)])
    });
    let first = &evidence.findings[0];
    assert_eq!(
        first.message,
        "Hard coded reference to an absolute pathname in Boot.main(String[])."
    );
    assert_eq!(line(first), (Some("Boot.java"), Some(23), Some(23)));
    let notice = &evidence.notices[0].message;
    assert!(
        notice.starts_with(
            "`SpotBugs` did not complete its analysis: execution was not successful (exit code 3"
        ),
        "{notice}"
    );
    assert!(
        notice.contains("1 error notification, first: Classes needed for analysis were missing"),
        "{notice}"
    );
}

#[test]
fn trivy_image_results_become_vulnerabilities() {
    let evidence = check(&dependencies(
        "trivy-image-alpine-3.10.sarif",
        "Trivy dev",
        &[("medium", 4)],
    ));
    let last = &evidence.vulnerabilities[3];
    assert_eq!(last.id, "CVE-2019-1551");
    assert_eq!(
        (last.package.as_str(), last.version.as_deref()),
        ("libssl1.1", Some("1.1.1c-r0"))
    );
    assert_eq!(last.fixed_versions, ["1.1.1d-r2"]);
    assert_eq!(last.cvss_score, Some(5.3));
    assert_eq!(
        last.title.as_deref(),
        Some("openssl: Integer overflow in RSAZ modular exponentiation on x86_64")
    );
}

#[test]
fn tslint_with_no_results() {
    check(&plain(
        "tslint-empty-via-sarif-multitool.sarif",
        "TSLint",
        0,
        &[],
    ));
}

#[test]
fn rules_resolve_by_index_id_and_extension() {
    let evidence = ingest_as(fixture("sarif/synthetic-features.sarif"), "sarif");
    assert_eq!(evidence.sources[0].tool.as_deref(), Some("synthetic 1.2.3"));
    let findings = &evidence.findings;
    let ids: Vec<&str> = findings.iter().map(|f| &*f.rule_id).collect();
    assert_eq!(ids, ["R0", "R1", "R2", "R3", "R2", "EXT1", "unknown"]);

    // ruleIndex, messageStrings with placeholders, artifact index, rule tags.
    let by_index = &findings[0];
    assert_eq!(by_index.message, "found alpha near beta ({2}) {literal}");
    assert_eq!(line(by_index), (Some("src/a.py"), Some(7), Some(7)));
    assert_eq!(*by_index.cwes, ["CWE-79"]);
    assert_eq!(
        (by_index.severity, by_index.level.as_deref()),
        (Severity::Medium, Some("warning"))
    );

    // rule.index; no level: the rule's default level.
    assert_eq!(
        (findings[1].severity, findings[1].level.as_deref()),
        (Severity::High, Some("error"))
    );
    assert_eq!(line(&findings[1]), (Some("/src/b.py"), Some(3), Some(5)));

    // rule.id; markdown message; no level anywhere: warning.
    assert_eq!(findings[2].message, "by **rule.id**");
    assert_eq!(
        (findings[2].severity, findings[2].level.as_deref()),
        (Severity::Medium, Some("warning"))
    );
    assert!(findings[2].location.is_none());

    // The result's security-severity overrides the rule's; tags merge.
    let scored = &findings[3];
    assert_eq!(
        (scored.severity, scored.level.as_deref()),
        (Severity::Critical, Some("note"))
    );
    assert_eq!(
        *scored.tags,
        ["security", "CWE-89: SQL injection", "from-result"]
    );
    assert_eq!(*scored.cwes, ["CWE-89"]);
    assert!(
        !scored.suppressed,
        "a rejected suppression does not suppress"
    );

    // kind pass without a level: none.
    assert_eq!(
        (findings[4].severity, findings[4].level.as_deref()),
        (Severity::Info, Some("none"))
    );

    // An extension's rule, an accepted suppression, a CWE taxon.
    let extension = &findings[5];
    assert_eq!(
        (extension.severity, extension.level.as_deref()),
        (Severity::Low, Some("note"))
    );
    assert!(extension.suppressed);
    assert_eq!(extension.baseline_state.as_deref(), Some("new"));
    assert_eq!(*extension.cwes, ["CWE-798"]);

    // Partial fingerprints are hashed with the rule and path.
    assert!(is_sha256(&findings[6].fingerprint));
    assert_ne!(findings[6].fingerprint, "abc:1");
}

fn error_of(name: &str) -> String {
    crate::support::error_of(fixture(name), "sarif")
}

#[test]
fn wrong_version_is_named() {
    let error = error_of("bad/sarif-wrong-version.sarif");
    assert!(
        error.contains("unsupported SARIF version `2.0.0`: only 2.1.0 is read at line 3 column 14"),
        "{error}"
    );
}

#[test]
fn truncated_file_error_has_line_and_column() {
    let error = error_of("bad/sarif-truncated.sarif");
    assert!(
        error.contains("sarif: EOF while parsing a string at line 29 column 39"),
        "{error}"
    );
}

#[test]
fn result_of_wrong_type_is_an_error_at_its_place() {
    let error = error_of("bad/sarif-result-wrong-type.sarif");
    assert!(
        error.contains(
            "`runs[0].results[1]`: expected a result object, found a string at line 8 column 9"
        ),
        "{error}"
    );
}

#[test]
fn runs_that_are_not_an_array_are_an_error() {
    let error = error_of("bad/sarif-runs-not-array.sarif");
    assert!(
        error.contains("`runs` must be an array: expected an array at line 1 column 30"),
        "{error}"
    );
}

#[test]
fn rule_index_out_of_range_is_an_error() {
    let error = error_of("bad/sarif-rule-index-out-of-range.sarif");
    assert!(
        error.contains(
            "`runs[0].results[0]`: `ruleIndex` 3 is out of range: the tool lists 1 rules"
        ),
        "{error}"
    );
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let error = error_of("bad/sarif-deep-nesting.sarif");
    assert!(
        error.contains("sarif: EOF while parsing a list at line 1 column 100000"),
        "{error}"
    );
}

#[test]
fn invalid_utf8_is_an_error() {
    let error = error_of("bad/sarif-not-utf8.sarif");
    assert!(
        error.contains("invalid unicode code point at line 1"),
        "{error}"
    );
}

#[test]
fn a_secret_scanner_with_no_results_still_speaks_for_secrets() {
    let evidence = ingest_as(fixture("sarif/gitleaks-no-leaks.sarif"), "sarif");
    assert_eq!(evidence.record_count(), 0);
    assert_eq!(evidence.sources[0].kinds, [Kind::Secrets]);
    assert!(evidence.notices.is_empty());
}

#[test]
fn trivy_rules_decide_per_result_in_one_run() {
    let evidence = ingest_as(fixture("sarif/trivy-mixed-classes.sarif"), "sarif");
    assert_eq!(
        evidence.sources[0].kinds,
        [Kind::Findings, Kind::Vulnerabilities, Kind::Secrets]
    );
    // UNKNOWN with security-severity 0.0 is unknown, never info or low.
    let vulnerabilities: Vec<_> = evidence
        .vulnerabilities
        .iter()
        .map(|v| {
            (
                v.id.as_str(),
                v.package.as_str(),
                v.version.as_deref(),
                v.severity,
                v.cvss_score,
            )
        })
        .collect();
    assert_eq!(
        vulnerabilities,
        [
            (
                "CVE-2024-0001",
                "left-pad",
                Some("1.0.0"),
                Severity::Unknown,
                None
            ),
            (
                "CVE-2024-0002",
                "lodash",
                Some("4.17.15"),
                Severity::Critical,
                Some(9.8)
            ),
        ]
    );
    assert_eq!(evidence.vulnerabilities[1].fixed_versions, ["4.17.21"]);
    assert!(evidence.vulnerabilities[0].fixed_versions.is_empty());
    assert_eq!(evidence.findings.len(), 1);
    assert_eq!(&*evidence.findings[0].rule_id, "DS002");
    assert_eq!(evidence.secrets.len(), 1);
    let secret = &evidence.secrets[0];
    assert_eq!(
        (secret.rule_id.as_str(), secret.redacted.as_str()),
        ("github-pat", "****")
    );
    let json = serde_json::to_string(&evidence).unwrap();
    assert!(!json.contains("R4nd0mL00k1ng"), "{json}");
    assert!(!json.contains("GITHUB_TOKEN"), "{json}");
}

#[test]
fn a_secret_tag_makes_a_code_scanner_rule_a_secret_rule() {
    let evidence = ingest_as(fixture("sarif/code-scanner-secret-rule.sarif"), "sarif");
    // Tags compare whole: `Secrets` is a secret rule, `HardcodedSecret` not.
    assert_eq!(evidence.secrets.len(), 1);
    assert_eq!(evidence.secrets[0].rule_id, "hardcoded-token");
    assert_eq!(evidence.findings.len(), 1);
    assert_eq!(&*evidence.findings[0].rule_id, "sql-injection");
    assert_eq!(evidence.sources[0].kinds, [Kind::Findings, Kind::Secrets]);
    // Neither the message nor the snippet, which both hold the token, is kept.
    let json = serde_json::to_string(&evidence).unwrap();
    assert!(!json.contains("sk_live_0123456789abcdefghij"), "{json}");
}

#[test]
fn dependency_results_without_a_rating_are_unknown_and_unnamed_ones_stay_findings() {
    let evidence = ingest_as(fixture("sarif/grype-unscored.sarif"), "sarif");
    let vulnerabilities: Vec<_> = evidence
        .vulnerabilities
        .iter()
        .map(|v| {
            (
                v.id.as_str(),
                v.package.as_str(),
                v.version.as_deref(),
                v.severity,
            )
        })
        .collect();
    assert_eq!(
        vulnerabilities,
        [
            // `security-severity` 0.0 is no score; the help's `low` is
            // Grype's default, not a rating.
            (
                "CVE-1999-0001",
                "package-1",
                Some("1.1.1"),
                Severity::Unknown
            ),
            // An unknown word beside a score: unknown wins, with a warning.
            (
                "GHSA-abcd-efgh-2345",
                "package-2",
                Some("2.2.2"),
                Severity::Unknown
            ),
        ]
    );
    assert_eq!(
        evidence.vulnerabilities[1].fixed_versions,
        ["2.2.3", "3.0.0"]
    );
    assert_eq!(evidence.vulnerabilities[1].cvss_score, Some(5.3));
    assert_eq!(evidence.findings.len(), 1);
    assert_eq!(&*evidence.findings[0].rule_id, "CVE-1999-0003-unnamed");
    assert_eq!(
        evidence.sources[0].kinds,
        [Kind::Findings, Kind::Vulnerabilities]
    );
    let warnings: Vec<_> = evidence
        .notices
        .iter()
        .map(|n| n.message.as_str())
        .collect();
    assert_eq!(
        warnings,
        [
            "`grype`: 1 result names no package and version (first: rule `CVE-1999-0003-unnamed`): it is kept as a finding, not a vulnerability",
            "a result of rule `GHSA-abcd-efgh-2345-package-2` of `grype`: unknown severity `apocalyptic`: treated as unknown",
        ]
    );
}

/// Scores and rule metadata, checked against the raw files: Nessus' two runs
/// rate their rules `security-severity` `"3.0"` and `"9.0"` (results carry
/// none) and name them `PluginName1` and `CVE Scan`; Semgrep writes words
/// (`CRITICAL`, `HIGH`, `MEDIUM`), which give a severity but no number;
/// bandit's 172 results use 7 rules, `B101` (129 results) named
/// `assert_used` with a documentation link.
#[test]
fn keeps_security_severity_numbers_and_shared_rule_metadata() {
    let nessus = ingest_as(
        corpus("sarif/nessus-via-sarif-multitool-two-runs.sarif"),
        "sarif",
    );
    let scored: Vec<(Option<&str>, Option<f64>)> = nessus
        .findings
        .iter()
        .map(|f| (f.level.as_deref(), f.score))
        .collect();
    assert_eq!(
        scored,
        [(Some("note"), Some(3.0)), (Some("error"), Some(9.0))]
    );
    let info = nessus.findings[1].rule.as_deref().expect("rule metadata");
    assert_eq!(info.name.as_deref(), Some("CVE Scan"));
    assert_eq!(info.description.as_deref(), Some("Synopis text"));
    assert_eq!(
        info.help_uri.as_deref(),
        Some("https://www.tenable.com/plugins/nessus/12345")
    );

    let semgrep = ingest_as(corpus("sarif/semgrep-oss-1.69.0.sarif"), "sarif");
    assert_eq!(semgrep.findings.len(), 77);
    assert!(semgrep.findings.iter().all(|f| f.score.is_none()));
    assert!(semgrep.findings.iter().all(|f| f.rule.is_some()));

    let bandit = ingest_as(corpus("sarif/bandit-1.8.6.sarif"), "sarif");
    let b101: Vec<&Finding> = bandit
        .findings
        .iter()
        .filter(|f| &*f.rule_id == "B101")
        .collect();
    assert_eq!(b101.len(), 129);
    let shared = b101[0].rule.as_ref().expect("rule metadata");
    assert_eq!(shared.name.as_deref(), Some("assert_used"));
    assert_eq!(
        shared.help_uri.as_deref(),
        Some("https://bandit.readthedocs.io/en/1.8.6/plugins/b101_assert_used.html")
    );
    assert!(
        b101.iter()
            .all(|f| std::sync::Arc::ptr_eq(f.rule.as_ref().unwrap(), shared)),
        "one shared RuleInfo per rule"
    );
    let mut distinct: Vec<*const verdict_evidence::RuleInfo> = bandit
        .findings
        .iter()
        .filter_map(|f| f.rule.as_ref().map(std::sync::Arc::as_ptr))
        .collect();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 7);
}

/// SARIF semantics: the result's `security-severity` wins over its rule's; a
/// word on the result leaves no number; a passing result has no score; CWE
/// tags of a dependency rule become the vulnerability's CWEs.
#[test]
fn result_scores_override_rule_scores_and_dependency_rules_carry_cwes() {
    let sarif = r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"scanner","rules":[
      {"id":"R1","name":"rule-one","helpUri":"https://example.test/r1",
       "properties":{"security-severity":"8.1"}},
      {"id":"CVE-2021-0001","shortDescription":{"text":"CVE-2021-0001 in lib"},
       "help":{"text":"Package: lib\nInstalled Version: 1.0.0\nFixed Version: 1.0.1"},
       "properties":{"security-severity":"7.5","tags":["vulnerability","CWE-79","external/cwe/cwe-089"]}}]}},
      "results":[
      {"ruleId":"R1","level":"error","message":{"text":"a"}},
      {"ruleId":"R1","level":"error","message":{"text":"b"},"properties":{"security-severity":"4.0"}},
      {"ruleId":"R1","level":"error","message":{"text":"c"},"properties":{"security-severity":"LOW"}},
      {"ruleId":"R1","kind":"pass","message":{"text":"d"}},
      {"ruleId":"CVE-2021-0001","level":"error","message":{"text":"Package: lib\nInstalled Version: 1.0.0\nFixed Version: 1.0.1"}}
      ]}]}"#;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scores.sarif");
    fs_err::write(&path, sarif).unwrap();
    let evidence = ingest_as(path, "sarif");
    let scores: Vec<Option<f64>> = evidence.findings.iter().map(|f| f.score).collect();
    assert_eq!(scores, [Some(8.1), Some(4.0), None, None]);
    assert_eq!(
        evidence.findings[0]
            .rule
            .as_deref()
            .and_then(|r| r.help_uri.as_deref()),
        Some("https://example.test/r1")
    );
    assert_eq!(evidence.vulnerabilities.len(), 1);
    assert_eq!(evidence.vulnerabilities[0].cwes, ["CWE-79", "CWE-89"]);
}
