//! Period reports over a real SQLite ledger written through the ledger's
//! API: a month of runs built from one template (decisions, times,
//! environments, controls, waivers, overrides and attestations varied), read
//! back as `verdict audit report` reads them, and rendered in every format,
//! also from hostile text, and in headless Chromium.
//!
//! `VERDICT_AUDIT_SCREENSHOT=FILE` keeps the screenshot of the sample (that
//! is how `docs/images/audit-report.png` is made); `VERDICT_AUDIT_HTML=FILE`
//! keeps the page.

#![allow(
    clippy::unwrap_used,
    reason = "tests fail loudly on any unexpected error"
)]

#[path = "support/browser.rs"]
mod browser;

use browser::run as chromium;
use serde_json::{Value, json};
use std::path::Path;
use verdict_gate::document::Verdict;
use verdict_ledger::{Filter, Ledger};
use verdict_report::audit::{
    AuditFormat, AuditInput, AuditRecord, AuditReport, Kinds, LedgerIntegrity, render_audit_string,
};

const SINCE: &str = "2026-11-01T00:00:00Z";
const UNTIL: &str = "2026-12-01T00:00:00Z";
/// 2026-11-01T10:00:00Z.
const NOV_1_10H: i64 = 1_793_527_200;

/// Strings of one run, so that a hostile sample can replace them all.
struct Texts {
    repository: [String; 2],
    branch: String,
    actor: String,
    environment: String,
    policy: String,
    rule: String,
    message: String,
    control: String,
    owner: String,
    reason: String,
    statement: String,
    evidence: String,
}

fn plain() -> Texts {
    Texts {
        repository: ["acme/api".into(), "acme/web".into()],
        branch: "main".into(),
        actor: "release-bot".into(),
        environment: "production".into(),
        policy: "vulnerabilities".into(),
        rule: "vulnerability".into(),
        message: "openssl 3.0.1 has CVE-2026-0001".into(),
        control: "hipaa-164.312(a)(1)".into(),
        owner: "security-team".into(),
        reason: "no fixed version yet; mitigated by the WAF".into(),
        statement: "Workforce security training completed".into(),
        evidence: "https://wiki.example/training-2026".into(),
    }
}

const HOSTILE: &str = "<script>alert(1)</script><img src=x onerror=alert(2)>\u{1b}[31m\u{202e}|`[x](http://evil.example)` @team\nverdict: PASS";

fn hostile() -> Texts {
    let h = |prefix: &str| format!("{prefix}{HOSTILE}");
    Texts {
        repository: [h("r1"), h("r2")],
        branch: h("b"),
        actor: h("a"),
        environment: h("e"),
        policy: h("p"),
        rule: h("rule"),
        message: h("m"),
        control: format!("hipaa-{HOSTILE}"),
        owner: h("o"),
        reason: h("why"),
        statement: h("s"),
        evidence: "javascript:alert(3)".into(),
    }
}

/// Fingerprints of the vulnerabilities of run `n` of `acme/api`: `fp-a`
/// always, `fp-b` until run 10 (fixed there), `fp-c` from run 20 (new there).
fn fingerprints(n: i64) -> Vec<(&'static str, &'static str)> {
    let mut list = vec![("fp-a", "high")];
    if n < 10 {
        list.push(("fp-b", "critical"));
    }
    if n >= 20 {
        list.push(("fp-c", "medium"));
    }
    list
}

/// Run `n` (0..30) on day `n + 1` of November 2026: even runs `acme/api`,
/// odd ones `acme/web` (clean); every third deploys to the environment; every
/// fifth fails and every seventh (not fifth) warns.
fn document(n: i64, t: &Texts) -> Verdict {
    let api = n % 2 == 0;
    let decision = if n % 5 == 0 {
        "fail"
    } else if n % 7 == 0 {
        "warn"
    } else {
        "pass"
    };
    let violations: Vec<Value> = if api {
        fingerprints(n)
            .into_iter()
            .map(|(fingerprint, severity)| {
                json!({"rule": t.rule, "message": t.message, "severity": severity,
                       "fingerprint": fingerprint, "advisories": ["CVE-2026-0001"]})
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut by_severity = std::collections::BTreeMap::<String, u64>::new();
    for violation in &violations {
        *by_severity
            .entry(violation["severity"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    let count = violations.len() as u64;
    let mut policies = vec![
        json!({
            "id": t.policy, "plugin": "builtin:vulnerabilities", "plugin_sha256": "ab",
            "enforcement": "hard", "decision": if count > 0 { "fail" } else { "pass" },
            "violations": violations,
            "counts": {"violations": count, "by_rule": if count > 0 { json!({t.rule.clone(): count}) } else { json!({}) },
                       "by_severity": by_severity},
            "duration_ms": 0,
        }),
        json!({
            "id": "hipaa", "plugin": "builtin:hipaa", "plugin_sha256": "cd",
            "enforcement": "soft", "decision": if n % 5 == 0 { "fail" } else { "pass" },
            "violations": [], "counts": {"violations": 0},
            "controls": [
                {"control": t.control, "status": if n % 5 == 0 { "violated" } else { "satisfied" },
                 "evidence": [format!("semgrep.sarif run {n}")]},
                {"control": "hipaa-164.308(a)(5)", "status": if n < 15 { "not-assessed" } else { "attested" }},
                {"control": "soc2-cc6.1", "status": "satisfied"},
            ],
            "overridden": n == 25,
            "duration_ms": 0,
        }),
    ];
    let deploy = n % 3 == 0;
    if deploy {
        policies.push(json!({
            "id": "approvals", "plugin": "builtin:reviews", "plugin_sha256": "ef",
            "enforcement": "hard", "decision": if n == 9 { "fail" } else { "pass" },
            "violations": if n == 9 { json!([{"rule": "approvals", "message": "1 approval of 2 required", "severity": "high", "fingerprint": "r9"}]) } else { json!([]) },
            "counts": {"violations": u64::from(n == 9)},
            "notes": ["2 approvals by code owners"],
            "duration_ms": 0,
        }));
    }
    let mut context = json!({
        "repository": t.repository[usize::from(!api)],
        "branch": t.branch,
        "actor": t.actor,
        "version": format!("1.{n}.0"),
        "now": format!("2026-11-{:02}T10:00:00Z", n + 1),
        "now_unix": NOV_1_10H + n * 86_400,
    });
    if deploy {
        context["environment"] = json!(t.environment);
    }
    let mut verdict = json!({
        "format": "verdict/v1",
        "verdict_version": "0.1.0",
        "decision": decision,
        "context": context,
        "summary": {"policies": 2, "passed": 1, "warned": 0, "failed": 1, "errored": 0, "skipped": 0, "violations": count},
        "inputs": [{"path": ".", "format": "git", "sha256": format!("{:040x}", 0xc0ffee + n), "records": 1}],
        "policies": policies,
        "waivers": [
            {"id": "w-soon", "policy": t.policy, "reason": t.reason, "owner": t.owner,
             "expires": "2026-12-15", "status": "applied", "matched": 1},
            {"id": "w-later", "policy": t.policy, "reason": "accepted risk", "owner": "cto",
             "expires": "2027-06-01", "status": "stale", "matched": 0},
        ],
        "attestations": [
            {"control": "hipaa-164.308(a)(5)", "statement": t.statement, "by": t.owner,
             "date": "2026-11-15", "evidence": t.evidence, "expires": "2026-12-20",
             "status": if n >= 14 { "valid" } else { "expired" }},
        ],
    });
    if n == 25 {
        verdict["overrides"] = json!([
            {"policy": "hipaa", "reason": t.reason, "actor": t.actor, "applied": true, "violations": 2}
        ]);
    }
    serde_json::from_value(verdict).expect("a verdict document")
}

/// A ledger with a run before the period and the month's 30 runs.
fn ledger(dir: &Path, texts: &Texts) -> String {
    let url = format!("sqlite:{}", dir.join("ledger.db").display());
    let mut ledger = Ledger::open(&url).expect("opens the ledger");
    let mut before = document(0, texts);
    before.context.now = "2026-10-31T10:00:00Z".into();
    before.context.now_unix = NOV_1_10H - 86_400;
    ledger.append(&before, None).expect("appends");
    let month: Vec<Verdict> = (0..30).map(|n| document(n, texts)).collect();
    ledger
        .append_batch(&month, None)
        .expect("appends the month");
    url
}

/// What `verdict audit report` does: the period's records and the verify
/// result, read through the ledger API.
fn input(url: &str, framework: Option<&str>) -> AuditInput {
    let mut ledger = Ledger::open_existing(url).expect("opens the ledger");
    let integrity = ledger.verify(None).expect("verifies");
    let records = ledger
        .records(&Filter {
            since: Some(SINCE.into()),
            until: Some(UNTIL.into()),
            ..Filter::default()
        })
        .expect("reads the period");
    AuditInput {
        ledger: url.to_owned(),
        since: SINCE.into(),
        until: UNTIL.into(),
        records: records
            .into_iter()
            .map(|record| AuditRecord {
                seq: record.entry.seq,
                hash: record.entry.hash,
                recorded_at: record.entry.recorded_at,
                commit: record.entry.commit,
                verdict: record.verdict,
            })
            .collect(),
        integrity: LedgerIntegrity {
            intact: integrity.problem.is_none(),
            records: integrity.records,
            head_hash: integrity.head,
            signatures_checked: integrity.signatures_checked,
            problem_seq: integrity.problem.as_ref().map(|problem| problem.seq),
            problem: integrity
                .problem
                .map(|p| format!("record {} {}: {}", p.seq, p.kind.as_str(), p.detail)),
        },
        framework: framework.map(str::to_owned),
        repository: None,
        environment: None,
        kinds: Kinds::ALL,
    }
}

fn sample(framework: Option<&str>) -> (tempfile::TempDir, AuditReport) {
    let dir = tempfile::tempdir().unwrap();
    let url = ledger(dir.path(), &plain());
    let report = AuditReport::build(&input(&url, framework));
    (dir, report)
}

#[test]
fn the_security_summary_counts_the_period_only() {
    let (_dir, report) = sample(Some("hipaa"));
    assert_eq!(report.runs, 30, "the October run is outside the period");
    assert_eq!(report.seq_range, Some((2, 31)));
    // Fail: n % 5 == 0 (6 runs); warn: n % 7 == 0 and not % 5 (7, 14, 21, 28).
    assert_eq!(
        (
            report.decisions.fail,
            report.decisions.warn,
            report.decisions.pass
        ),
        (6, 4, 20)
    );
    let security = report.security.as_ref().unwrap();
    assert_eq!(security.decisions.len(), 30, "one bar per day of November");
    assert_eq!(security.decisions[0].bucket, "2026-11-01");
    assert_eq!(security.decisions[0].decisions.fail, 1);
    assert_eq!(security.decisions[7].decisions.warn, 1);
    assert_eq!(security.decisions[29].bucket, "2026-11-30");
    // The vulnerabilities policy fails on every acme/api run (15), with
    // 2 + 1 + 2 violations per third of them: 5 × 2 + 5 × 1 + 5 × 2.
    let top = &security.top_policies[0];
    assert_eq!(
        (top.policy.as_str(), top.failed_runs, top.violations),
        ("vulnerabilities", 15, 25)
    );
    assert_eq!(security.top_policies[1].policy, "hipaa");
    assert_eq!(security.top_policies[1].failed_runs, 6);
    let rule = &security.top_rules[0];
    assert_eq!(
        (rule.rule.as_str(), rule.violations, rule.runs),
        ("vulnerability", 25, 15)
    );
    // On acme/api fp-b disappears at run 10 and fp-c appears at run 20; on
    // acme/web the approvals violation of run 9 appears and goes.
    let findings = &security.findings;
    assert_eq!(
        (findings.new, findings.fixed, findings.partial),
        (2, 2, false)
    );
    let api = findings
        .streams
        .iter()
        .find(|s| s.repository.as_deref() == Some("acme/api"))
        .unwrap();
    assert_eq!((api.runs, api.new, api.fixed, api.open), (15, 1, 1, 2));
    let web = findings
        .streams
        .iter()
        .find(|s| s.repository.as_deref() == Some("acme/web"))
        .unwrap();
    assert_eq!((web.runs, web.new, web.fixed, web.open), (15, 1, 1, 0));
    let latest: Vec<(&str, u64)> = findings
        .latest_new
        .iter()
        .map(|f| (f.fingerprint.as_str(), f.seq))
        .collect();
    assert_eq!(
        latest,
        [("fp-c", 22), ("r9", 11)],
        "newest first; run n is record n + 2"
    );
    // Open vulnerabilities per day: acme/api's, carried over the days it
    // did not run; acme/web has none.
    let day = |d: usize| &security.vulnerabilities[d].counts;
    use verdict_evidence::Severity::*;
    assert_eq!(
        (day(0).get(&Critical), day(0).get(&High)),
        (Some(&1), Some(&1))
    );
    assert_eq!(day(1), day(0), "no acme/api run on the 2nd");
    assert_eq!(
        (day(10).get(&Critical), day(10).get(&High)),
        (None, Some(&1)),
        "fp-b fixed"
    );
    assert_eq!(day(21).get(&Medium), Some(&1), "fp-c new");
    // w-soon expires 2026-12-15, within 30 days of the 30th; w-later does not.
    let expiring: Vec<&str> = security
        .expiring_waivers
        .iter()
        .map(|w| w.id.as_str())
        .collect();
    assert_eq!(expiring, ["w-soon", "w-soon"], "one per repository");
    assert_eq!(security.expiring_waivers[0].matched, 15);
    assert_eq!(security.expiring_waivers[0].owner, "security-team");
}

#[test]
fn the_compliance_audit_rests_each_control_on_its_runs() {
    let (_dir, report) = sample(Some("hipaa"));
    assert!(report.integrity.verify.intact);
    assert_eq!(report.integrity.verify.records, 31);
    let compliance = report.compliance.as_ref().unwrap();
    let ids: Vec<&str> = compliance
        .controls
        .iter()
        .map(|c| c.control.as_str())
        .collect();
    assert_eq!(
        ids,
        ["hipaa-164.308(a)(5)", "hipaa-164.312(a)(1)"],
        "soc2 is another framework"
    );
    let access = &compliance.controls[1];
    assert_eq!((access.satisfied, access.violated), (24, 6));
    assert_eq!(
        access.latest,
        verdict_evidence::policy::ControlStatus::Satisfied
    );
    assert_eq!(access.runs.len(), 20);
    assert_eq!(access.runs_not_listed, 10);
    let newest = &access.runs[0];
    assert_eq!(newest.seq, 31);
    assert_eq!(newest.hash.len(), 64);
    assert_eq!(newest.evidence, ["semgrep.sarif run 29"]);
    let training = &compliance.controls[0];
    assert_eq!((training.not_assessed, training.attested), (15, 15));
    assert_eq!(compliance.attestations.len(), 2, "one per repository");
    assert!(compliance.attestations.iter().all(|a| a.expiring));
    assert_eq!(compliance.overrides.len(), 1);
    assert_eq!(compliance.overrides[0].seq, 27);
    assert_eq!(compliance.overrides[0].actor, "release-bot");
    assert_eq!(compliance.waivers.len(), 4);
    // Without a framework every control is in.
    let (_dir, all) = sample(None);
    assert_eq!(all.compliance.unwrap().controls.len(), 3);
}

#[test]
fn the_deployment_log_has_every_run_with_an_environment() {
    let (_dir, report) = sample(None);
    let log = report.deployments.as_ref().unwrap();
    let runs: Vec<u64> = log.iter().map(|d| d.seq).collect();
    // n % 3 == 0 → records n + 2.
    assert_eq!(runs, [2, 5, 8, 11, 14, 17, 20, 23, 26, 29]);
    let n9 = &log[3];
    assert_eq!(n9.version.as_deref(), Some("1.9.0"));
    let approvals = n9.approvals.as_ref().unwrap();
    assert_eq!(approvals.decision, verdict_gate::Decision::Fail);
    assert_eq!(
        approvals.detail,
        ["2 approvals by code owners", "1 approval of 2 required"]
    );
    assert!(log.iter().all(|d| !d.overridden), "run 25 deploys nowhere");
    assert_eq!(
        log[0].commit.as_deref(),
        Some(format!("{:040x}", 0xc0ffee).as_str())
    );
}

#[test]
fn every_format_renders_the_same_report_the_same_way_twice() {
    let dir = tempfile::tempdir().unwrap();
    let url = ledger(dir.path(), &plain());
    for format in [AuditFormat::Html, AuditFormat::Markdown, AuditFormat::Json] {
        let once = render_audit_string(format, &AuditReport::build(&input(&url, Some("hipaa"))));
        let twice = render_audit_string(format, &AuditReport::build(&input(&url, Some("hipaa"))));
        assert_eq!(once, twice, "{format:?}");
        assert!(once.ends_with('\n'));
    }
    let report = AuditReport::build(&input(&url, Some("hipaa")));
    let html = render_audit_string(AuditFormat::Html, &report);
    assert!(html.contains(
        "Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'"
    ));
    assert!(html.contains("@media print"));
    assert_eq!(
        html.matches("<svg ").count(),
        4,
        "decisions, vulnerabilities, rules, controls"
    );
    assert!(html.contains(">INTACT<"));
    assert!(html.contains(&report.integrity.verify.head_hash));
    let md = render_audit_string(AuditFormat::Markdown, &report);
    assert!(md.contains("| 2026-11-01 | 0 | 0 | 1 | 0 | 0 |"), "{md}");
    let json: Value =
        serde_json::from_str(&render_audit_string(AuditFormat::Json, &report)).unwrap();
    assert_eq!(json["format"], "verdict-audit/v1");
    assert_eq!(json["integrity"]["intact"], true);
    assert_eq!(json["security"]["findings"]["new"], 2);
    assert_eq!(json["deployments"].as_array().unwrap().len(), 10);
}

#[test]
fn a_tampered_ledger_is_reported_with_the_record_in_the_period() {
    let dir = tempfile::tempdir().unwrap();
    let url = ledger(dir.path(), &plain());
    delete_record_5(&url);
    let report = AuditReport::build(&input(&url, None));
    assert!(!report.integrity.verify.intact);
    assert!(report.integrity.problem_in_period);
    let problem = report.integrity.verify.problem.as_deref().unwrap();
    assert!(problem.starts_with("record 5 "), "{problem}");
    let html = render_audit_string(AuditFormat::Html, &report);
    assert!(html.contains(">TAMPERED<"));
    assert!(html.contains("The problem lies within this period"));
}

/// Deletes record 5 from the ledger's SQLite file behind the ledger's back.
fn delete_record_5(url: &str) {
    let connection = rusqlite::Connection::open(url.strip_prefix("sqlite:").unwrap()).unwrap();
    connection
        .execute_batch("DELETE FROM records WHERE seq = 5")
        .unwrap();
}

fn hostile_report() -> (tempfile::TempDir, AuditReport) {
    let dir = tempfile::tempdir().unwrap();
    let url = ledger(dir.path(), &hostile());
    let mut input = input(&url, Some("hipaa"));
    input.repository = Some(format!("r{HOSTILE}"));
    input.framework = Some(format!("hipaa{HOSTILE}"));
    // The framework filter then matches nothing: keep hipaa for the figures.
    let mut report = AuditReport::build(&AuditInput {
        framework: Some("hipaa".into()),
        ..input.clone()
    });
    report.framework = input.framework.clone();
    report.repository = input.repository.clone();
    (dir, report)
}

#[test]
fn hostile_text_stays_text_in_every_format() {
    let (_dir, report) = hostile_report();
    assert_eq!(report.compliance.as_ref().unwrap().controls.len(), 2);
    let html = render_audit_string(AuditFormat::Html, &report);
    for raw in [
        "<script",
        "<img",
        "\u{1b}",
        "\u{202e}",
        "\nverdict: PASS",
        "href=\"javascript",
        "javascript:alert(3)</a>",
    ] {
        assert!(!html.contains(raw), "HTML holds {raw:?}");
    }
    assert!(html.contains("&#60;script&#62;alert(1)&#60;/script&#62;"));
    assert!(html.contains(r"\u{1b}[31m\u{202e}"));
    assert_eq!(
        html.matches("<a ").count(),
        2,
        "only the report's own links to its controls"
    );
    let md = render_audit_string(AuditFormat::Markdown, &report);
    for raw in [
        "<script",
        "<img",
        "\u{1b}",
        "\u{202e}",
        "](http",
        " @team",
        "\nverdict: PASS",
    ] {
        assert!(!md.contains(raw), "Markdown holds {raw:?}");
    }
    // A hostile `|` never adds a column: every row has its header's cells.
    let mut columns = 0;
    for line in md.lines() {
        let cells = line.replace("\\|", "").matches('|').count();
        if line.starts_with("| ") && cells > 0 && !line.starts_with("|---") {
            if columns == 0 {
                columns = cells;
            }
            assert_eq!(cells, columns, "{line}");
        } else {
            columns = 0;
        }
    }
    let json = render_audit_string(AuditFormat::Json, &report);
    assert!(!json.contains('\u{1b}') && !json.contains('\u{202e}'));
    let value: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        value["repository"],
        format!("r{HOSTILE}"),
        "JSON keeps the exact text"
    );
    assert_eq!(value["deployments"][0]["actor"], format!("a{HOSTILE}"));
}

#[test]
fn chromium_renders_the_period_report_and_builds_no_injected_element() {
    let dir = tempfile::tempdir().unwrap();
    let (_ledger, report) = sample(Some("hipaa"));
    let page = dir.path().join("audit.html");
    fs_err::write(&page, render_audit_string(AuditFormat::Html, &report)).unwrap();
    let screenshot = dir.path().join("audit.png");
    chromium(
        &page,
        &dir.path().join("profile"),
        &[
            format!("--screenshot={}", screenshot.display()),
            "--window-size=1280,2000".into(),
        ],
    );
    let bytes = fs_err::read(&screenshot).expect("chromium wrote the screenshot");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let size = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    assert_eq!((size(16), size(20)), (1280, 2000));
    assert!(
        bytes.len() > 100_000,
        "a {}-byte screenshot is nearly blank",
        bytes.len()
    );
    if let Some(keep) = std::env::var_os("VERDICT_AUDIT_HTML") {
        fs_err::copy(&page, keep).unwrap();
    }
    if let Some(keep) = std::env::var_os("VERDICT_AUDIT_SCREENSHOT") {
        fs_err::copy(&screenshot, keep).unwrap();
    }
    // The hostile page: the DOM the browser built has only the report's
    // own elements.
    let (_ledger, report) = hostile_report();
    fs_err::write(&page, render_audit_string(AuditFormat::Html, &report)).unwrap();
    let output = chromium(&page, &dir.path().join("profile2"), &["--dump-dom".into()]);
    let dom = String::from_utf8(output.stdout).unwrap();
    assert!(dom.contains("Deployment log"), "not the report");
    for raw in ["<script", "<img", "onerror=\"", "<a href=\"http"] {
        assert!(!dom.contains(raw), "the DOM holds {raw:?}");
    }
    assert!(dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
}
