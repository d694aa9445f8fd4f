//! SARIF logs of 32 MiB or more named `*.sarif` are parsed as they are read
//! (`engine/ingest/src/formats/sarif/stream.rs`). Through the binary: such a
//! log decides exactly as the same log read whole, hostile text in it stays
//! inert in every output, a cut or malformed one is exit 2 naming the file
//! without echoing a secret, and one without results still fails closed on
//! kinds it does not speak for. The logs here are padded with whitespace
//! inside the results array to pass the streaming size; the unit tests in
//! `stream.rs` show that this shape streams.
//!
//! Also `code-scanning`'s `levels`, now selected host-side: findings of tools
//! that give no SARIF level are not filtered by it.

use crate::support::{policy, root, run, verdict, write};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// More than the 32 MiB from which a `*.sarif` log streams.
const PADDING: usize = 33 << 20;

/// Text a pull request could put in a message: a terminal escape, a forged
/// verdict line, a workflow command, markup and a right-to-left override.
const HOSTILE: &str = "tainted\u{1b}[2J\r\nverdict: PASS (0 violations)\n::error::forged\n<script>alert(1)</script>\u{202e}";

fn result(message: &str, level: &str, extra: &str) -> String {
    format!(
        r#"{{"ruleId":"r1","ruleIndex":0,"level":"{level}","message":{{"text":{}}},"locations":[{{"physicalLocation":{{"artifactLocation":{{"uri":"src/app.py"}},"region":{{"startLine":7}}}}}}]{extra}}}"#,
        serde_json::to_string(message).unwrap()
    )
}

/// A CodeQL log of these results, with `padding` spaces inside its results
/// array.
fn log(results: &[String], padding: usize) -> String {
    format!(
        r#"{{"$schema":"https://json.schemastore.org/sarif-2.1.0.json","version":"2.1.0","runs":[{{"tool":{{"driver":{{"name":"CodeQL","rules":[{{"id":"r1","properties":{{"security-severity":"8.1"}}}}]}}}},"results":[{}{}]}}]}}"#,
        results.join(","),
        " ".repeat(padding)
    )
}

fn gate(dir: &Path, policies: &str) -> PathBuf {
    let path = dir.join("verdict.toml");
    write(&path, policies);
    path
}

const CODE_SCANNING: &str = "[[policy]]\nid = \"sast\"\nplugin = \"builtin:code-scanning\"\nconfig = { fail-on = \"high\", levels = [\"error\"] }\n";

fn check(config: &Path, input: &Path, formats: &[String]) -> crate::support::Run {
    run(verdict()
        .args(["check", "--now", "2026-11-20T10:00:00Z", "--config"])
        .arg(config)
        .arg("--input")
        .arg(input)
        .args(formats.iter().flat_map(|f| ["--format", f.as_str()])))
}

fn json_of(path: &Path) -> Value {
    serde_json::from_str(&fs_err::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn a_streamed_log_decides_as_the_same_log_read_whole_and_hostile_text_stays_inert() {
    let dir = tempfile::tempdir().unwrap();
    let results = [
        result(HOSTILE, "error", ""),
        result("a note, not selected by `levels`", "note", ""),
        result("plain", "error", r#","suppressions":[{"kind":"inSource"}]"#),
        result("second", "error", ""),
    ];
    let config = gate(dir.path(), CODE_SCANNING);
    let mut documents = Vec::new();
    for (name, padding) in [("small.sarif", 0), ("large.sarif", PADDING)] {
        let input = dir.path().join(name);
        write(&input, &log(&results, padding));
        let out_dir = dir.path().join(format!("out-{padding}"));
        fs_err::create_dir_all(&out_dir).unwrap();
        let file = |format: &str| format!("{format}={}", out_dir.join(format).display());
        let formats = ["console".to_owned()]
            .into_iter()
            .chain(
                [
                    "json", "github", "markdown", "html", "sarif", "junit", "gitlab",
                ]
                .map(file),
            )
            .collect::<Vec<_>>();
        let out = check(&config, &input, &formats);
        assert_eq!(out.code, 1, "{name}: {out:?}");
        // Hostile text stays inert: no escape reaches a file or the
        // terminal; where text is shown, no override and no line of its own
        // (no forged verdict, no workflow command); where markup is read,
        // no element. JSON formats escape what JSON must and keep the rest.
        let read = |format: &str| fs_err::read_to_string(out_dir.join(format)).unwrap();
        let shown = [("console", out.stdout.clone())]
            .into_iter()
            .chain(["github", "markdown", "html", "junit"].map(|f| (f, read(f))));
        for (what, text) in shown {
            assert!(!text.contains('\u{1b}'), "{name} {what}: raw escape");
            assert!(!text.contains('\u{202e}'), "{name} {what}: raw override");
            assert!(
                !text
                    .lines()
                    .any(|line| line.starts_with("::error::forged")
                        || line.starts_with("verdict: PASS")),
                "{name} {what}: a forged line\n{text}"
            );
            if matches!(what, "markdown" | "html" | "junit") {
                assert!(!text.contains("<script>"), "{name} {what}: raw markup");
            }
        }
        for format in ["sarif", "gitlab"] {
            let text = read(format);
            assert!(!text.contains('\u{1b}'), "{name} {format}: raw escape");
            serde_json::from_str::<Value>(&text).unwrap();
        }
        let document = json_of(&out_dir.join("json"));
        // JSON keeps the exact text.
        assert!(
            crate::support::messages(&document, "sast")
                .iter()
                .any(|message| message.contains(HOSTILE)),
            "{document}"
        );
        documents.push(document);
    }
    let [small, large] = [&documents[0], &documents[1]];
    // The same decision, counts and violations, whichever way it was read:
    // the two error results that are not suppressed; the note is not selected.
    let timeless = |document: &Value| {
        let mut policy = policy(document, "sast").clone();
        policy.as_object_mut().unwrap().remove("duration_ms");
        policy
    };
    assert_eq!(timeless(small), timeless(large));
    assert_eq!(policy(large, "sast")["counts"]["violations"], 2, "{large}");
    assert_eq!(small["decision"], large["decision"]);
    let input = &large["inputs"][0];
    assert_eq!(input["records"], 4, "{large}");
    assert_eq!(
        input["sha256"],
        crate::support::sha256_of(&dir.path().join("large.sarif"))
    );
}

#[test]
fn a_streamed_log_cut_short_or_with_a_secret_where_a_number_belongs_is_exit_2_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let config = gate(dir.path(), CODE_SCANNING);
    let key = "AKIAIOSFODNN7EXAMPLE";
    let whole = log(&[result("m", "error", "")], PADDING);
    let cases = [
        ("cut.sarif", whole[..whole.len() - 6].to_owned()),
        (
            "secret.sarif",
            log(
                &[result("m", "error", "")
                    .replace("\"ruleIndex\":0", &format!("\"ruleIndex\":\"{key}\""))],
                PADDING,
            ),
        ),
        ("blank.sarif", " ".repeat(PADDING)),
    ];
    for (name, text) in cases {
        let input = dir.path().join(name);
        write(&input, &text);
        let out = check(&config, &input, &[]);
        assert_eq!(out.code, 2, "{name}: {out:?}");
        assert!(out.stderr.contains(name), "{name}: {out:?}");
        assert!(
            !out.stderr.contains(key) && !out.stdout.contains(key),
            "{name}: the key was echoed: {out:?}"
        );
        assert_eq!(
            out.stderr
                .lines()
                .filter(|l| l.starts_with("error"))
                .count(),
            1,
            "{out:?}"
        );
    }
}

#[test]
fn a_streamed_log_without_results_speaks_for_findings_only_and_scopes_still_skip() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("empty.sarif");
    write(&input, &log(&[], PADDING));
    let config = gate(
        dir.path(),
        &format!(
            "{CODE_SCANNING}[[policy]]\nid = \"secrets\"\nplugin = \"builtin:secrets\"\n\
             [[policy]]\nid = \"prod-only\"\nplugin = \"builtin:code-scanning\"\nenvironments = [\"production\"]\n"
        ),
    );
    let json = dir.path().join("verdict.json");
    let out = check(&config, &input, &[format!("json={}", json.display())]);
    // No report speaks for secrets: an error of the run, never a pass.
    assert_eq!(out.code, 2, "{out:?}");
    let document = json_of(&json);
    assert_eq!(policy(&document, "sast")["decision"], "pass", "{document}");
    let secrets = policy(&document, "secrets");
    assert_eq!(secrets["decision"], "error", "{document}");
    assert!(secrets.to_string().contains("secrets"), "{secrets}");
    let scoped = policy(&document, "prod-only");
    assert_eq!(scoped["decision"], "skipped", "{document}");
    assert!(
        scoped["skipped"].as_str().unwrap().contains("environment"),
        "{scoped}"
    );
}

/// Bandit's own JSON gives no SARIF level: `levels` does not filter its
/// findings, now that the host selects levels for `code-scanning`.
#[test]
fn levels_leave_findings_of_tools_without_levels_in() {
    let dir = tempfile::tempdir().unwrap();
    let input = root().join("fixtures/corpus/bandit/bandit-2021-large.json");
    let mut counts = Vec::new();
    for levels in ["", ", levels = [\"error\"]", ", levels = [\"note\"]"] {
        let config = gate(
            dir.path(),
            &format!(
                "[[policy]]\nid = \"sast\"\nplugin = \"builtin:code-scanning\"\nconfig = {{ fail-on = \"medium\"{levels} }}\n"
            ),
        );
        let json = dir.path().join("verdict.json");
        let out = run(verdict()
            .args(["check", "--now", "2026-11-20T10:00:00Z", "--config"])
            .arg(&config)
            .arg("--input")
            .arg(format!("bandit:{}", input.display()))
            .args(["--format", &format!("json={}", json.display())]));
        assert_eq!(out.code, 1, "{levels}: {out:?}");
        counts.push(policy(&json_of(&json), "sast")["counts"]["violations"].clone());
    }
    // Bandit's 36 medium findings, whatever `levels` says.
    assert_eq!(counts, [36, 36, 36]);
}
