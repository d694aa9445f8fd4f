//! A period report over a large SQLite ledger: how long reading the records,
//! building the report and rendering each format take, and the peak memory.
//! Not a criterion bench: one run at the ledger's size.
//!
//! ```text
//! cargo bench -p verdict-report --bench audit
//! ```
//!
//! `AUDIT_BENCH_RECORDS` (default 100000) runs, spread over 30 days, 20
//! repositories, 3 environments; the ledger is kept in
//! `target/tmp/audit-bench-N.db` and reused when it already has N records
//! (so `verdict audit report` can be timed on it too). Figures go to
//! `bench/README.md`.

#![expect(clippy::print_stdout, reason = "the figures are the output")]

use std::time::Instant;
use verdict_gate::document::Verdict;
use verdict_ledger::{Filter, Ledger};
use verdict_report::audit::{
    AuditFormat, AuditInput, AuditRecord, AuditReport, Kinds, LedgerIntegrity, render_audit,
};

const NOV_1: i64 = 1_793_491_200;

fn main() {
    let records: i64 = std::env::var("AUDIT_BENCH_RECORDS")
        .ok()
        .map(|n| n.parse().expect("AUDIT_BENCH_RECORDS: a number"))
        .unwrap_or(100_000);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/tmp");
    fs_err::create_dir_all(&dir).expect("target/tmp");
    let path = dir.join(format!("audit-bench-{records}.db"));
    let url = format!("sqlite:{}", path.display());
    let bytes = serde_json::to_string(&document(0)).expect("json").len();
    println!("document: about {bytes} bytes of JSON");
    {
        let mut ledger = Ledger::open(&url).expect("open the ledger");
        let have = ledger.verify(None).expect("verify").records as i64;
        if have != records {
            assert_eq!(
                have,
                0,
                "{} holds {have} records: delete it",
                path.display()
            );
            let started = Instant::now();
            let mut n = 0;
            while n < records {
                let batch: Vec<Verdict> = (n..(n + 1000).min(records)).map(document).collect();
                ledger.append_batch(&batch, None).expect("append");
                n += batch.len() as i64;
            }
            println!(
                "filled {records} records in {:.1} s",
                started.elapsed().as_secs_f64()
            );
        }
    }
    let rss_before = peak_rss_kib();
    let started = Instant::now();
    let mut ledger = Ledger::open_existing(&url).expect("open");
    let integrity = ledger.verify(None).expect("verify");
    let verified = started.elapsed();
    let read_started = Instant::now();
    let rows = ledger
        .records(&Filter {
            since: Some("2026-11-01T00:00:00Z".into()),
            until: Some("2026-12-01T00:00:00Z".into()),
            ..Filter::default()
        })
        .expect("records");
    let read = read_started.elapsed();
    let rss_read = peak_rss_kib();
    let input = AuditInput {
        ledger: url.clone(),
        since: "2026-11-01T00:00:00Z".into(),
        until: "2026-12-01T00:00:00Z".into(),
        records: rows
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
            signatures_checked: false,
            problem: None,
            problem_seq: None,
        },
        framework: Some("hipaa".into()),
        repository: None,
        environment: None,
        kinds: Kinds::ALL,
    };
    let build_started = Instant::now();
    let report = AuditReport::build(&input);
    let built = build_started.elapsed();
    println!(
        "records: {} in the period; verify {:.2} s, read {:.2} s, build {:.2} s",
        report.runs,
        verified.as_secs_f64(),
        read.as_secs_f64(),
        built.as_secs_f64()
    );
    for (name, format) in [
        ("html", AuditFormat::Html),
        ("markdown", AuditFormat::Markdown),
        ("json", AuditFormat::Json),
    ] {
        let started = Instant::now();
        let mut out = Vec::new();
        render_audit(format, &report, &mut out).expect("render");
        println!(
            "render {name}: {:.2} s, {:.1} MiB",
            started.elapsed().as_secs_f64(),
            out.len() as f64 / 1_048_576.0
        );
    }
    println!(
        "peak RSS: {} MiB before reading, {} MiB after reading the records, {} MiB at the end",
        rss_before / 1024,
        rss_read / 1024,
        peak_rss_kib() / 1024
    );
}

/// The process's peak resident memory (VmHWM), in KiB.
fn peak_rss_kib() -> u64 {
    fs_err::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmHWM:"))
                .and_then(|value| value.trim().trim_end_matches(" kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// Run `n`: 20 repositories on `main`, a run every ~26 s of November, a
/// third deploying; a vulnerabilities policy with a handful of findings, a
/// HIPAA policy with 8 controls, a reviews policy on deploys, two waivers.
fn document(n: i64) -> Verdict {
    let repository = format!("acme/service-{:02}", n % 20);
    let environment = ["production", "staging", ""][(n % 3) as usize];
    let findings: Vec<serde_json::Value> = (0..(n % 7))
        .map(|k| {
            let severity = ["critical", "high", "medium", "low"][(k % 4) as usize];
            serde_json::json!({
                "rule": "vulnerability", "severity": severity,
                "message": format!("package-{k} 1.{k}.0 has CVE-2026-{:04}: remote code execution in the request parser", (n / 500 + k) % 9999),
                "fingerprint": format!("fp-{}-{k}", (n / 2000) % 5),
                "advisories": [format!("CVE-2026-{:04}", (n / 500 + k) % 9999)],
                "location": {"path": format!("services/{repository}/Cargo.lock")},
            })
        })
        .collect();
    let mut by_severity = std::collections::BTreeMap::<String, u64>::new();
    for finding in &findings {
        *by_severity
            .entry(finding["severity"].as_str().unwrap_or("high").to_owned())
            .or_default() += 1;
    }
    let controls: Vec<serde_json::Value> = (0..8)
        .map(|c| {
            let id = [
                "a)(1", "a)(2)(i", "a)(2)(iv", "b", "c)(1", "d", "e)(1", "e)(2)(ii",
            ][c];
            let status = if (n + c as i64) % 11 == 0 {
                "violated"
            } else {
                "satisfied"
            };
            serde_json::json!({
                "control": format!("hipaa-164.312({id})"),
                "status": status,
                "evidence": [format!("semgrep.sarif ({} findings mapped)", n % 5)],
            })
        })
        .collect();
    let mut policies = vec![
        serde_json::json!({
            "id": "vulnerabilities", "plugin": "builtin:vulnerabilities", "plugin_sha256": sha("a"),
            "enforcement": "hard", "decision": if findings.is_empty() { "pass" } else { "fail" },
            "violations": findings, "counts": {"violations": n % 7, "by_rule": {"vulnerability": n % 7}, "by_severity": by_severity},
            "duration_ms": 12,
        }),
        serde_json::json!({
            "id": "hipaa", "plugin": "builtin:hipaa", "plugin_sha256": sha("b"), "enforcement": "soft",
            "decision": "pass", "violations": [], "controls": controls, "duration_ms": 8,
        }),
    ];
    if !environment.is_empty() {
        policies.push(serde_json::json!({
            "id": "approvals", "plugin": "builtin:reviews", "plugin_sha256": sha("c"), "enforcement": "hard",
            "decision": "pass", "violations": [], "notes": ["2 approvals by code owners"], "duration_ms": 3,
        }));
    }
    let mut context = serde_json::json!({
        "repository": repository, "branch": "main", "actor": format!("dev-{}", n % 37),
        "version": format!("1.{}.{}", n / 1000, n % 1000), "event": "push",
        "now": chrono_like(NOV_1 + n * 2_592_000 / 100_000 + 1),
        "now_unix": NOV_1 + n * 2_592_000 / 100_000 + 1,
    });
    if !environment.is_empty() {
        context["environment"] = serde_json::json!(environment);
    }
    serde_json::from_value(serde_json::json!({
        "format": "verdict/v1", "verdict_version": "0.1.0",
        "decision": if n % 7 == 0 { "pass" } else { "fail" },
        "context": context,
        "summary": {"policies": 3, "passed": 2, "warned": 0, "failed": 1, "errored": 0, "skipped": 0, "violations": n % 7},
        "inputs": [
            {"path": ".", "format": "git", "sha256": format!("{:040x}", n), "records": 1},
            {"path": "trivy.json", "format": "trivy", "sha256": sha("d"), "records": 120},
            {"path": "semgrep.sarif", "format": "sarif", "sha256": sha("e"), "records": 40},
        ],
        "policies": policies,
        "waivers": [
            {"id": "w1", "policy": "vulnerabilities", "advisory": "CVE-2026-0001", "reason": "no fix upstream", "owner": "security", "expires": "2026-12-15", "status": "stale", "matched": 0},
            {"id": "w2", "policy": "vulnerabilities", "advisory": "CVE-2026-0002", "reason": "not reachable", "owner": "platform", "expires": "2027-03-01", "status": "stale", "matched": 0},
        ],
    }))
    .expect("a verdict document")
}

fn sha(digit: &str) -> String {
    digit.repeat(64)
}

/// RFC 3339 of a Unix time in November 2026 (the bench's month).
fn chrono_like(unix: i64) -> String {
    let seconds = unix - NOV_1;
    format!(
        "2026-11-{:02}T{:02}:{:02}:{:02}Z",
        seconds / 86_400 + 1,
        seconds % 86_400 / 3600,
        seconds % 3600 / 60,
        seconds % 60
    )
}
