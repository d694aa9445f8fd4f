//! The gate pipeline shared by `verdict check` and `verdict test`:
//! load plugins, validate their configs, evaluate in parallel, decide.

use anyhow::{Context as _, bail};
use rayon::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;
use verdict_evidence::policy::{Context, Outcome};
use verdict_evidence::{Evidence, Kind, NoticeKind, fingerprint};
use verdict_gate::document::{self, PolicyReport, Summary, Verdict};
use verdict_gate::{
    BranchScope, Decision, IncompleteScans, Missing, NothingInScope, PluginRef, ValidConfig,
    ValidPolicy, decide, decide_policy,
};
use verdict_host::{Host, HostConfig, Limits, PolicyPre};

/// Settings of one gate run that are not in `verdict.toml`.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Compiled-plugin cache directory; `None` uses the default.
    pub cache_dir: Option<PathBuf>,
    /// Compile without the cache.
    pub no_cache: bool,
    /// Record durations (off for byte-for-byte reproducible output).
    pub timings: bool,
}

/// The names `builtin:NAME` may use.
pub fn builtin_names() -> Vec<&'static str> {
    verdict_builtins::all()
        .iter()
        .map(|builtin| builtin.name)
        .collect()
}

/// Creates the plugin host.
pub fn host(options: &RunOptions) -> anyhow::Result<Host> {
    let cache_dir = options
        .cache_dir
        .clone()
        .or_else(|| std::env::var_os("VERDICT_CACHE_DIR").map(PathBuf::from));
    // The key that authenticates cache entries; tests point it at a
    // temporary file. Like the cache directory it may come from the
    // environment: whoever sets verdict's environment already runs code in
    // its job.
    let cache_key_file = std::env::var_os("VERDICT_CACHE_KEY_FILE").map(PathBuf::from);
    Host::new(&HostConfig {
        cache_dir,
        cache_key_file,
        cache: !options.no_cache,
    })
    .context("failed to start the plugin host")
}

/// Reads a plugin's bytes, checking the sha256 pin of plugin files.
pub fn plugin_bytes(
    policy_id: &str,
    plugin: &PluginRef,
) -> anyhow::Result<std::borrow::Cow<'static, [u8]>> {
    match plugin {
        PluginRef::Builtin(name) => verdict_builtins::find(name)
            .map(|builtin| std::borrow::Cow::Borrowed(builtin.wasm))
            .ok_or_else(|| {
                anyhow::anyhow!("policy `{policy_id}`: unknown built-in plugin `{name}`")
            }),
        PluginRef::File { path, sha256 } => {
            let bytes = fs_err::read(path)
                .with_context(|| format!("policy `{policy_id}`: cannot read plugin"))?;
            let actual = fingerprint::sha256_hex(&bytes);
            if &actual != sha256 {
                bail!(
                    "policy `{policy_id}`: plugin `{}` has sha256 `{actual}` but verdict.toml pins `{sha256}`: refusing to run it",
                    path.display()
                );
            }
            Ok(std::borrow::Cow::Owned(bytes))
        }
    }
}

/// Runs the gate over ingested evidence and returns the verdict document.
///
/// Plugins are loaded (compiled or taken from the cache) and every policy's
/// configuration is checked against its plugin's schema before any policy
/// runs; a problem there is an error, not a verdict. A policy whose required
/// evidence no input speaks for is not evaluated (its `missing` setting says
/// what it decides), and a run in which nothing was checked is an error.
pub fn run(
    host: &Host,
    config: &ValidConfig,
    evidence: &Arc<Evidence>,
    context: Context,
    options: &RunOptions,
) -> anyhow::Result<Verdict> {
    let scope_branch = match config.branch_scope {
        BranchScope::Target => context
            .target_branch
            .as_deref()
            .or(context.branch.as_deref()),
        BranchScope::Built => context.branch.as_deref(),
    };
    let in_scope: Vec<&ValidPolicy> = config
        .policies
        .iter()
        .filter(|policy| {
            policy
                .scope
                .matches(context.environment.as_deref(), scope_branch)
        })
        .collect();
    let loaded: Vec<(&ValidPolicy, PolicyPre)> = in_scope
        .par_iter()
        .map(|policy| {
            let bytes = plugin_bytes(&policy.id, &policy.plugin)?;
            let pre = host.load(&bytes).with_context(|| {
                format!(
                    "policy `{}`: cannot load plugin `{}`",
                    policy.id,
                    policy.plugin.display()
                )
            })?;
            Ok((*policy, pre))
        })
        .collect::<anyhow::Result<_>>()?;
    let diagnostics: Vec<_> = loaded
        .iter()
        .flat_map(|(policy, pre)| {
            verdict_gate::validate_policy_config(config, policy, &pre.descriptor.config_schema)
        })
        .collect();
    if !diagnostics.is_empty() {
        return Err(config.error(diagnostics).into());
    }
    let evaluated: Vec<PolicyReport> = loaded
        .par_iter()
        .map(|(policy, pre)| match missing_kinds(pre, evidence) {
            missing if missing.is_empty() => evaluate(policy, pre, evidence, &context, options),
            missing => not_evaluated(policy, pre, &missing),
        })
        .collect();
    let mut policies = Vec::with_capacity(config.policies.len());
    let mut evaluated = evaluated.into_iter();
    for policy in &config.policies {
        if loaded.iter().any(|(loaded, _)| loaded.id == policy.id) {
            policies.extend(evaluated.next());
        } else {
            policies.push(skipped(policy, &context, config.branch_scope));
        }
    }
    let (inputs, notices) = document::inputs_of(evidence);
    let mut errors = required_reports(config, evidence);
    let mut incomplete = Vec::new();
    for notice in &notices {
        if notice.kind == NoticeKind::IncompleteScan {
            incomplete.push(format!(
                "`{}`: the scan did not complete: {}",
                notice.path, notice.message
            ));
        }
    }
    let mut decision = decide(policies.iter().map(|policy| policy.decision));
    if loaded.is_empty() {
        match config.nothing_in_scope {
            NothingInScope::Error => errors.push(format!(
                "nothing was checked: no policy is in scope for environment `{}` and branch `{}` (set `nothing-in-scope = \"pass\"` in the gate file if that is intended)",
                context.environment.as_deref().unwrap_or("(none)"),
                scope_branch.unwrap_or("(none)"),
            )),
            NothingInScope::Pass => {}
        }
    }
    if !incomplete.is_empty() {
        match config.incomplete_scans {
            IncompleteScans::Error => errors.append(&mut incomplete),
            IncompleteScans::Warn => decision = decision.max(Decision::Warn),
        }
    }
    if !errors.is_empty() {
        decision = Decision::Error;
    }
    Ok(Verdict {
        format: document::FORMAT.to_owned(),
        verdict_version: env!("CARGO_PKG_VERSION").to_owned(),
        decision,
        context,
        summary: Summary::of(&policies),
        inputs,
        skipped_inputs: evidence.skipped.clone(),
        notices,
        errors,
        policies,
    })
}

/// The kinds a policy requires that no input speaks for.
fn missing_kinds(pre: &PolicyPre, evidence: &Evidence) -> Vec<Kind> {
    pre.descriptor
        .requires
        .iter()
        .copied()
        .filter(|kind| !evidence.carries(*kind))
        .collect()
}

/// What the gate file's `require` asks for that no input gave, one error each.
fn required_reports(config: &ValidConfig, evidence: &Evidence) -> Vec<String> {
    let mut errors = Vec::new();
    for format in &config.require.formats {
        if !evidence
            .sources
            .iter()
            .any(|source| &source.format == format)
        {
            let known = verdict_ingest::find_format(format).is_some();
            errors.push(if known {
                format!("required report missing: no `{format}` input was given (`require.formats` in the gate file)")
            } else {
                format!("required report missing: `{format}` in `require.formats` is not a format verdict reads (`verdict formats` lists them)")
            });
        }
    }
    for kind in &config.require.kinds {
        if !evidence.carries(*kind) {
            errors.push(format!(
                "required evidence missing: no input speaks for {} ({}) (`require.kinds` in the gate file)",
                kind.as_str(),
                producers(*kind)
            ));
        }
    }
    errors
}

/// Formats whose reports speak for `kind`, for hints.
fn producers(kind: Kind) -> String {
    let mut names: Vec<&str> = verdict_ingest::FORMATS
        .iter()
        .filter(|format| format.family.kinds().contains(&kind))
        .map(|format| format.id)
        .collect();
    if matches!(kind, Kind::Findings | Kind::Secrets | Kind::Vulnerabilities) {
        names.push("SARIF or Trivy reports of such a scan");
    }
    match kind {
        Kind::Commits | Kind::Tags => return "pass `--repo DIR`".to_owned(),
        Kind::Changes => return "pass `--repo DIR` with `--base REV`".to_owned(),
        _ => {}
    }
    format!("give a report of: {}", names.join(", "))
}

/// The report of a policy whose required evidence is missing: `error`, or
/// what its `missing` setting says, with a note; never evaluated.
fn not_evaluated(policy: &ValidPolicy, pre: &PolicyPre, missing: &[Kind]) -> PolicyReport {
    let kinds: Vec<&str> = missing.iter().map(|kind| kind.as_str()).collect();
    let what = format!(
        "no input speaks for {} ({})",
        kinds.join(", "),
        missing
            .iter()
            .map(|kind| producers(*kind))
            .collect::<Vec<_>>()
            .join("; ")
    );
    let (decision, error, notes) = match policy.missing {
        Missing::Error => (
            Decision::Error,
            Some(format!("required evidence missing: {what}")),
            Vec::new(),
        ),
        Missing::Warn => (
            Decision::Warn,
            None,
            vec![format!("not evaluated: {what} (missing = \"warn\")")],
        ),
        Missing::Pass => (
            Decision::Pass,
            None,
            vec![format!("not evaluated: {what} (missing = \"pass\")")],
        ),
    };
    PolicyReport {
        decision,
        notes,
        error,
        ..loaded_report(policy, pre)
    }
}

/// The report of a loaded policy before it decides: who it is, nothing found.
fn loaded_report(policy: &ValidPolicy, pre: &PolicyPre) -> PolicyReport {
    PolicyReport {
        id: policy.id.clone(),
        plugin: policy.plugin.display(),
        plugin_sha256: pre.sha256.clone(),
        plugin_version: Some(format!(
            "{} {}",
            pre.descriptor.name, pre.descriptor.version
        )),
        enforcement: policy.enforcement,
        decision: Decision::Pass,
        violations: Vec::new(),
        controls: Vec::new(),
        notes: Vec::new(),
        error: None,
        skipped: None,
        duration_ms: 0,
    }
}

fn evaluate(
    policy: &ValidPolicy,
    pre: &PolicyPre,
    evidence: &Arc<Evidence>,
    context: &Context,
    options: &RunOptions,
) -> PolicyReport {
    let defaults = Limits::default();
    let limits = Limits {
        time: policy
            .limits
            .time_ms
            .map_or(defaults.time, std::time::Duration::from_millis),
        memory: policy
            .limits
            .memory_mib
            .map_or(defaults.memory, |mib| mib << 20),
        outcome_bytes: policy
            .limits
            .outcome_mib
            .map_or(defaults.outcome_bytes, |mib| mib << 20),
    };
    let started = Instant::now();
    let result = pre.evaluate(&policy.id, &policy.config, context, evidence, &limits);
    let duration_ms = if options.timings {
        started.elapsed().as_millis() as u64
    } else {
        0
    };
    let (outcome, error) = match result {
        Ok(outcome) => (outcome, None),
        Err(error) => {
            tracing::error!(policy = %policy.id, "{error}");
            (Outcome::default(), Some(error.to_string()))
        }
    };
    PolicyReport {
        decision: decide_policy(
            policy.enforcement,
            outcome.violations.len(),
            error.is_some(),
        ),
        violations: outcome.violations,
        controls: outcome.controls,
        notes: outcome.notes,
        error,
        duration_ms,
        ..loaded_report(policy, pre)
    }
}

fn skipped(policy: &ValidPolicy, context: &Context, branch_scope: BranchScope) -> PolicyReport {
    let (branch, which) = match (branch_scope, &context.target_branch) {
        (BranchScope::Target, Some(target)) => (Some(target.as_str()), "target branch"),
        _ => (context.branch.as_deref(), "branch"),
    };
    let reason = format!(
        "not in scope for environment `{}` and {which} `{}`",
        context.environment.as_deref().unwrap_or("(none)"),
        branch.unwrap_or("(none)")
    );
    PolicyReport {
        id: policy.id.clone(),
        plugin: policy.plugin.display(),
        plugin_sha256: String::new(),
        plugin_version: None,
        enforcement: policy.enforcement,
        decision: Decision::Skipped,
        violations: Vec::new(),
        controls: Vec::new(),
        notes: Vec::new(),
        error: None,
        skipped: Some(reason),
        duration_ms: 0,
    }
}
