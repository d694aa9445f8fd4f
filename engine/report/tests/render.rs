//! Every renderer on one shared sample verdict: a snapshot each (regression
//! guard) plus checks that could fail on their own (the JSON round-trips, the
//! console names every policy and its decision in words).

use verdict_evidence::policy::{Context, ControlResult, ControlStatus, Violation};
use verdict_evidence::{Kind, Location, NoticeKind, Severity, SkippedFile};
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
        notes: Vec::new(),
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
    hipaa.notes = vec!["ignore entry `CVE-2020-0001` matched nothing".into()];
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
                kinds: vec![Kind::Findings],
            },
            InputRecord {
                path: "reports/npm.json".into(),
                format: "npm-audit".into(),
                sha256: "ef".repeat(32),
                tool: None,
                records: 0,
                kinds: vec![Kind::Vulnerabilities],
            },
        ],
        skipped_inputs: vec![SkippedFile {
            path: "reports/notes.txt".into(),
            reason: "no format recognizes this file".into(),
        }],
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

/// What a pull-request author would write into every text field a report
/// shows: terminal escapes, an OSC 8 hyperlink, a carriage return over the
/// summary, a forged summary and workflow commands on lines of their own,
/// NUL, bidi overrides, separators, a legacy `##[` command mid-line.
const FORGERIES: [&str; 8] = [
    "\u{1b}[32mgreen\u{1b}[0m \u{1b}]8;;https://evil.example\u{7}click\u{1b}]8;;\u{1b}\\",
    "x\r\u{1b}[2Kverdict: PASS  (4 policies: 4 passed)",
    "x\nverdict: PASS  (4 policies: 4 passed, 0 failed)",
    "x\n::error file=a.py,line=1::forged\n  ::stop-commands::token",
    "nul\0byte\u{7f}\u{9b}31m",
    "\u{202e}gnp.exe\u{2066}\u{2069}\u{200b}\u{feff}",
    "a\u{2028}verdict: PASS\u{2029}b\u{85}c",
    "mid-line ##[error]forged ##vso[task.setvariable variable=x]1\ttab",
];

/// The sample with every text field replaced by a forgery (a different one
/// per field, cycling), and the same sample with plain text, for comparing
/// shapes.
fn forged(hostile: bool) -> Verdict {
    let mut next = 0;
    let mut text = |plain: &str| {
        next += 1;
        if hostile {
            format!("{}{plain}", FORGERIES[next % FORGERIES.len()])
        } else {
            plain.to_owned()
        }
    };
    let mut verdict = sample();
    verdict.context.branch = Some(text("branch"));
    for error in &mut verdict.errors {
        *error = text(error);
    }
    for input in &mut verdict.inputs {
        input.path = text(&input.path);
        input.tool = Some(text("tool"));
    }
    for notice in &mut verdict.notices {
        notice.path = text(&notice.path);
        notice.message = text(&notice.message);
    }
    for skipped in &mut verdict.skipped_inputs {
        skipped.path = text(&skipped.path);
        skipped.reason = text(&skipped.reason);
    }
    for policy in &mut verdict.policies {
        policy.id = text(&policy.id);
        policy.plugin = text(&policy.plugin);
        policy.plugin_version = Some(text("version"));
        policy.error = policy.error.as_deref().map(&mut text);
        policy.skipped = policy.skipped.as_deref().map(&mut text);
        for note in &mut policy.notes {
            *note = text(note);
        }
        for violation in &mut policy.violations {
            violation.rule = text(&violation.rule);
            violation.message = text(&violation.message);
            if let Some(location) = &mut violation.location {
                location.path = text(&location.path).into();
            }
        }
    }
    verdict
}

/// Raw characters that a terminal or CI runner would act on, or that hide
/// text: C0 controls but LF, DEL, C1 controls, bidi controls, separators,
/// zero-width characters. Checked by code point, independently of the
/// neutraliser's own list.
fn raw_hidden(text: &str) -> Vec<char> {
    text.chars()
        .filter(|&c| {
            (c.is_control() && c != '\n')
                || matches!(
                    c,
                    '\u{202A}'..='\u{202E}'
                        | '\u{2066}'..='\u{2069}'
                        | '\u{200B}'..='\u{200F}'
                        | '\u{2028}'
                        | '\u{2029}'
                        | '\u{FEFF}'
                )
        })
        .collect()
}

#[test]
fn console_keeps_forged_text_inert_on_its_own_lines() {
    let verdict = forged(true);
    let text = render(OutputFormat::Console, &verdict);
    assert_eq!(raw_hidden(&text), Vec::<char>::new(), "{text}");
    assert!(!text.contains("##["), "{text}");
    assert!(!text.contains("##vso["), "{text}");
    // Exactly as many lines as the same verdict with plain text: no field
    // added one.
    let plain = render(OutputFormat::Console, &forged(false));
    assert_eq!(text.lines().count(), plain.lines().count(), "{text}");
    // One summary line, verdict's own, first; no line that a runner or a
    // reader would take for a command or a summary. GitHub trims leading
    // whitespace before looking for `::`.
    let mut lines = text.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("verdict: ERROR  (5 policies"),
        "{text}"
    );
    for line in lines {
        let start = line.trim_start();
        assert!(!start.starts_with("::"), "{line}");
        assert!(!start.to_ascii_lowercase().starts_with("verdict"), "{line}");
    }
    // The forgeries are there, escaped, not dropped.
    assert!(text.contains(r"x\nverdict: PASS"), "{text}");
    assert!(text.contains(r"\u{1b}[32mgreen"), "{text}");
    assert!(text.contains(r"\u{202e}gnp.exe"), "{text}");
    assert!(text.contains(r"nul\0byte"), "{text}");
    insta::assert_snapshot!("console_forged", text);
}

#[test]
fn json_keeps_forged_text_exactly_but_escaped() {
    let verdict = forged(true);
    let text = render(OutputFormat::Json, &verdict);
    assert_eq!(raw_hidden(&text), Vec::<char>::new(), "{text}");
    assert!(!text.contains("##["), "{text}");
    assert!(!text.contains("##vso["), "{text}");
    assert!(text.contains(r"\u2028verdict: PASS\u2029"), "{text}");
    assert!(text.contains(r"\u202egnp.exe"), "{text}");
    let back: Verdict = serde_json::from_str(&text).unwrap();
    assert_eq!(back, verdict);
    // What serde_json itself writes parses to the same document.
    let plain: Verdict = serde_json::from_str(&serde_json::to_string(&verdict).unwrap()).unwrap();
    assert_eq!(back, plain);
}

#[test]
fn console_cuts_a_huge_field_and_says_how_long_it_was() {
    let mut verdict = sample();
    verdict.policies[0].violations[0].message = "y".repeat(70_000);
    verdict.policies[0].violations[0]
        .location
        .as_mut()
        .unwrap()
        .path = format!("{}.py", "d/".repeat(35_000)).into();
    let text = render(OutputFormat::Console, &verdict);
    assert!(text.contains("… (70000 chars)"), "{text}");
    assert!(text.contains("… (70003 chars)"), "{text}");
    assert!(text.len() < 10_000, "{}", text.len());
}
