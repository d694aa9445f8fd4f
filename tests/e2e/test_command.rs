//! `verdict test`: the built-in policies' and ready gates' own cases.

use crate::support::{run, verdict, write};

#[test]
fn builtin_policy_and_ready_gate_cases_pass() {
    let out = run(verdict().args(["test", "plugins/builtin", "policies"]));
    assert_eq!(out.code, 0, "{out:?}");
    assert!(!out.stdout.contains("FAIL"), "{out:?}");
    let summary = out.stdout.lines().last().unwrap();
    let passed: usize = summary.split_whitespace().next().unwrap().parse().unwrap();
    assert!(passed >= 20, "{summary}");
}

#[test]
fn a_failing_case_exits_1_with_a_diff() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("wrong.toml");
    write(
        &case,
        &format!(
            "name = \"expects the wrong thing\"\ninputs = [\"{}\"]\n[policy]\nplugin = \"builtin:secrets\"\n[expect]\ndecision = \"pass\"\n",
            crate::support::corpus()
                .join("gitleaks/gitleaks-8-simple.json")
                .display()
        ),
    );
    let out = run(verdict().arg("test").arg(dir.path()));
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stdout.contains("FAIL"), "{out:?}");
    assert!(
        out.stdout.contains("expected decision `pass`, got `fail`"),
        "{out:?}"
    );
    assert!(out.stdout.contains("unexpected violation"), "{out:?}");
}

/// A case over the hipaa built-in, with `[[expect.controls]]` and
/// `[[expect.notes]]` as given.
fn hipaa_case(dir: &std::path::Path, file: &str, name: &str, expect: &str) {
    write(
        &dir.join(file),
        &format!(
            "name = \"{name}\"\ninputs = [\"{}\"]\n[policy]\nplugin = \"builtin:hipaa\"\nconfig-file = \"{}\"\n[expect]\n{expect}",
            crate::support::corpus()
                .join("bandit/bandit-1.8.3-cwe.json")
                .display(),
            crate::support::root()
                .join("policies/frameworks/hipaa.toml")
                .display()
        ),
    );
}

#[test]
fn cases_assert_control_results_and_notes() {
    let dir = tempfile::tempdir().unwrap();
    // bandit-1.8.3-cwe.json: two B105 results (CWE-259): unique user
    // identification is violated; audit controls only satisfied (no CWE of
    // theirs), IaC not assessed.
    hipaa_case(
        dir.path(),
        "right.toml",
        "right controls",
        "decision = \"fail\"\nexact = false\n[[expect.controls]]\ncontrol = \"hipaa-164.312(a)(2)(i)\"\nstatus = \"violated\"\n[[expect.controls]]\ncontrol = \"hipaa-164.312(b)\"\nstatus = \"satisfied\"\nevidence = \"no IaC scan was given\"\n",
    );
    hipaa_case(
        dir.path(),
        "wrong.toml",
        "wrong controls",
        "decision = \"fail\"\nexact = false\n[[expect.controls]]\ncontrol = \"hipaa-164.312(b)\"\nstatus = \"violated\"\n[[expect.controls]]\ncontrol = \"hipaa-164.312(a)(2)(ii)\"\nstatus = \"satisfied\"\n[[expect.notes]]\nmessage = \"no such note\"\n",
    );
    // With `exact` (the default) and some controls expected, every reported
    // control must be expected.
    hipaa_case(
        dir.path(),
        "exact.toml",
        "exact controls",
        "decision = \"fail\"\n[[expect.controls]]\ncontrol = \"hipaa-164.312(a)(2)(i)\"\nstatus = \"violated\"\n",
    );
    let out = run(verdict().arg("test").arg(dir.path()));
    assert_eq!(out.code, 1, "{out:?}");
    let lines: Vec<&str> = out.stdout.lines().collect();
    let verdict_of = |file: &str| {
        lines
            .iter()
            .find(|line| line.contains(file))
            .map(|line| line.split_whitespace().next().unwrap())
            .unwrap()
    };
    assert_eq!(verdict_of("right.toml"), "PASS", "{out:?}");
    assert_eq!(verdict_of("wrong.toml"), "FAIL", "{out:?}");
    assert_eq!(verdict_of("exact.toml"), "FAIL", "{out:?}");
    assert!(
        out.stdout.contains(
            "control `hipaa-164.312(b)`: expected `violated`, got `satisfied` (findings from"
        ),
        "{out:?}"
    );
    assert!(
        out.stdout.contains("missing control result: `hipaa-164.312(a)(2)(ii)` `satisfied`, but no policy reported that control"),
        "{out:?}"
    );
    assert!(
        out.stdout
            .contains("missing note containing `no such note`"),
        "{out:?}"
    );
    assert!(
        out.stdout.contains(
            "unexpected control result: policy `policy-under-test`, control `hipaa-164.312(d)` is `violated`"
        ),
        "{out:?}"
    );
    assert!(
        out.stdout.ends_with("1 passed, 2 failed, 0 errored\n"),
        "{out:?}"
    );
}

#[test]
fn notes_are_asserted_by_substring() {
    let dir = tempfile::tempdir().unwrap();
    // `missing = "warn"`: no input speaks for secrets, so the gate notes it.
    let case = |file: &str, note: &str| {
        write(
            &dir.path().join(file),
            &format!(
                "name = \"note {file}\"\ninputs = [\"{}\"]\n[policy]\nplugin = \"builtin:secrets\"\nmissing = \"warn\"\n[expect]\ndecision = \"warn\"\n[[expect.notes]]\nmessage = \"{note}\"\n",
                crate::support::corpus()
                    .join("bandit/bandit-1.8.3-cwe.json")
                    .display()
            ),
        );
    };
    case("found.toml", "secrets");
    case("absent.toml", "a note nobody wrote");
    let out = run(verdict().arg("test").arg(dir.path()));
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stdout.contains("PASS   "), "{out:?}");
    assert!(
        out.stdout
            .contains("missing note containing `a note nobody wrote`"),
        "{out:?}"
    );
    assert!(
        out.stdout.ends_with("1 passed, 1 failed, 0 errored\n"),
        "{out:?}"
    );
}

#[test]
fn case_runs_one_case_by_name_or_file_name() {
    let dir = tempfile::tempdir().unwrap();
    hipaa_case(
        dir.path(),
        "first.toml",
        "the first case",
        "decision = \"fail\"\nexact = false\n",
    );
    hipaa_case(
        dir.path(),
        "second.toml",
        "the second case",
        "decision = \"pass\"\n",
    );
    for selector in ["first case", "first"] {
        let out = run(verdict()
            .arg("test")
            .arg(dir.path())
            .args(["--case", selector]));
        assert_eq!(out.code, 0, "{selector}: {out:?}");
        assert!(out.stdout.contains("the first case"), "{out:?}");
        assert!(!out.stdout.contains("second"), "{out:?}");
        assert!(
            out.stdout.ends_with("1 passed, 0 failed, 0 errored\n"),
            "{out:?}"
        );
    }
    let out = run(verdict()
        .arg("test")
        .arg(dir.path())
        .args(["--filter", "second"]));
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stdout.ends_with("0 passed, 1 failed, 0 errored\n"),
        "{out:?}"
    );
    let out = run(verdict()
        .arg("test")
        .arg(dir.path())
        .args(["--case", "third"]));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("no test case matches `third`"),
        "{out:?}"
    );
}
