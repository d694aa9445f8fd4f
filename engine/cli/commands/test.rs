//! `verdict test`: policy test cases, like `opa test` or `sentinel test`.
//!
//! A case is a TOML file with an `[expect]` table; see `docs/policy-tests.md`.

use crate::args::TestArgs;
use crate::context::{self, ContextArgs};
use crate::exit::ExitStatus;
use crate::gate::{self, RunOptions};
use anyhow::Context as _;
use serde::Deserialize;
use std::io::Write;
use std::path::{Path, PathBuf};
use verdict_evidence::Severity;
use verdict_evidence::policy::{ControlResult, ControlStatus, Violation};
use verdict_gate::Decision;
use verdict_gate::document::Verdict;
use verdict_host::Host;
use verdict_report::text::untrusted;

/// One test case file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Case {
    /// What the case shows, as a sentence.
    name: Option<String>,
    /// Inputs, relative to the case file.
    #[serde(default)]
    inputs: Vec<String>,
    /// A whole gate file to run, relative to the case file.
    gate: Option<PathBuf>,
    /// One policy to run (a `[[policy]]` table of verdict.toml, `id` optional).
    policy: Option<toml::Table>,
    /// Advisory database for `Cargo.lock` inputs.
    advisory_db: Option<PathBuf>,
    #[serde(default)]
    context: CaseContext,
    /// Earlier runs as the ledger would give them (`[[history]]` tables,
    /// newest first). Given, even empty, a source of format `ledger` speaks
    /// for `history`; omitted, nothing does.
    history: Option<Vec<verdict_evidence::PastVerdict>>,
    expect: Expect,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct CaseContext {
    env: Option<String>,
    branch: Option<String>,
    target_branch: Option<String>,
    event: Option<String>,
    version: Option<String>,
    now: Option<String>,
    actor: Option<String>,
    repository: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Expect {
    decision: Decision,
    /// Fail when there are actual violations no expectation matches.
    #[serde(default = "yes")]
    exact: bool,
    #[serde(default)]
    violations: Vec<ExpectedViolation>,
    /// A substring of the policy error, for cases that expect `error`.
    error: Option<String>,
    /// Control results that must be reported.
    #[serde(default)]
    controls: Vec<ExpectedControl>,
    /// Notes (substrings) that must be reported, by the policies or the gate.
    #[serde(default)]
    notes: Vec<ExpectedNote>,
}

/// `[[expect.controls]]`: one control result.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ExpectedControl {
    /// The control id, exactly.
    control: String,
    /// Its status.
    status: ControlStatus,
    /// A substring of one of its evidence lines.
    evidence: Option<String>,
    /// The policy that reports it, for cases that run a whole gate.
    policy: Option<String>,
}

/// `[[expect.notes]]`: one note.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ExpectedNote {
    /// A substring of the note.
    message: String,
    /// The policy that reports it, for cases that run a whole gate.
    policy: Option<String>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ExpectedViolation {
    rule: Option<String>,
    /// A substring of the message.
    message: Option<String>,
    fingerprint: Option<String>,
    severity: Option<Severity>,
    /// The policy that reports it, for cases that run a whole gate.
    policy: Option<String>,
}

impl ExpectedViolation {
    fn matches(&self, policy: &str, violation: &Violation) -> bool {
        self.rule
            .as_ref()
            .is_none_or(|rule| *rule == violation.rule)
            && self
                .message
                .as_ref()
                .is_none_or(|m| violation.message.contains(m.as_str()))
            && self
                .fingerprint
                .as_ref()
                .is_none_or(|f| *f == violation.fingerprint)
            && self.severity.is_none_or(|s| s == violation.severity)
            && self.policy.as_ref().is_none_or(|p| p == policy)
    }

    fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(policy) = &self.policy {
            parts.push(format!("policy `{policy}`"));
        }
        if let Some(rule) = &self.rule {
            parts.push(format!("rule `{rule}`"));
        }
        if let Some(severity) = self.severity {
            parts.push(format!("severity `{severity}`"));
        }
        if let Some(message) = &self.message {
            parts.push(format!("message containing `{message}`"));
        }
        if let Some(fingerprint) = &self.fingerprint {
            parts.push(format!("fingerprint `{fingerprint}`"));
        }
        parts.join(", ")
    }
}

pub fn run(args: &TestArgs) -> anyhow::Result<ExitStatus> {
    let roots = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut cases = discover(&roots)?;
    if cases.is_empty() {
        anyhow::bail!("no test cases found: a case is a `*.toml` file with an `[expect]` table");
    }
    if let Some(wanted) = &args.case {
        cases.retain(|path| is_selected(path, wanted));
        if cases.is_empty() {
            anyhow::bail!(
                "no test case matches `{wanted}`: `--case` selects cases whose `name`, or file name without `.toml`, contains it"
            );
        }
    }
    let options = RunOptions {
        cache_dir: args.cache_dir.clone(),
        no_cache: false,
        timings: false,
        ..RunOptions::default()
    };
    let host = gate::host(&options)?;
    let mut out = std::io::stdout().lock();
    let (mut passed, mut failed, mut errored) = (0, 0, 0);
    for path in &cases {
        match run_case(&host, path, &options) {
            Ok((name, problems)) if problems.is_empty() => {
                passed += 1;
                writeln!(out, "PASS   {}  {}", shown_path(path), untrusted(&name))?;
            }
            Ok((name, problems)) => {
                failed += 1;
                writeln!(out, "FAIL   {}  {}", shown_path(path), untrusted(&name))?;
                // Each problem starts with words of ours ("missing
                // violation: …") and quotes the policy's text after them.
                for problem in problems {
                    writeln!(
                        out,
                        "         {}",
                        untrusted(&problem).max_chars(PROBLEM_CHARS)
                    )?;
                }
            }
            Err(error) => {
                errored += 1;
                let mut line = error.to_string();
                for cause in error.chain().skip(1) {
                    line.push_str(&format!(": {cause}"));
                }
                writeln!(
                    out,
                    "ERROR  {}  {}",
                    shown_path(path),
                    untrusted(&line).max_chars(PROBLEM_CHARS)
                )?;
            }
        }
    }
    writeln!(out, "\n{passed} passed, {failed} failed, {errored} errored")?;
    Ok(if errored > 0 {
        ExitStatus::Error
    } else if failed > 0 {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// Characters of one problem or error shown.
const PROBLEM_CHARS: usize = 1000;

/// A case file's path as shown: case files and the plugins and inputs they
/// name may come from a pull request, so their names are untrusted text.
fn shown_path(path: &Path) -> String {
    untrusted(&path.display().to_string()).to_string()
}

/// Case files under the roots, sorted: explicit files always, and in
/// directories every `*.toml` with an `[expect]` table.
fn discover(roots: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut cases = Vec::new();
    for root in roots {
        if root.is_file() {
            cases.push(root.clone());
            continue;
        }
        if !root.is_dir() {
            anyhow::bail!("`{}` does not exist", root.display());
        }
        for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
            let entry = entry?;
            let path = entry.path();
            let is_toml = path.extension().is_some_and(|ext| ext == "toml");
            let ignored = path.components().any(|c| c.as_os_str() == "target");
            if entry.file_type().is_file() && is_toml && !ignored {
                let text = fs_err::read_to_string(path)?;
                if text.lines().any(|line| line.trim() == "[expect]") {
                    cases.push(path.to_path_buf());
                }
            }
        }
    }
    Ok(cases)
}

/// Whether `--case TEXT` selects the case: its file stem or its `name`
/// contains TEXT. A case file that does not parse is selected by its file
/// name only (and then reports its error).
fn is_selected(path: &Path, wanted: &str) -> bool {
    let stem = path
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default();
    if stem.contains(wanted) {
        return true;
    }
    fs_err::read_to_string(path)
        .ok()
        .and_then(|text| toml::from_str::<toml::Table>(&text).ok())
        .and_then(|table| match table.get("name") {
            Some(toml::Value::String(name)) => Some(name.contains(wanted)),
            _ => None,
        })
        .unwrap_or(false)
}

/// Runs one case; returns its name and what did not match.
fn run_case(
    host: &Host,
    path: &Path,
    options: &RunOptions,
) -> anyhow::Result<(String, Vec<String>)> {
    let text = fs_err::read_to_string(path)?;
    let case: Case =
        toml::from_str(&text).map_err(|error| anyhow::anyhow!("{}", error.message().trim_end()))?;
    let base = path.parent().unwrap_or(Path::new("."));
    let name = case.name.clone().unwrap_or_default();
    let config = match (&case.gate, &case.policy) {
        (Some(gate_path), None) => {
            verdict_gate::load(&base.join(gate_path), &gate::builtin_names())
        }
        (None, Some(policy)) => {
            let mut policy = policy.clone();
            policy
                .entry("id")
                .or_insert_with(|| toml::Value::String("policy-under-test".into()));
            pin_local_plugin(&mut policy, base)?;
            let mut root = toml::Table::new();
            root.insert(
                "policy".into(),
                toml::Value::Array(vec![toml::Value::Table(policy)]),
            );
            let text = toml::to_string(&root).context("cannot write the case's policy as TOML")?;
            verdict_gate::parse(
                &format!("{} [policy]", path.display()),
                text,
                base,
                &gate::builtin_names(),
            )
        }
        _ => anyhow::bail!(
            "a test case needs exactly one of `gate = \"FILE\"` or a `[policy]` table"
        ),
    }
    .map_err(|error| anyhow::anyhow!("{error}"))?;
    let mut paths = config.inputs.clone();
    paths.extend(case.inputs.iter().map(|input| resolve(base, input)));
    let inputs = super::ingest::inputs(&paths, None)?;
    let ingest_options = verdict_ingest::Options {
        advisory_db: case
            .advisory_db
            .as_ref()
            .map(|db| base.join(db))
            .or_else(|| config.advisory_db.clone()),
        max_file_bytes: Some(config.max_input_bytes),
    };
    let mut evidence = verdict_ingest::ingest(&inputs, &ingest_options)?;
    if let Some(history) = case.history {
        evidence.sources.push(verdict_evidence::Source {
            path: "test case history".to_owned(),
            format: "ledger".to_owned(),
            sha256: String::new(),
            tool: None,
            records: history.len() as u64,
            kinds: vec![verdict_evidence::Kind::History],
        });
        evidence.history = history;
    }
    let evidence = std::sync::Arc::new(evidence);
    let context = context::build(
        ContextArgs {
            environment: case.context.env,
            branch: case.context.branch,
            target_branch: case.context.target_branch,
            event: case.context.event,
            version: case.context.version,
            now: case.context.now,
            actor: case.context.actor,
            repository: case.context.repository,
            tags: case.context.tags,
        },
        false,
    )?;
    match gate::run(host, &config, &evidence, context, options) {
        Ok(ran) => Ok((name, compare(&case.expect, &ran.verdict))),
        // The gate refused to run (a configuration the plugin's schema
        // rejects, a plugin that cannot load): a case can expect that.
        Err(error) => Ok((name, compare_refusal(&case.expect, &error.to_string()))),
    }
}

/// A case may name a plugin file it just built without a `sha256` pin
/// (it changes with every build); the pin is taken from the file itself.
/// Gate files keep requiring pins.
fn pin_local_plugin(policy: &mut toml::Table, base: &Path) -> anyhow::Result<()> {
    let Some(toml::Value::String(plugin)) = policy.get("plugin") else {
        return Ok(());
    };
    if plugin.starts_with("builtin:") || policy.contains_key("sha256") {
        return Ok(());
    }
    let path = base.join(plugin);
    let bytes = fs_err::read(&path)
        .with_context(|| "cannot read the case's plugin; build it first".to_owned())?;
    let sha256 = verdict_evidence::fingerprint::sha256_hex(&bytes);
    policy.insert("sha256".into(), toml::Value::String(sha256));
    Ok(())
}

fn resolve(base: &Path, input: &str) -> String {
    match input.split_once(':') {
        Some((format, path))
            if verdict_ingest::find_format(format).is_some() && !base.join(input).exists() =>
        {
            format!("{format}:{}", base.join(path).display())
        }
        _ => base.join(input).display().to_string(),
    }
}

/// What differs between the expectation and the verdict, one line each.
fn compare(expect: &Expect, verdict: &Verdict) -> Vec<String> {
    let mut problems = Vec::new();
    if verdict.decision != expect.decision {
        problems.push(format!(
            "expected decision `{}`, got `{}`",
            expect.decision, verdict.decision
        ));
    }
    let errors: Vec<String> = verdict
        .errors
        .iter()
        .cloned()
        .chain(
            verdict
                .policies
                .iter()
                .filter_map(|p| p.error.as_ref().map(|e| format!("policy `{}`: {e}", p.id))),
        )
        .collect();
    match &expect.error {
        Some(expected) if !errors.iter().any(|error| error.contains(expected.as_str())) => {
            problems.push(format!(
                "expected an error containing `{expected}`, got: {}",
                describe_errors(&errors)
            ));
        }
        None if !errors.is_empty() && expect.decision != Decision::Error => {
            problems.push(format!("unexpected error: {}", describe_errors(&errors)));
        }
        _ => {}
    }
    let actual: Vec<(&str, &Violation)> = verdict
        .policies
        .iter()
        .flat_map(|policy| {
            policy
                .violations
                .iter()
                .map(move |v| (policy.id.as_str(), v))
        })
        .collect();
    let mut used = vec![false; actual.len()];
    for expected in &expect.violations {
        let found = actual
            .iter()
            .enumerate()
            .find(|(index, (policy, violation))| {
                !used[*index] && expected.matches(policy, violation)
            });
        match found {
            Some((index, _)) => used[index] = true,
            None => problems.push(format!("missing violation: {}", expected.describe())),
        }
    }
    if expect.exact {
        for ((policy, violation), used) in actual.iter().zip(&used) {
            if !used {
                problems.push(format!(
                    "unexpected violation: policy `{policy}`, rule `{}`, severity `{}`: {}",
                    violation.rule, violation.severity, violation.message
                ));
            }
        }
    }
    compare_controls(expect, verdict, &mut problems);
    compare_notes(expect, verdict, &mut problems);
    problems
}

/// Control results: each expectation must match one reported result; with
/// `exact`, a reported result no expectation names is a problem too (only
/// when the case expects some control results at all).
fn compare_controls(expect: &Expect, verdict: &Verdict, problems: &mut Vec<String>) {
    let actual: Vec<(&str, &ControlResult)> = verdict
        .policies
        .iter()
        .flat_map(|policy| policy.controls.iter().map(move |c| (policy.id.as_str(), c)))
        .collect();
    let mut named = vec![false; actual.len()];
    for expected in &expect.controls {
        let in_policy = |policy: &str| expected.policy.as_deref().is_none_or(|p| p == policy);
        let candidates: Vec<usize> = actual
            .iter()
            .enumerate()
            .filter(|(_, (policy, result))| in_policy(policy) && result.control == expected.control)
            .map(|(index, _)| index)
            .collect();
        for &index in &candidates {
            named[index] = true;
        }
        let matches = |result: &ControlResult| {
            result.status == expected.status
                && expected
                    .evidence
                    .as_ref()
                    .is_none_or(|e| result.evidence.iter().any(|line| line.contains(e.as_str())))
        };
        if candidates.iter().any(|&index| matches(actual[index].1)) {
            continue;
        }
        let got: Vec<String> = candidates
            .iter()
            .map(|&index| {
                let result = actual[index].1;
                format!(
                    "`{}` ({})",
                    status_name(result.status),
                    result.evidence.join("; ")
                )
            })
            .collect();
        let wanted = match &expected.evidence {
            Some(evidence) => format!(
                "`{}` with evidence containing `{evidence}`",
                status_name(expected.status)
            ),
            None => format!("`{}`", status_name(expected.status)),
        };
        problems.push(if got.is_empty() {
            format!(
                "missing control result: `{}` {wanted}, but no policy reported that control",
                expected.control
            )
        } else {
            format!(
                "control `{}`: expected {wanted}, got {}",
                expected.control,
                got.join(", ")
            )
        });
    }
    if expect.exact && !expect.controls.is_empty() {
        for ((policy, result), named) in actual.iter().zip(&named) {
            if !named {
                problems.push(format!(
                    "unexpected control result: policy `{policy}`, control `{}` is `{}`",
                    result.control,
                    status_name(result.status)
                ));
            }
        }
    }
}

/// Notes: each expected substring must be in a note of the named policy (or
/// of any policy).
fn compare_notes(expect: &Expect, verdict: &Verdict, problems: &mut Vec<String>) {
    for expected in &expect.notes {
        let found = verdict.policies.iter().any(|policy| {
            expected.policy.as_ref().is_none_or(|p| *p == policy.id)
                && policy
                    .notes
                    .iter()
                    .any(|note| note.contains(expected.message.as_str()))
        });
        if !found {
            let scope = expected
                .policy
                .as_ref()
                .map(|p| format!(" of policy `{p}`"))
                .unwrap_or_default();
            problems.push(format!(
                "missing note{scope} containing `{}`",
                expected.message
            ));
        }
    }
}

fn status_name(status: ControlStatus) -> &'static str {
    match status {
        ControlStatus::Satisfied => "satisfied",
        ControlStatus::Violated => "violated",
        ControlStatus::NotAssessed => "not-assessed",
        ControlStatus::Attested => "attested",
    }
}

/// What differs when the gate refused to run with `error`.
fn compare_refusal(expect: &Expect, error: &str) -> Vec<String> {
    if expect.decision != Decision::Error {
        return vec![format!(
            "expected decision `{}`, got `error`: {error}",
            expect.decision
        )];
    }
    match &expect.error {
        Some(expected) if !error.contains(expected.as_str()) => {
            vec![format!(
                "expected an error containing `{expected}`, got: {error}"
            )]
        }
        _ => Vec::new(),
    }
}

fn describe_errors(errors: &[String]) -> String {
    if errors.is_empty() {
        "no error".to_owned()
    } else {
        errors.join("; ")
    }
}
