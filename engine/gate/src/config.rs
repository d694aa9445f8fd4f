//! `verdict.toml`: the deserialized [`Config`] and the checked [`ValidConfig`].

use crate::attestations::{Attestation, AttestationConfig};
use crate::dates::{Day, day_of};
use crate::diagnostic::{ConfigError, Diagnostic};
use crate::document::GateFile;
use crate::waivers::{Waiver, WaiverConfig};
use crate::{Enforcement, Scope};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::de::{DeTable, DeValue};
use verdict_evidence::Kind;

/// What a gate does with inputs that say their scan did not run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum IncompleteScans {
    /// The gate's decision becomes `error` (the default: fail closed).
    #[default]
    Error,
    /// Reported as a warning; the decision is not affected.
    Warn,
}

/// What a policy's result is when no input speaks for a kind of evidence it
/// requires (its descriptor's `requires`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Missing {
    /// `error`, naming what is missing (the default: fail closed).
    #[default]
    Error,
    /// `warn`, with a note; the policy is not evaluated.
    Warn,
    /// `pass`, with a note; the policy is not evaluated.
    Pass,
}

/// Which branch `branches` scopes match.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum BranchScope {
    /// For a pull or merge request, the branch it merges into (which its
    /// author cannot choose freely); otherwise the branch built. The default.
    #[default]
    Target,
    /// Always the branch that was built, also for pull requests (their head
    /// branch, named by the author: a `main`-only policy does not run on a
    /// pull request into `main`).
    Built,
}

/// What a run in which no policy was in scope decides.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum NothingInScope {
    /// `error`: nothing was checked, so nothing may pass (the default).
    #[default]
    Error,
    /// `pass`, for gates meant to be a no-op on some runs.
    Pass,
}

/// Reports a gate needs on every run, whatever its policies require.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RequireConfig {
    /// Format ids of which at least one input must have been read
    /// (`gitleaks`, `sarif`…; `verdict formats` lists them).
    #[serde(default)]
    pub formats: Vec<String>,
    /// Evidence kinds some input must speak for (`secrets`,
    /// `vulnerabilities`, `findings`, `coverage`, `components`, `tests`,
    /// `documents`, `commits`).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub kinds: Vec<Kind>,
}

/// `verdict.toml` as written. See `docs/config.md`.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Inputs read on every run: files or directories, relative to this file;
    /// `FORMAT:PATH` forces a format. `--input` adds more.
    #[serde(default)]
    pub inputs: Vec<String>,
    /// A RustSec advisory database directory, for `Cargo.lock` inputs.
    #[serde(default)]
    pub advisory_db: Option<String>,
    /// An `allowed_signers` file (git's `gpg.ssh.allowedSignersFile` format), relative to this
    /// file: SSH commit signatures are verified against it. `--allowed-signers` overrides it.
    #[serde(default)]
    pub allowed_signers: Option<String>,
    /// A keyring of armored OpenPGP public keys, relative to this file: OpenPGP commit
    /// signatures are verified against it. `--keyring` overrides it.
    #[serde(default)]
    pub keyring: Option<String>,
    /// What to do when an input says its scan did not complete.
    #[serde(default)]
    pub incomplete_scans: IncompleteScans,
    /// The environments this gate knows; when set, an `--env` outside it is
    /// an error, and every policy's `environments` pattern must match one.
    #[serde(default)]
    pub environments: Vec<String>,
    /// Which branch `branches` scopes match on pull requests.
    #[serde(default)]
    pub branch_scope: BranchScope,
    /// What a run with no policy in scope decides.
    #[serde(default)]
    pub nothing_in_scope: NothingInScope,
    /// Reports required on every run.
    #[serde(default)]
    pub require: RequireConfig,
    /// Largest input file read, in MiB (default 2048); larger files are refused.
    #[serde(default)]
    pub max_input_mib: Option<u64>,
    /// Violations listed in full per policy in the verdict document (default
    /// 1000, the most severe); the rest are counted exactly by rule and
    /// severity.
    #[serde(default)]
    pub max_listed_violations: Option<u64>,
    /// A TOML file of `[[waiver]]` tables, relative to this file.
    #[serde(default)]
    pub waivers: Option<String>,
    /// Waivers: owned, time-boxed exceptions (see `docs/waivers.md`).
    #[serde(default, rename = "waiver")]
    pub waiver_tables: Vec<WaiverConfig>,
    /// A TOML file of `[[attestation]]` tables, relative to this file.
    #[serde(default)]
    pub attestations: Option<String>,
    /// Attestations of controls no machine can check.
    #[serde(default, rename = "attestation")]
    pub attestation_tables: Vec<AttestationConfig>,
    /// The audit ledger every verdict is appended to: `sqlite:PATH` or
    /// `postgres://…` (`--ledger` overrides it).
    #[serde(default)]
    pub ledger: Option<String>,
    /// When true, a ledger that cannot be written is a warning, not an
    /// error of the run.
    #[serde(default)]
    pub ledger_best_effort: bool,
    /// The policies of the gate.
    #[serde(default, rename = "policy")]
    pub policies: Vec<PolicyConfig>,
}

/// One `[[policy]]` table.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PolicyConfig {
    /// Unique kebab-case id, used in reports, waivers and logs.
    pub id: String,
    /// `builtin:NAME`, or a path to a `.wasm` component relative to this file.
    pub plugin: String,
    /// sha256 of the plugin file; required for plugin files.
    #[serde(default)]
    pub sha256: Option<String>,
    /// `advisory`, `soft` or `hard` (default).
    #[serde(default)]
    pub enforcement: Enforcement,
    /// Environments it applies to (globs); empty means all.
    #[serde(default)]
    pub environments: Vec<String>,
    /// Branches it applies to (globs); empty means all. On pull requests
    /// they match the target branch (see `branch-scope`).
    #[serde(default)]
    pub branches: Vec<String>,
    /// The result when no input speaks for evidence the plugin requires:
    /// `error` (default), `warn` or `pass`.
    #[serde(default)]
    pub missing: Missing,
    /// The day it starts to block (`YYYY-MM-DD`): before it, its violations
    /// only warn, and every report says from when they will block.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub effective_from: Option<toml::Value>,
    /// Per-evaluation limits.
    #[serde(default)]
    pub limits: LimitsConfig,
    /// The plugin's configuration, checked against its JSON Schema.
    #[serde(default)]
    #[schemars(with = "std::collections::BTreeMap<String, serde_json::Value>")]
    pub config: toml::Table,
    /// A TOML file holding the plugin's configuration (a framework mapping,
    /// a shared setting), relative to this file. Merged with `config`:
    /// tables merge key by key, and any other value in `config` replaces
    /// the file's.
    #[serde(default)]
    pub config_file: Option<String>,
}

/// Limits of one evaluation; unset values take the host's defaults.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LimitsConfig {
    /// CPU time in milliseconds (default 2000).
    pub time_ms: Option<u64>,
    /// Memory in MiB (default 256).
    pub memory_mib: Option<u64>,
    /// Outcome size in MiB (default 64).
    pub outcome_mib: Option<u64>,
}

/// `max-input-mib` when the gate file does not set it.
pub const DEFAULT_MAX_INPUT_MIB: u64 = 2048;

/// Where a policy's plugin comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PluginRef {
    /// Embedded in the binary.
    Builtin(String),
    /// A component file, pinned by sha256.
    File {
        /// Resolved path.
        path: PathBuf,
        /// Expected lowercase hex sha256.
        sha256: String,
    },
}

impl PluginRef {
    /// How the plugin is named in reports: `builtin:NAME` or the path.
    pub fn display(&self) -> String {
        match self {
            PluginRef::Builtin(name) => format!("builtin:{name}"),
            PluginRef::File { path, .. } => path.display().to_string(),
        }
    }
}

/// A checked policy.
#[derive(Debug, Clone)]
pub struct ValidPolicy {
    /// Position in the file's `[[policy]]` list (for diagnostics).
    pub index: usize,
    /// Id.
    pub id: String,
    /// Plugin.
    pub plugin: PluginRef,
    /// Enforcement.
    pub enforcement: Enforcement,
    /// Compiled scope.
    pub scope: Scope,
    /// Its result when required evidence is missing.
    pub missing: Missing,
    /// The day it starts to block, when set.
    pub effective_from: Option<Day>,
    /// Limits.
    pub limits: LimitsConfig,
    /// Configuration as JSON, for the plugin.
    pub config: serde_json::Value,
}

/// A checked configuration: every policy well-formed, ids unique, paths resolved.
#[derive(Debug, Clone)]
pub struct ValidConfig {
    /// The file, as given.
    pub path: String,
    /// Its text, for later diagnostics (plugin schema checks).
    pub text: String,
    /// Inputs resolved against the file's directory.
    pub inputs: Vec<String>,
    /// Advisory database, resolved.
    pub advisory_db: Option<PathBuf>,
    /// Allowed signers file for SSH commit signatures, resolved.
    pub allowed_signers: Option<PathBuf>,
    /// OpenPGP keyring for commit signatures, resolved.
    pub keyring: Option<PathBuf>,
    /// Incomplete-scan handling.
    pub incomplete_scans: IncompleteScans,
    /// Declared environments (empty: any).
    pub environments: Vec<String>,
    /// Which branch scopes match.
    pub branch_scope: BranchScope,
    /// What a run with nothing in scope decides.
    pub nothing_in_scope: NothingInScope,
    /// Reports required on every run.
    pub require: RequireConfig,
    /// Largest input file read, in bytes.
    pub max_input_bytes: u64,
    /// Violations listed in full per policy.
    pub max_listed_violations: usize,
    /// Waivers, from the gate file and its waivers file, in that order.
    pub waivers: Vec<Waiver>,
    /// Attestations, likewise.
    pub attestations: Vec<Attestation>,
    /// Ledger URL.
    pub ledger: Option<String>,
    /// Whether a ledger failure is only a warning.
    pub ledger_best_effort: bool,
    /// The gate file and the files it read, with their sha256.
    pub files: Vec<GateFile>,
    /// The policies, in file order.
    pub policies: Vec<ValidPolicy>,
}

impl ValidConfig {
    /// The byte span of `policy[index].<path…>` in the file, for diagnostics
    /// found after loading (for example by a plugin's schema).
    ///
    /// A `config` key that is not in this file came from the policy's
    /// `config-file`: its span is that of `config-file`.
    pub fn span_of(&self, index: usize, path: &[&str]) -> Option<Range<usize>> {
        let table = DeTable::parse(&self.text).ok()?;
        let root = table.get_ref();
        let found = policy_span(root, index, path);
        let inline = policy_span(root, index, &path[..path.len().min(2)]).is_some();
        if path.first() == Some(&"config") && !inline {
            return policy_span(root, index, &["config-file"]).or(found);
        }
        found
    }

    /// A [`ConfigError`] for diagnostics about this file.
    pub fn error(&self, diagnostics: Vec<Diagnostic>) -> ConfigError {
        ConfigError {
            path: self.path.clone(),
            text: self.text.clone(),
            diagnostics,
            also: Vec::new(),
        }
    }
}

/// Reads and checks a `verdict.toml`. `builtins` are the names `builtin:NAME`
/// may use. Every problem in the file is reported at once.
pub fn load(path: &Path, builtins: &[&str]) -> Result<ValidConfig, ConfigError> {
    let text = fs_err::read_to_string(path).map_err(|error| ConfigError {
        path: path.display().to_string(),
        text: String::new(),
        diagnostics: vec![Diagnostic::new(
            format!("cannot read the gate file: {}", io_cause(error)),
            None,
        )],
        also: Vec::new(),
    })?;
    let base = path.parent().unwrap_or(Path::new(""));
    parse(&path.display().to_string(), text, base, builtins)
}

/// Checks configuration text; relative paths resolve against `base`.
pub fn parse(
    path: &str,
    text: String,
    base: &Path,
    builtins: &[&str],
) -> Result<ValidConfig, ConfigError> {
    let fail = |text: String, diagnostics| ConfigError {
        path: path.to_owned(),
        text,
        diagnostics,
        also: Vec::new(),
    };
    let config: Config = match toml::from_str(&text) {
        Ok(config) => config,
        Err(error) => {
            let diagnostic = Diagnostic::new(error.message().trim_end().to_owned(), error.span());
            return Err(fail(text, vec![diagnostic]));
        }
    };
    let spans = DeTable::parse(&text).map_err(|error| {
        fail(
            text.clone(),
            vec![Diagnostic::new(error.message().to_owned(), error.span())],
        )
    })?;
    let spans = spans.get_ref();
    let mut diagnostics = Vec::new();
    let mut policies = Vec::new();
    for (index, policy) in config.policies.iter().enumerate() {
        let span = |key: &str| policy_span(spans, index, &[key]);
        let before = diagnostics.len();
        if !is_kebab_case(&policy.id) {
            diagnostics.push(
                Diagnostic::new(
                    format!("policy id `{}` is not kebab-case", policy.id),
                    span("id"),
                )
                .with_hint("use lowercase letters, digits and `-`, e.g. `no-critical-vulns`"),
            );
        } else if config.policies[..index]
            .iter()
            .any(|other| other.id == policy.id)
        {
            diagnostics.push(Diagnostic::new(
                format!("duplicate policy id `{}`", policy.id),
                span("id"),
            ));
        }
        let plugin = match check_plugin(policy, base, builtins) {
            Ok(plugin) => Some(plugin),
            Err(diagnostic) => {
                let key = if diagnostic.message.contains("sha256") {
                    "sha256"
                } else {
                    "plugin"
                };
                diagnostics.push(Diagnostic {
                    span: span(key).or_else(|| span("plugin")),
                    ..diagnostic
                });
                None
            }
        };
        let scope = match Scope::new(&policy.environments, &policy.branches) {
            Ok(scope) => Some(scope),
            Err(message) => {
                let key = if policy
                    .environments
                    .iter()
                    .any(|p| message.contains(&format!("`{p}`")))
                {
                    "environments"
                } else {
                    "branches"
                };
                diagnostics.push(Diagnostic::new(
                    format!("policy `{}`: {message}", policy.id),
                    span(key),
                ));
                None
            }
        };
        if !config.environments.is_empty() {
            for pattern in &policy.environments {
                let matches_one = Scope::new(std::slice::from_ref(pattern), &[])
                    .map(|scope| {
                        config
                            .environments
                            .iter()
                            .any(|environment| scope.matches(Some(environment), None))
                    })
                    .unwrap_or(true);
                if !matches_one {
                    diagnostics.push(
                        Diagnostic::new(
                            format!(
                                "policy `{}`: environment pattern `{pattern}` matches none of the gate's `environments`",
                                policy.id
                            ),
                            span("environments"),
                        )
                        .with_hint(format!(
                            "the gate declares: {}",
                            config.environments.join(", ")
                        )),
                    );
                }
            }
        }
        for (value, key) in [
            (policy.limits.time_ms, "time-ms"),
            (policy.limits.memory_mib, "memory-mib"),
            (policy.limits.outcome_mib, "outcome-mib"),
        ] {
            if value == Some(0) {
                diagnostics.push(Diagnostic::new(
                    format!(
                        "policy `{}`: limit `{key}` must be greater than 0",
                        policy.id
                    ),
                    policy_span(spans, index, &["limits", key]),
                ));
            }
        }
        let policy_config = match &policy.config_file {
            None => Some(policy.config.clone()),
            Some(file) => match read_config_file(base, file) {
                Ok(mut table) => {
                    merge(&mut table, policy.config.clone());
                    Some(table)
                }
                Err(problem) => {
                    diagnostics.push(
                        Diagnostic::new(
                            format!("policy `{}`: config file {problem}", policy.id),
                            span("config-file"),
                        )
                        .with_hint("`config-file` is relative to this file and holds TOML"),
                    );
                    None
                }
            },
        };
        let effective_from = match &policy.effective_from {
            None => None,
            Some(value) => {
                let day = day_of(value);
                if day.is_none() {
                    diagnostics.push(Diagnostic::new(
                        format!(
                            "policy `{}`: `effective-from` must be a date, `YYYY-MM-DD`",
                            policy.id
                        ),
                        span("effective-from"),
                    ));
                }
                day
            }
        };
        if let (Some(plugin), Some(scope), Some(policy_config), true) =
            (plugin, scope, policy_config, diagnostics.len() == before)
        {
            policies.push(ValidPolicy {
                index,
                id: policy.id.clone(),
                plugin,
                enforcement: policy.enforcement,
                scope,
                missing: policy.missing,
                effective_from,
                limits: policy.limits,
                config: toml_to_json(toml::Value::Table(policy_config)),
            });
        }
    }
    if config.max_input_mib == Some(0) {
        diagnostics.push(Diagnostic::new(
            "`max-input-mib` must be greater than 0".to_owned(),
            spans
                .get_key_value("max-input-mib")
                .map(|(name, _)| name.span()),
        ));
    }
    if config.max_listed_violations == Some(0) {
        diagnostics.push(Diagnostic::new(
            "`max-listed-violations` must be greater than 0".to_owned(),
            spans
                .get_key_value("max-listed-violations")
                .map(|(name, _)| name.span()),
        ));
    }
    let policy_ids: Vec<&str> = config.policies.iter().map(|p| p.id.as_str()).collect();
    let mut files = vec![GateFile {
        role: "gate".to_owned(),
        path: path.to_owned(),
        sha256: sha256_hex(text.as_bytes()),
    }];
    let mut also = Vec::new();
    // Waivers and attestations: the gate file's own tables, then those of
    // the file it names, each file's problems reported against its text.
    let mut side = SideFiles {
        base,
        spans,
        files: &mut files,
        diagnostics: &mut diagnostics,
        also: &mut also,
    };
    let waivers = side.tables(
        &config.waiver_tables,
        "waiver",
        config.waivers.as_deref().map(|file| (file, "waivers")),
        |table, index, span, diagnostics| {
            Waiver::check(table, index, &policy_ids, span, diagnostics)
        },
    );
    let attestations = side.tables(
        &config.attestation_tables,
        "attestation",
        config
            .attestations
            .as_deref()
            .map(|file| (file, "attestations")),
        |table, index, span, diagnostics| Attestation::check(table, index, span, diagnostics),
    );
    let mut seen_ids = std::collections::HashSet::new();
    for waiver in &waivers {
        if !seen_ids.insert(waiver.id.as_str()) {
            diagnostics.push(Diagnostic::new(
                format!("duplicate waiver id `{}`", waiver.id),
                None,
            ));
        }
    }
    for policy in &config.policies {
        if let Some(file) = &policy.config_file {
            let resolved = base.join(file);
            if let Ok(bytes) = fs_err::read(&resolved) {
                files.push(GateFile {
                    role: "config-file".to_owned(),
                    path: resolved.display().to_string(),
                    sha256: sha256_hex(&bytes),
                });
            }
        }
    }
    if !diagnostics.is_empty() || !also.is_empty() {
        let mut error = fail(text, diagnostics);
        error.also = also;
        return Err(error);
    }
    Ok(ValidConfig {
        path: path.to_owned(),
        inputs: config
            .inputs
            .iter()
            .map(|input| resolve_input(base, input))
            .collect(),
        advisory_db: config.advisory_db.as_ref().map(|db| base.join(db)),
        allowed_signers: config.allowed_signers.as_ref().map(|file| base.join(file)),
        keyring: config.keyring.as_ref().map(|file| base.join(file)),
        incomplete_scans: config.incomplete_scans,
        environments: config.environments.clone(),
        branch_scope: config.branch_scope,
        nothing_in_scope: config.nothing_in_scope,
        require: config.require.clone(),
        max_input_bytes: config.max_input_mib.unwrap_or(DEFAULT_MAX_INPUT_MIB) << 20,
        max_listed_violations: config
            .max_listed_violations
            .map_or(crate::tally::DEFAULT_LISTED_VIOLATIONS, |n| {
                usize::try_from(n).unwrap_or(usize::MAX)
            }),
        waivers,
        attestations,
        ledger: config.ledger.clone(),
        ledger_best_effort: config.ledger_best_effort,
        files,
        policies,
        text,
    })
}

fn check_plugin(
    policy: &PolicyConfig,
    base: &Path,
    builtins: &[&str],
) -> Result<PluginRef, Diagnostic> {
    if let Some(name) = policy.plugin.strip_prefix("builtin:") {
        if !builtins.contains(&name) {
            return Err(Diagnostic::new(
                format!("policy `{}`: unknown built-in plugin `{name}`", policy.id),
                None,
            )
            .with_hint(format!("built-in plugins: {}", builtins.join(", "))));
        }
        if policy.sha256.is_some() {
            return Err(Diagnostic::new(
                format!(
                    "policy `{}`: `sha256` applies only to plugin files, not built-ins",
                    policy.id
                ),
                None,
            ));
        }
        return Ok(PluginRef::Builtin(name.to_owned()));
    }
    match &policy.sha256 {
        None => Err(Diagnostic::new(
            format!(
                "policy `{}`: plugin file `{}` has no `sha256` pin",
                policy.id, policy.plugin
            ),
            None,
        )
        .with_hint("add `sha256 = \"…\"`; `verdict plugin inspect FILE` prints it")),
        Some(sha256) if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) => {
            Err(Diagnostic::new(
                format!("policy `{}`: `sha256` must be 64 hex digits", policy.id),
                None,
            ))
        }
        Some(sha256) => Ok(PluginRef::File {
            path: base.join(&policy.plugin),
            sha256: sha256.to_ascii_lowercase(),
        }),
    }
}

/// Reads a policy's `config-file`; the error names the file, and the line and
/// column of a TOML problem.
/// The bare cause of an I/O error, without the path fs_err adds.
fn io_cause(error: std::io::Error) -> String {
    error.raw_os_error().map_or_else(
        || error.kind().to_string(),
        |code| std::io::Error::from_raw_os_error(code).to_string(),
    )
}

/// Lowercase hex sha256.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    verdict_evidence::fingerprint::sha256_hex(bytes)
}

/// The gate file's tables of exceptions and the files it names for more of
/// them, checked with every problem kept: the gate file's in `diagnostics`,
/// each side file's in `also`, against its own text.
struct SideFiles<'a, 'b> {
    base: &'a Path,
    spans: &'a DeTable<'b>,
    files: &'a mut Vec<GateFile>,
    diagnostics: &'a mut Vec<Diagnostic>,
    also: &'a mut Vec<ConfigError>,
}

/// Where a table's keys are, for diagnostics.
type Spans<'s> = dyn Fn(&str) -> Option<Range<usize>> + 's;

impl SideFiles<'_, '_> {
    /// `inline` (the gate file's `[[array]]` tables), then those of the
    /// side file named by the gate file's `key`, each checked by `check`.
    fn tables<T: serde::de::DeserializeOwned, V>(
        &mut self,
        inline: &[T],
        array: &str,
        file: Option<(&str, &str)>,
        check: impl Fn(&T, usize, &Spans<'_>, &mut Vec<Diagnostic>) -> Option<V>,
    ) -> Vec<V> {
        let mut checked = Vec::new();
        for (index, table) in inline.iter().enumerate() {
            let span = |key: &str| array_span(self.spans, array, index, key);
            checked.extend(check(table, index, &span, self.diagnostics));
        }
        let Some((file, key)) = file else {
            return checked;
        };
        let key_span = self.spans.get_key_value(key).map(|(name, _)| name.span());
        let path = self.base.join(file);
        let text = match fs_err::read_to_string(&path) {
            Ok(text) => text,
            Err(error) => {
                self.diagnostics.push(Diagnostic::new(
                    format!(
                        "`{key}` file `{}` cannot be read: {}",
                        path.display(),
                        io_cause(error)
                    ),
                    key_span,
                ));
                return checked;
            }
        };
        let tables: BTreeMap<String, Vec<T>> = match toml::from_str(&text) {
            Ok(tables) => tables,
            Err(error) => {
                self.diagnostics.push(Diagnostic::new(
                    format!(
                        "`{key}` file `{}`{}: {}",
                        path.display(),
                        error
                            .span()
                            .map(|span| format!(
                                " line {}",
                                text[..span.start.min(text.len())].matches('\n').count() + 1
                            ))
                            .unwrap_or_default(),
                        error.message().trim_end()
                    ),
                    key_span,
                ));
                return checked;
            }
        };
        let record = GateFile {
            role: key.to_owned(),
            path: path.display().to_string(),
            sha256: sha256_hex(text.as_bytes()),
        };
        self.files.push(record.clone());
        let file_spans = DeTable::parse(&text).ok();
        let mut problems = Vec::new();
        for other in tables.keys().filter(|name| *name != array) {
            problems.push(Diagnostic::new(
                format!("unknown key `{other}`: a `{key}` file holds `[[{array}]]` tables only"),
                None,
            ));
        }
        for (index, table) in tables.get(array).into_iter().flatten().enumerate() {
            let span = |name: &str| {
                file_spans
                    .as_ref()
                    .and_then(|spans| array_span(spans.get_ref(), array, index, name))
            };
            checked.extend(check(table, inline.len() + index, &span, &mut problems));
        }
        if !problems.is_empty() {
            self.also.push(ConfigError {
                path: record.path,
                text,
                diagnostics: problems,
                also: Vec::new(),
            });
        }
        checked
    }
}

/// The span of `<array>[index].<key>` (or of the table, for an empty key
/// or a missing one).
fn array_span(root: &DeTable<'_>, array: &str, index: usize, key: &str) -> Option<Range<usize>> {
    let DeValue::Array(items) = root.get(array)?.get_ref() else {
        return None;
    };
    let item = items.get(index)?;
    if let DeValue::Table(table) = item.get_ref()
        && let Some((name, _)) = table.get_key_value(key)
    {
        return Some(name.span());
    }
    Some(item.span())
}

fn read_config_file(base: &Path, file: &str) -> Result<toml::Table, String> {
    let path = base.join(file);
    let text = fs_err::read_to_string(&path).map_err(|error| {
        // fs_err's message repeats the path: show the bare cause.
        let cause = error.raw_os_error().map_or_else(
            || error.kind().to_string(),
            |code| std::io::Error::from_raw_os_error(code).to_string(),
        );
        format!("`{}` cannot be read: {cause}", path.display())
    })?;
    toml::from_str::<toml::Table>(&text).map_err(|error| {
        let at = error
            .span()
            .map(|span| {
                let before = &text[..span.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let column = before
                    .rfind('\n')
                    .map_or(before.len(), |n| before.len() - n - 1)
                    + 1;
                format!(" line {line}, column {column}")
            })
            .unwrap_or_default();
        format!("`{}`{at}: {}", path.display(), error.message().trim_end())
    })
}

/// Merges `over` into `base`: tables merge key by key, recursively; any other
/// value of `over` replaces `base`'s.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(inner)), toml::Value::Table(value)) => merge(inner, value),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// Resolves an input against the config's directory, keeping a `FORMAT:` prefix.
fn resolve_input(base: &Path, input: &str) -> String {
    if let Some((format, path)) = input.split_once(':')
        && !format.is_empty()
        && format.chars().all(|c| c.is_ascii_lowercase() || c == '-')
        && !base.join(input).exists()
    {
        return format!("{format}:{}", base.join(path).display());
    }
    base.join(input).display().to_string()
}

fn is_kebab_case(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('-')
        && !id.ends_with('-')
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// The span of `policy[index].<path…>` (a key's name when present, else its value).
fn policy_span(root: &DeTable<'_>, index: usize, path: &[&str]) -> Option<Range<usize>> {
    let policies = root.get("policy")?;
    let DeValue::Array(policies) = policies.get_ref() else {
        return None;
    };
    let policy = policies.get(index)?;
    let mut span = policy.span();
    let mut current = policy.get_ref();
    for key in path {
        let DeValue::Table(table) = current else {
            return Some(span);
        };
        let (name, value) = table.get_key_value(*key)?;
        span = name.span();
        current = value.get_ref();
    }
    Some(span)
}

/// TOML to JSON without TOML's private datetime wrapper: datetimes become
/// RFC 3339 strings.
pub(crate) fn toml_to_json(value: toml::Value) -> serde_json::Value {
    use serde_json::Value as Json;
    match value {
        toml::Value::String(text) => Json::String(text),
        toml::Value::Integer(number) => Json::from(number),
        toml::Value::Float(number) => {
            serde_json::Number::from_f64(number).map_or(Json::Null, Json::Number)
        }
        toml::Value::Boolean(flag) => Json::Bool(flag),
        toml::Value::Datetime(datetime) => Json::String(datetime.to_string()),
        toml::Value::Array(items) => Json::Array(items.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(table) => Json::Object(
            table
                .into_iter()
                .map(|(k, v)| (k, toml_to_json(v)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUILTINS: &[&str] = &["coverage", "vulnerabilities"];

    fn check(text: &str) -> Result<ValidConfig, ConfigError> {
        parse(
            "verdict.toml",
            text.to_owned(),
            Path::new("/repo"),
            BUILTINS,
        )
    }

    #[test]
    fn reads_a_gate_with_builtin_and_file_plugins() {
        let config = check(
            r#"
inputs = ["reports/", "sarif:out/results.json"]
[[policy]]
id = "coverage"
plugin = "builtin:coverage"
branches = ["main"]
config = { min-lines = 80.0 }

[[policy]]
id = "custom"
plugin = "plugins/custom.wasm"
sha256 = "AB0000000000000000000000000000000000000000000000000000000000000c"
enforcement = "advisory"
"#,
        )
        .unwrap();
        assert_eq!(
            config.inputs,
            ["/repo/reports/", "sarif:/repo/out/results.json"]
        );
        assert_eq!(
            config.policies[0].config,
            serde_json::json!({"min-lines": 80.0})
        );
        assert_eq!(config.policies[0].enforcement, Enforcement::Hard);
        assert!(
            matches!(&config.policies[1].plugin, PluginRef::File { sha256, .. } if sha256.starts_with("ab"))
        );
    }

    #[test]
    fn reports_every_problem_at_once_with_lines() {
        let error = check(
            r#"[[policy]]
id = "Bad_Id"
plugin = "builtin:nope"

[[policy]]
id = "x"
plugin = "custom.wasm"
branches = ["["]
"#,
        )
        .unwrap_err();
        let text = error.to_string();
        assert_eq!(error.diagnostics.len(), 4, "{text}");
        assert!(
            text.contains("verdict.toml:2:1: policy id `Bad_Id` is not kebab-case"),
            "{text}"
        );
        assert!(
            text.contains("verdict.toml:3:1: policy `Bad_Id`: unknown built-in plugin `nope`"),
            "{text}"
        );
        assert!(
            text.contains(
                "verdict.toml:7:1: policy `x`: plugin file `custom.wasm` has no `sha256` pin"
            ),
            "{text}"
        );
        assert!(
            text.contains("verdict.toml:8:1: policy `x`: invalid glob `[`"),
            "{text}"
        );
        assert!(
            error.render().contains("hint: add `sha256"),
            "{}",
            error.render()
        );
    }

    #[test]
    fn unknown_keys_are_errors_with_position() {
        let error =
            check("[[policy]]\nid = \"a\"\nplugin = \"builtin:coverage\"\nenforcment = \"hard\"\n")
                .unwrap_err();
        let text = error.to_string();
        assert!(
            text.starts_with("verdict.toml:4:1: unknown field `enforcment`"),
            "{text}"
        );
    }

    #[test]
    fn fail_closed_settings_default_to_error_and_read_as_written() {
        let config = check("[[policy]]\nid = \"a\"\nplugin = \"builtin:coverage\"\n").unwrap();
        assert_eq!(config.branch_scope, BranchScope::Target);
        assert_eq!(config.nothing_in_scope, NothingInScope::Error);
        assert_eq!(config.policies[0].missing, Missing::Error);
        assert_eq!(config.max_input_bytes, DEFAULT_MAX_INPUT_MIB << 20);
        let config = check(
            "branch-scope = \"built\"\nnothing-in-scope = \"pass\"\nmax-input-mib = 1\n[require]\nformats = [\"gitleaks\"]\nkinds = [\"secrets\"]\n[[policy]]\nid = \"a\"\nplugin = \"builtin:coverage\"\nmissing = \"warn\"\n",
        )
        .unwrap();
        assert_eq!(config.branch_scope, BranchScope::Built);
        assert_eq!(config.nothing_in_scope, NothingInScope::Pass);
        assert_eq!(config.policies[0].missing, Missing::Warn);
        assert_eq!(config.require.kinds, [Kind::Secrets]);
        assert_eq!(config.max_input_bytes, 1 << 20);
        let error = check("[require]\nkinds = [\"secret\"]\n").unwrap_err();
        assert!(error.render().contains("secret"), "{}", error.render());
    }

    #[test]
    fn policy_environments_must_match_a_declared_environment() {
        let error = check(
            "environments = [\"staging\", \"production\"]\n[[policy]]\nid = \"a\"\nplugin = \"builtin:coverage\"\nenvironments = [\"prod\", \"prod*\"]\n",
        )
        .unwrap_err();
        let rendered = error.render();
        assert_eq!(error.diagnostics.len(), 1, "{rendered}");
        assert!(rendered.contains("`prod` matches none"), "{rendered}");
    }

    #[test]
    fn duplicate_ids_are_rejected() {
        let error = check(
            "[[policy]]\nid = \"a\"\nplugin = \"builtin:coverage\"\n[[policy]]\nid = \"a\"\nplugin = \"builtin:coverage\"\n",
        )
        .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("verdict.toml:5:1: duplicate policy id `a`"),
            "{error}"
        );
    }

    #[test]
    fn span_of_finds_nested_config_keys() {
        let text = "[[policy]]\nid = \"a\"\nplugin = \"builtin:coverage\"\n[policy.config]\nmin-lines = 80\n";
        let config = check(text).unwrap();
        let span = config.span_of(0, &["config", "min-lines"]).unwrap();
        assert_eq!(&text[span], "min-lines");
    }

    /// A fresh directory for one test's files.
    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("verdict-gate-{name}-{}", std::process::id()));
        let _ = fs_err::remove_dir_all(&dir);
        fs_err::create_dir_all(dir.join("frameworks")).unwrap();
        dir
    }

    #[test]
    fn config_file_merges_under_inline_config() {
        let dir = scratch("config-file-merge");
        fs_err::write(
            dir.join("frameworks/map.toml"),
            "min-lines = 50.0\nexclude = [\"a/**\"]\n[controls.x]\ncwes = [\"CWE-1\"]\ntitle = \"X\"\n",
        )
        .unwrap();
        let text = "[[policy]]\nid = \"a\"\nplugin = \"builtin:coverage\"\nconfig-file = \"frameworks/map.toml\"\n[policy.config]\nmin-lines = 80.0\ncontrols.x.cwes = [\"CWE-2\"]\n";
        let config = parse("verdict.toml", text.to_owned(), &dir, BUILTINS).unwrap();
        assert_eq!(
            config.policies[0].config,
            serde_json::json!({
                "min-lines": 80.0,
                "exclude": ["a/**"],
                "controls": { "x": { "cwes": ["CWE-2"], "title": "X" } }
            })
        );
        // A key only the file has points at `config-file` in the gate.
        let span = config.span_of(0, &["config", "exclude"]).unwrap();
        assert_eq!(&text[span], "config-file");
        let span = config.span_of(0, &["config", "min-lines"]).unwrap();
        assert_eq!(&text[span], "min-lines");
        let _ = fs_err::remove_dir_all(&dir);
    }

    #[test]
    fn config_file_problems_name_the_file_and_line() {
        let dir = scratch("config-file-problems");
        fs_err::write(dir.join("frameworks/bad.toml"), "a = 1\nb = = 2\n").unwrap();
        let text = "[[policy]]\nid = \"bad\"\nplugin = \"builtin:coverage\"\nconfig-file = \"frameworks/bad.toml\"\n\n[[policy]]\nid = \"gone\"\nplugin = \"builtin:coverage\"\nconfig-file = \"nope.toml\"\n";
        let error = parse("verdict.toml", text.to_owned(), &dir, BUILTINS).unwrap_err();
        assert_eq!(error.diagnostics.len(), 2, "{error:?}");
        let bad = &error.diagnostics[0].message;
        assert!(bad.starts_with("policy `bad`: config file `"), "{bad}");
        assert!(bad.contains("bad.toml` line 2, column 5: "), "{bad}");
        assert_eq!(error.line_column(&error.diagnostics[0]), Some((4, 1)));
        let gone = &error.diagnostics[1].message;
        assert!(gone.contains("nope.toml` cannot be read: "), "{gone}");
        assert!(!gone.contains("failed to open"), "{gone}");
        assert_eq!(error.line_column(&error.diagnostics[1]), Some((9, 1)));
        let _ = fs_err::remove_dir_all(&dir);
    }
}
