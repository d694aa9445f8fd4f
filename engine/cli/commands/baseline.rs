//! `verdict baseline create`: runs the gate and records the fingerprint of
//! every violation that counts, per policy, so that `check --baseline`
//! fails only on new ones ("clean as you code").

use crate::args::{BaselineCommand, GateArgs};
use crate::exit::ExitStatus;
use crate::gate::{self, RunOptions};
use crate::load;
use std::path::Path;
use std::sync::Arc;
use verdict_gate::{BASELINE_FORMAT, BaselineFile, Decision};

pub fn run(command: &BaselineCommand) -> anyhow::Result<ExitStatus> {
    match command {
        BaselineCommand::Create { gate, output } => create(gate, output),
    }
}

#[expect(clippy::print_stdout, reason = "the summary is the command's output")]
fn create(args: &GateArgs, output: &Path) -> anyhow::Result<ExitStatus> {
    let config = match load::config(args)? {
        Ok(config) => config,
        Err(error) => return Ok(super::check::config_error(&error)),
    };
    let context = load::context(args, &config)?;
    let now = context.now.clone();
    let evidence = Arc::new(load::evidence(args, &config)?);
    let options = RunOptions {
        cache_dir: args.cache_dir.clone(),
        no_cache: args.no_cache,
        record_fingerprints: true,
        ..RunOptions::default()
    };
    let host = gate::host(&options)?;
    let ran = match gate::run(&host, &config, &evidence, context, &options) {
        Ok(ran) => ran,
        Err(error) => match error.downcast::<verdict_gate::ConfigError>() {
            Ok(config_errors) => return Ok(super::check::config_error(&config_errors)),
            Err(error) => return Err(error),
        },
    };
    // A baseline of a run that could not decide would hide what the
    // failing policies would have found.
    if ran.verdict.decision == Decision::Error {
        super::check::write_reports(&[], &ran.verdict)?;
        anyhow::bail!(
            "the gate could not decide (see above): no baseline written to `{}`",
            output.display()
        );
    }
    let file = BaselineFile {
        format: BASELINE_FORMAT.to_owned(),
        created: now,
        policies: ran
            .fingerprints
            .into_iter()
            .filter(|(_, fingerprints)| !fingerprints.is_empty())
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&file)?;
    text.push('\n');
    fs_err::write(output, text).map_err(|error| {
        anyhow::anyhow!(
            "cannot write the baseline to `{}`: {}",
            output.display(),
            load::io_cause(&error)
        )
    })?;
    println!(
        "baseline: {} violations of {} policies recorded in `{}`",
        file.entries(),
        file.policies.len(),
        verdict_report::text::untrusted(&output.display().to_string())
    );
    Ok(ExitStatus::Success)
}
