//! The GitLab template: the `.verdict` job's script run as a runner runs it
//! (POSIX sh), with `CI_*` variables, and the artifacts it declares.

use super::{FAILING_GATE, HOSTILE, Ran, Runner, warning_gate};
use crate::support::{root, write};
use serde_yaml_ng::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;

pub(super) fn gitlab_template() -> Value {
    let text = fs_err::read_to_string(root().join("ci/gitlab/verdict.gitlab-ci.yml")).unwrap();
    serde_yaml_ng::from_str(&text).unwrap()
}

/// The variables GitLab sets for a merge request pipeline from `feature/x`
/// into `main`.
fn merge_request(runner: &Runner) -> Vec<(&'static str, String)> {
    vec![
        ("CI", "true".into()),
        ("GITLAB_CI", "true".into()),
        ("CI_PROJECT_DIR", runner.workspace.display().to_string()),
        ("CI_PROJECT_PATH", "acme/service".into()),
        ("CI_PIPELINE_SOURCE", "merge_request_event".into()),
        ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main".into()),
        ("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME", "feature/x".into()),
        ("CI_COMMIT_REF_NAME", "feature/x".into()),
        ("GITLAB_USER_LOGIN", "tanuki".into()),
    ]
}

/// Runs a job that `extends: .verdict` with `job_variables`, as the runner
/// runs a job's script in a POSIX shell: `before_script` and `script` lines in
/// order, stopping at the first that fails (`sh -e`, dash here).
pub(super) fn run_gitlab(
    runner: &Runner,
    job_variables: &[(&str, &str)],
    ci: &[(&str, &str)],
) -> Ran {
    let template = gitlab_template();
    let job = &template[".verdict"];
    let mut environment: BTreeMap<String, String> = merge_request(runner)
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value))
        .collect();
    for (name, value) in job["variables"].as_mapping().unwrap() {
        environment.insert(
            name.as_str().unwrap().to_owned(),
            value.as_str().unwrap().to_owned(),
        );
    }
    for (name, value) in job_variables.iter().chain(ci) {
        environment.insert((*name).to_owned(), (*value).to_owned());
    }
    let mut script = String::new();
    for key in ["before_script", "script"] {
        for line in job[key].as_sequence().into_iter().flatten() {
            script.push_str(line.as_str().unwrap());
            script.push('\n');
        }
    }
    let file = runner.temp.join("gitlab-job.sh");
    write(&file, &script);
    let pairs: Vec<(&str, &str)> = environment
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    let output = runner
        .command("/bin/sh", &pairs)
        .arg("-e")
        .arg(&file)
        .output()
        .unwrap();
    Ran {
        code: output.status.code().expect("exited"),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
        summary: String::new(),
        outputs: BTreeMap::new(),
    }
}

/// The files the template's `artifacts:` name, in the workspace.
pub(super) fn gitlab_artifacts(runner: &Runner) -> (PathBuf, PathBuf, Vec<PathBuf>) {
    let template = gitlab_template();
    let artifacts = &template[".verdict"]["artifacts"];
    assert_eq!(artifacts["when"].as_str(), Some("always"));
    let at = |value: &Value| runner.workspace.join(value.as_str().unwrap());
    let paths = artifacts["paths"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(at)
        .collect();
    (
        at(&artifacts["reports"]["codequality"]),
        at(&artifacts["reports"]["junit"]),
        paths,
    )
}

#[test]
fn the_gitlab_template_wires_code_quality_junit_and_the_reports() {
    let runner = Runner::new(FAILING_GATE);
    let ran = run_gitlab(
        &runner,
        &[(
            "VERDICT_INPUTS",
            "reports/bandit.json\nreports/coverage.json\nreports/gitleaks.json",
        )],
        &[],
    );
    assert_eq!(ran.code, 1, "{ran:?}");
    assert!(ran.stdout.contains("verdict: FAIL"), "{ran:?}");
    let (codequality, junit, paths) = gitlab_artifacts(&runner);
    let issues: serde_json::Value =
        serde_json::from_str(&fs_err::read_to_string(&codequality).unwrap()).unwrap();
    assert!(!issues.as_array().unwrap().is_empty(), "{issues}");
    let junit = fs_err::read_to_string(&junit).unwrap();
    assert!(
        junit.contains("<testsuite") && junit.contains("<failure"),
        "{junit}"
    );
    for path in &paths {
        assert!(path.is_file(), "{}", path.display());
    }
    let json: serde_json::Value = serde_json::from_str(
        &fs_err::read_to_string(
            paths
                .iter()
                .find(|path| path.ends_with("verdict.json"))
                .unwrap(),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(json["decision"], "fail");
    assert_eq!(json["context"]["target_branch"], "main", "{json}");
    assert_eq!(json["context"]["actor"], "tanuki", "{json}");
    assert_eq!(json["inputs"].as_array().unwrap().len(), 3, "{json}");
}

#[test]
fn the_gitlab_template_passes_a_warning_gate_and_errors_without_one() {
    let runner = Runner::new(&warning_gate());
    let ran = run_gitlab(
        &runner,
        &[("VERDICT_INPUTS", "reports/"), ("VERDICT_ENV", "")],
        &[],
    );
    assert_eq!(ran.code, 0, "{ran:?}");
    let (codequality, _, _) = gitlab_artifacts(&runner);
    assert!(codequality.is_file());

    let ran = run_gitlab(&runner, &[("VERDICT_CONFIG", "missing.toml")], &[]);
    assert_eq!(ran.code, 2, "{ran:?}");
    // The previous run's reports are gone, not shown as this run's.
    assert!(!codequality.exists());
}

#[test]
fn a_gitlab_run_that_errors_keeps_its_reports_but_no_code_quality() {
    // The coverage policy has no coverage report to read: it errors.
    let runner = Runner::new(FAILING_GATE);
    let ran = run_gitlab(&runner, &[("VERDICT_INPUTS", "reports/bandit.json")], &[]);
    assert_eq!(ran.code, 2, "{ran:?}");
    let (codequality, junit, paths) = gitlab_artifacts(&runner);
    assert!(!codequality.exists(), "{ran:?}");
    assert!(junit.is_file(), "{ran:?}");
    for path in &paths {
        assert!(path.is_file(), "{}", path.display());
    }
}

#[test]
fn hostile_branch_names_and_variables_are_inert_in_the_gitlab_template() {
    let runner = Runner::new(&warning_gate());
    for hostile in HOSTILE {
        let ran = run_gitlab(
            &runner,
            &[("VERDICT_INPUTS", "reports/")],
            &[
                ("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME", hostile),
                ("CI_COMMIT_REF_NAME", hostile),
                ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", hostile),
            ],
        );
        runner.assert_nothing_ran(&ran);
        assert_eq!(ran.code, 0, "{ran:?}");
        for variable in [
            "VERDICT_INPUTS",
            "VERDICT_CONFIG",
            "VERDICT_BASELINE",
            "VERDICT_ARGS",
        ] {
            let ran = run_gitlab(
                &runner,
                &[("VERDICT_INPUTS", "reports/"), (variable, hostile)],
                &[],
            );
            runner.assert_nothing_ran(&ran);
            assert_eq!(ran.code, 2, "{variable}: {ran:?}");
        }
    }
}
