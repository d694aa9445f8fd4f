//! Hostile plugins through the binary: each ends its policy with an error
//! naming the policy and the cause, exit 2, within about twice the limit.

use crate::support::{corpus, run, sha256_of, verdict, write};
use std::time::{Duration, Instant};

/// The time limit the hostile gates set.
const LIMIT_MS: u64 = 500;
/// The memory limit most hostile gates set.
const MEMORY: &str = "memory-mib = 64";

/// Runs a one-policy gate with a test guest; returns the run, its JSON
/// verdict and how long it took.
fn run_guest(
    guest: &str,
    config: &str,
    limits: &str,
) -> (crate::support::Run, serde_json::Value, Duration) {
    let wasm = verdict_builtins::testing_guests_dir()
        .join(format!("verdict_testing_{}.wasm", guest.replace('-', "_")));
    let dir = tempfile::tempdir().unwrap();
    let gate = dir.path().join("verdict.toml");
    // A case that is about another limit may give its own time limit.
    let limits = if limits.contains("time-ms") {
        limits.to_owned()
    } else {
        format!("time-ms = {LIMIT_MS}, {limits}")
    };
    write(
        &gate,
        &format!(
            "inputs = [\"{}\"]\n[[policy]]\nid = \"hostile-{guest}\"\nplugin = \"{}\"\nsha256 = \"{}\"\nlimits = {{ {limits} }}\nconfig = {config}\n",
            corpus().join("sarif/eslint-8.56.0.sarif").display(),
            wasm.display(),
            sha256_of(&wasm),
        ),
    );
    let started = Instant::now();
    let out = run(verdict()
        .args([
            "check",
            "--format",
            "json",
            "--now",
            "2026-11-20T10:00:00Z",
            "--config",
        ])
        .arg(&gate));
    let elapsed = started.elapsed();
    let json = serde_json::from_str(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out, json, elapsed)
}

/// Asserts the gate errored on this policy with a message containing `cause`.
fn assert_policy_error(guest: &str, config: &str, limits: &str, cause: &str) -> Duration {
    let (out, json, elapsed) = run_guest(guest, config, limits);
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(json["decision"], "error", "{out:?}");
    let error = json["policies"][0]["error"].as_str().unwrap_or_default();
    assert!(
        error.starts_with(&format!("policy `hostile-{guest}`")),
        "{error}"
    );
    assert!(error.contains(cause), "expected `{cause}` in `{error}`");
    assert!(
        out.stderr.contains(&format!("hostile-{guest}")),
        "the log names the policy: {out:?}"
    );
    elapsed
}

#[test]
fn an_infinite_loop_ends_at_the_time_limit() {
    let elapsed = assert_policy_error("spin", "{}", MEMORY, "exceeded its time limit of 500ms");
    // Twice the limit, plus process start and compilation on a cold cache.
    assert!(
        elapsed < Duration::from_millis(2 * LIMIT_MS) + Duration::from_secs(20),
        "{elapsed:?}"
    );
}

#[test]
fn a_memory_bomb_ends_at_the_memory_limit() {
    assert_policy_error(
        "memory-bomb",
        "{}",
        MEMORY,
        "exceeded its memory limit of 64 MiB",
    );
}

#[test]
fn a_trap_is_an_error_not_a_crash() {
    assert_policy_error("trap", "{}", MEMORY, "trapped");
    assert_policy_error("trap", "{ mode = \"unreachable\" }", MEMORY, "trapped");
}

#[test]
fn a_huge_outcome_is_refused() {
    // Enough memory for a 300 MB message, but the default 64 MiB outcome
    // limit; time enough to build the message on a loaded machine, since
    // this case is about the outcome limit, not the time limit.
    assert_policy_error(
        "huge-outcome",
        "{ mode = \"big-message\" }",
        "memory-mib = 1024, time-ms = 20000",
        "outcome too large",
    );
    // With little memory the guest cannot even build it.
    assert_policy_error(
        "huge-outcome",
        "{}",
        MEMORY,
        "exceeded its memory limit of 64 MiB",
    );
}

#[test]
fn reading_undeclared_evidence_is_an_error() {
    assert_policy_error(
        "undeclared-kind",
        "{}",
        MEMORY,
        "read evidence kind `findings` that it does not declare",
    );
}

/// The single violation a reporting guest returns.
fn reported_message(guest: &str) -> String {
    let (out, json, _) = run_guest(guest, "{}", MEMORY);
    assert_eq!(out.code, 1, "{out:?}");
    json["policies"][0]["violations"][0]["message"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn a_plugin_cannot_open_files() {
    let message = reported_message("file-open");
    assert!(message.starts_with("could not open"), "{message}");
}

#[test]
fn a_plugin_sees_no_environment() {
    let message = reported_message("env-read");
    assert!(
        message.starts_with("saw 0 environment variables []"),
        "{message}"
    );
}

#[test]
fn a_plugin_clock_shows_the_runs_now() {
    let message = reported_message("clock");
    assert_eq!(
        message,
        "system-time-unix=1795168800 context-now-unix=1795168800"
    );
}
