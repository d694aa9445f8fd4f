//! `verdict check`: the gate.

use crate::args::{CheckArgs, ReportFormat};
use crate::context::{self, ContextArgs};
use crate::exit::ExitStatus;
use crate::gate::{self, RunOptions};
use std::io::Write;
use verdict_gate::Decision;
use verdict_ingest::Options;
use verdict_report::{OutputFormat, render};

pub fn run(args: &CheckArgs) -> anyhow::Result<ExitStatus> {
    if !args.config.exists() {
        anyhow::bail!(
            "no gate configuration at `{}` (hint: pass `--config FILE`; `policies/` has ready gates to copy)",
            args.config.display()
        );
    }
    let config = match verdict_gate::load(&args.config, &gate::builtin_names()) {
        Ok(config) => config,
        Err(error) => return Ok(config_error(&error)),
    };
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
    let mut paths = config.inputs.clone();
    paths.extend(args.inputs.iter().cloned());
    if paths.is_empty() {
        anyhow::bail!(
            "no inputs: list them in `{}` (`inputs = [...]`) or pass `--input PATH`",
            args.config.display()
        );
    }
    let inputs = super::ingest::inputs(&paths, None)?;
    let options = Options {
        advisory_db: args
            .advisory_db
            .clone()
            .or_else(|| config.advisory_db.clone()),
        max_file_bytes: Some(config.max_input_bytes),
    };
    let mut evidence = verdict_ingest::ingest(&inputs, &options)?;
    if let Some(repo) = &args.repo {
        evidence.commits = verdict_git::commits(repo, args.base.as_deref(), args.head.as_deref())
            .map_err(git_error)?;
        // Signatures are verified here, over the exact signed payload, so
        // that no policy has to trust a signature block it cannot check.
        let keys = verdict_git::Keys::load(
            args.allowed_signers
                .as_deref()
                .or(config.allowed_signers.as_deref()),
            args.keyring.as_deref().or(config.keyring.as_deref()),
        )?;
        verdict_git::verify(repo, &mut evidence.commits, &keys).map_err(git_error)?;
        evidence.tags = verdict_git::tags(repo).map_err(git_error)?;
        let mut kinds = vec![
            verdict_evidence::Kind::Commits,
            verdict_evidence::Kind::Tags,
        ];
        // A change needs a base: without one the repository does not speak for
        // changes, so a policy that requires them errors instead of passing.
        if let Some(base) = &args.base {
            let (changes, code_owners) =
                verdict_git::changes(repo, base, args.head.as_deref()).map_err(git_error)?;
            evidence.changes = changes;
            evidence.code_owners = code_owners;
            kinds.push(verdict_evidence::Kind::Changes);
        }
        // The repository is an input like any report: recorded with its head
        // commit's id, and speaking for the kinds read from it.
        let head = verdict_git::head_id(repo, args.head.as_deref()).map_err(git_error)?;
        evidence.sources.push(verdict_evidence::Source {
            path: repo.display().to_string(),
            format: "git".to_owned(),
            sha256: head,
            tool: None,
            records: (evidence.commits.len() + evidence.changes.len() + evidence.tags.len()) as u64,
            kinds,
        });
    }
    let run_options = RunOptions {
        cache_dir: args.cache_dir.clone(),
        no_cache: args.no_cache,
        timings: !args.no_timings,
    };
    let evidence = std::sync::Arc::new(evidence);
    let host = gate::host(&run_options)?;
    let verdict = match gate::run(&host, &config, &evidence, context, &run_options) {
        Ok(verdict) => verdict,
        Err(error) => match error.downcast::<verdict_gate::ConfigError>() {
            Ok(config_errors) => return Ok(config_error(&config_errors)),
            Err(error) => return Err(error),
        },
    };
    let format = match args.format {
        ReportFormat::Console => OutputFormat::Console,
        ReportFormat::Json => OutputFormat::Json,
    };
    std::io::stdout()
        .lock()
        .write_all(render(format, &verdict).as_bytes())?;
    Ok(match verdict.decision {
        Decision::Pass | Decision::Warn | Decision::Skipped => ExitStatus::Success,
        Decision::Fail => ExitStatus::Failure,
        Decision::Error => ExitStatus::Error,
    })
}

/// Prints configuration diagnostics with their snippets; exit 2.
#[expect(
    clippy::print_stderr,
    reason = "diagnostics are the command's output on failure"
)]
pub fn config_error(error: &verdict_gate::ConfigError) -> ExitStatus {
    eprint!("{}", error.render());
    ExitStatus::Error
}

/// A git error with its hint, as one line.
fn git_error(error: verdict_git::GitError) -> anyhow::Error {
    match error.hint() {
        Some(hint) => anyhow::anyhow!("{error} (hint: {hint})"),
        None => anyhow::anyhow!("{error}"),
    }
}
