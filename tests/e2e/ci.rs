//! The CI integrations, run the way their runners run them: `action.yml`'s
//! steps with the variables and files a GitHub runner sets up, and the GitLab
//! template's `script:` with GitLab's variables, both on the built binary.

mod github;
mod github_hostile;
mod gitlab;
mod seeds;

use crate::support::{root, write};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

const NOW: &str = "2026-11-20T10:00:00Z";

/// Branch names and input lines an attacker picks: each would run
/// `touch "$PWNED"` (or `touch pwned`) if it ever reached a shell as code.
const HOSTILE: [&str; 5] = [
    "a\";touch \"$PWNED\";\"",
    "$(touch \"$PWNED\")",
    "`touch \"$PWNED\"`",
    "x'; touch pwned; '",
    "--config=/dev/null\n$(touch pwned)",
];

/// A workspace, runner temp directory and per-step files, as a runner makes them.
struct Runner {
    _dir: tempfile::TempDir,
    workspace: PathBuf,
    temp: PathBuf,
    summary: PathBuf,
    output: PathBuf,
    /// A directory holding only a `verdict` link to the built binary.
    bin: PathBuf,
    /// Created by any hostile text that ran.
    pwned: PathBuf,
}

impl Runner {
    /// A workspace whose `verdict.toml` is `gate` and whose `reports/` holds
    /// the README example's scanner outputs.
    fn new(gate: &str) -> Runner {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().to_path_buf();
        let runner = Runner {
            workspace: base.join("work/repo"),
            temp: base.join("_temp"),
            summary: base.join("_temp/_runner_file_commands/step_summary_1"),
            output: base.join("_temp/_runner_file_commands/set_output_1"),
            bin: base.join("bin"),
            pwned: base.join("pwned"),
            _dir: dir,
        };
        write(&runner.summary, "");
        write(&runner.output, "");
        write(&runner.workspace.join("verdict.toml"), gate);
        for entry in fs_err::read_dir(root().join("fixtures/example")).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap();
            if path
                .extension()
                .is_some_and(|extension| extension == "json")
            {
                fs_err::create_dir_all(runner.workspace.join("reports")).unwrap();
                fs_err::copy(&path, runner.workspace.join("reports").join(name)).unwrap();
            }
        }
        fs_err::create_dir_all(&runner.bin).unwrap();
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_verdict"), runner.bin.join("verdict"))
            .unwrap();
        runner
    }

    /// A command with only the environment a runner gives a step (no
    /// variable of this test process leaks in), run in the workspace.
    fn command(&self, program: &str, variables: &[(&str, &str)]) -> Command {
        let mut command = Command::new(program);
        command
            .current_dir(&self.workspace)
            .env_clear()
            .env(
                "PATH",
                format!("{}:/usr/local/bin:/usr/bin:/bin", self.bin.display()),
            )
            .env("HOME", self.temp.join("home"))
            .env("PWNED", &self.pwned)
            .env("VERDICT_CACHE_DIR", root().join("target/e2e-plugin-cache"))
            .env(
                "VERDICT_CACHE_KEY_FILE",
                root().join("target/e2e-plugin-cache-key/cache.key"),
            );
        for (name, value) in variables {
            command.env(name, value);
        }
        command
    }

    fn assert_nothing_ran(&self, run: &Ran) {
        assert!(!self.pwned.exists(), "hostile text ran: {run:?}");
        assert!(
            !self.workspace.join("pwned").exists(),
            "hostile text ran: {run:?}"
        );
    }
}

/// What a step did.
struct Ran {
    code: i32,
    stdout: String,
    stderr: String,
    summary: String,
    /// `$GITHUB_OUTPUT` as the runner reads it.
    outputs: BTreeMap<String, String>,
}

impl std::fmt::Debug for Ran {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}\n--- stderr\n{}\n--- summary\n{}\n--- outputs\n{:?}",
            self.code, self.stdout, self.stderr, self.summary, self.outputs
        )
    }
}

/// The README example's gate: one advisory policy warns (10 violations).
fn warning_gate() -> String {
    fs_err::read_to_string(root().join("policies/python-service.toml")).unwrap()
}

/// The same reports under a gate that fails: coverage is 57.67%.
const FAILING_GATE: &str = r#"
[[policy]]
id = "coverage-minimum"
plugin = "builtin:coverage"
[policy.config]
min-lines = 90.0

[[policy]]
id = "no-secrets"
plugin = "builtin:secrets"
[policy.config]
exclude = ["tests/fixtures/**"]
"#;
