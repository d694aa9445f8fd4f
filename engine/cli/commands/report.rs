//! `verdict report`: renders a stored verdict document in any format, and
//! the `--format F[=FILE]` destinations `verdict check` shares.

use crate::exit::ExitStatus;
use anyhow::Context as _;
use clap::Args;
use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;
use verdict_gate::document::{FORMAT, Verdict};
use verdict_report::{OutputFormat, RenderOptions};

/// `verdict report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// A verdict document, as `verdict check --format json` writes it.
    #[arg(long, value_name = "VERDICT.json")]
    pub from: PathBuf,
    /// A report format, to stdout or, as `F=FILE`, to a file (repeatable): console, json, sarif, junit, markdown, github, gitlab, html [default: console].
    #[arg(short, long = "format", value_name = "F[=FILE]")]
    pub formats: Vec<FormatTarget>,
}

/// One `--format F[=FILE]`: a format and where it goes (stdout without a
/// file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatTarget {
    /// The format.
    pub format: OutputFormat,
    /// The file to write, or `None` for stdout.
    pub path: Option<PathBuf>,
}

impl std::str::FromStr for FormatTarget {
    type Err = String;

    fn from_str(text: &str) -> Result<FormatTarget, String> {
        let (format, path) = match text.split_once('=') {
            Some((_, "")) => return Err(format!("`{text}`: no file after `=`")),
            Some((format, path)) => (format, Some(PathBuf::from(path))),
            None => (text, None),
        };
        Ok(FormatTarget {
            format: format.parse()?,
            path,
        })
    }
}

pub fn run(args: &ReportArgs) -> anyhow::Result<ExitStatus> {
    let verdict = read(&args.from)?;
    write_reports(&verdict, &args.formats)?;
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

/// Writes each report to its destination (`console` to stdout when none is
/// given). At most one goes to stdout and no two to the same file, so that
/// reports never interleave or overwrite each other. The console report is
/// coloured only on a terminal and without `NO_COLOR`.
pub fn write_reports(verdict: &Verdict, targets: &[FormatTarget]) -> anyhow::Result<()> {
    let default = [FormatTarget {
        format: OutputFormat::Console,
        path: None,
    }];
    let targets = if targets.is_empty() {
        &default[..]
    } else {
        targets
    };
    let to_stdout: Vec<&str> = targets
        .iter()
        .filter(|target| target.path.is_none())
        .map(|target| target.format.id())
        .collect();
    if to_stdout.len() > 1 {
        anyhow::bail!(
            "more than one report to stdout ({}): give all but one a file, as `--format F=FILE`",
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
    for target in targets {
        match &target.path {
            Some(path) => {
                let file = fs_err::File::create(path)?;
                let mut out = std::io::BufWriter::new(file);
                verdict_report::render_to(
                    target.format,
                    verdict,
                    &RenderOptions::default(),
                    &mut out,
                )
                .and_then(|()| out.flush())
                .with_context(|| {
                    format!(
                        "cannot write the {} report to `{}`",
                        target.format,
                        path.display()
                    )
                })?;
            }
            None => {
                let stdout = std::io::stdout();
                let options = RenderOptions {
                    color: std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
                        && stdout.is_terminal(),
                };
                let mut out = stdout.lock();
                verdict_report::render_to(target.format, verdict, &options, &mut out)
                    .and_then(|()| out.flush())
                    .with_context(|| {
                        format!("cannot write the {} report to stdout", target.format)
                    })?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_targets_parse_with_and_without_a_file() {
        let target: FormatTarget = "sarif=out/verdict.sarif".parse().unwrap();
        assert_eq!(target.format, OutputFormat::Sarif);
        assert_eq!(target.path, Some(PathBuf::from("out/verdict.sarif")));
        let target: FormatTarget = "markdown".parse().unwrap();
        assert_eq!(target.path, None);
        assert!(
            "sarif="
                .parse::<FormatTarget>()
                .unwrap_err()
                .contains("no file")
        );
        assert!(
            "xml=a"
                .parse::<FormatTarget>()
                .unwrap_err()
                .contains("unknown report format")
        );
    }
}
