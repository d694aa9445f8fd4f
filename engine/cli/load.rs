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
    if !args.config.exists() {
        anyhow::bail!(
            "no gate configuration at `{}`: no such file (hint: pass `--config FILE`; `policies/` has ready gates to copy)",
            args.config.display()
        );
    }
    Ok(verdict_gate::load(
        &args.config,
        &crate::gate::builtin_names(),
    ))
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
    let mut evidence = verdict_ingest::ingest(&inputs, &options)?;
    if let Some(repo) = &args.repo {
        read_repository(args, config, repo, &mut evidence)?;
    }
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
