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
