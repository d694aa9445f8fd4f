//! `verdict validate` (and `check --dry-run`): the gate is checked without
//! reading any input: every plugin loads and matches its pin, and every
//! policy's configuration is valid for its plugin, in scope for this run or
//! not, so that a wrong pin on a production-only policy is found on the pull
//! request. Waivers and attestations are checked with the gate file.

use crate::args::GateArgs;
use crate::exit::ExitStatus;
use crate::gate::{self, RunOptions};
use crate::load;

#[expect(clippy::print_stdout, reason = "the summary is the command's output")]
pub fn run(args: &GateArgs) -> anyhow::Result<ExitStatus> {
    let config = match load::config(args)? {
        Ok(config) => config,
        Err(error) => return Ok(super::check::config_error(&error)),
    };
    let host = gate::host(&RunOptions {
        cache_dir: args.cache_dir.clone(),
        no_cache: args.no_cache,
        ..RunOptions::default()
    })?;
    match gate::validate(&host, &config) {
        Ok(plugins) => {
            println!(
                "ok: `{}` is valid: {} policies, {plugins} plugins loaded, {} waivers, {} attestations",
                verdict_report::text::untrusted(&config.path),
                config.policies.len(),
                config.waivers.len(),
                config.attestations.len()
            );
            Ok(ExitStatus::Success)
        }
        Err(error) => Ok(super::check::config_error(&error)),
    }
}
