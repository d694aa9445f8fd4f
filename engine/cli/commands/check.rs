//! `verdict check`: the gate.

use crate::args::{CheckArgs, ReportTarget};
use crate::exit::ExitStatus;
use crate::gate::{self, RunOptions};
use crate::load;
use std::io::{IsTerminal, Write};
use std::sync::Arc;
use verdict_evidence::Evidence;
use verdict_gate::Decision;
use verdict_gate::document::Verdict;
use verdict_report::{OutputFormat, RenderOptions};

pub fn run(args: &CheckArgs) -> anyhow::Result<ExitStatus> {
    if args.dry_run {
        return super::validate::run(&args.gate);
    }
    super::report::check_targets(&args.formats)?;
    let config = match load::config(&args.gate)? {
        Ok(config) => config,
        Err(error) => return Ok(config_error(&error)),
    };
    let context = load::context(&args.gate, &config)?;
    let overrides = gate::overrides(
        &args.overrides,
        args.reason.as_deref(),
        context.actor.as_deref(),
        &config,
    )?;
    let baseline = args.baseline.as_deref().map(load::baseline).transpose()?;
    let options = RunOptions {
        cache_dir: args.gate.cache_dir.clone(),
        no_cache: args.gate.no_cache,
        timings: !args.gate.no_timings,
        baseline,
        overrides,
        record_fingerprints: false,
    };
    // The plugins load (or compile, on a first run) while the inputs are
    // read: neither needs the other. An input that cannot be read is
    // reported before a plugin that cannot load, as when they ran in turn.
    let (evidence, prepared) = rayon::join(
        || -> anyhow::Result<Evidence> {
            let mut evidence = load::evidence(&args.gate, &config)?;
            load::history(args.ledger.as_deref(), &config, &context, &mut evidence)?;
            Ok(evidence)
        },
        || gate::host(&options).and_then(|host| gate::prepare(&host, &config, &context)),
    );
    let evidence = Arc::new(evidence?);
    let ran = prepared.and_then(|prepared| {
        gate::decide_prepared(prepared, &config, &evidence, context, &options)
    });
    let verdict = match ran {
        Ok(ran) => ran.verdict,
        Err(error) => match error.downcast::<verdict_gate::ConfigError>() {
            Ok(config_errors) => return Ok(config_error(&config_errors)),
            Err(error) => return Err(error),
        },
    };
    write_reports(&args.formats, &verdict)?;
    let status = exit_status(verdict.decision);
    super::ledger_append::record(args.ledger.as_deref(), &config, &verdict)?;
    // The process ends here: freeing a million findings one by one would
    // take a tenth of the gate's time, and the kernel takes the memory back
    // at once.
    std::mem::forget(evidence);
    std::mem::forget(verdict);
    Ok(status)
}

/// Writes every report asked for (the console report to stdout when none
/// was), each to its file or to stdout.
pub fn write_reports(targets: &[ReportTarget], verdict: &Verdict) -> anyhow::Result<()> {
    let console = [ReportTarget {
        format: OutputFormat::Console,
        path: None,
    }];
    let targets = if targets.is_empty() {
        &console[..]
    } else {
        targets
    };
    for target in targets {
        match &target.path {
            Some(path) => {
                let file = fs_err::File::create(path).map_err(|error| {
                    anyhow::anyhow!(
                        "cannot write the {} report to `{}`: {}",
                        target.format,
                        path.display(),
                        load::io_cause(&error)
                    )
                })?;
                let mut out = std::io::BufWriter::new(file);
                verdict_report::render_to(
                    target.format,
                    verdict,
                    &RenderOptions::default(),
                    &mut out,
                )?;
                out.flush()?;
            }
            None => {
                let stdout = std::io::stdout();
                // Colour only for a person at a terminal who did not ask
                // for none (https://no-color.org).
                let color = stdout.is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty());
                let mut out = std::io::BufWriter::new(stdout.lock());
                verdict_report::render_to(
                    target.format,
                    verdict,
                    &RenderOptions { color },
                    &mut out,
                )?;
                out.flush()?;
            }
        }
    }
    Ok(())
}

/// The exit status of a decision.
pub fn exit_status(decision: Decision) -> ExitStatus {
    match decision {
        Decision::Pass | Decision::Warn | Decision::Skipped => ExitStatus::Success,
        Decision::Fail => ExitStatus::Failure,
        Decision::Error => ExitStatus::Error,
    }
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
