//! Benchmarks of the plugin host: cold compilation, loading from the cache,
//! per-evaluation instantiation, and evaluating 100k findings in the sandbox
//! against the same logic in native Rust.
//!
//! Run with `cargo bench -p verdict-host`. A plain timing loop rather than
//! criterion: the figures are milliseconds, and medians over a few runs are
//! what we compare.

#![expect(clippy::print_stdout, reason = "a benchmark reports on stdout")]
#![expect(clippy::unwrap_used, reason = "a benchmark fails loudly")]

use std::sync::Arc;
use std::time::{Duration, Instant};
use verdict_evidence::policy::{Context, Outcome, Violation};
use verdict_evidence::{Evidence, Finding, Location, Severity};
use verdict_host::{Host, HostConfig, Limits};

fn main() {
    let code_scanning = verdict_builtins::find("code-scanning").unwrap().wasm;
    let guests = verdict_builtins::testing_guests_dir();
    let clock = fs_err::read(guests.join("verdict_testing_clock.wasm")).unwrap();
    let echo = fs_err::read(guests.join("verdict_testing_echo.wasm")).unwrap();

    let uncached = Host::new(&HostConfig {
        cache_dir: None,
        cache_key_file: None,
        cache: false,
    })
    .unwrap();
    report("cold load of code-scanning (compile + describe)", 5, || {
        uncached.load(code_scanning).unwrap();
    });

    // A first run's plugin preparation: every built-in compiled into an
    // empty cache, one after another (each compile uses both cores); then a
    // second run, which must compile nothing.
    report(
        "first run: compile every built-in into an empty cache",
        1,
        || {
            let dir = tempfile::tempdir().unwrap();
            let config = HostConfig {
                cache_dir: Some(dir.path().join("cache")),
                cache_key_file: Some(dir.path().join("state/cache.key")),
                cache: true,
            };
            let host = Host::new(&config).unwrap();
            for builtin in verdict_builtins::all() {
                assert!(!host.load(builtin.wasm).unwrap().from_cache);
            }
            let host = Host::new(&config).unwrap();
            let started = Instant::now();
            for builtin in verdict_builtins::all() {
                assert!(
                    host.load(builtin.wasm).unwrap().from_cache,
                    "a second run compiled `{}`",
                    builtin.name
                );
            }
            println!(
                "  second run: {} built-ins from the cache, none compiled, in {:.2?}",
                verdict_builtins::all().len(),
                started.elapsed()
            );
        },
    );

    let dir = tempfile::tempdir().unwrap();
    let cached = HostConfig {
        cache_dir: Some(dir.path().join("cache")),
        cache_key_file: Some(dir.path().join("state/cache.key")),
        cache: true,
    };
    Host::new(&cached).unwrap().load(code_scanning).unwrap();
    report(
        "cached load of code-scanning (new host, deserialize + describe)",
        20,
        || {
            let policy = Host::new(&cached).unwrap().load(code_scanning).unwrap();
            assert!(policy.from_cache);
        },
    );

    let context = Context {
        now: "2024-06-01T12:00:00Z".into(),
        now_unix: 1_717_243_200,
        ..Context::default()
    };
    // 100k violations are about 27 MB as lifted, over the default outcome limit.
    let limits = Limits {
        time: Duration::from_secs(60),
        outcome_bytes: 256 << 20,
        ..Limits::default()
    };
    let config = serde_json::json!({});
    let empty = Arc::new(Evidence::default());
    // Evaluations run on plugins from a cache kept under the target
    // directory, so that a profile of a rerun shows no compilation.
    let tmp = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let warm = Host::new(&HostConfig {
        cache_dir: Some(tmp.join("verdict-host-bench-cache")),
        cache_key_file: Some(tmp.join("verdict-host-bench-cache-key/cache.key")),
        cache: true,
    })
    .unwrap();
    let clock = warm.load(&clock).unwrap();
    report("instantiate + trivial evaluate (clock guest)", 200, || {
        clock
            .evaluate("clock", &config, &context, &empty, &limits, &mut Vec::new())
            .unwrap();
    });

    let evidence = Arc::new(findings(100_000));
    let echo = warm.load(&echo).unwrap();
    let sandboxed = report("echo over 100k findings, sandboxed", 5, || {
        let mut violations = Vec::new();
        echo.evaluate(
            "echo",
            &config,
            &context,
            &evidence,
            &limits,
            &mut violations,
        )
        .unwrap();
        assert_eq!(violations.len(), 100_000);
    });
    let native = report("echo over 100k findings, native Rust", 5, || {
        assert_eq!(native_echo(&evidence).violations.len(), 100_000);
    });
    if !native.is_zero() {
        println!(
            "  sandbox overhead: {:.1}x native",
            sandboxed.as_secs_f64() / native.as_secs_f64()
        );
    }

    let scanning = warm.load(code_scanning).unwrap();
    report(
        "code-scanning over 100k findings (fail-on high), sandboxed",
        5,
        || {
            let mut violations = Vec::new();
            scanning
                .evaluate(
                    "code-scanning",
                    &config,
                    &context,
                    &evidence,
                    &limits,
                    &mut violations,
                )
                .unwrap();
            assert_eq!(violations.len(), 40_000);
        },
    );
}

/// `n` findings, one in five of each severity.
fn findings(n: usize) -> Evidence {
    let severities = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];
    let findings = (0..n)
        .map(|i| Finding {
            severity: severities[i % 5],
            message: format!("tainted input reaches a sink in handler {i}"),
            location: Some(Location::new(
                format!("src/module_{}.py", i % 500),
                Some((i % 900) as u32 + 1),
                None,
            )),
            fingerprint: format!("{i:064x}"),
            ..Finding::new(0, "semgrep", format!("python.rule-{}", i % 50))
        })
        .collect();
    Evidence {
        findings,
        ..Evidence::default()
    }
}

/// What the echo guest does, natively.
fn native_echo(evidence: &Evidence) -> Outcome {
    let violations = evidence
        .findings
        .iter()
        .map(|finding| Violation {
            rule: "echo".into(),
            message: finding.message.clone(),
            severity: finding.severity,
            location: finding.location.clone(),
            fingerprint: finding.fingerprint.clone(),
            control: None,
            scanner_rule: None,
            advisories: Vec::new(),
        })
        .collect();
    Outcome {
        violations,
        controls: Vec::new(),
        notes: Vec::new(),
    }
}

/// Runs `f` `runs` times after one warm-up and prints the median and the
/// fastest run; returns the median. With an argument (`cargo bench -p
/// verdict-host -- echo`), runs only what names it, and returns zero for the
/// rest.
fn report(name: &str, runs: usize, mut f: impl FnMut()) -> Duration {
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with("--"))
        .collect();
    if !only.is_empty() && !only.iter().any(|word| name.contains(word.as_str())) {
        return Duration::ZERO;
    }
    f();
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed()
        })
        .collect();
    times.sort();
    let median = times[runs / 2];
    println!(
        "{name}: median {median:.2?}, min {:.2?} ({runs} runs)",
        times[0]
    );
    median
}
