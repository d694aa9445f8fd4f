//! The GitHub Action against attacker-chosen text: inputs never become shell
//! text, and forged workflow commands in findings stay text in the log.

use super::github::{action, annotation, json_file, run_action, steps};
use super::{FAILING_GATE, HOSTILE, Runner, warning_gate};
use crate::support::root;
#[test]
fn action_inputs_never_reach_shell_text() {
    let action = action();
    for (index, step) in steps(&action).iter().enumerate() {
        let run = step["run"].as_str().unwrap();
        assert!(
            !run.contains("${{"),
            "step {index} interpolates into shell text: {run}"
        );
    }
    // Every input is passed to the script, and only through `env:`.
    let text = fs_err::read_to_string(root().join("action.yml")).unwrap();
    let script = fs_err::read_to_string(root().join("ci/github/verdict.sh")).unwrap();
    for name in action["inputs"].as_mapping().unwrap().keys() {
        let name = name.as_str().unwrap();
        assert!(
            text.contains(&format!("${{{{ inputs.{name} }}}}")),
            "{name}"
        );
        let variable = format!("VERDICT_ACTION_{}", name.replace('-', "_").to_uppercase());
        assert!(
            script.contains(&format!("${{{variable}:-")),
            "{name}: {variable}"
        );
    }
    // Nothing turns text back into code.
    for line in script
        .lines()
        .filter(|line| !line.trim_start().starts_with('#'))
    {
        let words: Vec<&str> = line
            .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .collect();
        for builtin in ["eval", "source", "exec"] {
            assert!(!words.contains(&builtin), "`{builtin}` in: {line}");
        }
    }
}

#[test]
fn hostile_branch_names_and_inputs_are_inert_in_the_action() {
    let runner = Runner::new(&warning_gate());
    for hostile in HOSTILE {
        let ran = run_action(
            &runner,
            &[("inputs", "reports/"), ("environment", hostile)],
            &[("GITHUB_HEAD_REF", hostile), ("GITHUB_BASE_REF", hostile)],
        );
        runner.assert_nothing_ran(&ran);
        // No environments are declared, so any name is taken as given, and
        // the hostile branch is recorded as data.
        assert_eq!(ran.code, 0, "{ran:?}");
        let json = json_file(&ran);
        assert_eq!(json["context"]["branch"], hostile, "{json}");
        assert_eq!(json["context"]["environment"], hostile, "{json}");

        // As an input path, a config path, a report path, an argument and a
        // format: each is one argument, a file that is not there (exit 2).
        for input in [
            "inputs",
            "config",
            "json-file",
            "sarif-file",
            "baseline",
            "args",
            "formats",
            "override",
            "verdict-path",
        ] {
            let ran = run_action(&runner, &[("inputs", "reports/"), (input, hostile)], &[]);
            runner.assert_nothing_ran(&ran);
            assert!(
                ran.code == 2 || ran.outputs.get("decision").is_some_and(|d| d == "warn"),
                "{input}: {ran:?}"
            );
        }
    }
}

#[test]
fn an_override_reason_is_recorded_as_given_with_the_actor() {
    let runner = Runner::new(&FAILING_GATE.replace(
        "plugin = \"builtin:coverage\"",
        "plugin = \"builtin:coverage\"\nenforcement = \"soft\"",
    ));
    let ran = run_action(&runner, &[("inputs", "reports/")], &[]);
    assert_eq!(
        ran.code, 1,
        "without the override, the soft policy fails: {ran:?}"
    );
    for hostile in HOSTILE {
        let ran = run_action(
            &runner,
            &[
                ("inputs", "reports/"),
                ("override", "coverage-minimum"),
                ("override-reason", hostile),
            ],
            &[],
        );
        runner.assert_nothing_ran(&ran);
        assert_eq!(ran.code, 0, "{ran:?}");
        let json = json_file(&ran);
        assert_eq!(json["overrides"][0]["policy"], "coverage-minimum", "{json}");
        assert_eq!(json["overrides"][0]["reason"], hostile, "{json}");
        assert_eq!(json["overrides"][0]["actor"], "octocat", "{json}");
    }
}

#[test]
fn forged_workflow_commands_in_findings_stay_text_in_the_log() {
    let runner = Runner::new(&format!(
        "inputs = [\"{}\"]\n\n[[policy]]\nid = \"sast\"\nplugin = \"builtin:code-scanning\"\n[policy.config]\nfail-on = \"high\"\n",
        root().join("fixtures/bad/forged-output").display()
    ));
    let ran = run_action(&runner, &[], &[]);
    assert_eq!(ran.code, 1, "{ran:?}");
    assert_eq!(ran.outputs["decision"], "fail", "{ran:?}");
    // Read the log as the runner does: while commands are on, every line
    // that starts with `::` is a command; none may be one a finding forged.
    let mut stopped: Option<String> = None;
    for line in ran.stdout.lines() {
        if let Some(token) = &stopped {
            if line == format!("::{token}::") {
                stopped = None;
            }
            continue;
        }
        if let Some(token) = line.strip_prefix("::stop-commands::") {
            assert!(token.starts_with("verdict-") && token.len() > 32, "{line}");
            stopped = Some(token.to_owned());
            continue;
        }
        if line.starts_with("::") {
            assert!(annotation(line).is_some(), "not an annotation: {line}");
            assert!(
                !line.starts_with("::error file=app.py,line=1::forged"),
                "{line}"
            );
        }
        assert!(!line.starts_with("##["), "{line}");
    }
    assert!(stopped.is_none(), "commands left off: {ran:?}");
}
