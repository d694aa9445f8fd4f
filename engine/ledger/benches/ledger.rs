//! Append latency as the ledger grows, and verify and query rates, on SQLite
//! and PostgreSQL. Not a criterion bench: the ledger's size is the variable.
//!
//! ```text
//! VERDICT_TEST_POSTGRES_URL="$(.ci/postgres)" cargo bench -p verdict-ledger --bench ledger
//! ```
//!
//! `LEDGER_BENCH_SIZES` (default `0,10000,100000`) are the sizes at which
//! `LEDGER_BENCH_SAMPLES` (default 500) single appends are timed; the ledger
//! is filled between them with batches of 1000. `LEDGER_BENCH_BACKENDS`
//! (default `sqlite,postgres`) picks the stores. Figures go to
//! `bench/README.md`.

#![expect(clippy::print_stdout, reason = "the figures are the output")]

use std::time::{Duration, Instant};
use verdict_gate::document::Verdict;
use verdict_ledger::{Filter, Ledger};

fn main() {
    let sizes: Vec<u64> = env_list("LEDGER_BENCH_SIZES", "0,10000,100000")
        .iter()
        .map(|size| size.parse().expect("LEDGER_BENCH_SIZES: numbers"))
        .collect();
    let samples: u64 = std::env::var("LEDGER_BENCH_SAMPLES")
        .ok()
        .map(|n| n.parse().expect("LEDGER_BENCH_SAMPLES: a number"))
        .unwrap_or(500);
    let template = template();
    let document_bytes = serde_json::to_string(&template).expect("json").len();
    println!("document: {document_bytes} bytes of JSON, 6 policies, 5 inputs");
    for backend in env_list("LEDGER_BENCH_BACKENDS", "sqlite,postgres") {
        let store = Store::new(&backend);
        println!("\n## {backend}");
        bench(&store.url, &template, &sizes, samples);
    }
}

fn bench(url: &str, template: &Verdict, sizes: &[u64], samples: u64) {
    let mut ledger = Ledger::open(url).expect("open the ledger");
    let mut size = 0u64;
    println!("| records before | appends timed | p50 | p99 | max | fill rate (batches of 1000) |");
    println!("|---|---|---|---|---|---|");
    for &target in sizes {
        let fill_start = Instant::now();
        let filled_from = size;
        while size < target {
            let batch: Vec<Verdict> = (size..target.min(size + 1000))
                .map(|n| verdict(template, n))
                .collect();
            ledger.append_batch(&batch, None).expect("fill");
            size += batch.len() as u64;
        }
        let fill = rate(size - filled_from, fill_start.elapsed());
        let mut latencies: Vec<Duration> = (0..samples)
            .map(|_| {
                let document = verdict(template, size);
                let start = Instant::now();
                ledger.append(&document, None).expect("append");
                size += 1;
                start.elapsed()
            })
            .collect();
        latencies.sort();
        let percentile =
            |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
        println!(
            "| {target} | {samples} | {:.2} ms | {:.2} ms | {:.2} ms | {fill} |",
            millis(percentile(0.50)),
            millis(percentile(0.99)),
            millis(percentile(1.0)),
        );
    }
    let start = Instant::now();
    let integrity = ledger.verify(None).expect("verify");
    let elapsed = start.elapsed();
    assert!(integrity.problem.is_none(), "the bench ledger verifies");
    println!(
        "\nverify: {} records in {:.1} s = {} records",
        integrity.records,
        elapsed.as_secs_f64(),
        rate(integrity.records, elapsed)
    );
    let start = Instant::now();
    let listed = ledger
        .list(&Filter {
            repository: Some("acme/api".into()),
            environment: Some("production".into()),
            limit: Some(100),
            ..Filter::default()
        })
        .expect("list");
    println!(
        "list (repository + environment, newest 100): {} entries in {:.1} ms",
        listed.len(),
        millis(start.elapsed())
    );
    let start = Instant::now();
    let history = ledger
        .history("acme/api", Some("main"), Some("production"), 3)
        .expect("history");
    println!(
        "history (last 3 on a branch and environment): {} entries in {:.1} ms",
        history.len(),
        millis(start.elapsed())
    );
    // What `verdict check` reads as `history` evidence: the head, the
    // repository's newest 100 runs, and each one's per-policy results.
    let start = Instant::now();
    let (head_seq, _) = ledger.head().expect("head");
    let history = ledger
        .history("acme/api", None, None, 100)
        .expect("history");
    let policies: usize = history
        .iter()
        .filter(|entry| entry.seq <= head_seq)
        .map(|entry| ledger.policy_results(entry.seq).expect("policies").len())
        .sum();
    println!(
        "history evidence (head, newest 100 of a repository, per-policy results): {} runs, {policies} policy results in {:.1} ms",
        history.len(),
        millis(start.elapsed())
    );
    let since = chrono::DateTime::from_timestamp(START + (size as i64 / 2) * 60, 0).expect("time");
    let until = chrono::DateTime::from_timestamp(START + (size as i64 / 2 + 30 * 24 * 60) * 60, 0)
        .expect("time");
    let start = Instant::now();
    let records = ledger
        .records(&Filter {
            since: Some(since.to_rfc3339()),
            until: Some(until.to_rfc3339()),
            ..Filter::default()
        })
        .expect("records");
    println!(
        "records (documents parsed) over 30 days of runs: {} in {:.2} s",
        records.len(),
        start.elapsed().as_secs_f64()
    );
}

/// The first run's time; run n is n minutes later.
const START: i64 = 1_790_000_000;

fn verdict(template: &Verdict, n: u64) -> Verdict {
    let mut verdict = template.clone();
    let now_unix = START + n as i64 * 60;
    verdict.context.now_unix = now_unix;
    verdict.context.now = chrono::DateTime::from_timestamp(now_unix, 0)
        .expect("time")
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    verdict.context.version = Some(format!("1.{}.{}", n / 1000, n % 1000));
    verdict.context.repository = Some(format!(
        "acme/{}",
        ["api", "web", "worker", "infra"][(n % 4) as usize]
    ));
    verdict.context.environment = Some(["production", "staging"][(n % 2) as usize].to_owned());
    verdict.context.branch = Some(if n.is_multiple_of(3) {
        "main".to_owned()
    } else {
        format!("feature/{}", n % 97)
    });
    verdict
}

/// A realistic document: six policies, five inputs, a few violations.
fn template() -> Verdict {
    let policies: Vec<serde_json::Value> = ["vulnerabilities", "secrets", "code-scanning", "licenses", "coverage", "commits"]
        .iter()
        .enumerate()
        .map(|(index, id)| {
            let violations: Vec<serde_json::Value> = (0..index % 3)
                .map(|v| serde_json::json!({
                    "rule": format!("{id}-rule-{v}"),
                    "message": format!("CVE-2026-{v:04} in libexample {v}.2.3: upgrade to {v}.2.4 (fixed upstream)"),
                    "severity": "high",
                    "fingerprint": format!("{:064x}", index * 10 + v),
                    "location": {"path": format!("src/module_{v}.rs"), "start_line": 10 + v},
                }))
                .collect();
            serde_json::json!({
                "id": id, "plugin": format!("builtin:{id}"), "plugin_sha256": format!("{:064x}", index),
                "enforcement": "hard", "decision": if violations.is_empty() { "pass" } else { "fail" },
                "duration_ms": 3, "violations": violations,
            })
        })
        .collect();
    let inputs: Vec<serde_json::Value> = [
        "trivy.json",
        "gitleaks.json",
        "semgrep.sarif",
        "lcov.info",
        ".",
    ]
    .iter()
    .enumerate()
    .map(|(index, path)| {
        serde_json::json!({
            "path": path, "format": if *path == "." { "git" } else { "auto" },
            "sha256": format!("{:064x}", 1000 + index), "records": 42,
        })
    })
    .collect();
    serde_json::from_value(serde_json::json!({
        "format": "verdict/v1", "verdict_version": "0.1.0", "decision": "fail",
        "context": {"now": "2026-09-21T00:00:00Z", "now_unix": START, "event": "push", "actor": "ci-bot"},
        "summary": {"policies": 6, "passed": 2, "warned": 0, "failed": 4, "errored": 0, "skipped": 0, "violations": 6},
        "inputs": inputs, "policies": policies,
    }))
    .expect("a verdict document")
}

/// Where a bench ledger lives; removed at the end.
struct Store {
    url: String,
    cleanup: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

impl Store {
    fn new(backend: &str) -> Store {
        match backend {
            "sqlite" => {
                let dir = tempfile::tempdir_in(std::env::temp_dir()).expect("temp dir");
                Store {
                    url: format!("sqlite:{}", dir.path().join("ledger.db").display()),
                    cleanup: None,
                    _dir: Some(dir),
                }
            }
            "postgres" => {
                let admin = std::env::var("VERDICT_TEST_POSTGRES_URL")
                    .expect("VERDICT_TEST_POSTGRES_URL: run `export VERDICT_TEST_POSTGRES_URL=\"$(.ci/postgres)\"`");
                let database = format!("verdict_bench_{}", std::process::id());
                let mut client =
                    postgres::Client::connect(&admin, postgres::NoTls).expect("connect");
                client
                    .batch_execute(&format!("CREATE DATABASE {database}"))
                    .expect("create database");
                let base = admin.rsplit_once('/').expect("a database in the URL").0;
                Store {
                    url: format!("{base}/{database}"),
                    cleanup: Some((admin, database)),
                    _dir: None,
                }
            }
            other => panic!("unknown backend `{other}`: sqlite or postgres"),
        }
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        if let Some((admin, database)) = &self.cleanup
            && let Ok(mut client) = postgres::Client::connect(admin, postgres::NoTls)
        {
            let _ =
                client.batch_execute(&format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"));
        }
    }
}

fn env_list(name: &str, default: &str) -> Vec<String> {
    std::env::var(name)
        .unwrap_or_else(|_| default.to_owned())
        .split(',')
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect()
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn rate(count: u64, elapsed: Duration) -> String {
    if count == 0 {
        return "-".to_owned();
    }
    format!("{:.0}/s", count as f64 / elapsed.as_secs_f64())
}
