//! The GitHub Action: `action.yml`'s steps run as a runner runs them, with
//! `GITHUB_*` variables and the step's summary and output files.

use super::{FAILING_GATE, NOW, Ran, Runner, warning_gate};
use crate::support::{root, write};
use serde_yaml_ng::Value;
use std::collections::BTreeMap;
use std::path::Path;

pub(super) fn action() -> Value {
    let text = fs_err::read_to_string(root().join("action.yml")).unwrap();
    serde_yaml_ng::from_str(&text).unwrap()
}

pub(super) fn steps(action: &Value) -> &Vec<Value> {
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    action["runs"]["steps"].as_sequence().unwrap()
}

/// The variables a runner sets for a pull request from `feature/x` into `main`.
fn pull_request(runner: &Runner) -> Vec<(&'static str, String)> {
    vec![
        ("CI", "true".into()),
        ("GITHUB_ACTIONS", "true".into()),
        ("RUNNER_OS", "Linux".into()),
        ("RUNNER_TEMP", runner.temp.display().to_string()),
        ("GITHUB_WORKSPACE", runner.workspace.display().to_string()),
        ("GITHUB_ACTION_PATH", root().display().to_string()),
        ("GITHUB_STEP_SUMMARY", runner.summary.display().to_string()),
        ("GITHUB_OUTPUT", runner.output.display().to_string()),
        ("GITHUB_EVENT_NAME", "pull_request".into()),
        ("GITHUB_BASE_REF", "main".into()),
        ("GITHUB_HEAD_REF", "feature/x".into()),
        ("GITHUB_REF_NAME", "42/merge".into()),
        ("GITHUB_ACTOR", "octocat".into()),
        ("GITHUB_REPOSITORY", "acme/service".into()),
    ]
}

/// Evaluates the `${{ }}` expressions an `env:` value of action.yml may hold:
/// `inputs.NAME` (the given value, else the input's default) and
/// `github.action_path`. Anything else fails the test, so that action.yml
/// cannot grow an expression this runner does not model.
fn expand(text: &str, action: &Value, inputs: &BTreeMap<&str, &str>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("}}").expect("closed expression") + start;
        let expression = rest[start + 3..end].trim();
        if let Some(name) = expression.strip_prefix("inputs.") {
            let declared = &action["inputs"][name];
            assert!(declared.is_mapping(), "undeclared input `{name}`");
            match inputs.get(name) {
                Some(value) => out.push_str(value),
                None => out.push_str(declared["default"].as_str().unwrap_or("")),
            }
        } else if expression == "github.action_path" {
            out.push_str(&root().display().to_string());
        } else {
            panic!("unmodelled expression `{expression}`");
        }
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

/// Runs every step of the action as the runner does (`shell: bash` is
/// `bash --noprofile --norc -eo pipefail FILE`), with `inputs` as the
/// workflow's `with:` and `variables` over the pull request's.
pub(super) fn run_action(
    runner: &Runner,
    inputs: &[(&str, &str)],
    variables: &[(&str, &str)],
) -> Ran {
    let action = action();
    let inputs: BTreeMap<&str, &str> = inputs.iter().copied().collect();
    for name in inputs.keys() {
        assert!(
            action["inputs"][*name].is_mapping(),
            "unexpected input `{name}`"
        );
    }
    let mut environment: BTreeMap<String, String> = pull_request(runner)
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value))
        .collect();
    for (name, value) in variables {
        environment.insert((*name).to_owned(), (*value).to_owned());
    }
    let (mut stdout, mut stderr, mut code) = (String::new(), String::new(), 0);
    for (index, step) in steps(&action).iter().enumerate() {
        assert_eq!(step["shell"].as_str(), Some("bash"), "step {index}");
        let script = step["run"].as_str().expect("a run step");
        let file = runner.temp.join(format!("step-{index}.sh"));
        write(&file, script);
        let mut step_environment = environment.clone();
        if let Some(env) = step["env"].as_mapping() {
            for (name, value) in env {
                let value = expand(value.as_str().unwrap(), &action, &inputs);
                step_environment.insert(name.as_str().unwrap().to_owned(), value);
            }
        }
        let pairs: Vec<(&str, &str)> = step_environment
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect();
        let output = runner
            .command("/bin/bash", &pairs)
            .args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&file)
            .output()
            .unwrap();
        stdout.push_str(&String::from_utf8(output.stdout).unwrap());
        stderr.push_str(&String::from_utf8(output.stderr).unwrap());
        code = output.status.code().expect("exited, not killed");
        if code != 0 {
            break;
        }
    }
    let summary = fs_err::read_to_string(&runner.summary).unwrap();
    let text = fs_err::read_to_string(&runner.output).unwrap();
    let outputs =
        parse_github_output(&text).unwrap_or_else(|error| panic!("GITHUB_OUTPUT: {error}\n{text}"));
    Ran {
        code,
        stdout,
        stderr,
        summary,
        outputs,
    }
}

/// `$GITHUB_OUTPUT` read by the runner's rules (actions/runner,
/// `FileCommandManager.cs`): `NAME=VALUE` when `=` comes before any `<<`,
/// else `NAME<<DELIMITER` with the value on the lines up to one equal to the
/// delimiter; empty lines between entries are skipped; a missing delimiter is
/// an error that fails the step.
fn parse_github_output(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut outputs = BTreeMap::new();
    let mut lines = text.split('\n');
    while let Some(line) = lines.next() {
        if line.is_empty() {
            continue;
        }
        let equals = line.find('=');
        let heredoc = line.find("<<");
        match (equals, heredoc) {
            (Some(equals), heredoc) if heredoc.is_none_or(|heredoc| equals < heredoc) => {
                outputs.insert(line[..equals].to_owned(), line[equals + 1..].to_owned());
            }
            (_, Some(heredoc)) => {
                let (name, delimiter) = (&line[..heredoc], &line[heredoc + 2..]);
                if name.is_empty() || delimiter.is_empty() {
                    return Err(format!("invalid format `{line}`"));
                }
                let mut value = Vec::new();
                loop {
                    match lines.next() {
                        Some(next) if next == delimiter => break,
                        Some(next) => value.push(next),
                        None => return Err(format!("matching delimiter not found `{delimiter}`")),
                    }
                }
                outputs.insert(name.to_owned(), value.join("\n"));
            }
            _ => return Err(format!("invalid format `{line}`")),
        }
    }
    Ok(outputs)
}

/// The kind of annotation a log line is (`error`, `warning`, `notice`), if
/// it is one: `::KIND::message` or `::KIND properties::message`.
pub(super) fn annotation(line: &str) -> Option<&'static str> {
    ["error", "warning", "notice"].into_iter().find(|kind| {
        line.strip_prefix("::")
            .and_then(|rest| rest.strip_prefix(kind))
            .is_some_and(|rest| rest.starts_with(' ') || rest.starts_with("::"))
    })
}

pub(super) fn json_file(ran: &Ran) -> serde_json::Value {
    let path = &ran.outputs["json-file"];
    serde_json::from_str(&fs_err::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn the_action_runs_a_warning_gate_and_writes_summary_outputs_and_sarif() {
    let runner = Runner::new(&warning_gate());
    let ran = run_action(
        &runner,
        &[("inputs", "reports/"), ("args", &format!("--now={NOW}"))],
        &[],
    );
    assert_eq!(ran.code, 0, "{ran:?}");
    assert_eq!(ran.outputs["decision"], "warn", "{ran:?}");
    assert_eq!(ran.outputs["exit-code"], "0", "{ran:?}");
    assert_eq!(ran.outputs["violations"], "10", "{ran:?}");
    // Every output action.yml declares is one the step set.
    for (name, declared) in action()["outputs"].as_mapping().unwrap() {
        let name = name.as_str().unwrap();
        assert_eq!(
            declared["value"].as_str(),
            Some(format!("${{{{ steps.gate.outputs.{name} }}}}").as_str())
        );
        assert!(ran.outputs.contains_key(name), "{name}: {ran:?}");
    }

    let json = json_file(&ran);
    assert_eq!(json["decision"], "warn");
    assert_eq!(json["context"]["target_branch"], "main", "{json}");
    assert_eq!(json["context"]["branch"], "feature/x", "{json}");
    assert_eq!(json["context"]["actor"], "octocat", "{json}");
    assert_eq!(json["context"]["repository"], "acme/service", "{json}");

    let sarif: serde_json::Value =
        serde_json::from_str(&fs_err::read_to_string(&ran.outputs["sarif-file"]).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0", "{sarif}");
    assert!(Path::new(&ran.outputs["sarif-file"]).starts_with(&runner.temp));

    // The Markdown report, as verdict renders it, is the step summary.
    let markdown = fs_err::read_to_string(&ran.outputs["markdown-file"]).unwrap();
    assert!(!markdown.is_empty());
    assert_eq!(ran.summary, markdown);
    assert!(
        ran.summary.contains("dependency-vulnerabilities"),
        "{ran:?}"
    );

    // Annotations on stdout, one workflow command per violation at least.
    let annotations = ran
        .stdout
        .lines()
        .filter(|line| annotation(line).is_some_and(|kind| kind != "error"))
        .count();
    assert!(annotations >= 1, "{ran:?}");
    // The console report is in the log, with workflow commands off around it.
    assert!(ran.stdout.contains("::stop-commands::verdict-"), "{ran:?}");
    assert!(ran.stdout.contains("verdict: WARN"), "{ran:?}");
}

#[test]
fn the_action_fails_after_writing_every_report_and_output() {
    let runner = Runner::new(FAILING_GATE);
    let ran = run_action(
        &runner,
        &[
            ("inputs", "reports/"),
            ("args", &format!("--now={NOW}")),
            ("formats", "junit=verdict.junit.xml\nhtml=verdict.html"),
            ("verdict-path", env!("CARGO_BIN_EXE_verdict")),
        ],
        &[("PATH", "/usr/bin:/bin")],
    );
    assert_eq!(ran.code, 1, "{ran:?}");
    assert_eq!(ran.outputs["decision"], "fail", "{ran:?}");
    assert_eq!(ran.outputs["exit-code"], "1", "{ran:?}");
    assert!(ran.summary.contains("coverage-minimum"), "{ran:?}");
    assert!(Path::new(&ran.outputs["sarif-file"]).is_file(), "{ran:?}");
    assert!(
        ran.stdout
            .lines()
            .any(|line| annotation(line) == Some("error")),
        "{ran:?}"
    );
    // Extra reports land where the workflow asked, relative to the workspace.
    let junit = fs_err::read_to_string(runner.workspace.join("verdict.junit.xml")).unwrap();
    assert!(junit.contains("<testsuite"), "{junit}");
    assert!(runner.workspace.join("verdict.html").is_file());
}

#[test]
fn the_action_can_fail_on_warn_and_still_reports_the_warning() {
    let runner = Runner::new(&warning_gate());
    let ran = run_action(
        &runner,
        &[
            ("inputs", "reports/"),
            ("fail-on-warn", "true"),
            ("summary", "false"),
        ],
        &[],
    );
    assert_eq!(ran.code, 1, "{ran:?}");
    assert_eq!(ran.outputs["decision"], "warn", "{ran:?}");
    assert_eq!(ran.outputs["exit-code"], "0", "{ran:?}");
    assert!(ran.summary.is_empty(), "summary: false: {ran:?}");
    assert!(
        ran.stdout
            .contains("::error title=verdict::the gate warned"),
        "{ran:?}"
    );

    let ran = run_action(&runner, &[("fail-on-warn", "yes")], &[]);
    assert_eq!(ran.code, 2, "{ran:?}");
    assert!(ran.stdout.contains("must be true or false"), "{ran:?}");
}

#[test]
fn an_action_run_that_errors_says_so_everywhere_and_exits_2() {
    let runner = Runner::new(&warning_gate());
    // A stale report from an earlier run at the requested path is not read
    // as this run's.
    let stale = runner.workspace.join("verdict.json");
    write(
        &stale,
        "{\n  \"decision\": \"pass\",\n  \"summary\": {\n    \"violations\": 0\n  }\n}\n",
    );
    let ran = run_action(
        &runner,
        &[("config", "missing.toml"), ("json-file", "verdict.json")],
        &[],
    );
    assert_eq!(ran.code, 2, "{ran:?}");
    assert_eq!(ran.outputs["decision"], "error", "{ran:?}");
    assert_eq!(ran.outputs["exit-code"], "2", "{ran:?}");
    assert_eq!(ran.outputs["violations"], "", "{ran:?}");
    assert_eq!(ran.outputs["sarif-file"], "", "{ran:?}");
    assert_eq!(ran.outputs["json-file"], "", "{ran:?}");
    assert!(!stale.exists());
    assert!(ran.summary.starts_with("## verdict: ⛔ ERROR"), "{ran:?}");
    assert!(
        ran.stdout
            .contains("::error title=verdict::the gate ended in error (exit 2)"),
        "{ran:?}"
    );
    assert!(ran.stderr.contains("missing.toml"), "{ran:?}");

    // No binary anywhere and no cargo to build one: an error naming the
    // ways out (PATH holds bash only).
    let only_bash = runner.temp.join("only-bash");
    fs_err::create_dir_all(&only_bash).unwrap();
    std::os::unix::fs::symlink("/bin/bash", only_bash.join("bash")).unwrap();
    let ran = run_action(&runner, &[], &[("PATH", only_bash.to_str().unwrap())]);
    assert_eq!(ran.code, 2, "{ran:?}");
    assert!(ran.stdout.contains("verdict-path"), "{ran:?}");
}

/// Writes a passing JSON document and Markdown report where asked, then
/// exits 2.
const DISAGREEING: &str = r#"#!/bin/sh
for arg in "$@"; do
    case "$arg" in
    --format=json=*) printf '{\n  "decision": "pass",\n  "summary": {\n    "violations": 0\n  }\n}\n' > "${arg#--format=json=}" ;;
    --format=markdown=*) echo 'all good' > "${arg#--format=markdown=}" ;;
    esac
done
exit 2
"#;

#[test]
fn a_run_without_a_decision_that_agrees_with_its_exit_code_is_an_error() {
    let runner = Runner::new(&warning_gate());
    for (name, script) in [
        ("silent", "#!/bin/sh\nexit 0\n"),
        ("crash", "#!/bin/sh\nkill -SEGV $$\n"),
        // A document that says pass from a run that exited 2.
        ("disagrees", DISAGREEING),
    ] {
        let binary = runner.temp.join(name);
        write(&binary, script);
        fs_err::set_permissions(&binary, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
        let ran = run_action(&runner, &[("verdict-path", binary.to_str().unwrap())], &[]);
        assert_eq!(ran.code, 2, "{name}: {ran:?}");
        assert_eq!(ran.outputs["decision"], "error", "{name}: {ran:?}");
        assert!(ran.summary.contains("⛔ ERROR"), "{name}: {ran:?}");
        assert!(!ran.summary.contains("all good"), "{name}: {ran:?}");
        for output in ["json-file", "sarif-file", "markdown-file", "violations"] {
            assert_eq!(ran.outputs[output], "", "{name}: {output}: {ran:?}");
        }
        write(&runner.summary, "");
    }
}

#[test]
fn a_run_that_decided_error_shows_its_reports_but_offers_no_sarif_to_upload() {
    // The coverage policy has no coverage report to read: it errors.
    let runner = Runner::new(FAILING_GATE);
    let ran = run_action(&runner, &[("inputs", "reports/bandit.json")], &[]);
    assert_eq!(ran.code, 2, "{ran:?}");
    assert_eq!(ran.outputs["decision"], "error", "{ran:?}");
    assert_eq!(json_file(&ran)["decision"], "error");
    assert!(ran.summary.contains("coverage-minimum"), "{ran:?}");
    // The file is there, but an upload would close the alerts of the policy
    // that never ran.
    assert!(
        fs_err::read_dir(&runner.temp)
            .unwrap()
            .any(|entry| { entry.unwrap().path().join("verdict.sarif").is_file() })
    );
    assert_eq!(ran.outputs["sarif-file"], "", "{ran:?}");
}

#[test]
fn the_step_summary_is_cut_at_githubs_limit_on_a_line() {
    let runner = Runner::new(&warning_gate());
    // What is already there counts against the same 1 MiB.
    let filler = "x".repeat(1023) + "\n";
    let before = filler.repeat(1023);
    write(&runner.summary, &before);
    let ran = run_action(&runner, &[("inputs", "reports/")], &[]);
    assert_eq!(ran.code, 0, "{ran:?}");
    assert!(ran.summary.len() <= 1024 * 1024, "{}", ran.summary.len());
    assert!(ran.summary.starts_with(&before));
    let added = &ran.summary[before.len()..];
    assert!(added.contains("**Report cut here:**"), "{added}");
    let markdown = fs_err::read_to_string(&ran.outputs["markdown-file"]).unwrap();
    let kept = added.split("\n\n> **Report cut here:**").next().unwrap();
    assert!(markdown.starts_with(kept), "{kept}");
    assert!(kept.is_empty() || kept.ends_with('\n'), "{kept:?}");
}

#[test]
fn outputs_use_a_fresh_random_delimiter_the_runner_parses() {
    let runner = Runner::new(&warning_gate());
    run_action(&runner, &[("inputs", "reports/")], &[]);
    let first = fs_err::read_to_string(&runner.output).unwrap();
    let delimiter = |text: &str| {
        let line = text.lines().next().unwrap().to_owned();
        line.split_once("<<").unwrap().1.to_owned()
    };
    let one = delimiter(&first);
    assert!(one.len() >= 32 && one.starts_with("verdict_"), "{one}");
    write(&runner.output, "");
    run_action(&runner, &[("inputs", "reports/")], &[]);
    let two = delimiter(&fs_err::read_to_string(&runner.output).unwrap());
    assert_ne!(one, two);
    // The parser here is the runner's: a value cut short is an error.
    assert!(parse_github_output("a<<X\nvalue\n").is_err());
    assert_eq!(
        parse_github_output("a=1\n\nb<<X\none\ntwo\nX\n").unwrap(),
        BTreeMap::from([("a".into(), "1".into()), ("b".into(), "one\ntwo".into())])
    );
}
