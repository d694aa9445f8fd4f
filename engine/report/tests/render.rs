//! Every renderer on one shared sample verdict: a snapshot each (regression
//! guard) plus checks that could fail on their own (the JSON round-trips, the
//! console names every policy and its decision in words, the SARIF output
//! validates against the official schema …). One module per format under
//! `render/`; the sample and the forgeries are here.

#[path = "render/github.rs"]
mod github;
#[path = "render/gitlab.rs"]
mod gitlab;
#[path = "render/junit.rs"]
mod junit;
#[path = "render/markdown.rs"]
mod markdown;
#[path = "render/sarif.rs"]
mod sarif;

use std::collections::BTreeMap;
use verdict_evidence::policy::{Context, ControlResult, ControlStatus, Violation};
use verdict_evidence::{Kind, Location, NoticeKind, Severity, SkippedFile};
use verdict_gate::document::{
    AttestationRecord, AttestationStatus, BaselineRecord, GateFile, InputRecord, NoticeRecord,
    OverrideRecord, PolicyReport, Summary, Verdict, ViolationCounts, WaivedViolation, WaiverRecord,
    WaiverStatus,
};
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
        scanner_rule: None,
        advisories: Vec::new(),
    }
}

fn policy(
    id: &str,
    enforcement: Enforcement,
    decision: Decision,
    violations: Vec<Violation>,
) -> PolicyReport {
    let mut counts = ViolationCounts {
        violations: violations.len() as u64,
        ..Default::default()
    };
    for violation in &violations {
        *counts.by_rule.entry(violation.rule.clone()).or_default() += 1;
        *counts.by_severity.entry(violation.severity).or_default() += 1;
    }
    PolicyReport {
        id: id.into(),
        plugin: format!("builtin:{id}"),
        plugin_sha256: "ab".repeat(32),
        plugin_version: Some(format!("{id} 0.1.0")),
        enforcement,
        decision,
        counts,
        violations,
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

/// The sample: one policy of each decision; twelve violations listed (more
/// than the console shows) of fifteen counted (three elided beyond the
/// detail limit), one waived and four in the baseline; a long message; an
/// overridden soft policy; a rule not in force yet; controls satisfied and
/// attested; waivers applied, stale and expired; an override, attestations
/// valid and expired, a baseline, a notice and a gate error.
fn sample() -> Verdict {
    let many: Vec<Violation> = (1..=12)
        .map(|line| {
            let mut violation = violation(
                "sql-injection",
                "user input reaches a SQL query",
                Severity::High,
                Some(line),
            );
            violation.scanner_rule = Some("python.sqli".into());
            violation
        })
        .collect();
    let mut scanning = policy("code-scanning", Enforcement::Hard, Decision::Fail, many);
    scanning.counts.violations = 15;
    scanning.counts.elided = 3;
    scanning.counts.by_rule = BTreeMap::from([("sql-injection".into(), 15)]);
    scanning.counts.by_severity = BTreeMap::from([(Severity::High, 15)]);
    scanning.counts.waived = 1;
    scanning.counts.baselined = 4;
    scanning.waived = vec![WaivedViolation {
        waiver: "legacy-sql".into(),
        violation: violation(
            "sql-injection",
            "user input reaches a SQL query in legacy code",
            Severity::Critical,
            Some(40),
        ),
    }];
    let mut vulnerability = violation(
        "vulnerability",
        &format!(
            "`requests` 2.31.0 is affected by GHSA-9wx4-h78v-vm56: {}",
            "x".repeat(200)
        ),
        Severity::Medium,
        None,
    );
    vulnerability.advisories = vec!["GHSA-9wx4-h78v-vm56".into(), "CVE-2024-35195".into()];
    let vulnerabilities = policy(
        "vulnerabilities",
        Enforcement::Advisory,
        Decision::Warn,
        vec![vulnerability],
    );
    let mut licenses = policy(
        "licenses",
        Enforcement::Soft,
        Decision::Warn,
        vec![violation(
            "license-denied",
            "`left-pad` is licensed GPL-3.0, which is denied",
            Severity::Low,
            None,
        )],
    );
    licenses.overridden = true;
    let mut secrets = policy(
        "secrets",
        Enforcement::Hard,
        Decision::Warn,
        vec![violation(
            "secret",
            "an AWS access key (AKIA…XYZW) is committed",
            Severity::Critical,
            Some(3),
        )],
    );
    secrets.effective_from = Some("2027-01-01".into());
    let mut coverage = policy("coverage", Enforcement::Hard, Decision::Pass, Vec::new());
    coverage.notes = vec!["lines 57.67% ≥ 50%".into()];
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
    hipaa.controls = vec![
        ControlResult {
            control: "hipaa-164.312(b)".into(),
            status: ControlStatus::Satisfied,
            evidence: vec!["audit-log.json".into()],
        },
        ControlResult {
            control: "hipaa-164.308(a)(1)(ii)(A)".into(),
            status: ControlStatus::Attested,
            evidence: vec!["risk analysis 2026 (attested by ciso@example.com)".into()],
        },
    ];
    let policies = vec![
        scanning,
        vulnerabilities,
        licenses,
        secrets,
        coverage,
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
        gate_files: vec![GateFile {
            role: "gate".into(),
            path: "verdict.toml".into(),
            sha256: "12".repeat(32),
        }],
        waivers: vec![
            waiver("legacy-sql", WaiverStatus::Applied, 1),
            waiver("old-cve", WaiverStatus::Stale, 0),
            waiver("tmp-exception", WaiverStatus::Expired, 0),
        ],
        overrides: vec![OverrideRecord {
            policy: "licenses".into(),
            reason: "legal approved GPL for the CLI (LEGAL-42)".into(),
            actor: "octocat".into(),
            applied: true,
            violations: 1,
        }],
        attestations: vec![
            AttestationRecord {
                control: "hipaa-164.308(a)(1)(ii)(A)".into(),
                statement: "annual risk analysis done".into(),
                by: "ciso@example.com".into(),
                date: "2026-03-01".into(),
                evidence: Some("https://wiki.example.com/risk-2026".into()),
                expires: "2027-03-01".into(),
                status: AttestationStatus::Valid,
            },
            AttestationRecord {
                control: "hipaa-164.308(a)(5)".into(),
                statement: "workforce training done".into(),
                by: "hr@example.com".into(),
                date: "2025-01-10".into(),
                evidence: None,
                expires: "2026-01-10".into(),
                status: AttestationStatus::Expired,
            },
        ],
        baseline: Some(BaselineRecord {
            path: ".verdict/baseline.json".into(),
            sha256: "34".repeat(32),
            created: "2026-10-01T00:00:00Z".into(),
            entries: 6,
            remaining: 4,
            fixed: 2,
            new: 15,
        }),
        coverage: None,
    }
}

fn waiver(id: &str, status: WaiverStatus, matched: u64) -> WaiverRecord {
    WaiverRecord {
        id: id.into(),
        policy: "code-scanning".into(),
        fingerprint: None,
        rule: Some("sql-injection".into()),
        advisory: None,
        path: Some("src/legacy/**".into()),
        reason: format!("{id}: accepted until the rewrite"),
        owner: "team-payments".into(),
        expires: "2026-12-31".into(),
        status,
        matched,
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
    assert!(text.starts_with("verdict: ERROR  (8 policies: 2 passed, 1 failed, 3 warned, 1 errored, 1 skipped; 18 violations, 1 waived, 4 in the baseline, 1 overridden)"), "{text}");
    for line in [
        "FAIL   code-scanning",
        "WARN   vulnerabilities",
        "ok     hipaa",
        "ERROR  custom",
        "skip   deploy-window",
    ] {
        assert!(text.contains(line), "missing `{line}` in\n{text}");
    }
    // Ten violations listed, then a count of the rest: two more listed in
    // the document, three only counted.
    assert_eq!(text.matches("user input reaches a SQL query  ").count(), 10);
    assert!(
        text.contains(
            "… and 5 more (3 counted by rule and severity only, beyond the detail limit)"
        ),
        "{text}"
    );
    // Waivers, baseline, overrides, rules not in force yet, attestations.
    for line in [
        "FAIL   code-scanning    hard      builtin:code-scanning    15 violations (1 waived, 4 in the baseline)",
        "         waived: 1 by `legacy-sql`",
        "WARN   licenses         soft      builtin:licenses         1 violation (overridden: warns)",
        "WARN   secrets          hard      builtin:secrets          1 violation (blocks from 2027-01-01)",
        "ok     coverage         hard      builtin:coverage         lines 57.67% ≥ 50%",
        "         controls: 1 attested, 1 satisfied",
        "  waiver: `old-cve` (code-scanning, owner team-payments): stale, matched nothing: remove it",
        "  waiver: `tmp-exception` (code-scanning, owner team-payments): expired on 2026-12-31: no longer applies",
        "override: `licenses` by octocat, 1 violation let through: legal approved GPL for the CLI (LEGAL-42)",
        "attestations: 2 (1 valid, 1 expired)",
        "  expired: `hipaa-164.308(a)(5)` by hr@example.com, expired on 2026-01-10: not assessed",
        "baseline: `.verdict/baseline.json`: 15 new, 4 remaining, 2 fixed (of 6 recorded 2026-10-01T00:00:00Z)",
    ] {
        assert!(text.contains(line), "missing `{line}` in\n{text}");
    }
    // Long messages are cut; the JSON keeps them whole.
    assert!(!text.contains(&"x".repeat(200)));
    assert!(text.contains("exceeded its time limit of 2s"));
    assert!(text.contains("notice: `reports/npm.json`: npm audit did not run: ENOAUDIT"));
    assert!(!text.contains('\u{1b}'), "no colour unless asked");
    insta::assert_snapshot!("console", text);
}

#[test]
fn console_colours_only_its_own_words_when_asked() {
    let options = verdict_report::RenderOptions { color: true };
    let text = verdict_report::render_with(OutputFormat::Console, &forged(true), &options);
    assert!(
        text.starts_with("verdict: \u{1b}[1;31mERROR\u{1b}[0m  (8 policies"),
        "{text}"
    );
    assert!(text.contains("  \u{1b}[1;31mFAIL \u{1b}[0m  "), "{text}");
    assert!(text.contains("  \u{1b}[32mok   \u{1b}[0m  "), "{text}");
    // Without the colour codes it is the plain output: the forged escapes
    // in the document stayed escaped.
    let stripped = text
        .replace("\u{1b}[1;31m", "")
        .replace("\u{1b}[32m", "")
        .replace("\u{1b}[33m", "")
        .replace("\u{1b}[2m", "")
        .replace("\u{1b}[0m", "");
    assert_eq!(stripped, render(OutputFormat::Console, &forged(true)));
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
    verdict.context.repository = Some(text("octo/repo"));
    verdict.context.environment = Some(text("staging"));
    for error in &mut verdict.errors {
        *error = text(error);
    }
    for input in &mut verdict.inputs {
        input.path = text(&input.path);
        input.format = text(&input.format);
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
    let forge_violation = |violation: &mut Violation, text: &mut dyn FnMut(&str) -> String| {
        violation.rule = text(&violation.rule);
        violation.message = text(&violation.message);
        violation.fingerprint = text(&violation.fingerprint);
        violation.scanner_rule = violation.scanner_rule.as_deref().map(&mut *text);
        for advisory in &mut violation.advisories {
            *advisory = text(advisory);
        }
        if let Some(location) = &mut violation.location {
            location.path = text(&location.path).into();
        }
    };
    for policy in &mut verdict.policies {
        policy.id = text(&policy.id);
        policy.plugin = text(&policy.plugin);
        policy.plugin_version = Some(text("version"));
        policy.error = policy.error.as_deref().map(&mut text);
        policy.skipped = policy.skipped.as_deref().map(&mut text);
        policy.effective_from = policy.effective_from.as_deref().map(&mut text);
        for note in &mut policy.notes {
            *note = text(note);
        }
        for violation in &mut policy.violations {
            forge_violation(violation, &mut text);
        }
        for waived in &mut policy.waived {
            waived.waiver = text(&waived.waiver);
            forge_violation(&mut waived.violation, &mut text);
        }
        policy.counts.by_rule = policy
            .counts
            .by_rule
            .iter()
            .map(|(rule, count)| (text(rule), *count))
            .collect();
        for control in &mut policy.controls {
            control.control = text(&control.control);
            for evidence in &mut control.evidence {
                *evidence = text(evidence);
            }
        }
    }
    for waiver in &mut verdict.waivers {
        waiver.id = text(&waiver.id);
        waiver.policy = text(&waiver.policy);
        waiver.reason = text(&waiver.reason);
        waiver.owner = text(&waiver.owner);
        waiver.expires = text(&waiver.expires);
    }
    for record in &mut verdict.overrides {
        record.policy = text(&record.policy);
        record.reason = text(&record.reason);
        record.actor = text(&record.actor);
    }
    for attestation in &mut verdict.attestations {
        attestation.control = text(&attestation.control);
        attestation.statement = text(&attestation.statement);
        attestation.by = text(&attestation.by);
        attestation.date = text(&attestation.date);
        attestation.expires = text(&attestation.expires);
        attestation.evidence = attestation.evidence.as_deref().map(&mut text);
    }
    if let Some(baseline) = &mut verdict.baseline {
        baseline.path = text(&baseline.path);
        baseline.created = text(&baseline.created);
    }
    for file in &mut verdict.gate_files {
        file.path = text(&file.path);
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
            .starts_with("verdict: ERROR  (8 policies"),
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

#[test]
#[ignore = "prints every format of the sample, for reviewing by eye"]
fn show() {
    for (id, format) in OutputFormat::ALL {
        if std::env::var("SHOW").is_ok_and(|want| want.split(',').any(|w| w == *id)) {
            println!("===== {id}\n{}", render(*format, &sample()));
            println!("===== {id} forged\n{}", render(*format, &forged(true)));
        }
    }
}

/// Prints how long each format takes on a large document (100,000 listed
/// violations over ten policies) and how much it writes: figures for the
/// report, not assertions. `cargo test --release -p verdict-report --test
/// render -- --ignored --nocapture large`.
#[test]
#[ignore = "a measurement, run by hand in release"]
fn large_document_figures() {
    let mut verdict = sample();
    for policy in verdict.policies.iter_mut().take(3) {
        policy.violations = (1..=33_334)
            .map(|line| {
                let mut v = violation(
                    "rule",
                    "a finding message of ordinary length, with a path",
                    Severity::High,
                    Some(line),
                );
                v.fingerprint = format!("{}-{line}", policy.id);
                v
            })
            .collect();
        policy.counts.violations = 33_334;
    }
    verdict.summary = Summary::of(&verdict.policies);
    for (id, format) in OutputFormat::ALL {
        let start = std::time::Instant::now();
        let mut sink = std::io::sink();
        let mut counter = Counter {
            bytes: 0,
            inner: &mut sink,
        };
        verdict_report::render_to(*format, &verdict, &Default::default(), &mut counter).unwrap();
        println!(
            "{id:<9} {:>8.1} ms {:>12} bytes",
            start.elapsed().as_secs_f64() * 1000.0,
            counter.bytes
        );
    }
}

struct Counter<'a> {
    bytes: usize,
    inner: &'a mut dyn std::io::Write,
}

impl std::io::Write for Counter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.bytes += buf.len();
        self.inner.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}
