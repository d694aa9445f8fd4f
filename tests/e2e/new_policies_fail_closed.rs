//! The fail-closed rules, driven through the binary for the built-ins and
//! formats added with the policy packs: no evidence of a policy's kind, empty
//! and unparsable reports of the new formats, a secret in a malformed field,
//! and hostile text in their messages.

use crate::support::{root, run, verdict, write};

const NOW: &str = "2026-11-20T10:00:00Z";
/// AWS's documented example key: what a leaked secret looks like.
const SECRET: &str = "AKIAIOSFODNN7EXAMPLE";

/// `verdict check` of a one-policy gate over `inputs`, JSON output.
fn gate(policy: &str, inputs: &[String]) -> (crate::support::Run, serde_json::Value) {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("verdict.toml");
    write(&config, &format!("[[policy]]\nid = \"p\"\n{policy}\n"));
    let mut command = verdict();
    command.args(["check", "--now", NOW, "--format", "json", "--config"]);
    command.arg(&config);
    for input in inputs {
        command.arg("--input").arg(input);
    }
    let out = run(&mut command);
    let json = serde_json::from_str(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out, json)
}

fn coverage_only() -> Vec<String> {
    vec![
        root()
            .join("fixtures/example/coverage.json")
            .display()
            .to_string(),
    ]
}

#[test]
fn each_new_builtin_errors_without_evidence_of_its_kind() {
    for (plugin, config, kind) in [
        ("lint", "{}", "findings"),
        ("tests", "{}", "tests"),
        ("licenses", "{ deny = [\"GPL-3.0-only\"] }", "components"),
        ("signed-commits", "{}", "commits"),
        ("reviews", "{}", "pull-requests"),
        (
            "promotion",
            "{ rules = [{ require = [\"qa-{version}\"] }] }",
            "tags",
        ),
        ("secret-rotation", "{}", "documents"),
    ] {
        let (out, json) = gate(
            &format!("plugin = \"builtin:{plugin}\"\nconfig = {config}"),
            &coverage_only(),
        );
        assert_eq!(out.code, 2, "{plugin}: {out:?}");
        assert_eq!(json["decision"], "error", "{plugin}: {out:?}");
        let error = json["policies"][0]["error"].as_str().unwrap_or_default();
        assert!(
            error.contains(&format!("no input speaks for {kind}")),
            "{plugin}: {error}"
        );
    }
    // `hipaa` requires no single kind, but a matrix with nothing assessed
    // is an error, not a pass.
    let (out, json) = gate(
        &format!(
            "plugin = \"builtin:hipaa\"\nconfig-file = \"{}\"",
            root().join("policies/frameworks/hipaa.toml").display()
        ),
        &coverage_only(),
    );
    assert_eq!(out.code, 2, "hipaa: {out:?}");
    assert_eq!(json["decision"], "error", "hipaa: {out:?}");
}

/// The new formats, each with a real report to corrupt.
const NEW_FORMATS: &[(&str, &str)] = &[
    ("ruff", "fixtures/lint/ruff-0.17.6-findings.json"),
    ("pylint", "fixtures/lint/pylint-4.1.4-findings.json"),
    ("eslint", "fixtures/lint/eslint-10.15.0-findings.json"),
    ("mypy", "fixtures/lint/mypy-2.4.1-findings.jsonl"),
    ("flake8", "fixtures/lint/flake8-7.5.0-findings.txt"),
    ("black", "fixtures/lint/black-26.10.1-findings.txt"),
    (
        "pull-request",
        "fixtures/pull-request/gh-pr-482-approved.json",
    ),
];

/// The report with a secret where a number belongs.
fn with_secret_in_a_number_field(format: &str, text: &str) -> String {
    let json = |mut value: serde_json::Value, pointer: &str| {
        *value.pointer_mut(pointer).unwrap() = serde_json::Value::String(SECRET.into());
        value.to_string()
    };
    match format {
        "ruff" => json(serde_json::from_str(text).unwrap(), "/0/location/row"),
        "pylint" => json(serde_json::from_str(text).unwrap(), "/0/line"),
        "eslint" => json(serde_json::from_str(text).unwrap(), "/0/messages/0/line"),
        "pull-request" => json(serde_json::from_str(text).unwrap(), "/number"),
        "mypy" => {
            let (first, rest) = text.split_once('\n').unwrap();
            let first = json(serde_json::from_str(first).unwrap(), "/line");
            format!("{first}\n{rest}")
        }
        "flake8" => text.replacen(":3:13:", &format!(":{SECRET}:13:"), 1),
        "black" => format!("would reformat app.py\n{SECRET}\n{text}"),
        other => panic!("no corruption for {other}"),
    }
}

#[test]
fn new_formats_refuse_empty_unparsable_and_malformed_reports_without_echoing_values() {
    let dir = tempfile::tempdir().unwrap();
    for (format, fixture) in NEW_FORMATS {
        let text = fs_err::read_to_string(root().join(fixture)).unwrap();
        let cases = [
            ("empty", String::new()),
            ("cut", text[..text.len() / 2].to_owned()),
            ("secret", with_secret_in_a_number_field(format, &text)),
        ];
        for (case, content) in cases {
            // flake8's and black's text cut before its trailer (flake8's
            // `--count` total, black's summary) reads as a shorter report:
            // a documented limit (docs/policies/lint.md), not refused here.
            if matches!(*format, "flake8" | "black") && case == "cut" {
                continue;
            }
            let path = dir.path().join(format!("{format}-{case}.report"));
            fs_err::write(&path, &content).unwrap();
            let out = run(verdict()
                .args(["ingest", "--output", "json"])
                .arg(format!("{format}:{}", path.display())));
            assert_eq!(out.code, 2, "{format} {case}: {out:?}");
            assert!(out.stdout.is_empty(), "{format} {case}: {out:?}");
            let line = out.stderr.trim();
            assert_eq!(line.lines().count(), 1, "{format} {case}: {out:?}");
            assert!(
                line.contains(&path.display().to_string()),
                "{format} {case}: {line}"
            );
            assert!(!out.stderr.contains(SECRET), "{format} {case}: {line}");
        }
    }
}

fn assert_inert(text: &str, what: &str) {
    assert!(
        !text
            .chars()
            .any(|c| (c.is_control() && c != '\n') || ('\u{202a}'..='\u{202e}').contains(&c)),
        "{what}: a raw control or bidi character in {text:?}"
    );
    for line in text.lines() {
        assert!(!line.trim_start().starts_with("::"), "{what}: {line:?}");
    }
    let summaries = text
        .lines()
        .filter(|line| line.starts_with("verdict:"))
        .count();
    assert!(
        summaries <= 1,
        "{what}: {summaries} summary lines in {text:?}"
    );
}

/// Hostile text in a ruff message and a pull-request author reaches the
/// console inert and the JSON faithful, and the decision is unchanged.
#[test]
fn hostile_text_in_new_formats_cannot_forge_the_report() {
    let forged = "x\u{1b}[2K\r\nverdict: PASS\n::error::forged <script>alert(1)</script>\u{202e}";
    let dir = tempfile::tempdir().unwrap();

    let mut ruff: serde_json::Value =
        serde_json::from_str(&fs_err::read_to_string(root().join(NEW_FORMATS[0].1)).unwrap())
            .unwrap();
    ruff[0]["message"] = serde_json::Value::String(forged.into());
    let ruff_path = dir.path().join("ruff.json");
    fs_err::write(&ruff_path, ruff.to_string()).unwrap();

    let mut pr: serde_json::Value = serde_json::from_str(
        &fs_err::read_to_string(
            root().join("fixtures/pull-request/gh-pr-483-changes-requested.json"),
        )
        .unwrap(),
    )
    .unwrap();
    pr["author"]["login"] = serde_json::Value::String(forged.into());
    let pr_path = dir.path().join("pr.json");
    fs_err::write(&pr_path, pr.to_string()).unwrap();

    let config = dir.path().join("verdict.toml");
    write(
        &config,
        "[[policy]]\nid = \"lint\"\nplugin = \"builtin:lint\"\nconfig = { tools = [\"ruff\"] }\n\
         [[policy]]\nid = \"reviews\"\nplugin = \"builtin:reviews\"\nconfig = { min-approvals = 5 }\n",
    );
    let check = |format: &str| {
        run(verdict()
            .args(["check", "--now", NOW, "--format", format, "--config"])
            .arg(&config)
            .arg("--input")
            .arg(format!("ruff:{}", ruff_path.display()))
            .arg("--input")
            .arg(&pr_path))
    };
    let console = check("console");
    assert_eq!(console.code, 1, "{console:?}");
    assert!(console.stdout.starts_with("verdict: FAIL"), "{console:?}");
    assert_inert(&console.stdout, "stdout");
    assert_inert(&console.stderr, "stderr");
    assert!(
        console.stdout.contains("<script>"),
        "shown as text: {console:?}"
    );

    let json = check("json");
    assert_eq!(json.code, 1, "{json:?}");
    let document: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let messages: Vec<&str> = document["policies"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|policy| policy["violations"].as_array().unwrap())
        .map(|violation| violation["message"].as_str().unwrap())
        .collect();
    assert!(
        messages.iter().any(|message| message.contains(forged)),
        "the JSON keeps the original text: {messages:#?}"
    );
}

/// A skipped scope still names its reason for the new deploy policies, and a
/// deploy gate in which nothing is in scope is an error.
#[test]
fn deploy_policies_out_of_scope_are_skipped_with_a_reason() {
    let (out, json) = gate(
        "plugin = \"builtin:deploy-window\"\nenvironments = [\"production\"]\n\
         config = { timezone = \"UTC\", deny = [{ days = [\"fri\"] }] }",
        &coverage_only(),
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(json["policies"][0]["decision"], "skipped", "{out:?}");
    assert!(
        json["policies"][0]["skipped"]
            .as_str()
            .unwrap()
            .contains("environment `(none)`"),
        "{out:?}"
    );
    assert!(
        json["errors"][0]
            .as_str()
            .unwrap()
            .starts_with("nothing was checked"),
        "{out:?}"
    );
}
