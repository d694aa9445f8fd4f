//! black's `--check` report (what it writes to standard error): one
//! `would reformat PATH` line per file, `error: cannot format PATH: reason`
//! per file it could not parse, and its summary (`Oh no! 💥 💔 💥`,
//! `2 files would be reformatted, 3 files would be left unchanged.`).
//!
//! Each file black would reformat is a finding with the rule
//! `would-reformat`; each it cannot format is one with `cannot-format` and
//! an incomplete-scan notice. Both make `black --check` fail, and black has
//! no levels: they are `high`, with no `level`. The summary's counts must
//! match the lines read, so a truncated report is an error; any other line
//! is an error too (`--diff` output, or black run without `--check`, which
//! rewrites files instead of reporting them). With `--quiet` black writes
//! nothing but errors: drop it so that a clean run's `All done!` is kept.

use crate::error::FormatError;
use crate::formats::generic::text_lines;
use crate::formats::lint::{Fingerprints, leading_count};
use crate::formats::{Output, ParseInput};
use crate::sniff::{Shape, Sniff};
use verdict_evidence::{Finding, Location, Notice, NoticeKind, Severity};

const TOOL: &str = "black";
const WOULD_REFORMAT: &str = "would reformat ";
const CANNOT_FORMAT: &str = "error: cannot format ";

pub(crate) fn detect(sniff: &Sniff<'_>) -> bool {
    sniff.shape == Shape::Text
        && sniff
            .first_line()
            .and_then(|line| std::str::from_utf8(line).ok())
            .is_some_and(|line| {
                line.starts_with(WOULD_REFORMAT)
                    || line.starts_with(CANNOT_FORMAT)
                    || is_banner(line)
            })
}

/// The lines black writes around its summary.
fn is_banner(line: &str) -> bool {
    line.starts_with("All done! ")
        || line.starts_with("Oh no! ")
        || line.starts_with("No Python files are present to be formatted.")
}

/// Counts in black's summary line.
#[derive(Default, Debug, PartialEq, Eq)]
struct Summary {
    reformat: u64,
    fail: u64,
}

pub(crate) fn parse(input: &ParseInput<'_>, output: &mut Output) -> Result<(), FormatError> {
    let mut fingerprints = Fingerprints::default();
    let mut read = Summary::default();
    let mut summary = None;
    for line in text_lines(input.bytes) {
        let (number, line) = line?;
        if line.is_empty() || is_banner(line) {
            continue;
        }
        let (rule, path, message) = if let Some(path) = line.strip_prefix(WOULD_REFORMAT) {
            read.reformat += 1;
            (
                "would-reformat",
                path,
                "black would reformat this file".to_owned(),
            )
        } else if let Some(rest) = line.strip_prefix(CANNOT_FORMAT) {
            read.fail += 1;
            let (path, reason) = rest.split_once(": ").unwrap_or((rest, ""));
            output.evidence.notices.push(Notice {
                source: 0,
                kind: NoticeKind::IncompleteScan,
                message: format!("black could not format `{path}`"),
            });
            (
                "cannot-format",
                path,
                format!("black cannot format this file: {reason}"),
            )
        } else if let Some(counts) = summary_line(line) {
            summary = Some((counts, number));
            continue;
        } else if line.starts_with("reformatted ") {
            return Err(FormatError::new(
                "black ran without `--check` and rewrote files: run `black --check`",
            )
            .at(number, None));
        } else {
            return Err(FormatError::new(
                "not a line of `black --check` (`would reformat PATH`, its summary)",
            )
            .at(number, None));
        };
        if path.is_empty() {
            return Err(FormatError::new("a black line without a path").at(number, None));
        }
        let mut finding = Finding::new(0, TOOL, rule);
        finding.severity = Severity::High;
        finding.location = Some(Location::new(path, None, None));
        finding.fingerprint = fingerprints.next(TOOL, rule, path, "");
        finding.message = message;
        output.evidence.findings.push(finding);
    }
    if let Some((counts, number)) = summary
        && counts != read
    {
        return Err(FormatError::new(format!(
            "black's summary counts {} files to reformat and {} failures but {} and {} were read: the report is incomplete",
            counts.reformat, counts.fail, read.reformat, read.fail
        ))
        .at(number, None));
    }
    output.tool = Some(TOOL.to_owned());
    Ok(())
}

/// `2 files would be reformatted, 3 files would be left unchanged, 1 file
/// would fail to reformat.`; `None` for any other line.
fn summary_line(line: &str) -> Option<Summary> {
    let mut summary = Summary::default();
    for part in line.trim_end_matches('.').split(", ") {
        let count = leading_count(part)?;
        let (_, what) = part.split_once(' ')?;
        let what = what
            .strip_prefix("files ")
            .or_else(|| what.strip_prefix("file "))?;
        match what {
            "would be reformatted" => summary.reformat = count,
            "would fail to reformat" => summary.fail = count,
            "would be left unchanged" => {}
            _ => return None,
        }
    }
    Some(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_summary_lines() {
        assert_eq!(
            summary_line("2 files would be reformatted, 3 files would be left unchanged."),
            Some(Summary {
                reformat: 2,
                fail: 0
            })
        );
        assert_eq!(
            summary_line("1 file would be reformatted, 1 file would fail to reformat."),
            Some(Summary {
                reformat: 1,
                fail: 1
            })
        );
        assert_eq!(
            summary_line("1 file would be left unchanged."),
            Some(Summary::default())
        );
        assert_eq!(summary_line("2 files reformatted."), None);
        assert_eq!(summary_line("would reformat x.py"), None);
    }
}
