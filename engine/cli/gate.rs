//! The gate pipeline shared by `verdict check` and `verdict test`:
//! load plugins, validate their configs, evaluate in parallel, decide.

use anyhow::{Context as _, bail};
use rayon::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;
use verdict_evidence::policy::{Context, Outcome};
use verdict_evidence::{Evidence, NoticeKind, fingerprint};
use verdict_gate::document::{self, PolicyReport, Summary, Verdict};
use verdict_gate::{
    Decision, IncompleteScans, PluginRef, ValidConfig, ValidPolicy, decide, decide_policy,
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
    Host::new(&HostConfig {
        cache_dir,
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
/// runs; a problem there is an error, not a verdict.
pub fn run(
    host: &Host,
    config: &ValidConfig,
    evidence: &Arc<Evidence>,
    context: Context,
    options: &RunOptions,
) -> anyhow::Result<Verdict> {
    let in_scope: Vec<&ValidPolicy> = config
        .policies
        .iter()
        .filter(|policy| {
            policy
                .scope
                .matches(context.environment.as_deref(), context.branch.as_deref())
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
        .map(|(policy, pre)| evaluate(policy, pre, evidence, &context, options))
        .collect();
    let mut policies = Vec::with_capacity(config.policies.len());
    let mut evaluated = evaluated.into_iter();
    for policy in &config.policies {
        if loaded.iter().any(|(loaded, _)| loaded.id == policy.id) {
            policies.extend(evaluated.next());
        } else {
            policies.push(skipped(policy, &context));
        }
    }
    let (inputs, notices) = document::inputs_of(evidence);
    let mut errors = Vec::new();
    if config.incomplete_scans == IncompleteScans::Error {
        for notice in &notices {
            if notice.kind == NoticeKind::IncompleteScan {
                errors.push(format!(
                    "`{}`: the scan did not complete: {}",
                    notice.path, notice.message
                ));
            }
        }
    }
    let mut decision = decide(policies.iter().map(|policy| policy.decision));
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
        notices,
        errors,
        policies,
    })
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
        id: policy.id.clone(),
        plugin: policy.plugin.display(),
        plugin_sha256: pre.sha256.clone(),
        plugin_version: Some(format!(
            "{} {}",
            pre.descriptor.name, pre.descriptor.version
        )),
        enforcement: policy.enforcement,
        decision: decide_policy(
            policy.enforcement,
            outcome.violations.len(),
            error.is_some(),
        ),
        violations: outcome.violations,
        controls: outcome.controls,
        error,
        skipped: None,
        duration_ms,
    }
}

fn skipped(policy: &ValidPolicy, context: &Context) -> PolicyReport {
    let reason = format!(
        "not in scope for environment `{}` and branch `{}`",
        context.environment.as_deref().unwrap_or("(none)"),
        context.branch.as_deref().unwrap_or("(none)")
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
        error: None,
        skipped: Some(reason),
        duration_ms: 0,
    }
}
