//! Integration tests of the plugin host: the hostile guests of
//! `plugins/testing`, built-in policies, and the compiled-plugin cache.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};
use verdict_evidence::policy::{Context, ControlStatus, Outcome, Violation};
use verdict_evidence::{Evidence, FileCoverage, Finding, Kind, Location, Severity};
use verdict_host::{
    Host, HostConfig, HostError, HostErrorKind, Limits, PolicyPre, Subject, ViolationSink,
};

#[path = "host/table_bomb.rs"]
mod table_bomb;

/// Every guest in `plugins/testing` with a test below. A guest added there
/// without a test here fails `every_testing_guest_has_a_test`.
const TESTED_GUESTS: &[&str] = &[
    "clock",
    "echo",
    "env-read",
    "file-open",
    "flood",
    "forged-text",
    "huge-outcome",
    "memory-bomb",
    "returned",
    "schema-bomb",
    "spin",
    "trap",
    "undeclared-kind",
];

/// 2024-06-01T12:00:00Z.
const NOW_UNIX: i64 = 1_717_243_200;

/// One host for the whole test binary, caching compiled guests under the
/// cargo target directory so repeated runs skip compilation.
fn host() -> &'static Host {
    static HOST: OnceLock<Host> = OnceLock::new();
    HOST.get_or_init(|| {
        let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
        Host::new(&HostConfig {
            cache_dir: Some(tmp.join("verdict-host-cache")),
            cache_key_file: Some(tmp.join("verdict-host-cache-key/cache.key")),
            cache: true,
        })
        .expect("the host starts")
    })
}

fn guest_bytes(name: &str) -> Vec<u8> {
    let file = format!("verdict_testing_{}.wasm", name.replace('-', "_"));
    fs_err::read(verdict_builtins::testing_guests_dir().join(file))
        .expect("the test guests are built")
}

fn guest(name: &str) -> PolicyPre {
    host()
        .load(&guest_bytes(name))
        .expect("the test guest loads")
}

fn context() -> Context {
    Context {
        now: "2024-06-01T12:00:00Z".into(),
        now_unix: NOW_UNIX,
        branch: Some("main".into()),
        ..Context::default()
    }
}

fn test_limits() -> Limits {
    Limits {
        time: Duration::from_millis(500),
        ..Limits::default()
    }
}

fn evaluate(
    policy: &PolicyPre,
    config: serde_json::Value,
    evidence: Evidence,
) -> Result<Outcome, HostError> {
    let id = policy.descriptor.name.clone();
    evaluate_with(policy, &id, &config, &Arc::new(evidence), &test_limits())
}

/// Evaluates with every violation collected back into the outcome.
fn evaluate_with(
    policy: &PolicyPre,
    id: &str,
    config: &serde_json::Value,
    evidence: &Arc<Evidence>,
    limits: &Limits,
) -> Result<Outcome, HostError> {
    let mut violations = Vec::new();
    let mut outcome = policy.evaluate(id, config, &context(), evidence, limits, &mut violations)?;
    assert!(outcome.violations.is_empty(), "the host keeps no violation");
    outcome.violations = violations;
    Ok(outcome)
}

fn no_config() -> serde_json::Value {
    serde_json::json!({})
}

/// The message of the only violation.
fn only_message(outcome: &Outcome) -> &str {
    assert_eq!(outcome.violations.len(), 1, "{outcome:?}");
    &outcome.violations[0].message
}

fn finding(rule: &str, severity: Severity, suppressed: bool) -> Finding {
    Finding {
        severity,
        suppressed,
        message: format!("{rule} found"),
        location: Some(Location::new("src/app.py", Some(7), Some(7))),
        fingerprint: format!("fp-{rule}"),
        ..Finding::new(0, "semgrep", rule)
    }
}

#[test]
fn every_testing_guest_has_a_test() {
    let testing = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../plugins/testing");
    let mut guests: Vec<String> = fs_err::read_dir(&testing)
        .unwrap()
        .map(|entry| entry.unwrap())
        .filter(|entry| entry.path().join("Cargo.toml").exists())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    guests.sort();
    for guest in &guests {
        assert!(
            TESTED_GUESTS.contains(&guest.as_str()),
            "guest `{guest}` in plugins/testing has no host test"
        );
    }
    assert_eq!(
        guests, TESTED_GUESTS,
        "TESTED_GUESTS lists a guest that no longer exists"
    );
}

#[test]
fn spin_is_stopped_at_the_time_limit() {
    let policy = guest("spin");
    let started = Instant::now();
    let error = evaluate(&policy, no_config(), Evidence::default()).unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(
        error.kind(),
        &HostErrorKind::Timeout {
            limit: Duration::from_millis(500)
        }
    );
    assert_eq!(
        error.to_string(),
        "policy `spin`: exceeded its time limit of 500ms"
    );
    assert!(
        elapsed >= Duration::from_millis(500),
        "stopped early: {elapsed:?}"
    );
    assert!(
        elapsed < Duration::from_millis(1000),
        "stopped late: {elapsed:?}"
    );
}

#[test]
fn memory_bomb_is_stopped_at_the_memory_limit() {
    let policy = guest("memory-bomb");
    let limits = Limits {
        memory: 64 << 20,
        ..test_limits()
    };
    let evidence = Arc::new(Evidence::default());
    let error = evaluate_with(&policy, "bomb", &no_config(), &evidence, &limits).unwrap_err();
    assert_eq!(
        error.kind(),
        &HostErrorKind::MemoryLimit { limit: 64 << 20 }
    );
    assert_eq!(
        error.to_string(),
        "policy `bomb`: exceeded its memory limit of 64 MiB"
    );
}

#[test]
fn traps_become_errors_naming_the_policy() {
    let policy = guest("trap");
    let error = evaluate(&policy, no_config(), Evidence::default()).unwrap_err();
    assert_eq!(error.subject(), &Subject::Policy("trap".into()));
    let message = error.to_string();
    assert!(message.starts_with("policy `trap`: trapped: "), "{message}");
    assert!(
        message.contains("the trap guest panics on purpose"),
        "the panic message is kept: {message}"
    );

    let error = evaluate(
        &policy,
        serde_json::json!({"mode": "unreachable"}),
        Evidence::default(),
    )
    .unwrap_err();
    assert!(
        matches!(error.kind(), HostErrorKind::Trap { message } if message.contains("unreachable")),
        "{error}"
    );
}

#[test]
fn plugin_errors_are_reported_as_such() {
    let policy = guest("trap");
    let error = evaluate(
        &policy,
        serde_json::json!({"bogus": 1}),
        Evidence::default(),
    )
    .unwrap_err();
    assert!(
        matches!(error.kind(), HostErrorKind::PluginError { .. }),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .starts_with("policy `trap`: plugin returned error: "),
        "{error}"
    );
}

#[test]
fn guests_cannot_open_host_files() {
    let outcome = evaluate(&guest("file-open"), no_config(), Evidence::default()).unwrap();
    let message = only_message(&outcome);
    assert!(
        message.starts_with("could not open `/etc/passwd`"),
        "{message}"
    );
}

#[test]
fn guests_see_no_environment_arguments_or_working_directory() {
    let outcome = evaluate(&guest("env-read"), no_config(), Evidence::default()).unwrap();
    assert_eq!(
        only_message(&outcome),
        "saw 0 environment variables [], 0 arguments, cwd `/`"
    );
}

#[test]
fn one_call_over_the_size_limit_is_refused_naming_the_policy() {
    let policy = guest("huge-outcome");
    // Building 2 million violations takes time; this test is about size.
    let limits = Limits {
        memory: 1 << 30,
        time: Duration::from_secs(60),
        ..Limits::default()
    };
    let evidence = Arc::new(Evidence::default());
    let error = evaluate_with(&policy, "huge", &no_config(), &evidence, &limits).unwrap_err();
    assert_eq!(
        error.kind(),
        &HostErrorKind::OutcomeTooLarge { limit: 64 << 20 }
    );
    assert_eq!(
        error.to_string(),
        "policy `huge`: outcome too large: over the limit of 64 MiB"
    );

    // One 300 MB message cannot even be built within the default memory limit.
    let big = serde_json::json!({"mode": "big-message"});
    let error = evaluate_with(&policy, "huge", &big, &evidence, &test_limits()).unwrap_err();
    assert!(
        matches!(error.kind(), HostErrorKind::MemoryLimit { .. }),
        "{error}"
    );
}

/// Counts what it is given and keeps nothing, as a gate's sink keeps counts.
#[derive(Default)]
struct Counter {
    violations: u64,
    batches: u64,
    largest_batch: usize,
    first: Option<Violation>,
    last_fingerprint: String,
}

impl ViolationSink for Counter {
    fn accept(&mut self, batch: Vec<Violation>) {
        assert!(!batch.is_empty(), "batches are never empty");
        self.violations += batch.len() as u64;
        self.batches += 1;
        self.largest_batch = self.largest_batch.max(batch.len());
        if self.first.is_none() {
            self.first = batch.first().cloned();
        }
        self.last_fingerprint
            .clone_from(&batch[batch.len() - 1].fingerprint);
    }
}

/// Issue 10 ("Scale"): a policy objecting to a million things decides. The
/// guest runs in 32 MiB, far less than a million violations take, and the
/// host passes on batches of at most 1024 and keeps none.
#[test]
fn a_million_violations_in_batches_decide_in_bounded_memory() {
    let policy = guest("flood");
    let limits = Limits {
        memory: 32 << 20,
        time: Duration::from_secs(120),
        ..Limits::default()
    };
    let mut counter = Counter::default();
    let outcome = policy
        .evaluate(
            "flood",
            &no_config(),
            &context(),
            &Arc::new(Evidence::default()),
            &limits,
            &mut counter,
        )
        .unwrap();
    assert_eq!(counter.violations, 1_000_000);
    assert_eq!(counter.largest_batch, 1024);
    assert_eq!(counter.batches, 1_000_000_u64.div_ceil(1024));
    assert_eq!(counter.last_fingerprint, "flood-999999");
    let first = counter.first.unwrap();
    assert_eq!(
        (first.fingerprint.as_str(), first.control.as_deref()),
        ("flood-0", Some("flood-1"))
    );
    assert!(outcome.violations.is_empty());
    // The control is violated on the strength of the first batch.
    assert_eq!(outcome.controls.len(), 1);
    assert_eq!(outcome.controls[0].status, ControlStatus::Violated);
}

#[test]
fn each_batched_violation_keeps_the_contract() {
    let policy = guest("flood");
    let config = serde_json::json!({"count": 5000, "bad-at": 3000});
    let error = evaluate(&policy, config, Evidence::default()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "policy `flood`: malformed outcome: violation 3000 (rule `flood`) has an empty fingerprint"
    );
}

#[test]
fn a_violated_control_rests_on_a_violation_of_any_batch() {
    // 1500 violations: the one naming the control went in the first batch,
    // the outcome returned carries none.
    let policy = guest("flood");
    let outcome = evaluate(
        &policy,
        serde_json::json!({"count": 1500}),
        Evidence::default(),
    )
    .unwrap();
    assert_eq!(outcome.violations.len(), 1500);
    assert_eq!(outcome.controls[0].status, ControlStatus::Violated);
    // With no violation at all, `violated` rests on nothing.
    let error = evaluate(
        &policy,
        serde_json::json!({"count": 0}),
        Evidence::default(),
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "policy `flood`: malformed outcome: control `flood-1` is reported violated, but no violation names it"
    );
}

/// A guest that returns its violations in the outcome, never calling
/// `violations.report` (as guests did before batches), still decides: the
/// host checks them as the last batch and passes them on.
#[test]
fn violations_returned_in_the_outcome_are_the_last_batch() {
    let policy = guest("returned");
    let outcome = evaluate(&policy, no_config(), Evidence::default()).unwrap();
    assert_eq!(outcome.violations.len(), 3000);
    assert_eq!(outcome.violations[2999].fingerprint, "returned-2999");
    assert_eq!(outcome.controls[0].status, ControlStatus::Violated);
    assert_eq!(outcome.notes, ["returned, not reported"]);
    let error = evaluate(
        &policy,
        serde_json::json!({"bad-at": 2500}),
        Evidence::default(),
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "policy `returned`: malformed outcome: violation 2500 (rule `returned`) has an empty fingerprint"
    );
}

#[test]
fn the_wall_clock_is_the_runs_time() {
    let outcome = evaluate(&guest("clock"), no_config(), Evidence::default()).unwrap();
    assert_eq!(
        only_message(&outcome),
        format!("system-time-unix={NOW_UNIX} context-now-unix={NOW_UNIX}")
    );
}

#[test]
fn reading_an_undeclared_kind_ends_the_evaluation() {
    let policy = guest("undeclared-kind");
    assert_eq!(policy.descriptor.consumes, [Kind::Coverage]);
    let evidence = Evidence {
        findings: vec![finding("r", Severity::High, false)],
        ..Evidence::default()
    };
    let error = evaluate(&policy, no_config(), evidence).unwrap_err();
    assert_eq!(
        error.kind(),
        &HostErrorKind::UndeclaredKind {
            kind: Kind::Findings
        }
    );
    assert_eq!(
        error.to_string(),
        "policy `undeclared-kind`: read evidence kind `findings` that it does not declare in `consumes`"
    );
}

#[test]
fn echo_sees_every_finding_and_is_deterministic() {
    let policy = guest("echo");
    let evidence = Evidence {
        findings: vec![
            finding("a", Severity::Low, false),
            finding("b", Severity::Critical, true),
            finding("c", Severity::Medium, false),
        ],
        ..Evidence::default()
    };
    let first = evaluate(&policy, no_config(), evidence.clone()).unwrap();
    let rules: Vec<_> = first
        .violations
        .iter()
        .map(|v| (v.message.as_str(), v.severity))
        .collect();
    assert_eq!(
        rules,
        [
            ("a found", Severity::Low),
            ("b found", Severity::Critical),
            ("c found", Severity::Medium)
        ]
    );
    assert_eq!(first.violations[1].fingerprint, "fp-b");
    assert_eq!(
        first.violations[0].location,
        Some(Location::new("src/app.py", Some(7), Some(7)))
    );
    assert_eq!(evaluate(&policy, no_config(), evidence).unwrap(), first);
}

/// The host passes a plugin's text through byte for byte: neutralising it is
/// the renderers' job (`verdict_report::text`), and the JSON document must
/// keep the original.
#[test]
fn forged_text_reaches_the_document_byte_for_byte() {
    let policy = guest("forged-text");
    assert!(policy.descriptor.name.starts_with("forged-text\u{1b}[2K\r"));
    assert!(policy.descriptor.name.contains("\n::error file=x.py"));
    let outcome = evaluate(&policy, no_config(), Evidence::default()).unwrap();
    assert_eq!(outcome.violations.len(), 3);
    let message = &outcome.violations[0].message;
    assert!(message.contains("\r\u{1b}[32mverdict: PASS"), "{message:?}");
    assert!(message.contains("\u{0}\u{9b}\u{202e}"), "{message:?}");
}

#[test]
fn policies_evaluate_in_parallel() {
    use rayon::prelude::*;
    let policy = guest("echo");
    let evidence = Arc::new(Evidence {
        findings: (0..2000)
            .map(|i| finding(&format!("r{i}"), Severity::High, false))
            .collect(),
        ..Evidence::default()
    });
    let counts: Vec<usize> = (0..4)
        .into_par_iter()
        .map(|i| {
            let id = format!("echo-{i}");
            evaluate_with(&policy, &id, &no_config(), &evidence, &test_limits())
                .unwrap()
                .violations
                .len()
        })
        .collect();
    assert_eq!(counts, [2000; 4]);
}

#[test]
fn malformed_outcomes_are_rejected() {
    // echo copies fingerprints; an empty one breaks the contract.
    let policy = guest("echo");
    let evidence = Evidence {
        findings: vec![Finding {
            fingerprint: String::new(),
            ..finding("a", Severity::Low, false)
        }],
        ..Evidence::default()
    };
    match evaluate(&policy, no_config(), evidence) {
        Err(error) => {
            assert!(
                matches!(error.kind(), HostErrorKind::MalformedOutcome { .. }),
                "{error}"
            );
            assert!(error.to_string().contains("fingerprint"), "{error}");
        }
        // The SDK may fill in a default fingerprint instead; then it must not be empty.
        Ok(outcome) => assert!(!outcome.violations[0].fingerprint.is_empty()),
    }
}

#[test]
fn coverage_builtin_reports_coverage_below_the_minimum() {
    let builtin = verdict_builtins::find("coverage").unwrap();
    let policy = host().load_pinned(builtin.wasm, builtin.sha256).unwrap();
    assert_eq!(policy.descriptor.name, "coverage");
    assert_eq!(policy.descriptor.consumes, [Kind::Coverage, Kind::Changes]);
    assert_eq!(policy.descriptor.requires, [Kind::Coverage]);
    // Every measure is optional (at least one is required, checked at evaluation).
    assert!(policy.descriptor.config_schema["required"].is_null());
    for key in ["min-lines", "patch", "baseline", "max-drop"] {
        assert!(
            policy.descriptor.config_schema["properties"][key].is_object(),
            "{key}"
        );
    }
    let file = |path: &str, covered, total| FileCoverage {
        path: path.into(),
        lines_covered: covered,
        lines_total: total,
        ..FileCoverage::default()
    };
    let evidence = Evidence {
        coverage: vec![file("src/a.rs", 90, 100), file("src/gen/b.rs", 10, 100)],
        ..Evidence::default()
    };
    let outcome = evaluate(
        &policy,
        serde_json::json!({"min-lines": 80}),
        evidence.clone(),
    )
    .unwrap();
    assert_eq!(
        only_message(&outcome),
        "line coverage is 50.00%, below the minimum 80%"
    );
    assert_eq!(outcome.violations[0].rule, "min-lines");
    let config = serde_json::json!({"min-lines": 80, "exclude": ["src/gen/**"]});
    assert!(
        evaluate(&policy, config, evidence)
            .unwrap()
            .violations
            .is_empty()
    );
}

#[test]
fn code_scanning_builtin_filters_host_side() {
    let builtin = verdict_builtins::find("code-scanning").unwrap();
    let policy = host().load(builtin.wasm).unwrap();
    let evidence = Evidence {
        findings: vec![
            finding("sqli", Severity::Critical, false),
            finding("style", Severity::Low, false),
            finding("eval", Severity::High, true),
            finding("xss", Severity::High, false),
        ],
        ..Evidence::default()
    };
    let outcome = evaluate(&policy, no_config(), evidence.clone()).unwrap();
    let fingerprints: Vec<_> = outcome
        .violations
        .iter()
        .map(|v| v.fingerprint.as_str())
        .collect();
    assert_eq!(fingerprints, ["fp-sqli", "fp-xss"]);
    assert_eq!(
        outcome.violations[0].message,
        "semgrep `sqli`: sqli found (`src/app.py` line 7)"
    );
    let config = serde_json::json!({"fail-on": "low", "include-suppressed": true});
    assert_eq!(
        evaluate(&policy, config, evidence)
            .unwrap()
            .violations
            .len(),
        4
    );
}

#[test]
fn what_is_not_a_policy_is_refused_by_name() {
    let cases: [(&[u8], &str); 3] = [
        (b"not wasm at all", "it is not WebAssembly"),
        (b"\0asm\x01\0\0\0", "it is a core module, not a component"),
        (
            b"\0asm\x0d\0\x01\0",
            "no exported instance named `verdict:policy/policy@0.1.0`",
        ),
    ];
    for (bytes, expected) in cases {
        let error = host().load(bytes).err().unwrap();
        assert!(
            matches!(error.kind(), HostErrorKind::NotAPolicy { .. }),
            "{error}"
        );
        let message = error.to_string();
        assert!(message.starts_with("plugin `sha256:"), "{message}");
        assert!(message.contains(expected), "{message}");
    }
}

#[test]
fn pinned_digests_are_checked() {
    let error = host()
        .load_pinned(&guest_bytes("echo"), &"0".repeat(64))
        .err()
        .unwrap();
    assert!(
        matches!(error.kind(), HostErrorKind::Sha256Mismatch { .. }),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .contains(&format!("expected `{}`", "0".repeat(64))),
        "{error}"
    );
}

#[test]
fn a_schema_bomb_is_passed_on_intact_not_compiled() {
    // The host parses the descriptor's schema but never compiles it: the
    // gate checks its bounds first (`verdict-gate`'s `schema/bounds.rs`;
    // the e2e test `a_schema_bomb_is_refused_by_its_bounds` drives both).
    let policy = guest("schema-bomb");
    let defs = policy.descriptor.config_schema["$defs"]
        .as_object()
        .expect("the chain's definitions");
    assert_eq!(defs.len(), 50_001);
    assert_eq!(defs["d49999"]["$ref"], "#/$defs/d50000");
}

#[test]
fn a_second_host_loads_compiled_plugins_from_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let config = HostConfig {
        cache_dir: Some(dir.path().join("cache")),
        cache_key_file: Some(dir.path().join("state/cache.key")),
        cache: true,
    };
    let wasm = guest_bytes("echo");
    let first = Host::new(&config).unwrap().load(&wasm).unwrap();
    assert!(!first.from_cache);
    let second = Host::new(&config).unwrap().load(&wasm).unwrap();
    assert!(second.from_cache);
    assert_eq!(second.descriptor, first.descriptor);

    // A separate process: this test binary, running only `cache_probe`.
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["cache_probe", "--exact", "--ignored", "--quiet"])
        .env("VERDICT_HOST_CACHE_PROBE", dir.path())
        .status()
        .unwrap();
    assert!(
        status.success(),
        "the second process compiled the plugin again"
    );

    let uncached = Host::new(&HostConfig {
        cache: false,
        ..config
    })
    .unwrap();
    assert!(!uncached.load(&wasm).unwrap().from_cache);
}

/// Run by `a_second_host_loads_compiled_plugins_from_the_cache` in a child
/// process.
#[test]
#[ignore = "run as a child process by the cache test"]
fn cache_probe() {
    let dir =
        std::env::var_os("VERDICT_HOST_CACHE_PROBE").expect("VERDICT_HOST_CACHE_PROBE is set");
    let dir = PathBuf::from(dir);
    let host = Host::new(&HostConfig {
        cache_dir: Some(dir.join("cache")),
        cache_key_file: Some(dir.join("state/cache.key")),
        cache: true,
    })
    .unwrap();
    assert!(host.load(&guest_bytes("echo")).unwrap().from_cache);
}
