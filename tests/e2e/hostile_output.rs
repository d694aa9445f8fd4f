//! Output that untrusted text cannot forge (issue 7, item 9).
//!
//! Scanner reports, file names and a plugin (`plugins/testing/forged-text`)
//! carry terminal escapes, OSC 8 hyperlinks, carriage returns over the
//! summary, newlines before a fake `verdict: PASS` line, GitHub workflow
//! commands (`::error::`, `::stop-commands::`, the legacy `##[…]` that counts
//! anywhere in a line), NUL, bidi overrides and separators. Through `check`
//! (console and JSON), `ingest`, `test`, `plugin inspect`, logs and error
//! lines, the decision and exit code stay what they were, no such character
//! reaches stdout or stderr raw, no line starts as a workflow command or as
//! a summary other than verdict's own, and the JSON gives back every
//! original string exactly.

use crate::support::{root, sha256_of, verdict, write};
use std::path::{Path, PathBuf};
use std::process::Command;

const NOW: &str = "2026-11-20T10:00:00Z";

/// What a pull-request author writes into every field a scanner reports.
const FORGERIES: &[&str] = &[
    "\u{1b}[31mred\u{1b}[0m",
    "\u{1b}]8;;https://evil.example/\u{7}click here\u{1b}]8;;\u{7}",
    "\r verdict: PASS",
    "\u{1b}[2K\rverdict: PASS  (2 policies: 2 passed, 0 failed, 0 warned, 0 errored, 0 skipped; 0 violations)",
    "\nverdict: PASS  (4 policies: 4 passed, 0 failed, 0 warned, 0 errored, 0 skipped; 0 violations)",
    "\n::error::forged",
    "::stop-commands::x",
    "\n  ::warning file=a.py,line=1::indented",
    "nul\u{0}byte",
    "\u{202e}txt.exe\u{2066}",
    "line\u{2028}separator\u{2029}",
    "legacy ##[error]forged ##vso[task.complete result=Succeeded]x",
    "zero\u{200b}width\u{feff}\u{85}c1\u{9b}31m\ttab\u{7f}",
];

/// All forgeries in one string, prefixed so that it reads as a path, rule or
/// message.
fn forged(prefix: &str) -> String {
    format!("{prefix}{}", FORGERIES.concat())
}

/// A run's raw bytes.
struct Raw {
    code: i32,
    stdout: String,
    stderr: String,
}

impl std::fmt::Debug for Raw {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Debug-escaped, so that a failing assertion cannot itself forge the
        // test log.
        write!(
            f,
            "exit {}\n--- stdout\n{:?}\n--- stderr\n{:?}",
            self.code, self.stdout, self.stderr
        )
    }
}

fn run_raw(command: &mut Command) -> Raw {
    let output = command.output().expect("verdict runs");
    Raw {
        code: output.status.code().expect("exited, not killed"),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

/// Characters that must never appear raw: C0 controls but LF (TAB
/// included: verdict escapes it), DEL, C1 controls, bidi controls, line and
/// paragraph separators, zero-width characters.
fn is_forbidden(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(
            c,
            '\u{061C}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{2069}'
                | '\u{FEFF}'
        )
}

/// Asserts that `text` (one output stream) is inert: no forbidden character,
/// no legacy command marker, no line that a runner reads as a workflow
/// command (it trims leading whitespace first) or that reads as a verdict
/// summary, except `summaries` lines of verdict's own at the very start.
fn assert_inert(what: &str, text: &str, summaries: usize) {
    let forbidden: Vec<char> = text.chars().filter(|c| is_forbidden(*c)).collect();
    assert!(
        forbidden.is_empty(),
        "{what}: raw {forbidden:?} in {text:?}"
    );
    for marker in ["##[", "##vso["] {
        assert!(!text.contains(marker), "{what}: `{marker}` in {text:?}");
    }
    for (index, line) in text.lines().enumerate() {
        let start = line.trim_start();
        assert!(!start.starts_with("::"), "{what}: line {index}: {line:?}");
        if index >= summaries {
            assert!(
                !start.to_ascii_lowercase().starts_with("verdict"),
                "{what}: line {index}: {line:?}"
            );
        }
    }
}

/// Results in the hostile SARIF: together their paths and rule ids carry
/// every forgery, each short enough for the console to show it whole.
const SARIF_RESULTS: usize = 7;
/// The tool name: `ESC[8m` conceals the text after it.
const SARIF_TOOL: &str = "Semgrep OSS\u{1b}[8m";

fn sarif_path(index: usize) -> String {
    format!("{}src/app.py", FORGERIES[index])
}

fn sarif_rule(index: usize) -> String {
    format!(
        "python.sqli{}",
        FORGERIES[(index + SARIF_RESULTS) % FORGERIES.len()]
    )
}

/// A directory of hostile scanner reports: SARIF (as Semgrep writes it)
/// whose paths and rule ids carry the forgeries one by one, so that the
/// console shows each; bandit and gitleaks with every forgery in
/// their paths, rule ids, tool names and messages; the SARIF again under a
/// file *name* that holds a newline, `::` and a summary.
fn hostile_reports(dir: &Path) -> PathBuf {
    let reports = dir.join("reports");
    let results: Vec<serde_json::Value> = (0..SARIF_RESULTS)
        .map(|index| {
            serde_json::json!({
                "ruleId": sarif_rule(index),
                "level": "error",
                "message": { "text": forged("user input reaches a query") },
                "locations": [{ "physicalLocation": {
                    "artifactLocation": { "uri": sarif_path(index) },
                    "region": { "startLine": 3 },
                }}],
            })
        })
        .collect();
    let sarif = serde_json::json!({
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": SARIF_TOOL,
                "rules": [{ "id": forged("python.sqli") }],
            }},
            "results": results,
        }],
    });
    write(&reports.join("semgrep.sarif"), &sarif.to_string());
    let bandit = serde_json::json!({
        "errors": [],
        "generated_at": "2026-11-20T10:00:00Z",
        "metrics": {},
        "results": [{
            "code": forged("12 x = "),
            "filename": forged("src/views.py"),
            "issue_confidence": "HIGH",
            "issue_severity": "HIGH",
            "issue_text": forged("Possible SQL injection"),
            "line_number": 12,
            "line_range": [12],
            "test_id": forged("B608"),
            "test_name": forged("hardcoded_sql_expressions"),
        }],
    });
    write(&reports.join("bandit.json"), &bandit.to_string());
    let gitleaks = serde_json::json!([{
        "RuleID": forged("aws-access-token"),
        "Description": forged("AWS key"),
        "StartLine": 3, "EndLine": 3, "StartColumn": 1, "EndColumn": 20,
        "Match": "AKIAIOSFODNN7EXAMPLE",
        "Secret": "AKIAIOSFODNN7EXAMPLE",
        "File": forged("config/settings.py"),
        "Commit": "", "Entropy": 3.5, "Author": forged("mallory"), "Email": "",
        "Date": "", "Message": forged("commit"), "Tags": [],
        "Fingerprint": "config/settings.py:aws-access-token:3",
    }]);
    write(&reports.join("gitleaks.json"), &gitleaks.to_string());
    write(&reports.join(forged_file_name()), &sarif.to_string());
    reports
}

/// A file name a pull request can commit: newline, `::`, a summary, ESC.
fn forged_file_name() -> String {
    "x\n::error::named\nverdict: PASS (4 policies)\r\u{1b}[2K.sarif".to_owned()
}

/// A gate over `reports`: SAST and secrets, both hard.
fn gate(dir: &Path, reports: &Path) -> PathBuf {
    let path = dir.join("verdict.toml");
    write(
        &path,
        &format!(
            "inputs = [\"{}\"]\n\n[[policy]]\nid = \"sast\"\nplugin = \"builtin:code-scanning\"\n[policy.config]\nfail-on = \"high\"\n\n[[policy]]\nid = \"secrets\"\nplugin = \"builtin:secrets\"\n",
            reports.display()
        ),
    );
    path
}

fn check(config: &Path, json: bool) -> Raw {
    let mut command = verdict();
    command.args(["check", "--no-timings", "--now", NOW, "--config"]);
    command.arg(config);
    if json {
        command.args(["--format", "json"]);
    }
    run_raw(&mut command)
}

/// `check` with `-v`: every log line at info level on stderr.
fn check_verbose(config: &Path) -> Raw {
    run_raw(
        verdict()
            .args(["check", "-v", "--no-timings", "--now", NOW, "--config"])
            .arg(config),
    )
}

/// Every string anywhere in a JSON value.
fn strings(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::String(text) => out.push(text.clone()),
        serde_json::Value::Array(items) => items.iter().for_each(|item| strings(item, out)),
        serde_json::Value::Object(map) => {
            for (key, item) in map {
                out.push(key.clone());
                strings(item, out);
            }
        }
        _ => {}
    }
}

#[test]
fn forged_reports_keep_a_failing_gate_failing_and_its_console_inert() {
    let dir = tempfile::tempdir().unwrap();
    let reports = hostile_reports(dir.path());
    let config = gate(dir.path(), &reports);
    let out = check(&config, false);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stdout.starts_with("verdict: FAIL  (2 policies"),
        "{out:?}"
    );
    assert_inert("check stdout", &out.stdout, 1);
    assert_inert("check stderr", &out.stderr, 0);
    // Exactly one line per record, nothing a forged newline added: the
    // summary, a blank, `sast` with ten of its 15 violations (7 results in
    // each SARIF file, one from bandit) and `… and 5 more`, `secrets` with
    // its one, a blank, the inputs line.
    assert_eq!(out.stdout.lines().count(), 18, "{out:?}");
    assert!(out.stdout.contains("… and 5 more"), "{out:?}");
    // Every forgery is shown, escaped, in a path or a rule id.
    for shown in [
        r"\u{1b}[31mred\u{1b}[0msrc/app.py:3",
        r"\u{1b}]8;;https://evil.example/\u{7}click here\u{1b}]8;;\u{7}src/app.py:3",
        r"\r verdict: PASSsrc/app.py:3",
        r"\u{1b}[2K\rverdict: PASS  (2 policies: 2 passed, 0 failed, 0 warned, 0 errored, 0 skipped; 0 violations)src/app.py:3",
        r"\nverdict: PASS  (4 policies: 4 passed, 0 failed, 0 warned, 0 errored, 0 skipped; 0 violations)src/app.py:3",
        r"\n::error::forgedsrc/app.py:3",
        r"::stop-commands::xsrc/app.py:3",
        r"python.sqli\n  ::warning file=a.py,line=1::indented`",
        r"python.sqlinul\0byte`",
        r"python.sqli\u{202e}txt.exe\u{2066}`",
        r"python.sqliline\u{2028}separator\u{2029}`",
        r"python.sqlilegacy ##\u{5b}error]forged ##vso\u{5b}task.complete result=Succeeded]x`",
        r"python.sqlizero\u{200b}width\u{feff}\u{85}c1\u{9b}31m\ttab\u{7f}`",
        r"Semgrep OSS\u{1b}[8m",
    ] {
        assert!(out.stdout.contains(shown), "missing {shown:?}: {out:?}");
    }
}

/// `-v` names every input it read, the forged file name too: escaped, on
/// one line that starts with its level.
#[test]
fn verbose_logs_of_forged_inputs_stay_inert() {
    let dir = tempfile::tempdir().unwrap();
    let reports = hostile_reports(dir.path());
    let config = gate(dir.path(), &reports);
    let out = check_verbose(&config);
    assert_eq!(out.code, 1, "{out:?}");
    assert_inert("check -v stderr", &out.stderr, 0);
    let named = out
        .stderr
        .lines()
        .find(|line| {
            line.contains(r"x\n::error::named\nverdict: PASS (4 policies)\r\u{1b}[2K.sarif")
        })
        .unwrap_or_else(|| panic!("the forged input is not logged: {out:?}"));
    assert!(
        named.trim_start().starts_with("INFO read an input"),
        "{named:?}"
    );
    for line in out.stderr.lines() {
        let level = line.split_whitespace().next().unwrap_or("");
        assert!(
            ["INFO", "WARN", "ERROR"].contains(&level),
            "every line starts with its level: {line:?}"
        );
    }
}

#[test]
fn forged_reports_round_trip_exactly_through_the_json_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let reports = hostile_reports(dir.path());
    let config = gate(dir.path(), &reports);
    let out = check(&config, true);
    assert_eq!(out.code, 1, "{out:?}");
    assert_inert("json stdout", &out.stdout, 0);
    assert_inert("json stderr", &out.stderr, 0);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["decision"], "fail");
    assert_eq!(json["policies"][0]["decision"], "fail");
    assert_eq!(json["policies"][1]["decision"], "fail");
    let paths: Vec<&str> = json["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|input| input["path"].as_str().unwrap())
        .collect();
    let named = reports.join(forged_file_name()).display().to_string();
    assert!(paths.contains(&named.as_str()), "{paths:?}");
    let mut all = Vec::new();
    strings(&json, &mut all);
    let mut originals = vec![
        SARIF_TOOL.to_owned(),
        forged("src/views.py"),
        forged("config/settings.py"),
    ];
    originals.extend((0..SARIF_RESULTS).map(sarif_path));
    for original in originals {
        assert!(all.contains(&original), "{original:?} not kept exactly");
    }
    for rule in (0..SARIF_RESULTS).map(sarif_rule) {
        assert!(
            all.iter().any(|text| text.contains(&rule)),
            "{rule:?} not kept exactly"
        );
    }
    for message in [
        forged("user input reaches a query"),
        forged("Possible SQL injection"),
    ] {
        assert!(
            all.iter().any(|text| text.contains(&message)),
            "{message:?} not kept exactly"
        );
    }
}

#[test]
fn forged_reports_keep_the_ingest_summary_and_json_inert() {
    let dir = tempfile::tempdir().unwrap();
    let reports = hostile_reports(dir.path());
    let out = run_raw(verdict().arg("ingest").arg(&reports));
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.starts_with("FORMAT"), "{out:?}");
    assert_inert("ingest stdout", &out.stdout, 0);
    assert_inert("ingest stderr", &out.stderr, 0);
    // A header, four files, a total: no forged line.
    assert_eq!(out.stdout.lines().count(), 6, "{out:?}");
    // Every row starts with its format id, the forged file name included.
    assert!(
        out.stdout
            .contains(r"x\n::error::named\nverdict: PASS (4 policies)\r\u{1b}[2K.sarif"),
        "{out:?}"
    );
    for row in out.stdout.lines().skip(1).take(4) {
        assert!(
            ["bandit ", "gitleaks ", "sarif "]
                .iter()
                .any(|format| row.starts_with(format)),
            "{row:?}"
        );
    }

    let out = run_raw(verdict().args(["ingest", "--output", "json"]).arg(&reports));
    assert_eq!(out.code, 0, "{out:?}");
    assert_inert("ingest json", &out.stdout, 0);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let mut all = Vec::new();
    strings(&json, &mut all);
    assert!(all.contains(&forged("src/views.py")), "{all:?}");
    assert!(all.contains(&forged("B608")), "{all:?}");
    assert!(!out.stdout.contains("AKIAIOSFODNN7EXAMPLE"), "raw secret");
}

#[test]
fn the_permanent_forged_fixtures_stay_inert() {
    let fixtures = root().join("fixtures/bad/forged-output");
    let out = run_raw(verdict().arg("ingest").arg(&fixtures));
    assert_eq!(out.code, 0, "{out:?}");
    assert_inert("ingest stdout", &out.stdout, 0);
    assert_inert("ingest stderr", &out.stderr, 0);

    let dir = tempfile::tempdir().unwrap();
    let config = gate(dir.path(), &fixtures);
    let out = check(&config, false);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stdout.starts_with("verdict: FAIL"), "{out:?}");
    assert_inert("check stdout", &out.stdout, 1);
    assert_inert("check stderr", &out.stderr, 0);
    assert!(out.stdout.contains(r"\u{1b}[32mverdict: PAS"), "{out:?}");
    assert!(
        out.stdout.contains(r"\u{202e}gnp.py\u{2066}\0x.py:12"),
        "{out:?}"
    );
}

#[test]
fn an_error_naming_a_forged_path_is_one_inert_line() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join(forged_file_name());
    let out = run_raw(verdict().arg("ingest").arg(&missing));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stdout.is_empty(), "{out:?}");
    assert_inert("error", &out.stderr, 0);
    assert_eq!(out.stderr.lines().count(), 1, "{out:?}");
    assert!(out.stderr.starts_with("error: "), "{out:?}");
    assert!(out.stderr.contains(r"x\n::error::named"), "{out:?}");

    let config = dir.path().join(forged_file_name());
    let out = run_raw(verdict().args(["check", "--config"]).arg(&config));
    assert_eq!(out.code, 2, "{out:?}");
    assert_inert("error", &out.stderr, 0);
    assert_eq!(out.stderr.lines().count(), 1, "{out:?}");
}

/// The forged-text guest's `.wasm`.
fn forged_guest() -> PathBuf {
    verdict_builtins::testing_guests_dir().join("verdict_testing_forged_text.wasm")
}

/// The part of the guest's text that every field carries (see its lib.rs).
const GUEST_FORGED: &str = "\u{1b}[2K\r\u{1b}[32mverdict: PASS  (4 policies: 4 passed, 0 failed)\u{1b}[0m\n::error file=x.py,line=1::forged by a plugin\n::stop-commands::forged-token\n##[warning]legacy command\u{7}\u{0}\u{9b}\u{202e}\u{2066}\u{2028}\u{200b}";

#[test]
fn plugin_inspect_shows_a_forged_descriptor_inert_on_labelled_lines() {
    let wasm = forged_guest();
    let out = run_raw(verdict().args(["plugin", "inspect"]).arg(&wasm));
    assert_eq!(out.code, 0, "{out:?}");
    assert_inert("inspect stdout", &out.stdout, 0);
    assert_inert("inspect stderr", &out.stderr, 0);
    let labels = [
        "plugin:",
        "sha256:",
        "name:",
        "description:",
        "consumes:",
        "requires:",
        "controls:",
        "control ",
        "config schema:",
        "{",
        "}",
        "[",
        "]",
        "\"",
    ];
    for line in out.stdout.lines() {
        let start = line.trim_start();
        assert!(
            labels.iter().any(|label| start.starts_with(label)),
            "a line that does not start with a label: {line:?}"
        );
    }
    assert!(
        out.stdout.contains(r"name:        forged-text\u{1b}[2K\r"),
        "{out:?}"
    );
    assert!(
        out.stdout.contains(r"control ::error::control\u{202e}"),
        "{out:?}"
    );
    assert!(out.stdout.contains(&sha256_of(&wasm)), "{out:?}");

    let out = run_raw(verdict().args(["plugin", "inspect", "--json"]).arg(&wasm));
    assert_eq!(out.code, 0, "{out:?}");
    assert_inert("inspect json", &out.stdout, 0);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let descriptor = &json["descriptor"];
    assert_eq!(descriptor["name"], format!("forged-text{GUEST_FORGED}"));
    assert_eq!(
        descriptor["description"],
        format!("Forges output.{GUEST_FORGED}")
    );
    assert_eq!(
        descriptor["controls"][0]["title"],
        format!("title{GUEST_FORGED}")
    );
    assert_eq!(descriptor["config_schema"]["description"], GUEST_FORGED);
}

/// A gate running the forged-text guest pinned by its digest.
fn guest_gate(dir: &Path, mode: &str) -> PathBuf {
    let wasm = forged_guest();
    let path = dir.join("verdict.toml");
    write(
        &path,
        &format!(
            "inputs = [\"{}\"]\n\n[[policy]]\nid = \"forged\"\nplugin = \"{}\"\nsha256 = \"{}\"\nconfig = {{ mode = \"{mode}\" }}\n",
            root().join("fixtures/example/bandit.json").display(),
            wasm.display(),
            sha256_of(&wasm)
        ),
    );
    path
}

#[test]
fn a_forging_plugin_fails_the_gate_and_its_messages_and_stderr_stay_inert() {
    let dir = tempfile::tempdir().unwrap();
    let config = guest_gate(dir.path(), "report");
    // `-v` shows the guest's stderr, which the host logs at info level.
    let out = check_verbose(&config);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stdout.starts_with("verdict: FAIL  (1 policy"),
        "{out:?}"
    );
    assert_inert("check stdout", &out.stdout, 1);
    assert_inert("check stderr", &out.stderr, 0);
    assert!(
        out.stderr.contains("forged by a plugin"),
        "stderr is logged: {out:?}"
    );
    assert!(out.stderr.contains(r"\u{1b}[2K\r"), "escaped: {out:?}");
    // The plugin's own name (its descriptor's) is logged with its load
    // time, escaped on the line that starts with the level.
    let loaded = out
        .stderr
        .lines()
        .find(|line| line.contains("plugin=forged-text"))
        .unwrap_or_else(|| panic!("the plugin's load is not logged: {out:?}"));
    assert!(loaded.trim_start().starts_with("INFO "), "{loaded:?}");
    assert!(
        loaded.contains(r"plugin=forged-text\u{1b}[2K\r"),
        "{loaded:?}"
    );
    assert!(
        out.stderr
            .contains("evaluated a policy policy=forged violations="),
        "{out:?}"
    );

    let out = run_raw(
        verdict()
            .args([
                "check",
                "--format",
                "json",
                "--no-timings",
                "--now",
                NOW,
                "--config",
            ])
            .arg(&config),
    );
    assert_eq!(out.code, 1, "{out:?}");
    assert_inert("check json", &out.stdout, 0);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["decision"], "fail");
    let violation = &json["policies"][0]["violations"][0];
    assert_eq!(violation["message"], GUEST_FORGED);
    assert_eq!(violation["rule"], "forged::error::rule1\u{202e}");
    assert_eq!(
        violation["location"]["path"],
        format!("src/1.py{GUEST_FORGED}")
    );
}

#[test]
fn a_forging_plugin_that_traps_is_an_error_with_its_last_words_inert() {
    let dir = tempfile::tempdir().unwrap();
    let config = guest_gate(dir.path(), "trap");
    let out = check(&config, false);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stdout.starts_with("verdict: ERROR  (1 policy"),
        "{out:?}"
    );
    assert_inert("check stdout", &out.stdout, 1);
    // The guest's stderr is logged at warn level when it fails: shown by
    // default, escaped.
    assert_inert("check stderr", &out.stderr, 0);
    assert!(out.stderr.contains("forged by a plugin"), "{out:?}");
    // Under `-v` too: a policy that could not decide is an error, never
    // "evaluated".
    let out = check_verbose(&config);
    assert_eq!(out.code, 2, "{out:?}");
    assert_inert("check -v stderr", &out.stderr, 0);
    assert!(!out.stderr.contains("evaluated a policy"), "{out:?}");
    assert!(
        out.stderr
            .lines()
            .any(|line| line.trim_start().starts_with("ERROR policy `forged`")),
        "{out:?}"
    );

    let out = check(&config, true);
    assert_eq!(out.code, 2, "{out:?}");
    assert_inert("check json", &out.stdout, 0);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["decision"], "error");
    let error = json["policies"][0]["error"].as_str().unwrap();
    assert!(error.starts_with("policy `forged`"), "{error:?}");
}

#[test]
fn verdict_test_shows_a_forging_plugins_messages_inert() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("forged.toml");
    write(
        &case,
        &format!(
            "name = \"forged\\u001b[2K\\rverdict: PASS\\n::error::case name\"\n[policy]\nplugin = \"{}\"\n[expect]\ndecision = \"pass\"\n",
            forged_guest().display()
        ),
    );
    let out = run_raw(verdict().arg("test").arg(&case));
    assert_eq!(out.code, 1, "{out:?}");
    assert_inert("test stdout", &out.stdout, 0);
    assert_inert("test stderr", &out.stderr, 0);
    assert!(out.stdout.starts_with("FAIL   "), "{out:?}");
    assert!(
        out.stdout.contains("expected decision `pass`, got `fail`"),
        "{out:?}"
    );
    assert_eq!(
        out.stdout.matches("unexpected violation").count(),
        3,
        "{out:?}"
    );
    assert!(
        out.stdout
            .contains(r"forged\u{1b}[2K\rverdict: PASS\n::error::case name"),
        "{out:?}"
    );
}
