//! The gate pipeline shared by `verdict check` and `verdict test`:
//! load plugins, validate their configs, evaluate in parallel, decide.

use anyhow::{Context as _, bail};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;
use verdict_evidence::policy::{Context, Violation};
use verdict_evidence::{Evidence, Kind, NoticeKind, fingerprint};
use verdict_gate::document::{
    self, BaselineRecord, GateFile, OverrideRecord, PolicyReport, Summary, Verdict,
};
use verdict_gate::{
    Baseline, BaselineFile, BranchScope, Day, Decision, Diagnostic, Enforcement, Exceptions,
    IncompleteScans, Missing, NothingInScope, PluginRef, Tally, ValidConfig, ValidPolicy, decide,
    decide_policy,
};
use verdict_host::{Host, HostConfig, Limits, PolicyPre, ViolationSink};

/// Settings of one gate run that are not in `verdict.toml`.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Compiled-plugin cache directory; `None` uses the default.
    pub cache_dir: Option<PathBuf>,
    /// Compile without the cache.
    pub no_cache: bool,
    /// Record durations (off for byte-for-byte reproducible output).
    pub timings: bool,
    /// The baseline to compare with (`--baseline`), with its file record.
    pub baseline: Option<(GateFile, BaselineFile)>,
    /// Overrides asked for (`--override`), checked by [`overrides`].
    pub overrides: Vec<Override>,
    /// Keep every counting fingerprint (`verdict baseline create`).
    pub record_fingerprints: bool,
}

/// One `--override`.
#[derive(Debug, Clone)]
pub struct Override {
    /// The policy.
    pub policy: String,
    /// Why.
    pub reason: String,
    /// Who.
    pub actor: String,
}

/// A gate run's verdict, and what `baseline create` records.
#[derive(Debug)]
pub struct Ran {
    /// The verdict document.
    pub verdict: Verdict,
    /// Counting fingerprints per policy (only with `record_fingerprints`).
    pub fingerprints: BTreeMap<String, BTreeSet<String>>,
}

/// Checks `--override` requests: each names a soft policy of the gate, has
/// a reason and an actor. Hard policies cannot be overridden, advisory ones
/// never fail.
pub fn overrides(
    policies: &[String],
    reason: Option<&str>,
    actor: Option<&str>,
    config: &ValidConfig,
) -> anyhow::Result<Vec<Override>> {
    if policies.is_empty() {
        return Ok(Vec::new());
    }
    let reason = reason.map(str::trim).filter(|reason| !reason.is_empty());
    let Some(reason) = reason else {
        bail!(
            "`--override` needs a non-empty `--reason`: an override is recorded with why it was made"
        );
    };
    let Some(actor) = actor.filter(|actor| !actor.trim().is_empty()) else {
        bail!("`--override` needs an actor: pass `--actor NAME` (or run in CI, which names one)");
    };
    let mut checked = Vec::new();
    for id in policies {
        let Some(policy) = config.policies.iter().find(|policy| &policy.id == id) else {
            bail!("`--override {id}`: the gate has no policy `{id}`");
        };
        match policy.enforcement {
            Enforcement::Hard => bail!(
                "`--override {id}`: policy `{id}` is hard, and hard policies cannot be overridden (make it `soft` in the gate file to allow overrides)"
            ),
            Enforcement::Advisory => bail!(
                "`--override {id}`: policy `{id}` is advisory and never fails: there is nothing to override"
            ),
            Enforcement::Soft => {}
        }
        checked.push(Override {
            policy: id.clone(),
            reason: reason.to_owned(),
            actor: actor.to_owned(),
        });
    }
    Ok(checked)
}

/// Loads every policy's plugin (all of them, in scope or not, when
/// `all`), returning those that loaded and one diagnostic per plugin that
/// did not, so that every problem is reported at once.
pub fn load_plugins<'a>(
    host: &Host,
    config: &ValidConfig,
    policies: &[&'a ValidPolicy],
) -> (Vec<(&'a ValidPolicy, PolicyPre)>, Vec<Diagnostic>) {
    let results: Vec<Result<(&ValidPolicy, PolicyPre), Diagnostic>> = policies
        .par_iter()
        .map(|policy| {
            let bytes = plugin_bytes(&policy.id, &policy.plugin).map_err(|error| {
                let message = format!("{error:#}");
                let key = if message.contains("pins") {
                    "sha256"
                } else {
                    "plugin"
                };
                Diagnostic::new(message, config.span_of(policy.index, &[key]))
            })?;
            let pre = host.load(&bytes).map_err(|error| {
                Diagnostic::new(
                    format!(
                        "policy `{}`: cannot load plugin `{}`: {error}",
                        policy.id,
                        policy.plugin.display()
                    ),
                    config.span_of(policy.index, &["plugin"]),
                )
            })?;
            Ok((*policy, pre))
        })
        .collect();
    let mut loaded = Vec::new();
    let mut diagnostics = Vec::new();
    for result in results {
        match result {
            Ok(pair) => loaded.push(pair),
            Err(diagnostic) => diagnostics.push(diagnostic),
        }
    }
    (loaded, diagnostics)
}

/// `verdict validate`: every plugin loads and matches its pin, every
/// policy's configuration (in scope or not) is valid for its plugin.
pub fn validate(host: &Host, config: &ValidConfig) -> Result<usize, verdict_gate::ConfigError> {
    let all: Vec<&ValidPolicy> = config.policies.iter().collect();
    let (loaded, mut diagnostics) = load_plugins(host, config, &all);
    for (policy, pre) in &loaded {
        diagnostics.extend(verdict_gate::validate_policy_config(
            config,
            policy,
            &pre.descriptor.config_schema,
        ));
    }
    if diagnostics.is_empty() {
        Ok(loaded.len())
    } else {
        Err(config.error(diagnostics))
    }
}

/// A gate tally behind the host's sink.
struct TallySink(Tally);

impl ViolationSink for TallySink {
    fn accept(&mut self, batch: Vec<Violation>) {
        self.0.extend(batch);
    }
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
            #[expect(
                clippy::disallowed_methods,
                reason = "the message names the path once; fs_err's would repeat it"
            )]
            let bytes = std::fs::read(path).map_err(|error| {
                anyhow::anyhow!(
                    "policy `{policy_id}`: cannot read plugin `{}`: {}",
                    path.display(),
                    crate::load::io_cause(&error)
                )
            })?;
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

/// Runs the gate over ingested evidence and returns the verdict document:
/// [`prepare`], then [`decide_prepared`].
pub fn run(
    host: &Host,
    config: &ValidConfig,
    evidence: &Arc<Evidence>,
    context: Context,
    options: &RunOptions,
) -> anyhow::Result<Ran> {
    let prepared = prepare(host, config, &context)?;
    decide_prepared(prepared, config, evidence, context, options)
}

/// The policies of a run that are in scope, with their plugins loaded and
/// their configurations checked: everything of a run that needs no evidence,
/// so that `verdict check` does it while the inputs are read.
pub struct Prepared<'a> {
    loaded: Vec<(&'a ValidPolicy, PolicyPre)>,
    /// The branch scopes were matched against.
    scope_branch: Option<String>,
}

/// Selects the policies in scope, loads their plugins (compiled or taken
/// from the cache) and checks every configuration against its plugin's
/// schema. Every problem is reported at once, as a
/// [`verdict_gate::ConfigError`]: a problem here is an error, not a verdict.
pub fn prepare<'a>(
    host: &Host,
    config: &'a ValidConfig,
    context: &Context,
) -> anyhow::Result<Prepared<'a>> {
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
    let (loaded, mut diagnostics) = load_plugins(host, config, &in_scope);
    for (policy, pre) in &loaded {
        diagnostics.extend(verdict_gate::validate_policy_config(
            config,
            policy,
            &pre.descriptor.config_schema,
        ));
    }
    if !diagnostics.is_empty() {
        return Err(config.error(diagnostics).into());
    }
    Ok(Prepared {
        loaded,
        scope_branch: scope_branch.map(str::to_owned),
    })
}

/// Evaluates the prepared policies over the evidence and decides. A policy
/// whose required evidence no input speaks for is not evaluated (its
/// `missing` setting says what it decides), and a run in which nothing was
/// checked is an error.
pub fn decide_prepared(
    prepared: Prepared<'_>,
    config: &ValidConfig,
    evidence: &Arc<Evidence>,
    context: Context,
    options: &RunOptions,
) -> anyhow::Result<Ran> {
    let Prepared {
        loaded,
        scope_branch,
    } = prepared;
    let scope_branch = scope_branch.as_deref();
    let today = Day::of_rfc3339(&context.now)
        .with_context(|| format!("the run's time `{}` is not RFC 3339", context.now))?;
    let exceptions = Arc::new(Exceptions {
        waivers: config.waivers.clone(),
        baseline: options
            .baseline
            .as_ref()
            .map(|(_, file)| Baseline::new(file)),
        today: Some(today),
        listed: config.max_listed_violations,
        record_fingerprints: options.record_fingerprints,
    });
    let evaluated: Vec<(PolicyReport, verdict_gate::Tallied)> = loaded
        .par_iter()
        .map(|(policy, pre)| match missing_kinds(pre, evidence) {
            missing if missing.is_empty() => {
                let tally = Tally::new(&policy.id, Arc::clone(&exceptions));
                evaluate(policy, pre, evidence, &context, options, tally, today)
            }
            missing => (
                not_evaluated(policy, pre, &missing),
                verdict_gate::Tallied::default(),
            ),
        })
        .collect();
    let mut waiver_hits = vec![0u64; config.waivers.len()];
    let mut baseline_remaining = 0;
    let mut fingerprints = BTreeMap::new();
    let mut evaluated: Vec<PolicyReport> = evaluated
        .into_iter()
        .map(|(mut report, tallied)| {
            for (index, hits) in &tallied.waiver_hits {
                waiver_hits[*index] += hits;
            }
            baseline_remaining += tallied.baseline_remaining;
            if options.record_fingerprints {
                fingerprints.insert(report.id.clone(), tallied.fingerprints);
            }
            report.notes.extend(verdict_gate::apply_attestations(
                &config.attestations,
                today,
                &mut report.controls,
            ));
            report
        })
        .collect();
    let mut override_records = Vec::new();
    for request in &options.overrides {
        let report = evaluated
            .iter_mut()
            .find(|report| report.id == request.policy);
        let applied = match report {
            Some(report) if report.decision == Decision::Fail => {
                report.decision = Decision::Warn;
                report.overridden = true;
                report.notes.push(format!(
                    "failure overridden by {}: {}",
                    request.actor, request.reason
                ));
                Some(report.counts.violations)
            }
            _ => None,
        };
        override_records.push(OverrideRecord {
            policy: request.policy.clone(),
            reason: request.reason.clone(),
            actor: request.actor.clone(),
            applied: applied.is_some(),
            violations: applied.unwrap_or(0),
        });
    }
    let evaluated: Vec<PolicyReport> = evaluated;
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
    let mut gate_files = config.files.clone();
    let baseline = options.baseline.as_ref().map(|(record, file)| {
        gate_files.push(record.clone());
        let entries = file.entries();
        BaselineRecord {
            path: record.path.clone(),
            sha256: record.sha256.clone(),
            created: file.created.clone(),
            entries,
            remaining: baseline_remaining,
            fixed: entries.saturating_sub(baseline_remaining),
            new: policies.iter().map(|p| p.counts.violations).sum(),
        }
    });
    let verdict = Verdict {
        format: document::FORMAT.to_owned(),
        verdict_version: env!("CARGO_PKG_VERSION").to_owned(),
        decision,
        context,
        summary: Summary::of(&policies),
        inputs,
        skipped_inputs: evidence.skipped.clone(),
        notices,
        errors,
        gate_files,
        waivers: config
            .waivers
            .iter()
            .zip(waiver_hits)
            .map(|(waiver, hits)| waiver.record(today, hits))
            .collect(),
        overrides: override_records,
        attestations: config
            .attestations
            .iter()
            .map(|attestation| attestation.record(today))
            .collect(),
        baseline,
        coverage: document::coverage_of(evidence),
        policies,
    };
    Ok(Ran {
        verdict,
        fingerprints,
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
        Kind::History => {
            return "configure an audit ledger (`--ledger URL`, `ledger` in the gate file or $VERDICT_LEDGER) and name the repository (`--repository OWNER/NAME`, or the CI's variables)".to_owned();
        }
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
        counts: Default::default(),
        waived: Vec::new(),
        overridden: false,
        effective_from: None,
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
    tally: Tally,
    today: Day,
) -> (PolicyReport, verdict_gate::Tallied) {
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
    // Violations leave the sandbox in batches into the tally: waived, in
    // the baseline, or counted, with detail for a bounded number.
    let mut sink = TallySink(tally);
    let result = pre.evaluate(
        &policy.id,
        &policy.config,
        context,
        evidence,
        &limits,
        &mut sink,
    );
    let mut tallied = sink.0.finish();
    let elapsed_ms = started.elapsed().as_millis() as u64;
    let duration_ms = if options.timings { elapsed_ms } else { 0 };
    let (outcome, error) = match result {
        Ok(outcome) => {
            tracing::info!(
                policy = %policy.id,
                violations = tallied.counts.violations,
                ms = elapsed_ms,
                "evaluated a policy"
            );
            (outcome, None)
        }
        Err(error) => {
            // What the sink received is not a decision: no "evaluated" line.
            tracing::error!(policy = %policy.id, ms = elapsed_ms, "{error}");
            (Default::default(), Some(error.to_string()))
        }
    };
    let verdict_evidence::policy::Outcome {
        controls,
        mut notes,
        ..
    } = outcome;
    let counting = usize::try_from(tallied.counts.violations).unwrap_or(usize::MAX);
    let mut decision = decide_policy(policy.enforcement, counting, error.is_some());
    let mut effective_from = None;
    if let Some(from) = policy.effective_from
        && today < from
        && decision == Decision::Fail
    {
        decision = Decision::Warn;
        effective_from = Some(from.to_string());
        notes.push(format!(
            "not in force until {from}: these {counting} violations will block from then"
        ));
    }
    let report = PolicyReport {
        decision,
        violations: std::mem::take(&mut tallied.violations),
        counts: tallied.counts.clone(),
        waived: std::mem::take(&mut tallied.waived),
        effective_from,
        controls,
        notes,
        error,
        duration_ms,
        ..loaded_report(policy, pre)
    };
    (report, tallied)
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
        counts: Default::default(),
        waived: Vec::new(),
        overridden: false,
        effective_from: None,
        controls: Vec::new(),
        notes: Vec::new(),
        error: None,
        skipped: Some(reason),
        duration_ms: 0,
    }
}
