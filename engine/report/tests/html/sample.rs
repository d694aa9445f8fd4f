//! A rich verdict: every section of the report has something to show, and
//! every text field can be swapped for a hostile one.

use std::collections::BTreeMap;
use verdict_evidence::policy::{Context, ControlResult, ControlStatus, Event, Violation};
use verdict_evidence::{Kind, Location, NoticeKind, Severity, SkippedFile};
use verdict_gate::document::{
    AttestationRecord, AttestationStatus, BaselineRecord, GateFile, InputRecord, NoticeRecord,
    OverrideRecord, PolicyReport, Summary, Verdict, ViolationCounts, WaivedViolation, WaiverRecord,
    WaiverStatus,
};
use verdict_gate::{Decision, Enforcement};

/// Every text the sample shows comes through this function, so a test can
/// replace all of them at once.
pub type Text = fn(&str) -> String;

pub fn plain(text: &str) -> String {
    text.to_owned()
}

/// What someone who controls a pull request (or a plugin) would write into a
/// field that ends up in HTML: markup, attribute breakouts, event handlers,
/// script URLs, a template expression, an end of style/title, a comment,
/// bidi overrides. The field's own text stays first so tests can find it.
pub fn hostile(text: &str) -> String {
    format!(
        "{text}<script>alert('x')</script>\"><img src=x onerror=alert(1)>' onmouseover='alert(2)' \
         <a href=\"javascript:alert(3)\">j</a></style></title><!-- {{{{ x }}}} {{% if %}} \u{202e}&amp;"
    )
}

fn violation(
    t: Text,
    rule: &str,
    message: &str,
    severity: Severity,
    path: &str,
    line: u32,
) -> Violation {
    Violation {
        rule: t(rule),
        message: t(message),
        severity,
        location: Some(Location::new(t(path), Some(line), Some(line + 2))),
        fingerprint: t(&format!("{rule}:{path}:{line}")),
        control: None,
        scanner_rule: None,
        advisories: Vec::new(),
    }
}

fn policy(t: Text, id: &str, enforcement: Enforcement, decision: Decision) -> PolicyReport {
    PolicyReport {
        id: t(id),
        plugin: t(&format!("builtin:{id}")),
        plugin_sha256: t(&format!("{:x}", id.len()).repeat(64)[..64]),
        plugin_version: Some(t(&format!("{id} 0.3.1"))),
        enforcement,
        decision,
        violations: Vec::new(),
        counts: ViolationCounts::default(),
        waived: Vec::new(),
        overridden: false,
        effective_from: None,
        controls: Vec::new(),
        notes: Vec::new(),
        error: None,
        skipped: None,
        duration_ms: 0,
    }
}

fn counts(
    violations: &[Violation],
    total: u64,
    by_severity: &[(Severity, u64)],
) -> ViolationCounts {
    let mut by_rule = BTreeMap::new();
    for violation in violations {
        *by_rule.entry(violation.rule.clone()).or_insert(0) += 1;
    }
    if total > violations.len() as u64
        && let Some(first) = violations.first()
    {
        *by_rule.entry(first.rule.clone()).or_insert(0) += total - violations.len() as u64;
    }
    ViolationCounts {
        violations: total,
        elided: total - violations.len() as u64,
        by_rule,
        by_severity: by_severity.iter().copied().collect(),
        ..ViolationCounts::default()
    }
}

fn control(t: Text, id: &str, status: ControlStatus, evidence: &[&str]) -> ControlResult {
    ControlResult {
        control: t(id),
        status,
        evidence: evidence.iter().map(|e| t(e)).collect(),
    }
}

pub fn verdict(t: Text) -> Verdict {
    let mut hipaa = policy(t, "hipaa", Enforcement::Hard, Decision::Fail);
    hipaa.controls = vec![
        control(
            t,
            "hipaa-164.308(a)(1)(ii)(A)",
            ControlStatus::Attested,
            &[],
        ),
        control(
            t,
            "hipaa-164.308(a)(5)(ii)(B)",
            ControlStatus::Satisfied,
            &["vulnerabilities: 0 critical unwaived"],
        ),
        control(
            t,
            "hipaa-164.312(a)(2)(iv)",
            ControlStatus::Violated,
            &["secrets: 1 live credential in src/config.py"],
        ),
        control(
            t,
            "hipaa-164.312(b)",
            ControlStatus::Satisfied,
            &["audit logging enabled (terraform plan)"],
        ),
        control(
            t,
            "hipaa-164.312(c)(1)",
            ControlStatus::Satisfied,
            &["signed-commits: 14 of 14 verified"],
        ),
        control(
            t,
            "hipaa-164.308(a)(5)(ii)(A)",
            ControlStatus::NotAssessed,
            &[],
        ),
    ];
    hipaa.violations = vec![Violation {
        control: Some(t("hipaa-164.312(a)(2)(iv)")),
        ..violation(
            t,
            "control-violated",
            "a live AWS access key is committed in plain text",
            Severity::Critical,
            "src/config.py",
            12,
        )
    }];
    hipaa.counts = counts(&hipaa.violations, 1, &[(Severity::Critical, 1)]);

    let mut vulnerabilities = policy(t, "vulnerabilities", Enforcement::Hard, Decision::Fail);
    vulnerabilities.violations = vec![
        Violation {
            advisories: vec![t("GHSA-9wx4-h78v-vm56"), t("CVE-2024-35195")],
            ..violation(
                t,
                "fail-on",
                "`requests` 2.31.0 is affected by CVE-2024-35195 (fixed in 2.32.0)",
                Severity::High,
                "requirements.txt",
                4,
            )
        },
        Violation {
            advisories: vec![t("CVE-2023-45853")],
            ..violation(
                t,
                "fail-on",
                "`zlib1g` 1:1.2.13 is affected by CVE-2023-45853",
                Severity::Critical,
                "Dockerfile",
                1,
            )
        },
        violation(
            t,
            "max-age",
            "`lodash` 4.17.20 has had a fix for 412 days",
            Severity::Medium,
            "web/package-lock.json",
            2210,
        ),
    ];
    vulnerabilities.counts = counts(
        &vulnerabilities.violations,
        248,
        &[
            (Severity::Critical, 9),
            (Severity::High, 61),
            (Severity::Medium, 120),
            (Severity::Low, 58),
        ],
    );
    vulnerabilities.counts.baselined = 40;

    let mut code_scanning = policy(t, "code-scanning", Enforcement::Soft, Decision::Warn);
    code_scanning.overridden = true;
    code_scanning.violations = vec![
        Violation {
            scanner_rule: Some(t("python.django.security.injection.sql")),
            ..violation(
                t,
                "fail-on",
                "user input reaches a raw SQL query",
                Severity::High,
                "src/payments/views.py",
                88,
            )
        },
        violation(
            t,
            "fail-on",
            "subprocess call with shell=True",
            Severity::Medium,
            "src/ops/run.py",
            19,
        ),
        violation(
            t,
            "fail-on",
            "hard-coded temporary directory",
            Severity::Low,
            "src/ops/run.py",
            40,
        ),
    ];
    code_scanning.counts = counts(
        &code_scanning.violations,
        3,
        &[
            (Severity::High, 1),
            (Severity::Medium, 1),
            (Severity::Low, 1),
        ],
    );

    let mut secrets = policy(t, "secrets", Enforcement::Hard, Decision::Pass);
    let waived = violation(
        t,
        "secret",
        "a test fixture key (redacted: AKIA…XYZ)",
        Severity::High,
        "tests/fixtures/aws.json",
        3,
    );
    secrets.waived = vec![WaivedViolation {
        waiver: t("secrets-fixtures"),
        violation: waived,
    }];
    secrets.counts.waived = 2;

    let mut coverage = policy(t, "coverage", Enforcement::Hard, Decision::Warn);
    coverage.effective_from = Some(t("2027-01-15"));
    coverage.violations = vec![violation(
        t,
        "min-lines",
        "line coverage is 71.40%, below the minimum 80%",
        Severity::Medium,
        "src/payments/ledger.py",
        1,
    )];
    coverage.counts = counts(&coverage.violations, 1, &[(Severity::Medium, 1)]);
    coverage.notes = vec![t("branches 66.20% ≥ 60%")];

    let mut deploy_window = policy(t, "deploy-window", Enforcement::Hard, Decision::Skipped);
    deploy_window.skipped = Some(t(
        "not in scope for environment `staging` and branch `main`",
    ));
    let mut licenses = policy(t, "licenses", Enforcement::Advisory, Decision::Error);
    licenses.error = Some(t("policy `licenses`: exceeded its time limit of 2s"));

    let policies = vec![
        vulnerabilities,
        code_scanning,
        secrets,
        coverage,
        hipaa,
        licenses,
        deploy_window,
    ];
    let mut summary = Summary::of(&policies);
    summary.violations = policies.iter().map(|p| p.counts.violations).sum();
    Verdict {
        format: verdict_gate::document::FORMAT.into(),
        verdict_version: "0.4.0".into(),
        decision: Decision::Fail,
        context: Context {
            environment: Some(t("production")),
            branch: Some(t("feature/faster-refunds")),
            target_branch: Some(t("main")),
            event: Some(Event::PullRequest),
            version: Some(t("2.14.0")),
            now: t("2026-12-01T04:00:00Z"),
            now_unix: 1_796_097_600,
            tags: vec![t("v2.14.0-rc.1")],
            actor: Some(t("dana.reyes")),
            repository: Some(t("acme/payments")),
        },
        summary,
        inputs: vec![
            InputRecord {
                path: t("."),
                format: "git".into(),
                sha256: t("4f2c9a1e7b3d5f60812a9c4e6b7d8f9012345678"),
                tool: None,
                records: 31,
                kinds: vec![Kind::Commits, Kind::Changes, Kind::Tags],
            },
            InputRecord {
                path: t("reports/semgrep.sarif"),
                format: t("sarif"),
                sha256: t(&"c3".repeat(32)),
                tool: Some(t("Semgrep OSS 1.97.0")),
                records: 3,
                kinds: vec![Kind::Findings],
            },
            InputRecord {
                path: t("reports/trivy.json"),
                format: t("trivy"),
                sha256: t(&"7e".repeat(32)),
                tool: Some(t("Trivy 0.57.1")),
                records: 288,
                kinds: vec![Kind::Vulnerabilities, Kind::Secrets],
            },
            InputRecord {
                path: t("reports/coverage.lcov"),
                format: t("lcov"),
                sha256: t(&"a0".repeat(32)),
                tool: None,
                records: 142,
                kinds: vec![Kind::Coverage],
            },
        ],
        skipped_inputs: vec![SkippedFile {
            path: t("reports/README.txt"),
            reason: t("no format recognizes this file"),
        }],
        notices: vec![NoticeRecord {
            path: t("reports/trivy.json"),
            kind: NoticeKind::Warning,
            message: t("severity `MODERATE` mapped to medium"),
        }],
        errors: Vec::new(),
        policies,
        gate_files: vec![
            GateFile {
                role: t("gate"),
                path: t("verdict.toml"),
                sha256: t(&"11".repeat(32)),
            },
            GateFile {
                role: t("waivers"),
                path: t("verdict-waivers.toml"),
                sha256: t(&"22".repeat(32)),
            },
            GateFile {
                role: t("attestations"),
                path: t("attestations.toml"),
                sha256: t(&"33".repeat(32)),
            },
        ],
        waivers: vec![
            WaiverRecord {
                id: t("secrets-fixtures"),
                policy: t("secrets"),
                fingerprint: None,
                rule: None,
                advisory: None,
                path: Some(t("tests/fixtures/**")),
                reason: t("test keys for the AWS mock; not valid anywhere"),
                owner: t("platform-security@acme.example"),
                expires: t("2027-03-31"),
                status: WaiverStatus::Applied,
                matched: 2,
            },
            WaiverRecord {
                id: t("vulnerabilities#1"),
                policy: t("vulnerabilities"),
                fingerprint: None,
                rule: None,
                advisory: Some(t("CVE-2022-40897")),
                path: None,
                reason: t("setuptools only at build time"),
                owner: t("j.okafor"),
                expires: t("2026-10-31"),
                status: WaiverStatus::Expired,
                matched: 0,
            },
            WaiverRecord {
                id: t("code-scanning#1"),
                policy: t("code-scanning"),
                fingerprint: Some(t("9b1f0c")),
                rule: Some(t("fail-on")),
                advisory: None,
                path: None,
                reason: t("false positive: parameterised by the ORM"),
                owner: t("m.chen"),
                expires: t("2027-01-31"),
                status: WaiverStatus::Stale,
                matched: 0,
            },
        ],
        overrides: vec![OverrideRecord {
            policy: t("code-scanning"),
            reason: t("hotfix for INC-2291; findings tracked in SEC-812"),
            actor: t("dana.reyes"),
            applied: true,
            violations: 3,
        }],
        attestations: vec![
            AttestationRecord {
                control: t("hipaa-164.308(a)(1)(ii)(A)"),
                statement: t("Annual risk analysis completed and reviewed by the security officer"),
                by: t("Priya Natarajan, CISO"),
                date: t("2026-09-14"),
                evidence: Some(t("https://grc.acme.example/risk-analysis/2026")),
                expires: t("2027-09-13"),
                status: AttestationStatus::Valid,
            },
            AttestationRecord {
                control: t("hipaa-164.308(a)(5)(ii)(A)"),
                statement: t("Security awareness training for the workforce"),
                by: t("HR compliance"),
                date: t("2025-06-01"),
                evidence: Some(t("javascript:alert(document.domain)")),
                expires: t("2026-05-31"),
                status: AttestationStatus::Expired,
            },
        ],
        baseline: Some(BaselineRecord {
            path: t("verdict-baseline.json"),
            sha256: t(&"b4".repeat(32)),
            created: t("2026-09-01T00:00:00Z"),
            entries: 57,
            remaining: 40,
            fixed: 17,
            new: 212,
        }),
        coverage: Some(verdict_gate::document::CoverageSummary {
            lines_total: 4200,
            lines_covered: 2900,
            by_directory: vec![
                verdict_gate::document::DirectoryCoverage {
                    directory: t("src/payments"),
                    lines_total: 2400,
                    lines_covered: 2100,
                },
                verdict_gate::document::DirectoryCoverage {
                    directory: t("src/ops"),
                    lines_total: 1200,
                    lines_covered: 600,
                },
                verdict_gate::document::DirectoryCoverage {
                    directory: t("."),
                    lines_total: 600,
                    lines_covered: 200,
                },
            ],
        }),
    }
}
