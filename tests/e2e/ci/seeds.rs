//! The seed pipelines' merge gates through both integrations, and the
//! snippets of docs/ci.md against what the action and template accept.

use super::github::{action, run_action};
use super::gitlab::{gitlab_artifacts, gitlab_template, run_gitlab};
use super::{NOW, Runner};
use crate::support::root;
use serde_yaml_ng::Value;
use std::path::Path;

/// A seed's merge gate (`policies/examples/NNN-*.toml`) with the reports of
/// its test case copied into the workspace's `reports/`, as the scanner jobs'
/// artifacts arrive there: the gate file, the `inputs` lines (with their
/// `FORMAT:` prefixes) and the decision the case expects.
fn seed_gate(runner: &Runner, case: &str) -> (String, String, String) {
    let examples = root().join("policies/examples");
    let text = fs_err::read_to_string(examples.join(case)).unwrap();
    let case: toml::Table = toml::from_str(&text).unwrap();
    let mut lines = Vec::new();
    for input in case["inputs"].as_array().unwrap() {
        let input = input.as_str().unwrap();
        let (format, path) = match input.split_once(':') {
            Some((format, path)) => (Some(format), path),
            None => (None, input),
        };
        let source = examples.join(path);
        let name = source.file_name().unwrap().to_str().unwrap().to_owned();
        fs_err::create_dir_all(runner.workspace.join("reports")).unwrap();
        fs_err::copy(&source, runner.workspace.join("reports").join(&name)).unwrap();
        lines.push(match format {
            Some(format) => format!("{format}:reports/{name}"),
            None => format!("reports/{name}"),
        });
    }
    assert_eq!(case["context"]["now"].as_str(), Some(NOW));
    (
        examples
            .join(case["gate"].as_str().unwrap())
            .display()
            .to_string(),
        lines.join("\n"),
        case["expect"]["decision"].as_str().unwrap().to_owned(),
    )
}

const SEED_CASES: [&str; 4] = [
    "001-sophia-ai.test.toml",
    "002-innerarchitect.test.toml",
    "003-veloflow.test.toml",
    "004-privacy-finetuner.test.toml",
];

#[test]
fn the_seed_merge_gates_decide_the_same_through_the_action_and_the_template() {
    for case in SEED_CASES {
        let runner = Runner::new("");
        let (config, inputs, decision) = seed_gate(&runner, case);
        let code = if decision == "fail" { 1 } else { 0 };
        let ran = run_action(
            &runner,
            &[
                ("config", &config),
                ("inputs", &inputs),
                ("args", &format!("--now={NOW}")),
            ],
            &[],
        );
        assert_eq!(ran.code, code, "{case}: {ran:?}");
        assert_eq!(ran.outputs["decision"], decision, "{case}: {ran:?}");
        assert!(Path::new(&ran.outputs["sarif-file"]).is_file(), "{case}");
        assert!(!ran.summary.is_empty(), "{case}");

        let ran = run_gitlab(
            &runner,
            &[
                ("VERDICT_CONFIG", &config),
                ("VERDICT_INPUTS", &inputs),
                ("VERDICT_ARGS", &format!("--now={NOW}")),
            ],
            &[],
        );
        assert_eq!(ran.code, code, "{case}: {ran:?}");
        let (codequality, junit, _) = gitlab_artifacts(&runner);
        let issues: serde_json::Value =
            serde_json::from_str(&fs_err::read_to_string(&codequality).unwrap()).unwrap();
        assert_eq!(
            issues.as_array().unwrap().is_empty(),
            decision == "pass",
            "{case}"
        );
        assert!(junit.is_file(), "{case}");
    }
}

/// Every mapping anywhere in a YAML value.
fn mappings<'a>(value: &'a Value, out: &mut Vec<&'a serde_yaml_ng::Mapping>) {
    match value {
        Value::Mapping(mapping) => {
            out.push(mapping);
            mapping.values().for_each(|item| mappings(item, out));
        }
        Value::Sequence(items) => items.iter().for_each(|item| mappings(item, out)),
        _ => {}
    }
}

#[test]
fn the_ci_docs_use_only_inputs_and_variables_that_exist() {
    let docs = fs_err::read_to_string(root().join("docs/ci.md")).unwrap();
    let action = action();
    let template = gitlab_template();
    let variables = template[".verdict"]["variables"].as_mapping().unwrap();
    let (mut steps, mut jobs) = (0, 0);
    for block in docs.split("```yaml\n").skip(1) {
        let block = block.split("```").next().unwrap();
        let value: Value = serde_yaml_ng::from_str(block)
            .unwrap_or_else(|error| panic!("docs/ci.md: {error}\n{block}"));
        let mut found = Vec::new();
        mappings(&value, &mut found);
        for mapping in found {
            let get = |key: &str| mapping.get(key).and_then(Value::as_str);
            let config = if get("uses").is_some_and(|uses| uses.starts_with("OWNER/verdict@")) {
                steps += 1;
                let with = mapping.get("with").and_then(Value::as_mapping);
                for key in with.into_iter().flat_map(|with| with.keys()) {
                    let key = key.as_str().unwrap();
                    assert!(
                        action["inputs"][key].is_mapping(),
                        "input `{key}` in {block}"
                    );
                }
                with.and_then(|with| with.get("config"))
                    .and_then(Value::as_str)
            } else if get("extends") == Some(".verdict") {
                jobs += 1;
                let own = mapping.get("variables").and_then(Value::as_mapping);
                for key in own.into_iter().flat_map(|own| own.keys()) {
                    let key = key.as_str().unwrap();
                    assert!(
                        variables.contains_key(key) || ["VERDICT_ENV", "GIT_DEPTH"].contains(&key),
                        "variable `{key}` in {block}"
                    );
                }
                own.and_then(|own| own.get("VERDICT_CONFIG"))
                    .and_then(Value::as_str)
            } else {
                None
            };
            if let Some(config) = config.filter(|config| config.starts_with("policies/")) {
                assert!(root().join(config).is_file(), "{config}");
            }
        }
    }
    // The seed gates (five seeds, four merge gates and two deploy gates
    // shown) in both CIs, plus the generic examples.
    assert!(steps >= 7 && jobs >= 7, "{steps} steps, {jobs} jobs");
}
