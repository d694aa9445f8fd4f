//! Loading a gate run: the gate file, the run's context, the evidence.
//! Shared by `check`, `validate`, `baseline create` and `verify`.

use crate::args::GateArgs;
use crate::context::{self, ContextArgs};
use std::path::Path;
use verdict_evidence::policy::Context;
use verdict_evidence::{Evidence, Kind, Source, fingerprint};
use verdict_gate::document::GateFile;
use verdict_gate::{BaselineFile, ConfigError, ValidConfig};
use verdict_ingest::Options;

/// Reads and checks the gate file. `Ok(Err(_))` is a configuration error
/// with its diagnostics, for the caller to print (exit 2).
pub fn config(args: &GateArgs) -> anyhow::Result<Result<ValidConfig, ConfigError>> {
    config_at(&args.config)
}

/// Reads and checks the gate file at `path` (see [`config`]).
pub fn config_at(path: &Path) -> anyhow::Result<Result<ValidConfig, ConfigError>> {
    if !path.exists() {
        anyhow::bail!(
            "no gate configuration at `{}`: no such file (hint: pass `--config FILE`; `policies/` has ready gates to copy)",
            path.display()
        );
    }
    Ok(verdict_gate::load(path, &crate::gate::builtin_names()))
}

/// The run's context: flags, then the CI's variables, then tags at head.
pub fn context(args: &GateArgs, config: &ValidConfig) -> anyhow::Result<Context> {
    let mut tags = args.tags.clone();
    if let Some(repo) = &args.repo {
        tags.extend(verdict_git::tags_at(repo, args.head.as_deref()).map_err(git_error)?);
        tags.sort();
        tags.dedup();
    }
    let context = context::build(
        ContextArgs {
            environment: args.env.clone(),
            branch: args.branch.clone(),
            target_branch: args.target_branch.clone(),
            event: args.event.clone(),
            version: args.version.clone(),
            now: args.now.clone(),
            actor: args.actor.clone(),
            repository: args.repository.clone(),
            tags,
        },
        true,
    )?;
    if let Some(environment) = &context.environment
        && !config.environments.is_empty()
        && !config.environments.contains(environment)
    {
        anyhow::bail!(
            "environment `{environment}` is not one of the gate's environments ({}) in `{}`: a misspelt environment would skip the policies scoped to it",
            config.environments.join(", "),
            args.config.display()
        );
    }
    Ok(context)
}

/// Ingests every input of the gate file and the command line, and the
/// repository when there is one.
pub fn evidence(args: &GateArgs, config: &ValidConfig) -> anyhow::Result<Evidence> {
    let mut paths = config.inputs.clone();
    paths.extend(args.inputs.iter().cloned());
    if paths.is_empty() {
        anyhow::bail!(
            "no inputs: list them in `{}` (`inputs = [...]`) or pass `--input PATH`",
            args.config.display()
        );
    }
    let inputs = crate::commands::ingest_inputs(&paths, None)?;
    let options = Options {
        advisory_db: args
            .advisory_db
            .clone()
            .or_else(|| config.advisory_db.clone()),
        max_file_bytes: Some(config.max_input_bytes),
    };
    let started = std::time::Instant::now();
    let mut evidence = verdict_ingest::ingest(&inputs, &options)?;
    if let Some(repo) = &args.repo {
        read_repository(args, config, repo, &mut evidence)?;
    }
    tracing::info!(
        inputs = evidence.sources.len(),
        records = evidence.record_count(),
        ms = started.elapsed().as_millis() as u64,
        "read every input"
    );
    Ok(evidence)
}

fn read_repository(
    args: &GateArgs,
    config: &ValidConfig,
    repo: &Path,
    evidence: &mut Evidence,
) -> anyhow::Result<()> {
    evidence.commits = verdict_git::commits(repo, args.base.as_deref(), args.head.as_deref())
        .map_err(git_error)?;
    // Signatures are verified here, over the exact signed payload, so that
    // no policy has to trust a signature block it cannot check.
    let keys = verdict_git::Keys::load(
        args.allowed_signers
            .as_deref()
            .or(config.allowed_signers.as_deref()),
        args.keyring.as_deref().or(config.keyring.as_deref()),
    )?;
    verdict_git::verify(repo, &mut evidence.commits, &keys).map_err(git_error)?;
    evidence.tags = verdict_git::tags(repo).map_err(git_error)?;
    let mut kinds = vec![Kind::Commits, Kind::Tags];
    // A change needs a base: without one the repository does not speak for
    // changes, so a policy that requires them errors instead of passing.
    if let Some(base) = &args.base {
        let (changes, code_owners) =
            verdict_git::changes(repo, base, args.head.as_deref()).map_err(git_error)?;
        evidence.changes = changes;
        evidence.code_owners = code_owners;
        kinds.push(Kind::Changes);
    }
    // The repository is an input like any report: recorded with its head
    // commit's id, and speaking for the kinds read from it.
    let head = verdict_git::head_id(repo, args.head.as_deref()).map_err(git_error)?;
    evidence.sources.push(Source {
        path: repo.display().to_string(),
        format: "git".to_owned(),
        sha256: head,
        tool: None,
        records: (evidence.commits.len() + evidence.changes.len() + evidence.tags.len()) as u64,
        kinds,
    });
    Ok(())
}

/// Reads a baseline file, with its record for the verdict document.
pub fn baseline(path: &Path) -> anyhow::Result<(GateFile, BaselineFile)> {
    let bytes = fs_err::read(path).map_err(|error| {
        anyhow::anyhow!(
            "baseline `{}` cannot be read: {}",
            path.display(),
            io_cause(&error)
        )
    })?;
    let file = BaselineFile::parse(&bytes)
        .map_err(|problem| anyhow::anyhow!("baseline `{}`: {problem}", path.display()))?;
    Ok((
        GateFile {
            role: "baseline".to_owned(),
            path: path.display().to_string(),
            sha256: fingerprint::sha256_hex(&bytes),
        },
        file,
    ))
}

/// The bare cause of an I/O error ("No such file or directory"), without
/// the path fs_err repeats.
pub fn io_cause(error: &std::io::Error) -> String {
    error.raw_os_error().map_or_else(
        || error.kind().to_string(),
        |code| std::io::Error::from_raw_os_error(code).to_string(),
    )
}

/// A git error with its hint, as one line.
pub fn git_error(error: verdict_git::GitError) -> anyhow::Error {
    match error.hint() {
        Some(hint) => anyhow::anyhow!("{error} (hint: {hint})"),
        None => anyhow::anyhow!("{error}"),
    }
}

/// How many earlier runs of the repository a run reads from the ledger as
/// `history` evidence (every branch and environment; policies filter).
pub const HISTORY_LIMIT: u64 = 100;

/// The ledger a run writes to and reads history from: `--ledger`, then the
/// gate file's `ledger`, then `$VERDICT_LEDGER`.
pub fn ledger_url(flag: Option<&str>, config: &ValidConfig) -> Option<String> {
    let from_env = std::env::var(verdict_ledger::LEDGER_ENV)
        .ok()
        .filter(|url| !url.is_empty());
    flag.map(str::to_owned)
        .or_else(|| config.ledger.clone())
        .or(from_env)
}

/// Reads the last [`HISTORY_LIMIT`] decisions recorded for the run's
/// repository into `evidence.history`, newest first, with a source of
/// format `ledger` that speaks for `history` (its sha256 is the chain head
/// read). Without a ledger or a repository name nothing speaks for
/// `history`, so a policy that requires it errors instead of seeing an
/// empty past. A ledger that cannot be read is an error of the run, or a
/// warning with `ledger-best-effort = true`.
pub fn history(
    flag: Option<&str>,
    config: &ValidConfig,
    context: &Context,
    evidence: &mut Evidence,
) -> anyhow::Result<()> {
    let (Some(url), Some(repository)) = (ledger_url(flag, config), context.repository.as_deref())
    else {
        return Ok(());
    };
    match read_history(&url, repository) {
        Ok((head, history)) => {
            evidence.sources.push(Source {
                path: verdict_ledger::redact(&url),
                format: "ledger".to_owned(),
                sha256: head,
                tool: None,
                records: history.len() as u64,
                kinds: vec![Kind::History],
            });
            evidence.history = history;
            Ok(())
        }
        Err(error) if config.ledger_best_effort => {
            tracing::warn!(
                "the ledger's history was NOT read (ledger-best-effort; policies that require `history` will error): {error}"
            );
            Ok(())
        }
        Err(error) => Err(anyhow::anyhow!(
            "the ledger's history cannot be read: {error} (set `ledger-best-effort = true` in the gate file to make this a warning)"
        )),
    }
}

/// The chain head's hash and the repository's last runs up to that head.
fn read_history(
    url: &str,
    repository: &str,
) -> Result<(String, Vec<verdict_evidence::PastVerdict>), verdict_ledger::LedgerError> {
    use verdict_evidence::{PastDecision, PastPolicy, PastVerdict};
    let mut ledger = verdict_ledger::Ledger::open(url)?;
    // The head first: records appended meanwhile by parallel jobs are left
    // out, so the history is exactly the chain up to the recorded hash.
    let (head_seq, head) = ledger.head()?;
    let corrupt = |seq: u64, reason: String| verdict_ledger::LedgerError::Corrupt {
        url: verdict_ledger::redact(url),
        seq,
        reason,
    };
    let decision = |seq: u64, name: &str| {
        name.parse::<PastDecision>()
            .map_err(|_| corrupt(seq, "its decision is not a decision".to_owned()))
    };
    let mut history = Vec::new();
    for entry in ledger.history(repository, None, None, HISTORY_LIMIT)? {
        if entry.seq > head_seq {
            continue;
        }
        let time_unix = chrono::DateTime::parse_from_rfc3339(&entry.now)
            .map_err(|_| corrupt(entry.seq, "its run time is not RFC 3339".to_owned()))?
            .timestamp();
        let event = entry
            .event
            .as_deref()
            .map(|name| {
                name.parse()
                    .map_err(|_| corrupt(entry.seq, "its event is not an event".to_owned()))
            })
            .transpose()?;
        let policies = ledger
            .policy_results(entry.seq)?
            .into_iter()
            .map(|result| {
                Ok(PastPolicy {
                    decision: decision(entry.seq, result.decision.as_str())?,
                    id: result.policy,
                })
            })
            .collect::<Result<_, verdict_ledger::LedgerError>>()?;
        history.push(PastVerdict {
            seq: entry.seq,
            time: entry.now,
            time_unix,
            repository: entry.repository,
            commit: entry.commit,
            branch: entry.branch,
            target_branch: entry.target_branch,
            environment: entry.environment,
            version: entry.version,
            actor: entry.actor,
            event,
            decision: decision(entry.seq, entry.decision.as_str())?,
            policies,
        });
    }
    Ok((head, history))
}
