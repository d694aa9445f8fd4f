//! Policies over a real repository: `coverage`'s `patch` and `baseline` + `max-drop` with
//! `verdict check --repo … --base … --head …`, on a repository built with `git` and LCOV
//! reports written for it.

use crate::support::{run, verdict, write};
use std::path::{Path, PathBuf};

const NOW: &str = "2026-11-20T10:00:00Z";

fn git(repo: &Path, args: &[&str]) -> String {
    crate::support::git_as(repo, "Author", "a@example.com", args)
}

const MAIN: &str = "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n";

/// Appended on the branch: lines 7-15 of `src/app.py`, of which 9, 11, 14, 15 are executable.
const ADDED: &str =
    "\n\ndef mul(a, b):\n    # multiply\n    return a * b\n\n\ndef div(a, b):\n    return a / b\n";

/// The current report (LCOV, paths relative to the repository): 8 executable lines, 6 run;
/// of the changed ones (9, 11, 14, 15) all but 15 run → patch 3 of 4 = 75%, total 75%.
const CURRENT: &str = "TN:\nSF:src/app.py\nDA:1,1\nDA:2,1\nDA:5,1\nDA:6,0\nDA:9,1\nDA:11,2\nDA:14,1\nDA:15,0\nLF:8\nLH:6\nend_of_record\n";

/// The baseline report of `main`: 4 of 4 lines → 100%.
const BASELINE: &str =
    "TN:\nSF:src/app.py\nDA:1,1\nDA:2,1\nDA:5,1\nDA:6,3\nLF:4\nLH:4\nend_of_record\n";

struct Setup {
    dir: tempfile::TempDir,
    repo: PathBuf,
    head: String,
}

/// `main` with `src/app.py`; `feature` adds to it and adds a README the report does not know.
fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    fs_err::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    write(&repo.join("src/app.py"), MAIN);
    git(&repo, &["add", "--all"]);
    git(&repo, &["commit", "-q", "-m", "app"]);
    git(&repo, &["checkout", "-q", "-b", "feature"]);
    write(&repo.join("src/app.py"), &format!("{MAIN}{ADDED}"));
    write(&repo.join("README.md"), "# App\n\nAdds and more.\n");
    git(&repo, &["add", "--all"]);
    git(&repo, &["commit", "-q", "-m", "mul and div"]);
    let head = git(&repo, &["rev-parse", "HEAD"]);
    write(&dir.path().join("reports/lcov.info"), CURRENT);
    write(&dir.path().join("reports/baseline/lcov.info"), BASELINE);
    Setup { dir, repo, head }
}

/// Runs a gate with one `coverage` policy of `config` over both reports.
fn check(setup: &Setup, config: &str, base: Option<&str>) -> crate::support::Run {
    let gate = setup.dir.path().join("verdict.toml");
    write(
        &gate,
        &format!(
            "inputs = [\"reports/lcov.info\", \"reports/baseline/lcov.info\"]\n\
             [[policy]]\nid = \"coverage\"\nplugin = \"builtin:coverage\"\nconfig = {config}\n"
        ),
    );
    let mut command = verdict();
    command
        .current_dir(setup.dir.path())
        .args(["check", "--now", NOW, "--format", "json", "--config"])
        .arg(&gate)
        .arg("--repo")
        .arg(&setup.repo)
        .args(["--head", &setup.head]);
    if let Some(base) = base {
        command.args(["--base", base]);
    }
    run(&mut command)
}

fn json(out: &crate::support::Run) -> serde_json::Value {
    serde_json::from_str(&out.stdout).unwrap_or_else(|error| panic!("{error}: {out:?}"))
}

#[test]
fn patch_and_baseline_pass_within_their_limits() {
    let setup = setup();
    let out = check(
        &setup,
        r#"{ patch = 70.0, min-lines = 70.0, baseline = ["**/baseline/*"], max-drop = 30.0 }"#,
        Some("main"),
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains(
            "patch 75.00% ≥ 70% (3 of 4 changed executable lines covered; 1 changed file not in the coverage report)"
        ),
        "{out:?}"
    );
    assert!(out.stdout.contains("lines 75.00% ≥ 70%"), "{out:?}");
    // The repository is an input: format git, its head as identity, speaking for changes.
    let value = json(&out);
    let sources = value.to_string();
    assert!(sources.contains(&setup.head), "{out:?}");
    assert!(sources.contains("\"changes\""), "{out:?}");
}

#[test]
fn patch_below_the_minimum_fails_naming_the_uncovered_changed_lines() {
    let setup = setup();
    let out = check(&setup, "{ patch = 80.0 }", Some("main"));
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stdout.contains(
            "coverage of the changed lines is 75.00% (3 of 4 executable lines), below the minimum 80%"
        ),
        "{out:?}"
    );
    assert!(
        out.stdout
            .contains("`src/app.py`: changed lines 15 are not covered"),
        "{out:?}"
    );
}

#[test]
fn a_drop_below_the_baseline_beyond_max_drop_fails() {
    let setup = setup();
    let out = check(
        &setup,
        r#"{ baseline = ["**/baseline/*"], max-drop = 10.0 }"#,
        None,
    );
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stdout.contains(
            "line coverage dropped 25.00 points, from 100.00% in the baseline to 75.00%, more than the 10 allowed"
        ),
        "{out:?}"
    );
}

#[test]
fn patch_without_a_base_is_an_error_naming_repo_and_base() {
    let setup = setup();
    let out = check(&setup, "{ patch = 50.0 }", None);
    assert_eq!(out.code, 2, "{out:?}");
    let all = format!("{}{}", out.stdout, out.stderr);
    assert!(all.contains("--repo") && all.contains("--base"), "{out:?}");
}
