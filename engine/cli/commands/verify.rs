//! `verdict verify`: replays a stored verdict. The gate file, baseline and
//! inputs must be the recorded ones (by sha256), the plugins must be the
//! recorded ones, and the run's context and `now` are the recorded ones; the
//! gate is run again and its document compared with the stored one, field by
//! field (durations aside).

use crate::args::{GateArgs, VerifyArgs};
use crate::exit::ExitStatus;
use crate::gate::{self, Override, RunOptions};
use crate::load;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use verdict_gate::document::Verdict;
use verdict_report::text::untrusted;

/// Differences listed before "… and N more".
const MAX_DIFFERENCES: usize = 20;

#[expect(
    clippy::print_stdout,
    reason = "the comparison is the command's output"
)]
pub fn run(args: &VerifyArgs) -> anyhow::Result<ExitStatus> {
    let text = fs_err::read_to_string(&args.verdict).map_err(|error| {
        anyhow::anyhow!(
            "cannot read the verdict `{}`: {}",
            args.verdict.display(),
            load::io_cause(&error)
        )
    })?;
    let stored: Verdict = serde_json::from_str(&text).map_err(|error| {
        anyhow::anyhow!(
            "`{}` is not a verdict document: line {}, column {}",
            args.verdict.display(),
            error.line(),
            error.column()
        )
    })?;
    if stored.format != verdict_gate::document::FORMAT {
        anyhow::bail!(
            "`{}` is not a `{}` verdict document",
            args.verdict.display(),
            verdict_gate::document::FORMAT
        );
    }
    let recorded = |role: &str| stored.gate_files.iter().find(|file| file.role == role);
    let gate_file = recorded("gate").ok_or_else(|| {
        anyhow::anyhow!("the verdict records no gate file: it was written by an older verdict and cannot be replayed")
    })?;
    if let Some(ledger) = stored.inputs.iter().find(|input| input.format == "ledger") {
        anyhow::bail!(
            "the verdict read the audit ledger's history (`{}`, up to record hash {}): a run resting on history cannot be replayed, since the ledger has grown since; check the record itself with `verdict ledger verify`",
            untrusted(&ledger.path),
            untrusted(&ledger.sha256)
        );
    }
    let config_path = args
        .config
        .clone()
        .unwrap_or_else(|| PathBuf::from(&gate_file.path));
    let mut problems = Vec::new();
    let gate_args = GateArgs {
        config: config_path.clone(),
        inputs: if args.inputs.is_empty() {
            stored
                .inputs
                .iter()
                .filter(|input| input.format != "git")
                .map(|input| format!("{}:{}", input.format, input.path))
                .collect()
        } else {
            args.inputs.clone()
        },
        env: None,
        branch: None,
        target_branch: None,
        event: None,
        version: None,
        now: Some(stored.context.now.clone()),
        actor: None,
        repository: None,
        tags: Vec::new(),
        repo: args.repo.clone(),
        base: args.base.clone(),
        head: stored
            .inputs
            .iter()
            .find(|input| input.format == "git")
            .map(|input| input.sha256.clone()),
        allowed_signers: None,
        keyring: None,
        advisory_db: args.advisory_db.clone(),
        cache_dir: args.cache_dir.clone(),
        no_cache: false,
        no_timings: true,
    };
    let config = match load::config(&gate_args)? {
        Ok(config) => config,
        Err(error) => return Ok(super::check::config_error(&error)),
    };
    for file in &stored.gate_files {
        let now = config
            .files
            .iter()
            .find(|current| current.role == file.role && current.path == file.path);
        if file.role == "baseline" {
            continue;
        }
        match now {
            Some(current) if current.sha256 == file.sha256 => {}
            Some(current) => problems.push(format!(
                "{} file `{}` has sha256 {} but the verdict recorded {}",
                file.role, file.path, current.sha256, file.sha256
            )),
            None => problems.push(format!(
                "{} file `{}` (sha256 {}) is not read by the gate file given",
                file.role, file.path, file.sha256
            )),
        }
    }
    let baseline = match recorded("baseline") {
        None => None,
        Some(file) => {
            let path = args
                .baseline
                .clone()
                .unwrap_or_else(|| PathBuf::from(&file.path));
            let (record, baseline) = load::baseline(&path)?;
            if record.sha256 != file.sha256 {
                problems.push(format!(
                    "baseline `{}` has sha256 {} but the verdict recorded {}",
                    path.display(),
                    record.sha256,
                    file.sha256
                ));
            }
            Some((file.clone(), baseline))
        }
    };
    let evidence = Arc::new(load::evidence(&gate_args, &config)?);
    // Inputs are matched by content: every recorded input must be read
    // again, and nothing else.
    let mut expected: BTreeMap<&str, usize> = BTreeMap::new();
    for input in &stored.inputs {
        *expected.entry(input.sha256.as_str()).or_default() += 1;
    }
    for source in &evidence.sources {
        match expected.get_mut(source.sha256.as_str()) {
            Some(count) if *count > 0 => *count -= 1,
            _ => problems.push(format!(
                "input `{}` (sha256 {}) is not one the verdict recorded",
                source.path, source.sha256
            )),
        }
    }
    for input in &stored.inputs {
        if expected
            .get(input.sha256.as_str())
            .is_some_and(|count| *count > 0)
        {
            problems.push(format!(
                "recorded input `{}` (sha256 {}) was not given",
                input.path, input.sha256
            ));
            expected.insert(input.sha256.as_str(), 0);
        }
    }
    if problems.is_empty() {
        let options = RunOptions {
            cache_dir: args.cache_dir.clone(),
            timings: false,
            baseline,
            overrides: stored
                .overrides
                .iter()
                .map(|record| Override {
                    policy: record.policy.clone(),
                    reason: record.reason.clone(),
                    actor: record.actor.clone(),
                })
                .collect(),
            ..RunOptions::default()
        };
        let host = gate::host(&options)?;
        let replayed = match gate::run(&host, &config, &evidence, stored.context.clone(), &options)
        {
            Ok(ran) => ran.verdict,
            Err(error) => match error.downcast::<verdict_gate::ConfigError>() {
                Ok(config_errors) => return Ok(super::check::config_error(&config_errors)),
                Err(error) => return Err(error),
            },
        };
        problems.extend(differences(&stored, &replayed));
    }
    if problems.is_empty() {
        println!(
            "verified: the replay decides {} again, identically ({} policies, {} inputs)",
            stored.decision.as_str().to_uppercase(),
            stored.policies.len(),
            stored.inputs.len()
        );
        return Ok(ExitStatus::Success);
    }
    println!(
        "not verified: the replay of `{}` differs:",
        untrusted(&args.verdict.display().to_string())
    );
    for problem in problems.iter().take(MAX_DIFFERENCES) {
        println!("  - {}", untrusted(problem));
    }
    if problems.len() > MAX_DIFFERENCES {
        println!("  … and {} more", problems.len() - MAX_DIFFERENCES);
    }
    Ok(ExitStatus::Failure)
}

/// Where two verdict documents differ, durations aside, as JSON paths.
fn differences(stored: &Verdict, replayed: &Verdict) -> Vec<String> {
    let normal = |verdict: &Verdict| {
        let mut verdict = verdict.clone();
        for policy in &mut verdict.policies {
            policy.duration_ms = 0;
        }
        serde_json::to_value(&verdict).unwrap_or_default()
    };
    let mut found = Vec::new();
    diff("", &normal(stored), &normal(replayed), &mut found);
    found
}

fn diff(path: &str, a: &serde_json::Value, b: &serde_json::Value, found: &mut Vec<String>) {
    use serde_json::Value;
    if found.len() > MAX_DIFFERENCES {
        return;
    }
    match (a, b) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for key in keys {
                let null = Value::Null;
                diff(
                    &format!("{path}.{key}"),
                    a.get(key).unwrap_or(&null),
                    b.get(key).unwrap_or(&null),
                    found,
                );
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (index, (a, b)) in a.iter().zip(b).enumerate() {
                diff(&format!("{path}[{index}]"), a, b, found);
            }
        }
        (a, b) if a == b => {}
        (a, b) => found.push(format!(
            "`{}`: recorded {}, replayed {}",
            if path.is_empty() { "." } else { path },
            short(a),
            short(b)
        )),
    }
}

fn short(value: &serde_json::Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(120) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}
