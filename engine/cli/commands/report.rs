//! `verdict report`: renders a stored verdict document in any format.

use crate::args::ReportTarget;
use crate::exit::ExitStatus;
use anyhow::Context as _;
use clap::Args;
use std::path::PathBuf;
use verdict_gate::document::{FORMAT, Verdict};

/// `verdict report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// A verdict document, as `verdict check --format json` writes it.
    #[arg(long, value_name = "VERDICT.json")]
    pub from: PathBuf,
    /// A report format, to stdout or, as `FORMAT=FILE`, to a file (repeatable): console, json, sarif, junit, markdown, github, gitlab, html [default: console].
    #[arg(short, long = "format", value_name = "FORMAT[=FILE]", value_parser = parse_target)]
    pub formats: Vec<ReportTarget>,
}

/// One `--format F[=FILE]`: a format, to stdout without a file (as
/// `verdict check` reads it).
fn parse_target(text: &str) -> Result<ReportTarget, String> {
    let (format, path) = match text.split_once('=') {
        Some((_, "")) => return Err(format!("`{text}`: no file after `=`")),
        Some((format, path)) => (format, Some(PathBuf::from(path))),
        None => (text, None),
    };
    Ok(ReportTarget {
        format: format.parse()?,
        path,
    })
}

pub fn run(args: &ReportArgs) -> anyhow::Result<ExitStatus> {
    let verdict = read(&args.from)?;
    check_targets(&args.formats)?;
    super::check::write_reports(&args.formats, &verdict)?;
    Ok(ExitStatus::Success)
}

/// Reads a stored verdict document; anything but a `verdict/v1` document is
/// an error naming the file.
pub fn read(path: &std::path::Path) -> anyhow::Result<Verdict> {
    let bytes = fs_err::read(path)?;
    let verdict: Verdict = serde_json::from_slice(&bytes).with_context(|| {
        format!(
            "`{}` is not a verdict document ({FORMAT}, as `verdict check --format json` writes it)",
            path.display()
        )
    })?;
    if verdict.format != FORMAT {
        anyhow::bail!(
            "`{}` is a verdict document of format `{}`; this verdict reads `{FORMAT}`",
            path.display(),
            verdict.format
        );
    }
    Ok(verdict)
}

/// At most one report to stdout and no two to the same file, so that
/// reports never interleave or overwrite each other.
pub fn check_targets(targets: &[ReportTarget]) -> anyhow::Result<()> {
    let to_stdout: Vec<&str> = targets
        .iter()
        .filter(|target| target.path.is_none())
        .map(|target| target.format.id())
        .collect();
    if to_stdout.len() > 1 {
        anyhow::bail!(
            "more than one report to stdout ({}): give all but one a file, as `--format FORMAT=FILE`",
            to_stdout.join(", ")
        );
    }
    for (index, target) in targets.iter().enumerate() {
        if let Some(path) = &target.path
            && targets[..index]
                .iter()
                .any(|t| t.path.as_ref() == Some(path))
        {
            anyhow::bail!("two reports to the same file `{}`", path.display());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use verdict_report::OutputFormat;

    #[test]
    fn format_targets_parse_with_and_without_a_file() {
        let target = parse_target("sarif=out/verdict.sarif").unwrap();
        assert_eq!(target.format, OutputFormat::Sarif);
        assert_eq!(target.path, Some(PathBuf::from("out/verdict.sarif")));
        let target = parse_target("markdown").unwrap();
        assert_eq!(target.path, None);
        assert!(parse_target("sarif=").unwrap_err().contains("no file"));
        assert!(
            parse_target("xml=a")
                .unwrap_err()
                .contains("unknown report format")
        );
        let two =
            |a: &str, b: &str| check_targets(&[parse_target(a).unwrap(), parse_target(b).unwrap()]);
        assert!(two("json=a", "sarif=b").is_ok());
        assert!(two("json", "sarif=b").is_ok());
        assert!(
            two("json", "sarif")
                .unwrap_err()
                .to_string()
                .contains("more than one report to stdout")
        );
        assert!(
            two("json=a", "sarif=a")
                .unwrap_err()
                .to_string()
                .contains("same file `a`")
        );
    }
}
