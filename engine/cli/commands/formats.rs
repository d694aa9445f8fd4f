//! `verdict formats`: the supported input formats, from the registry.

use crate::exit::ExitStatus;
use std::io::Write;
use verdict_ingest::FORMATS;

pub fn run() -> anyhow::Result<ExitStatus> {
    let mut out = std::io::stdout().lock();
    let width = FORMATS
        .iter()
        .map(|format| format.id.len())
        .max()
        .unwrap_or(0);
    for format in FORMATS {
        writeln!(
            out,
            "{:width$}  {:<30}  {}",
            format.id,
            format.family.title(),
            format.summary
        )?;
    }
    Ok(ExitStatus::Success)
}
