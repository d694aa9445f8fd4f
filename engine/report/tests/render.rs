//! Every renderer on one shared sample verdict: a snapshot each (regression
//! guard) plus checks that could fail on their own (the JSON round-trips, the
//! console names every policy and its decision in words).

use verdict_evidence::policy::{Context, ControlResult, ControlStatus, Violation};
use verdict_evidence::{Location, NoticeKind, Severity};
use verdict_gate::document::{InputRecord, NoticeRecord, PolicyReport, Summary, Verdict};
use verdict_gate::{Decision, Enforcement};
use verdict_report::{OutputFormat, render};

fn violation(rule: &str, message: &str, severity: Severity, line: Option<u32>) -> Violation {
    Violation {
        rule: rule.into(),
        message: message.into(),
        severity,
        location: line.map(|line| Location::new("src/app.py", Some(line), Some(line))),
        fingerprint: format!("{rule}-{}", line.unwrap_or(0)),
        control: None,
    }
}

fn policy(
    id: &str,
    enforcement: Enforcement,
    decision: Decision,
    violations: Vec<Violation>,
) -> PolicyReport {
    PolicyReport {
        id: id.into(),
        plugin: format!("builtin:{id}"),
        plugin_sha256: "ab".repeat(32),
        plugin_version: Some(format!("{id} 0.1.0")),
        enforcement,
        decision,
        violations,
        controls: Vec::new(),
        error: None,
        skipped: None,
        duration_ms: 0,
    }
}

/// The sample: one policy of each decision, a long message, twelve
/// violations (more than the console lists), a notice and a gate error.
fn sample() -> Verdict {
    let many: Vec<Violation> = (1..=12)
        .map(|line| {
            violation(
                "sql-injection",
                "user input reaches a SQL query",
                Severity::High,
                Some(line),
            )
        })
        .collect();
    let mut errored = policy("custom", Enforcement::Hard, Decision::Error, Vec::new());
    errored.error = Some("policy `custom`: exceeded its time limit of 2s".into());
    let mut skipped = policy(
        "deploy-window",
        Enforcement::Hard,
        Decision::Skipped,
        Vec::new(),
    );
    skipped.skipped = Some("not in scope for environment `staging` and branch `main`".into());
    let mut hipaa = policy("hipaa", Enforcement::Soft, Decision::Pass, Vec::new());
    hipaa.controls = vec![ControlResult {
        control: "hipaa-164.312(b)".into(),
        status: ControlStatus::Satisfied,
        evidence: vec!["audit-log.json".into()],
    }];
    let policies = vec![
        policy("code-scanning", Enforcement::Hard, Decision::Fail, many),
        policy(
            "vulnerabilities",
            Enforcement::Advisory,
            Decision::Warn,
            vec![violation(
                "vulnerability",
                &format!(
                    "`requests` 2.31.0 is affected by GHSA-9wx4-h78v-vm56: {}",
                    "x".repeat(200)
                ),
                Severity::Medium,
                None,
            )],
        ),
        hipaa,
        errored,
        skipped,
    ];
    Verdict {
        format: verdict_gate::document::FORMAT.into(),
        verdict_version: "0.1.0".into(),
        decision: Decision::Error,
        context: Context {
            environment: Some("staging".into()),
            branch: Some("main".into()),
            now: "2026-11-20T10:00:00Z".into(),
            now_unix: 1_795_168_800,
            ..Context::default()
        },
        summary: Summary::of(&policies),
        inputs: vec![
            InputRecord {
                path: "reports/semgrep.sarif".into(),
                format: "sarif".into(),
                sha256: "cd".repeat(32),
                tool: Some("Semgrep OSS".into()),
                records: 12,
            },
            InputRecord {
                path: "reports/npm.json".into(),
                format: "npm-audit".into(),
                sha256: "ef".repeat(32),
                tool: None,
                records: 0,
            },
        ],
        notices: vec![NoticeRecord {
            path: "reports/npm.json".into(),
            kind: NoticeKind::IncompleteScan,
            message: "npm audit did not run: ENOAUDIT".into(),
        }],
        errors: vec![
            "`reports/npm.json`: the scan did not complete: npm audit did not run: ENOAUDIT".into(),
        ],
        policies,
    }
}

#[test]
fn json_round_trips_to_the_same_verdict() {
    let verdict = sample();
    let text = render(OutputFormat::Json, &verdict);
    let back: Verdict = serde_json::from_str(&text).unwrap();
    assert_eq!(back, verdict);
    insta::assert_snapshot!("json", text);
}

#[test]
fn console_says_every_decision_in_words() {
    let text = render(OutputFormat::Console, &sample());
    assert!(text.starts_with("verdict: ERROR  (5 policies: 1 passed, 1 failed, 1 warned, 1 errored, 1 skipped; 13 violations)"), "{text}");
    for line in [
        "FAIL   code-scanning",
        "WARN   vulnerabilities",
        "ok     hipaa",
        "ERROR  custom",
        "skip   deploy-window",
    ] {
        assert!(text.contains(line), "missing `{line}` in\n{text}");
    }
    // Ten violations listed, then a count of the rest.
    assert_eq!(text.matches("user input reaches a SQL query").count(), 10);
    assert!(text.contains("… and 2 more (all in `--format json`)"));
    // Long messages are cut; the JSON keeps them whole.
    assert!(!text.contains(&"x".repeat(200)));
    assert!(text.contains("exceeded its time limit of 2s"));
    assert!(text.contains("notice: `reports/npm.json`: npm audit did not run: ENOAUDIT"));
    insta::assert_snapshot!("console", text);
}
